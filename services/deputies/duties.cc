#include "deputies/duties.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/enums.h"
#include "common/names.h"
#include "common/status.h"
#include "common/text.h"
#include "deputies/registry.h"

namespace minyi::deputies {
namespace {

using ::minyi::deputies::v1::DutyRecord;

constexpr absl::string_view kDutiesInfix = "/duties/";

}  // namespace

absl::StatusOr<DutyKey> ParseDutyName(absl::string_view name, absl::string_view field) {
  const absl::Status bad =
      InvalidField(field, absl::StrCat("must be a resource name like \"", kDeputies, "1", kDutiesInfix, "2\""));
  const std::size_t infix = name.find(kDutiesInfix);
  if (infix == absl::string_view::npos) {
    return bad;
  }
  absl::StatusOr<int64_t> deputy = ParseResourceId(name.substr(0, infix), kDeputies, field);
  absl::StatusOr<int64_t> id = ParseResourceId(name.substr(infix + 1), "duties/", field);
  if (!deputy.ok() || !id.ok()) {
    return bad;
  }
  return DutyKey{.deputy_id = *deputy, .id = *id};
}

std::string DutyName(int64_t deputy_id, int64_t id) { return absl::StrCat(kDeputies, deputy_id, kDutiesInfix, id); }

absl::StatusOr<int64_t> ParseChildOfResource(absl::string_view name, absl::string_view collection,
                                             absl::string_view suffix, absl::string_view field) {
  absl::string_view parent = name;
  if (!absl::ConsumeSuffix(&parent, suffix)) {
    return InvalidField(field, absl::StrCat("must be a resource name like \"", collection, "1", suffix, "\""));
  }
  return ParseResourceId(parent, collection, field);
}

void KeepDutyContent(DutyRecord* duty) {
  DutyRecord content;
  content.set_date(duty->date());
  content.set_category(duty->category());
  content.set_description(duty->description());
  content.set_station(duty->station());
  *content.mutable_evidence() = duty->evidence();
  *duty = std::move(content);
}

absl::Status ValidateDutyContent(const DutyRecord& duty, absl::string_view today, absl::string_view prefix) {
  auto field = [&](absl::string_view name) { return absl::StrCat(prefix, ".", name); };
  if (!IsValidDate(duty.date())) {
    return InvalidField(field("date"), "must be a date as YYYY-MM-DD");
  }
  if (duty.date() > today) {
    return InvalidField(field("date"), "must not be in the future");
  }
  if (absl::Status st =
          RequireEnum<minyi::deputies::v1::DutyCategory>(field("category"), duty.category(), "must be a duty category");
      !st.ok()) {
    return st;
  }
  if (absl::Status st = CheckText(field("description"), duty.description(), 1, kMaxDescriptionChars); !st.ok()) {
    return st;
  }
  if (!duty.station().empty()) {
    if (absl::Status st = ParseResourceId(duty.station(), kStations, field("station")).status(); !st.ok()) {
      return st;
    }
  }
  return ValidateEvidence(duty.evidence(), field("evidence"));
}

absl::Status ValidateEvidence(const google::protobuf::RepeatedPtrField<std::string>& evidence,
                              absl::string_view field) {
  if (evidence.size() > kMaxEvidence) {
    return InvalidField(field, absl::StrCat("must hold at most ", kMaxEvidence, " references"));
  }
  for (int i = 0; i < evidence.size(); ++i) {
    if (absl::Status st = CheckText(absl::StrCat(field, "[", i, "]"), evidence[i], 1, kMaxEvidenceChars); !st.ok()) {
      return st;
    }
  }
  return absl::OkStatus();
}

absl::Status ValidatePointRules(const minyi::deputies::v1::PointRules& rules) {
  std::set<int> seen;
  for (int i = 0; i < rules.rules_size(); ++i) {
    const minyi::deputies::v1::PointRule& rule = rules.rules(i);
    auto field = [&](absl::string_view name) { return absl::StrCat("point_rules.rules[", i, "].", name); };
    if (absl::Status st = RequireEnum<minyi::deputies::v1::DutyCategory>(field("category"), rule.category(),
                                                                         "must be a duty category");
        !st.ok()) {
      return st;
    }
    if (!seen.insert(rule.category()).second) {
      return InvalidField(field("category"), "has a rule already");
    }
    if (rule.points() < 0 || rule.points() > kMaxRulePoints) {
      return InvalidField(field("points"), absl::StrCat("must be between 0 and ", kMaxRulePoints));
    }
    if (rule.monthly_cap() < 0 || rule.monthly_cap() > kMaxRuleCap) {
      return InvalidField(field("monthly_cap"), absl::StrCat("must be between 0 (no cap) and ", kMaxRuleCap));
    }
  }
  return absl::OkStatus();
}

PointRuleTable ToRuleTable(const minyi::deputies::v1::PointRules& rules) {
  PointRuleTable table;
  for (const minyi::deputies::v1::PointRule& rule : rules.rules()) {
    table[rule.category()] = {.points = rule.points(), .monthly_cap = rule.monthly_cap()};
  }
  return table;
}

std::optional<AutomaticDuty> AutomaticDutyFor(absl::string_view type) {
  if (type == "minyi.suggestions.v1.SuggestionSubmitted") {
    return AutomaticDuty{minyi::deputies::v1::DUTY_CATEGORY_MOTION_OR_SUGGESTION, "提出建议（系统自动记录）"};
  }
  if (type == "minyi.voting.v1.BallotCast") {
    return AutomaticDuty{minyi::deputies::v1::DUTY_CATEGORY_BALLOT, "参加民生实事项目票决（系统自动记录）"};
  }
  if (type == "minyi.evaluation.v1.ScoreSheetSubmitted") {
    return AutomaticDuty{minyi::deputies::v1::DUTY_CATEGORY_EVALUATION, "参加评议测评（系统自动记录）"};
  }
  return std::nullopt;
}

}  // namespace minyi::deputies

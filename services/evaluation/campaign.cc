#include "evaluation/campaign.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/enums.h"
#include "common/names.h"
#include "common/status.h"
#include "common/text.h"

namespace minyi::evaluation {
namespace {

using minyi::evaluation::v1::RaterGroup;
using minyi::evaluation::v1::ScoreSheet;
using minyi::evaluation::v1::Subject;

constexpr std::size_t kMaxSubjects = 200;
constexpr std::size_t kMaxRaters = 2000;

absl::Status CheckWeight(absl::string_view field, int weight) {
  if (weight < 0 || weight > 100) {
    return InvalidField(field, "权重须在 0 至 100 之间");
  }
  return absl::OkStatus();
}

absl::Status CheckSum(absl::string_view field, int sum) {
  if (sum != 100) {
    return InvalidField(field, absl::StrCat("权重合计须为 100，现为 ", sum));
  }
  return absl::OkStatus();
}

absl::Status CheckSubject(Subject* s, absl::string_view field) {
  auto f = [&](absl::string_view leaf) { return absl::StrCat(field, ".", leaf); };
  s->clear_name();
  if (absl::Status st = CheckText(f("display_name"), s->display_name(), 1, 100); !st.ok()) {
    return st;
  }
  switch (s->kind()) {
    case minyi::evaluation::v1::SUBJECT_KIND_DEPARTMENT:
    case minyi::evaluation::v1::SUBJECT_KIND_DELIBERATION_OPINION:
      return CheckText(f("department"), s->department(), 1, 64);
    case minyi::evaluation::v1::SUBJECT_KIND_OFFICIAL:
      return ParseResourceId(s->account(), "accounts/", f("account")).status();
    case minyi::evaluation::v1::SUBJECT_KIND_DEPUTY:
      return ParseResourceId(s->deputy(), "deputies/", f("deputy")).status();
    default:
      return InvalidField(f("kind"), "须指定评议对象类型");
  }
}

absl::Status CheckGroup(RaterGroup* g, absl::string_view field, std::set<std::string>* raters) {
  auto f = [&](absl::string_view leaf) { return absl::StrCat(field, ".", leaf); };
  if (absl::Status st = CheckText(f("code"), g->code(), 1, 32); !st.ok()) {
    return st;
  }
  if (absl::Status st = CheckText(f("display_name"), g->display_name(), 1, 64); !st.ok()) {
    return st;
  }
  if (absl::Status st = CheckWeight(f("weight"), g->weight()); !st.ok()) {
    return st;
  }
  if (g->raters().empty()) {
    return InvalidField(f("raters"), "每个评议组至少一名评议人");
  }
  for (int i = 0; i < g->raters_size(); ++i) {
    const std::string& r = g->raters(i);
    const std::string rf = absl::StrCat(field, ".raters[", i, "]");
    const bool ok = absl::StartsWith(r, "deputies/") ? ParseResourceId(r, "deputies/", rf).ok()
                                                     : ParseResourceId(r, "accounts/", rf).ok();
    if (!ok) {
      return InvalidField(rf, "须为 deputies/{id} 或 accounts/{id}");
    }
    if (!raters->insert(r).second) {
      return InvalidField(rf, absl::StrCat(r, " 已在其他评议组或重复列出"));
    }
  }
  if (g->indicators().empty()) {
    const auto& p = g->grade_points();
    const std::pair<double, const char*> grades[] = {{p.satisfied(), "satisfied"},
                                                     {p.basically_satisfied(), "basically_satisfied"},
                                                     {p.unsatisfied(), "unsatisfied"}};
    for (const auto& [points, name] : grades) {
      if (absl::Status st = ParseCenti(points, 0, 10000, f(absl::StrCat("grade_points.", name))).status(); !st.ok()) {
        return st;
      }
    }
    if (!(p.satisfied() > p.basically_satisfied() && p.basically_satisfied() > p.unsatisfied())) {
      return InvalidField(f("grade_points"), "须满意 > 基本满意 > 不满意");
    }
    return absl::OkStatus();
  }
  Centi sum = 0;
  std::set<std::string> codes;
  for (int i = 0; i < g->indicators_size(); ++i) {
    const auto& ind = g->indicators(i);
    const std::string inf = absl::StrCat(field, ".indicators[", i, "]");
    if (absl::Status st = CheckText(absl::StrCat(inf, ".code"), ind.code(), 1, 32); !st.ok()) {
      return st;
    }
    if (!codes.insert(ind.code()).second) {
      return InvalidField(absl::StrCat(inf, ".code"), absl::StrCat("指标 ", ind.code(), " 重复"));
    }
    if (absl::Status st = CheckText(absl::StrCat(inf, ".title"), ind.title(), 1, 200); !st.ok()) {
      return st;
    }
    absl::StatusOr<Centi> max = ParseCenti(ind.max_points(), 1, 10000, absl::StrCat(inf, ".max_points"));
    if (!max.ok()) {
      return max.status();
    }
    sum += *max;
  }
  if (sum != 10000) {
    return InvalidField(f("indicators"), absl::StrCat("各指标满分合计须为 100，现为 ", FormatCenti(sum)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<int64_t> ParseCampaignId(absl::string_view name, absl::string_view field) {
  return ParseResourceId(name, kEvaluations, field);
}

absl::Status WrongState(minyi::evaluation::v1::CampaignState state, absl::string_view action) {
  return FailedPrecondition(
      "CAMPAIGN_STATE",
      absl::StrCat("评议当前状态为 ", minyi::evaluation::v1::CampaignState_Name(state), "，不能", action));
}

absl::Status WrongState(const Campaign& campaign, absl::string_view action) {
  return WrongState(campaign.state(), action);
}

absl::Status NormalizeCampaign(Campaign* c) {
  c->clear_name();
  c->clear_state();
  c->clear_sheets_received();
  c->clear_sheets_expected();
  c->clear_create_time();
  c->clear_open_time();
  c->clear_close_time();
  c->clear_session_date();
  if (absl::Status st = CheckText("evaluation.title", c->title(), 1, 200); !st.ok()) {
    return st;
  }
  if (absl::Status st =
          RequireEnum<minyi::evaluation::v1::CampaignKind>("evaluation.kind", c->kind(), "须指定评议类型");
      !st.ok()) {
    return st;
  }
  if (c->subjects().empty() || c->subjects_size() > static_cast<int>(kMaxSubjects)) {
    return InvalidField("evaluation.subjects", absl::StrCat("评议对象须为 1 至 ", kMaxSubjects, " 个"));
  }
  for (int i = 0; i < c->subjects_size(); ++i) {
    if (absl::Status st = CheckSubject(c->mutable_subjects(i), absl::StrCat("evaluation.subjects[", i, "]"));
        !st.ok()) {
      return st;
    }
  }
  if (c->stages().empty()) {
    const std::pair<Stage, int> mashan[] = {{minyi::evaluation::v1::STAGE_PRELIMINARY_INVESTIGATION, 10},
                                            {minyi::evaluation::v1::STAGE_INVESTIGATION_GROUP, 20},
                                            {minyi::evaluation::v1::STAGE_ON_SITE, 50},
                                            {minyi::evaluation::v1::STAGE_RECTIFICATION, 20}};
    for (const auto& [stage, weight] : mashan) {
      auto* s = c->add_stages();
      s->set_stage(stage);
      s->set_weight(weight);
    }
  }
  std::set<int> seen_stages;
  int stage_sum = 0;
  bool has_on_site = false;
  for (int i = 0; i < c->stages_size(); ++i) {
    const auto& s = c->stages(i);
    const std::string f = absl::StrCat("evaluation.stages[", i, "]");
    if (absl::Status st = RequireEnum<minyi::evaluation::v1::Stage>(absl::StrCat(f, ".stage"), s.stage(), "须指定阶段");
        !st.ok()) {
      return st;
    }
    if (!seen_stages.insert(s.stage()).second) {
      return InvalidField(absl::StrCat(f, ".stage"), absl::StrCat(StageLabel(s.stage()), "阶段重复"));
    }
    if (absl::Status st = CheckWeight(absl::StrCat(f, ".weight"), s.weight()); !st.ok()) {
      return st;
    }
    has_on_site = has_on_site || (s.stage() == minyi::evaluation::v1::STAGE_ON_SITE && s.weight() > 0);
    stage_sum += s.weight();
  }
  if (absl::Status st = CheckSum("evaluation.stages", stage_sum); !st.ok()) {
    return st;
  }
  if (!has_on_site) {
    return InvalidField("evaluation.stages", "须包含权重大于 0 的现场述职评议阶段");
  }
  if (c->rater_groups().empty()) {
    return InvalidField("evaluation.rater_groups", "至少一个评议组");
  }
  std::set<std::string> raters;
  std::set<std::string> group_codes;
  int group_sum = 0;
  for (int i = 0; i < c->rater_groups_size(); ++i) {
    const std::string f = absl::StrCat("evaluation.rater_groups[", i, "]");
    if (absl::Status st = CheckGroup(c->mutable_rater_groups(i), f, &raters); !st.ok()) {
      return st;
    }
    if (!group_codes.insert(c->rater_groups(i).code()).second) {
      return InvalidField(absl::StrCat(f, ".code"), "评议组代码重复");
    }
    group_sum += c->rater_groups(i).weight();
  }
  if (raters.size() > kMaxRaters) {
    return InvalidField("evaluation.rater_groups", absl::StrCat("评议人最多 ", kMaxRaters, " 名"));
  }
  if (absl::Status st = CheckSum("evaluation.rater_groups", group_sum); !st.ok()) {
    return st;
  }
  for (int i = 0; i < c->copy_recipients_size(); ++i) {
    if (absl::Status st =
            ParseResourceId(c->copy_recipients(i), "accounts/", absl::StrCat("evaluation.copy_recipients[", i, "]"))
                .status();
        !st.ok()) {
      return st;
    }
  }
  auto* bands = c->mutable_grade_bands();
  if (bands->satisfied_from() == 0 && bands->basically_satisfied_from() == 0) {
    bands->set_satisfied_from(80);
    bands->set_basically_satisfied_from(60);
  }
  absl::StatusOr<Centi> sat = ParseCenti(bands->satisfied_from(), 1, 10000, "evaluation.grade_bands.satisfied_from");
  if (!sat.ok()) {
    return sat.status();
  }
  absl::StatusOr<Centi> basic =
      ParseCenti(bands->basically_satisfied_from(), 1, *sat - 1, "evaluation.grade_bands.basically_satisfied_from");
  return basic.status();
}

std::string RaterOf(const Caller& caller) {
  if (caller.role() == minyi::common::v1::ROLE_DEPUTY && !caller.deputy().empty()) {
    return caller.deputy();
  }
  return absl::StrCat("accounts/", caller.account_id());
}

std::optional<int> GroupOf(const Campaign& campaign, const std::string& rater) {
  for (int i = 0; i < campaign.rater_groups_size(); ++i) {
    for (const std::string& r : campaign.rater_groups(i).raters()) {
      if (r == rater) {
        return i;
      }
    }
  }
  return std::nullopt;
}

int SheetsExpected(const Campaign& campaign) {
  int raters = 0;
  for (const auto& g : campaign.rater_groups()) {
    raters += g.raters_size();
  }
  return raters * campaign.subjects_size();
}

std::string SubjectName(int64_t campaign_id, int n) { return absl::StrCat(kEvaluations, campaign_id, "/subjects/", n); }

absl::StatusOr<int> SubjectIndex(const Campaign& campaign, absl::string_view subject, absl::string_view field) {
  const std::string prefix = absl::StrCat(campaign.name(), "/subjects/");
  int n = 0;
  // Only the canonical spelling names a subject ("…/subjects/01" does not).
  if (!absl::StartsWith(subject, prefix) || !absl::SimpleAtoi(subject.substr(prefix.size()), &n) || n < 1 ||
      n > campaign.subjects_size() || absl::StrCat(prefix, n) != subject) {
    return InvalidField(field, absl::StrCat("须为本次评议的对象（", prefix, "{n}）"));
  }
  return n;
}

bool ActsForSubject(const Campaign& campaign, int n, const Caller& caller) {
  const Subject& s = campaign.subjects(n - 1);
  switch (s.kind()) {
    case minyi::evaluation::v1::SUBJECT_KIND_DEPARTMENT:
    case minyi::evaluation::v1::SUBJECT_KIND_DELIBERATION_OPINION:
      return caller.role() == minyi::common::v1::ROLE_DEPARTMENT && !caller.department().empty() &&
             caller.department() == s.department();
    case minyi::evaluation::v1::SUBJECT_KIND_OFFICIAL:
      return s.account() == absl::StrCat("accounts/", caller.account_id());
    case minyi::evaluation::v1::SUBJECT_KIND_DEPUTY:
      return caller.role() == minyi::common::v1::ROLE_DEPUTY && s.deputy() == caller.deputy();
    default:
      return false;
  }
}

std::vector<int> SubjectsOf(const Campaign& campaign, const Caller& caller) {
  std::vector<int> out;
  for (int n = 1; n <= campaign.subjects_size(); ++n) {
    if (ActsForSubject(campaign, n, caller)) {
      out.push_back(n);
    }
  }
  return out;
}

absl::StatusOr<Centi> SheetTotal(const RaterGroup& group, const ScoreSheet& sheet) {
  if (group.indicators().empty()) {
    if (!sheet.scores().empty()) {
      return InvalidField("score_sheet.scores", "本评议组选择等次，不按指标打分");
    }
    switch (sheet.grade()) {
      case minyi::evaluation::v1::GRADE_SATISFIED:
        return ParseCenti(group.grade_points().satisfied(), 0, 10000, "score_sheet.grade");
      case minyi::evaluation::v1::GRADE_BASICALLY_SATISFIED:
        return ParseCenti(group.grade_points().basically_satisfied(), 0, 10000, "score_sheet.grade");
      case minyi::evaluation::v1::GRADE_UNSATISFIED:
        return ParseCenti(group.grade_points().unsatisfied(), 0, 10000, "score_sheet.grade");
      default:
        return InvalidField("score_sheet.grade", "须选择满意、基本满意或不满意");
    }
  }
  if (sheet.grade() != minyi::evaluation::v1::GRADE_UNSPECIFIED) {
    return InvalidField("score_sheet.grade", "本评议组按指标打分，不选等次");
  }
  std::map<std::string, int> position;  // indicator code -> index in the sheet
  for (int i = 0; i < sheet.scores_size(); ++i) {
    if (!position.emplace(sheet.scores(i).indicator(), i).second) {
      return InvalidField(absl::StrCat("score_sheet.scores[", i, "].indicator"),
                          absl::StrCat("指标 ", sheet.scores(i).indicator(), " 重复打分"));
    }
  }
  Centi total = 0;
  for (const auto& ind : group.indicators()) {
    auto it = position.find(ind.code());
    if (it == position.end()) {
      return InvalidField("score_sheet.scores", absl::StrCat("缺少指标 ", ind.code(), "（", ind.title(), "）的得分"));
    }
    const Centi max = *ParseCenti(ind.max_points(), 0, 10000, "max_points");
    const std::string field = absl::StrCat("score_sheet.scores[", it->second, "].points");
    absl::StatusOr<Centi> points = ParseCenti(sheet.scores(it->second).points(), 0, max, field);
    if (!points.ok()) {
      return InvalidField(field, absl::StrCat("指标 ", ind.code(), "（", ind.title(), "）得分须在 0 至 ",
                                              FormatCenti(max), " 之间，最多两位小数"));
    }
    total += *points;
    position.erase(it);
  }
  if (!position.empty()) {
    const auto& [code, i] = *position.begin();
    return InvalidField(absl::StrCat("score_sheet.scores[", i, "].indicator"), absl::StrCat("本评分表没有指标 ", code));
  }
  return total;
}

Scorer ScorerFor(const Campaign& campaign) {
  std::vector<GroupRule> groups;
  for (const auto& g : campaign.rater_groups()) {
    groups.push_back({.code = g.code(), .weight = g.weight(), .trim_extremes = g.trim_extremes()});
  }
  std::vector<StageRule> stages;
  for (const auto& s : campaign.stages()) {
    if (s.weight() > 0) {
      stages.push_back({.stage = s.stage(), .weight = s.weight()});
    }
  }
  Bands bands{.satisfied_from = *ParseCenti(campaign.grade_bands().satisfied_from(), 0, 10000, "bands"),
              .basically_satisfied_from = PassMark(campaign)};
  return Scorer(std::move(groups), std::move(stages), bands);
}

Centi PassMark(const Campaign& campaign) {
  return *ParseCenti(campaign.grade_bands().basically_satisfied_from(), 0, 10000, "bands");
}

bool WeighsRectification(const Campaign& campaign) {
  return std::any_of(campaign.stages().begin(), campaign.stages().end(), [](const auto& s) {
    return s.stage() == minyi::evaluation::v1::STAGE_RECTIFICATION && s.weight() > 0;
  });
}

void AddRaters(const Campaign& campaign, minyi::evaluation::v1::EvaluationOpened* event) {
  for (const auto& group : campaign.rater_groups()) {
    for (const std::string& rater : group.raters()) {
      if (absl::StartsWith(rater, "deputies/")) {
        event->add_deputies(rater);
      } else {
        event->add_accounts(rater);
      }
    }
  }
}

minyi::evaluation::v1::EvaluationFinalScored FinalScored(const Campaign& campaign, int n, const SubjectScore& score,
                                                         int round) {
  minyi::evaluation::v1::EvaluationFinalScored event;
  FillConcerned(campaign, n, &event);
  event.set_grade(GradeLabel(score.grade));
  event.set_final_score(CentiToDouble(score.final_score));
  event.set_round(round);
  return event;
}

}  // namespace minyi::evaluation

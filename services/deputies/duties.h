#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/calendar.h"
#include "deputies/points.h"
#include "minyi/deputies/v1/deputies.pb.h"

// Duty records' rules, free of I/O: resource names, validation, the point-rule table and the mapping of
// other services' events to duty categories.
namespace minyi::deputies {

inline constexpr int kMaxDescriptionChars = 2000;
inline constexpr int kMaxEvidence = 20;
inline constexpr int kMaxEvidenceChars = 512;
inline constexpr int kMaxReasonChars = 500;
inline constexpr int kMaxRulePoints = 1000;
inline constexpr int kMaxRuleCap = 100000;
inline constexpr absl::string_view kPointRulesName = "pointRules";

// "deputies/{deputy}/duties/{id}".
struct DutyKey {
  int64_t deputy_id = 0;
  int64_t id = 0;
};
absl::StatusOr<DutyKey> ParseDutyName(absl::string_view name, absl::string_view field);
std::string DutyName(int64_t deputy_id, int64_t id);

// The id in "<collection>{id}<suffix>", e.g. ("deputies/3/points", "deputies/", "/points") -> 3.
absl::StatusOr<int64_t> ParseChildOfResource(absl::string_view name, absl::string_view collection,
                                             absl::string_view suffix, absl::string_view field);

// Keeps only what a client may set on a duty record (date, category, description, station, evidence).
void KeepDutyContent(minyi::deputies::v1::DutyRecord* duty);
// Checks a record's content; `today` is the Asia/Shanghai date, later dates are refused. Errors name
// "<prefix>.<field>". Station existence is the store's to check.
absl::Status ValidateDutyContent(const minyi::deputies::v1::DutyRecord& duty, absl::string_view today,
                                 absl::string_view prefix);

// At most kMaxEvidence references of 1-kMaxEvidenceChars characters; errors name `field` or `field[i]`.
absl::Status ValidateEvidence(const google::protobuf::RepeatedPtrField<std::string>& evidence, absl::string_view field);

// The rules as a table, after ValidatePointRules; errors name "point_rules.rules[i].<field>".
absl::Status ValidatePointRules(const minyi::deputies::v1::PointRules& rules);
PointRuleTable ToRuleTable(const minyi::deputies::v1::PointRules& rules);

// What a duty-relevant event type records (see DutyEvidence in deputies.proto): the category it earns and
// the record's description, in the words the deputy's file shows; nullopt for every other event.
struct AutomaticDuty {
  DutyCategory category;
  absl::string_view description;
};
std::optional<AutomaticDuty> AutomaticDutyFor(absl::string_view type);

}  // namespace minyi::deputies

#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "evaluation/decimal.h"
#include "evaluation/scoring.h"
#include "minyi/evaluation/v1/evaluation.pb.h"

// What staff and subjects record during a campaign and its follow-up, checked with no I/O: investigations,
// problem lists, stage scores, filings and look-back scores. Errors name the request's field.
namespace minyi::evaluation {

// The longest opinion, rectification filing or score basis, in characters.
inline constexpr std::size_t kMaxFilingChars = 20000;

absl::Status CheckInvestigation(const minyi::evaluation::v1::Investigation& investigation);
absl::Status CheckProblemList(const minyi::evaluation::v1::ProblemList& list);

// A score staff give (0..100, two decimals) with the text it rests on; errors name `prefix`.score and
// `prefix`.basis.
absl::StatusOr<Centi> ScoreWithBasis(double score, const std::string& basis, absl::string_view prefix);

// Staff record a stage score only for a stage the campaign weighs that comes before the session (前期调查,
// 调查组评分): the sheets make the on-site stage's score and the look-back (回头看) the rectification
// stage's, each from one input only.
absl::Status CheckRecordedStage(const minyi::evaluation::v1::Campaign& campaign, minyi::evaluation::v1::Stage stage);

// Before the close: every weighed stage before the session has a score for every subject (inputs by
// subject number); the error names the first subject and stage missing. The rectification stage is not
// asked for: its score is the look-back's, months later.
absl::Status RequireStageScores(const minyi::evaluation::v1::Campaign& campaign, int64_t campaign_id,
                                const std::map<int, SubjectInputs>& inputs);

}  // namespace minyi::evaluation

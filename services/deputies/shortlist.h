#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "deputies/points.h"
#include "minyi/deputies/v1/deputies.pb.h"

// The annual excellent-deputy shortlist (履职之星 / 优秀代表), free of I/O.
namespace minyi::deputies {

// final = points + kEvaluationWeight * evaluation score. A score is 0-100 and an active deputy earns a
// few hundred points a year, so the evaluation weighs about as much as the year's duty file.
inline constexpr int32_t kEvaluationWeight = 2;
inline constexpr int kDefaultShortlistSize = 10;
inline constexpr int kMaxShortlistSize = 100;
inline constexpr int kMaxEvaluationScore = 100;

// "deputies/{deputy}/evaluationResults/{year}".
struct EvaluationKey {
  int64_t deputy_id = 0;
  int32_t year = 0;
};
absl::StatusOr<EvaluationKey> ParseEvaluationResultName(absl::string_view name, absl::string_view field);
std::string EvaluationResultName(int64_t deputy_id, int32_t year);

struct ShortlistCandidate {
  int64_t deputy_id = 0;
  int64_t points = 0;
  int64_t duty_records = 0;
  std::optional<int32_t> evaluation_score;
};
struct ShortlistPlace {
  ShortlistCandidate candidate;
  int64_t final_score = 0;
  int32_t rank = 0;  // 1..n, distinct
  minyi::deputies::v1::TieBreak tie_break = minyi::deputies::v1::TIE_BREAK_NONE;
};
struct ShortlistResult {
  std::vector<ShortlistPlace> places;  // at most `size`
  int32_t tied_beyond_cut = 0;         // candidates cut with the last place's final score
};
// Orders by final score, then more duty records, then lower deputy id, and says for each place which rule
// put it below the one before it.
// The candidates of `year`: each of `deputy_ids` with their points and number of records under `rules` (from
// `facts`, by deputy id) and their evaluation score when `scores` has one.
std::vector<ShortlistCandidate> ShortlistCandidates(const std::vector<int64_t>& deputy_ids,
                                                    const std::map<int64_t, std::vector<DutyFact>>& facts,
                                                    const PointRuleTable& rules, const Period& year,
                                                    const std::map<int64_t, int32_t>& scores);
ShortlistResult MakeShortlist(std::vector<ShortlistCandidate> candidates, int size);

}  // namespace minyi::deputies

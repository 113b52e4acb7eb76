#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "minyi/deputies/v1/deputies.pb.h"

// Station star rating (星级评定), free of I/O.
namespace minyi::deputies {

inline constexpr int32_t kDefaultFiveStarPercent = 20;
inline constexpr int32_t kDefaultFourStarPercent = 30;
// A nine-haves item met weighs as much as this many duty records.
inline constexpr int64_t kChecklistItemWeight = 10;

// The quotas a request asked for, or the defaults when it gave none.
minyi::deputies::v1::StarQuotas EffectiveQuotas(const minyi::deputies::v1::RateStationsRequest& request);
// Each share 0-100 and together at most 100; the error names "quotas.<field>".
absl::Status ValidateQuotas(const minyi::deputies::v1::StarQuotas& quotas);

int64_t ActivityScore(int64_t duty_records, int32_t checklist_items_met);

struct StationScore {
  int64_t station_id = 0;
  int64_t score = 0;
};
struct StarResult {
  int64_t station_id = 0;
  int64_t score = 0;
  int32_t rank = 0;  // 1..n, distinct
  int32_t stars = 3;
};
// Orders by score, best first, ties broken by the lower station id, so the result is deterministic even
// where a tie straddles a quota boundary. The first floor(n * five / 100) get five stars, up to
// floor(n * (five + four) / 100) four stars, the rest three: a quota is never exceeded, so a district of
// four stations has no five-star station under a 20% quota.
std::vector<StarResult> AssignStars(std::vector<StationScore> scores, const minyi::deputies::v1::StarQuotas& quotas);

}  // namespace minyi::deputies

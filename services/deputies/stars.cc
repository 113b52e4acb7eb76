#include "deputies/stars.h"

#include <algorithm>

#include "common/status.h"

namespace minyi::deputies {

minyi::deputies::v1::StarQuotas EffectiveQuotas(const minyi::deputies::v1::RateStationsRequest& request) {
  if (request.has_quotas()) {
    return request.quotas();
  }
  minyi::deputies::v1::StarQuotas quotas;
  quotas.set_five_star_percent(kDefaultFiveStarPercent);
  quotas.set_four_star_percent(kDefaultFourStarPercent);
  return quotas;
}

absl::Status ValidateQuotas(const minyi::deputies::v1::StarQuotas& quotas) {
  if (quotas.five_star_percent() < 0 || quotas.five_star_percent() > 100) {
    return InvalidField("quotas.five_star_percent", "must be between 0 and 100");
  }
  if (quotas.four_star_percent() < 0 || quotas.four_star_percent() > 100) {
    return InvalidField("quotas.four_star_percent", "must be between 0 and 100");
  }
  if (quotas.five_star_percent() + quotas.four_star_percent() > 100) {
    return InvalidField("quotas.four_star_percent", "together with five_star_percent must not exceed 100");
  }
  return absl::OkStatus();
}

int64_t ActivityScore(int64_t duty_records, int32_t checklist_items_met) {
  return duty_records + kChecklistItemWeight * checklist_items_met;
}

std::vector<StarResult> AssignStars(std::vector<StationScore> scores, const minyi::deputies::v1::StarQuotas& quotas) {
  std::sort(scores.begin(), scores.end(), [](const StationScore& a, const StationScore& b) {
    return a.score != b.score ? a.score > b.score : a.station_id < b.station_id;
  });
  const int64_t n = static_cast<int64_t>(scores.size());
  const int64_t five = n * quotas.five_star_percent() / 100;
  const int64_t five_or_four = n * (quotas.five_star_percent() + quotas.four_star_percent()) / 100;
  std::vector<StarResult> out;
  out.reserve(scores.size());
  for (int64_t i = 0; i < n; ++i) {
    const int32_t stars = i < five ? 5 : (i < five_or_four ? 4 : 3);
    out.push_back({.station_id = scores[i].station_id,
                   .score = scores[i].score,
                   .rank = static_cast<int32_t>(i + 1),
                   .stars = stars});
  }
  return out;
}

}  // namespace minyi::deputies

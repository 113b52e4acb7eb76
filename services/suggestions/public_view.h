#pragma once

#include "absl/status/statusor.h"
#include "minyi/suggestions/v1/suggestions.pb.h"

// What society is told of suggestions (docs/suggestions.md, "Public reads"): each public message made
// field by field from the staff one, so a field added to Suggestion or StatsRow is not published until it
// is named here, and the year the statistics cover. No I/O.
namespace minyi::suggestions {

// A showcased item's public fields. Its deputies only for a deputy's or a joint suggestion: a citizen's
// opinion names no one.
minyi::suggestions::v1::PublicShowcaseItem PublicShowcaseItemOf(const minyi::suggestions::v1::Suggestion& s);
minyi::suggestions::v1::PublicStatsRow PublicStatsRowOf(const minyi::suggestions::v1::StatsRow& row);

// The submission year public statistics cover: `requested`, or `this_year` for 0. INVALID_ARGUMENT on
// "year" outside 2000 to `this_year`.
absl::StatusOr<int> PublicStatsYear(int requested, int this_year);

}  // namespace minyi::suggestions

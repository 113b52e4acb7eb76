#pragma once

#include "absl/status/status.h"
#include "common/auth.h"
#include "minyi/voting/v1/voting.pb.h"

// What a request must be before anything is read or written: a nomination, a screening, a progress
// report, a vote's set-up. Each returns INVALID_ARGUMENT naming the first offending field. No I/O.
namespace minyi::voting {

// A nomination as `caller` makes it: a citizen, deputy or department nominates as what they are (source
// and nominator set from the caller); office staff record nominations from any party and must say which.
// Then the title, description and department.
absl::Status CheckNomination(const Caller& caller, minyi::voting::v1::Project* project);

// Admitted without an exclusion reason, or excluded with one (and a note when the reason is "other"); the
// department's opinion within bounds.
absl::Status CheckScreening(const minyi::voting::v1::ScreenProjectRequest& request);

// A percentage, a milestone, the problems met and up to 20 photos.
absl::Status CheckProgressReport(const minyi::voting::v1::ProgressReport& report);

// A differential vote: more distinct candidate projects than slots, at most as many approvals per ballot
// as candidates (the slots when unset, which this fills in), and a distinct electorate of deputies.
absl::Status CheckNewVote(minyi::voting::v1::Vote* vote);

}  // namespace minyi::voting

#pragma once

#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/auth.h"
#include "minyi/evaluation/v1/evaluation.pb.h"

// Who sees what of a campaign, with no I/O. Staff run campaigns and leaders sign results off: both see
// everything; raters see what they rate, and a subject what concerns it.
namespace minyi::evaluation {

bool SeesEverything(const Caller& caller);
bool IsRater(const minyi::evaluation::v1::Campaign& campaign, const Caller& caller);

// Who may see a campaign at all: staff, leaders, its raters and its subjects.
absl::Status RequireParticipant(const minyi::evaluation::v1::Campaign& campaign, const Caller& caller);

// Whose score sheets `caller` lists: every rater's ("") for staff and leaders once the campaign is closed,
// else only the caller's own as a rater (its rater key). Until the close nobody but the rater sees a sheet,
// so scoring stays independent.
absl::StatusOr<std::string> SheetsVisibleTo(const minyi::evaluation::v1::Campaign& campaign, const Caller& caller);

// The subjects (numbers) whose investigations and problem lists `caller` reads, asking about subject `n`
// (0: every subject): all of them for staff and leaders; else the subjects it acts for, never the others,
// and PERMISSION_DENIED when it acts for none or not for `n`.
absl::StatusOr<std::set<int>> InvestigationsVisibleTo(const minyi::evaluation::v1::Campaign& campaign,
                                                      const Caller& caller, int n);

// The subjects (numbers) whose results `caller` reads once they are announced: results are announced on the
// spot to the raters present, so staff, leaders and raters read all; a subject reads only its own.
std::set<int> ResultsVisibleTo(const minyi::evaluation::v1::Campaign& campaign, const Caller& caller);

}  // namespace minyi::evaluation

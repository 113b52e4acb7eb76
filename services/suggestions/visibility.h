#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/auth.h"
#include "minyi/suggestions/v1/suggestions.pb.h"

// Who the caller is to an item, and whether they may read it: one rule, free of I/O, for every path that
// shows items (a single item, the list, the timeline, similar items, linking opinions). An item the
// caller may not read answers exactly as one that does not exist.
namespace minyi::suggestions {

// "accounts/{id}" of the caller, as a citizen's opinion names its author.
std::string CitizenAccount(const Caller& caller);

bool IsLeader(const Caller& caller);
// A deputy among the item's submitters, or the deputy on duty who entered a citizen's opinion.
bool IsSubmitter(const Caller& caller, const minyi::suggestions::v1::Suggestion& s);
// A citizen's own opinion.
bool IsOwnOpinion(const Caller& caller, const minyi::suggestions::v1::Suggestion& s);
// The department as the item's lead unit, or as one of its co-units.
bool IsLead(const Caller& caller, const minyi::suggestions::v1::Suggestion& s);
bool IsCoUnit(const Caller& caller, const minyi::suggestions::v1::Suggestion& s);
// The caller's entry among the co-signers a joint suggestion's author named (whatever their answer), or
// nullptr. Until they confirm they are not submitters, but they read the draft they are asked to sign.
const minyi::suggestions::v1::CoSigner* CoSignerOf(const Caller& caller, const minyi::suggestions::v1::Suggestion& s);
// The drafter: the lead submitter, the deputy on duty who entered a citizen's opinion, or the citizen.
bool IsAuthor(const Caller& caller, const minyi::suggestions::v1::Suggestion& s);

// Office staff and leaders read everything; a deputy what they submitted or entered, the joint drafts they
// are named co-signers of, and the citizens' opinions submitted to a station they belong to (the station's
// deputies take them up); a department what is assigned to it; a citizen their own opinion and showcased
// items. `stations` are a deputy caller's current stations ("stations/{id}"); only a case NeedsStations
// names reads them.
bool CanRead(const Caller& caller, const minyi::suggestions::v1::Suggestion& s,
             const std::vector<std::string>& stations = {});
// True when CanRead's answer depends on the caller's stations: a deputy and a submitted citizen's opinion
// they neither submitted nor entered. Elsewhere the stations need not be looked up.
bool NeedsStations(const Caller& caller, const minyi::suggestions::v1::Suggestion& s);

// What a citizen may see of an item: the public fields, the item's progress and the answer that concerns
// them.
minyi::suggestions::v1::Suggestion PublicView(const minyi::suggestions::v1::Suggestion& s);
// The item as `caller` may see it: a citizen its public view; everyone else the whole item, with the contact
// phone masked in lists and for everyone but office staff.
minyi::suggestions::v1::Suggestion View(const Caller& caller, minyi::suggestions::v1::Suggestion s, bool in_list);

// PERMISSION_DENIED for what the caller may not do ("无权" and `what`).
absl::Status Deny(absl::string_view what);
// OK for office staff; else Deny(what).
absl::Status RequireOfficeCaller(const Caller& caller, absl::string_view what);

}  // namespace minyi::suggestions

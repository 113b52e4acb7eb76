#include "suggestions/visibility.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "suggestions/store.h"

namespace minyi::suggestions {

using ::minyi::common::v1::ROLE_CITIZEN;
using ::minyi::common::v1::ROLE_DEPARTMENT;
using ::minyi::common::v1::ROLE_DEPUTY;
using ::minyi::common::v1::ROLE_LEADER;
using ::minyi::suggestions::v1::Suggestion;

std::string CitizenAccount(const Caller& caller) { return absl::StrCat(kAccounts, caller.account_id()); }

bool IsLeader(const Caller& caller) { return HasRole(caller, {ROLE_LEADER}); }

bool IsSubmitter(const Caller& caller, const Suggestion& s) {
  if (caller.role() != ROLE_DEPUTY || caller.deputy().empty()) {
    return false;
  }
  return std::find(s.deputies().begin(), s.deputies().end(), caller.deputy()) != s.deputies().end() ||
         s.entered_by() == caller.deputy();
}

bool IsOwnOpinion(const Caller& caller, const Suggestion& s) {
  return caller.role() == ROLE_CITIZEN && !s.citizen_account().empty() && s.citizen_account() == CitizenAccount(caller);
}

bool IsLead(const Caller& caller, const Suggestion& s) {
  return caller.role() == ROLE_DEPARTMENT && !caller.department().empty() && s.lead_department() == caller.department();
}

bool IsCoUnit(const Caller& caller, const Suggestion& s) {
  return caller.role() == ROLE_DEPARTMENT && !caller.department().empty() &&
         std::find(s.co_departments().begin(), s.co_departments().end(), caller.department()) != s.co_departments().end();
}

const minyi::suggestions::v1::CoSigner* CoSignerOf(const Caller& caller, const Suggestion& s) {
  if (caller.role() != ROLE_DEPUTY || caller.deputy().empty()) {
    return nullptr;
  }
  for (const minyi::suggestions::v1::CoSigner& c : s.co_signers()) {
    if (c.deputy() == caller.deputy()) {
      return &c;
    }
  }
  return nullptr;
}

bool IsAuthor(const Caller& caller, const Suggestion& s) {
  if (caller.role() == ROLE_DEPUTY && !caller.deputy().empty()) {
    return (s.deputies_size() > 0 && s.deputies(0) == caller.deputy()) || s.entered_by() == caller.deputy();
  }
  return IsOwnOpinion(caller, s);
}

bool NeedsStations(const Caller& caller, const Suggestion& s) {
  return caller.role() == ROLE_DEPUTY && !caller.deputy().empty() &&
         s.kind() == minyi::suggestions::v1::SUGGESTION_KIND_CITIZEN_OPINION &&
         s.state() != minyi::suggestions::v1::SUGGESTION_STATE_DRAFT && !s.station().empty() &&
         !IsSubmitter(caller, s);
}

bool CanRead(const Caller& caller, const Suggestion& s, const std::vector<std::string>& stations) {
  return IsOffice(caller) || IsLeader(caller) || IsSubmitter(caller, s) || CoSignerOf(caller, s) != nullptr ||
         IsLead(caller, s) || IsCoUnit(caller, s) || IsOwnOpinion(caller, s) ||
         (caller.role() == ROLE_CITIZEN && s.showcased()) ||
         (NeedsStations(caller, s) && std::find(stations.begin(), stations.end(), s.station()) != stations.end());
}

}  // namespace minyi::suggestions

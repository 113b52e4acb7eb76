#include "suggestions/visibility.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "common/text.h"
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
         std::find(s.co_departments().begin(), s.co_departments().end(), caller.department()) !=
             s.co_departments().end();
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
         s.state() != minyi::suggestions::v1::SUGGESTION_STATE_DRAFT && !s.station().empty() && !IsSubmitter(caller, s);
}

bool CanRead(const Caller& caller, const Suggestion& s, const std::vector<std::string>& stations) {
  return IsOffice(caller) || IsLeader(caller) || IsSubmitter(caller, s) || CoSignerOf(caller, s) != nullptr ||
         IsLead(caller, s) || IsCoUnit(caller, s) || IsOwnOpinion(caller, s) ||
         (caller.role() == ROLE_CITIZEN && s.showcased()) ||
         (NeedsStations(caller, s) && std::find(stations.begin(), stations.end(), s.station()) != stations.end());
}

Suggestion PublicView(const Suggestion& s) {
  Suggestion out;
  out.set_name(s.name());
  out.set_kind(s.kind());
  out.set_title(s.title());
  out.set_body(s.body());
  out.set_state(s.state());
  out.set_station(s.station());
  out.set_level(s.level());
  out.set_lead_department(s.lead_department());
  out.set_deadline(s.deadline());
  out.set_round(s.round());
  out.set_reject_reason(s.reject_reason());
  out.set_merged_into(s.merged_into());
  out.set_linked_into(s.linked_into());
  out.set_showcased(s.showcased());
  out.set_funded_fen(s.funded_fen());
  if (s.has_answer()) {
    *out.mutable_answer() = s.answer();
  }
  if (s.has_linked_answer()) {
    *out.mutable_linked_answer() = s.linked_answer();
  }
  if (s.has_rating()) {
    out.mutable_rating()->set_attitude(s.rating().attitude());
    out.mutable_rating()->set_result(s.rating().result());
  }
  *out.mutable_create_time() = s.create_time();
  *out.mutable_submit_time() = s.submit_time();
  *out.mutable_update_time() = s.update_time();
  return out;
}

Suggestion View(const Caller& caller, Suggestion s, bool in_list) {
  if (caller.role() == ROLE_CITIZEN) {
    return PublicView(s);
  }
  if (in_list || !IsOffice(caller)) {
    s.set_contact_phone(MaskPhone(s.contact_phone()));
  }
  return s;
}

absl::Status Deny(absl::string_view what) { return PermissionDenied(absl::StrCat("无权", what)); }

absl::Status RequireOfficeCaller(const Caller& caller, absl::string_view what) {
  return IsOffice(caller) ? absl::OkStatus() : Deny(what);
}

}  // namespace minyi::suggestions

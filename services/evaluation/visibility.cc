#include "evaluation/visibility.h"

#include <vector>

#include "common/status.h"
#include "evaluation/campaign.h"

namespace minyi::evaluation {
namespace {

using ::minyi::common::v1::ROLE_ADMIN;
using ::minyi::common::v1::ROLE_LEADER;
using ::minyi::common::v1::ROLE_STAFF;

std::set<int> AllSubjects(const Campaign& campaign) {
  std::set<int> all;
  for (int n = 1; n <= campaign.subjects_size(); ++n) {
    all.insert(n);
  }
  return all;
}

}  // namespace

bool SeesEverything(const Caller& caller) { return HasRole(caller, {ROLE_ADMIN, ROLE_STAFF, ROLE_LEADER}); }

bool IsRater(const Campaign& campaign, const Caller& caller) { return GroupOf(campaign, RaterOf(caller)).has_value(); }

absl::Status RequireParticipant(const Campaign& campaign, const Caller& caller) {
  if (SeesEverything(caller) || IsRater(campaign, caller) || !SubjectsOf(campaign, caller).empty()) {
    return absl::OkStatus();
  }
  return PermissionDenied("您不是本次评议的评议人或评议对象");
}

absl::StatusOr<std::string> SheetsVisibleTo(const Campaign& campaign, const Caller& caller) {
  if (SeesEverything(caller)) {
    if (campaign.state() != minyi::evaluation::v1::CAMPAIGN_STATE_CLOSED) {
      return WrongState(campaign, "在计分公布前查看评分表（评分前仅评议人本人可见）");
    }
    return std::string();
  }
  if (IsRater(campaign, caller)) {
    return RaterOf(caller);
  }
  return PermissionDenied("只有评议人本人可以查看自己的评分表");
}

absl::StatusOr<std::set<int>> InvestigationsVisibleTo(const Campaign& campaign, const Caller& caller, int n) {
  if (SeesEverything(caller)) {
    return AllSubjects(campaign);
  }
  const std::vector<int> subjects = SubjectsOf(campaign, caller);
  std::set<int> own(subjects.begin(), subjects.end());
  if (own.empty() || (n != 0 && own.count(n) == 0)) {
    return PermissionDenied("只能查看本单位（本人）的调查情况");
  }
  return own;
}

std::set<int> ResultsVisibleTo(const Campaign& campaign, const Caller& caller) {
  if (SeesEverything(caller) || IsRater(campaign, caller)) {
    return AllSubjects(campaign);
  }
  const std::vector<int> subjects = SubjectsOf(campaign, caller);
  return std::set<int>(subjects.begin(), subjects.end());
}

}  // namespace minyi::evaluation

#include "voting/admission.h"

#include <utility>

#include "common/names.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "voting/access.h"
#include "voting/seal.h"

namespace minyi::voting {

absl::StatusOr<AdmittedCast> AdmitCast(absl::StatusOr<Caller> caller, const v1::CastBallotRequest& request) {
  RETURN_IF_ERROR(caller.status());
  ASSIGN_OR_RETURN(const int64_t vote_id, ParseResourceId(request.parent(), kVotes, "parent"));
  RETURN_IF_ERROR(CheckNonce(request.ballot().nonce()));
  return AdmittedCast{*std::move(caller), vote_id};
}

absl::Status JudgeCast(const CastContext* context, const std::string& vote) {
  if (context == nullptr) {
    return NotFoundError(vote);
  }
  if (context->state != v1::VOTE_STATE_OPEN) {
    return WrongState("票决未开始或已结束，不能投票", context->state);
  }
  if (!context->elector) {
    return PermissionDenied("你不在本次票决的代表名单中");
  }
  if (!context->checked_in) {
    return FailedPrecondition("NOT_CHECKED_IN", "请先签到再领取选票");
  }
  return absl::OkStatus();
}

absl::StatusOr<PreparedBallot> PrepareBallot(const VoteRules& rules, const std::string& vote,
                                             const v1::Ballot& ballot) {
  ASSIGN_OR_RETURN(const Marks marks, ReadBallot(rules, ballot.content()));
  const std::string canonical = CanonicalContent(rules, marks);
  PreparedBallot out;
  out.entry.set_tracker(Tracker(vote, canonical, ballot.nonce()));
  *out.entry.mutable_content() = PublishedContent(rules, marks);
  out.receipt_check = ReceiptCheck(vote, canonical, ballot.nonce());
  return out;
}

}  // namespace minyi::voting

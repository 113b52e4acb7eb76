#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/auth.h"
#include "minyi/voting/v1/voting.pb.h"
#include "voting/tally.h"

// Voting's cast admission: what is judged of a cast before the database's primary key decides whether it
// is the deputy's first ballot (docs/voting.md, "Casting"). No I/O: BallotBox asks the authorizer and
// reads the casting context, these rules judge what it found.
namespace minyi::voting {

// A cast let in before the database: who casts, in which vote.
struct AdmittedCast {
  Caller caller;
  int64_t vote_id = 0;
};

// `caller` as Authorizer::Require(ROLE_DEPUTY) found the call's. The caller's error comes first, so a
// cast that may not be made learns nothing about how its vote's name was read; then the name
// ("parent"), then the nonce.
absl::StatusOr<AdmittedCast> AdmitCast(absl::StatusOr<Caller> caller,
                                       const minyi::voting::v1::CastBallotRequest& request);

// What casting needs to know of the vote and the deputy, read in the cast's transaction.
struct CastContext {
  minyi::voting::v1::VoteState state = minyi::voting::v1::VOTE_STATE_UNSPECIFIED;
  bool elector = false;
  bool checked_in = false;
  std::string today = "";  // YYYY-MM-DD, Asia/Shanghai
};

// In the transaction: the vote `vote` is open and the deputy is in its electorate and checked in.
// `context` is null when there is no such vote (NOT_FOUND).
absl::Status JudgeCast(const CastContext* context, const std::string& vote);

// A valid ballot as the bulletin will show it (its tracker and published content), to be sealed into the
// box, and the receipt check its voter's row keeps.
struct PreparedBallot {
  minyi::voting::v1::BulletinEntry entry;
  std::string receipt_check;
};
// INVALID_ARGUMENT naming the field when the ballot is not valid under `rules` (ReadBallot).
absl::StatusOr<PreparedBallot> PrepareBallot(const VoteRules& rules, const std::string& vote,
                                             const minyi::voting::v1::Ballot& ballot);

}  // namespace minyi::voting

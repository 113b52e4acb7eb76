#pragma once

#include "absl/status/status.h"
#include "common/auth.h"
#include "common/call.h"
#include "common/command.h"
#include "common/pg.h"
#include "minyi/voting/v1/voting.pb.h"
#include "voting/registry.h"
#include "voting/seal.h"

namespace minyi::voting {

namespace v1 = ::minyi::voting::v1;

// Differential votes (差额票决) on candidate projects: set up by office staff, opened, checked in to by the
// electorate, closed (the box opened, tallied and published as the bulletin), announced, and run off when
// tied. Casting is BallotBox's.
class Votes final {
 public:
  // `sealer` opens the box on close.
  Votes(PgPool& pool, const Authorizer& authorizer, DeputiesRegistry& registry, const BallotSealer& sealer)
      : pool_(pool), authorizer_(authorizer), registry_(registry), sealer_(sealer), commands_(pool, "voting") {}

  absl::Status Create(const Call& call, const v1::CreateVoteRequest& request, v1::Vote* response);
  absl::Status Get(const Call& call, const v1::GetVoteRequest& request, v1::Vote* response);
  absl::Status List(const Call& call, const v1::ListVotesRequest& request, v1::ListVotesResponse* response);
  absl::Status Open(const Call& call, const v1::OpenVoteRequest& request, v1::Vote* response);
  absl::Status CheckIn(const Call& call, const v1::CheckInRequest& request, v1::CheckInResponse* response);
  absl::Status GetTurnout(const Call& call, const v1::GetTurnoutRequest& request, v1::Turnout* response);
  absl::Status Close(const Call& call, const v1::CloseVoteRequest& request, v1::Vote* response);
  absl::Status AnnounceResult(const Call& call, const v1::AnnounceResultRequest& request, v1::Vote* response);
  absl::Status CreateRunoff(const Call& call, const v1::CreateRunoffRequest& request, v1::Vote* response);
  absl::Status GetResult(const Call& call, const v1::GetResultRequest& request, v1::VoteResult* response);
  absl::Status GetBulletin(const Call& call, const v1::GetBulletinRequest& request, v1::Bulletin* response);

 private:
  PgPool& pool_;
  const Authorizer& authorizer_;
  DeputiesRegistry& registry_;
  const BallotSealer& sealer_;
  const Commands commands_;
};

}  // namespace minyi::voting

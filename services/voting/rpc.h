#pragma once

#include <memory>

#include "common/rpc.h"
#include "voting/ballot_box.h"
#include "voting/projects.h"
#include "voting/public_reads.h"
#include "voting/votes.h"

namespace minyi::voting {

// The gRPC face of voting: every RPC of its proto service bound to the handler method that owns it.
std::unique_ptr<RpcService> VotingRpc(Projects& projects, Votes& votes, BallotBox& ballot_box);
// The public reads: every RPC of PublicVoting.
std::unique_ptr<RpcService> PublicVotingRpc(PublicReads& reads);

}  // namespace minyi::voting

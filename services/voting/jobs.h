#pragma once

#include "common/server.h"
#include "voting/ballot_box.h"

namespace minyi::voting {

// Voting's background work: soon after ballots are cast, the remix separates their boxes from their
// casting transactions (docs/voting.md).
void AddJobs(ServiceHost& host, BallotBox& ballot_box);

}  // namespace minyi::voting

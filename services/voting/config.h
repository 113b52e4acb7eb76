#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "voting/seal.h"

namespace minyi::voting {

// Voting's own settings, read before anything else so a missing or wrong value stops the process before
// it touches the database (the settings every service shares are common/config.h's).
struct VotingConfig {
  // MINYI_VOTING_BALLOT_KEY: seals ballots while a vote is open; it lives outside the database
  // (docs/voting.md).
  BallotSealer sealer;
  std::string deputies_addr;  // MINYI_DEPUTIES_ADDR: the electorate and supervision groups are deputies'
};

// From the environment; an error names every variable that is missing or wrong.
absl::StatusOr<VotingConfig> LoadVotingConfig();

}  // namespace minyi::voting

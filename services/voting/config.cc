#include "voting/config.h"

#include "common/config.h"
#include "common/status_macros.h"

namespace minyi::voting {

absl::StatusOr<VotingConfig> LoadVotingConfig() {
  EnvReader env;
  const std::string ballot_key = env.Secret("MINYI_VOTING_BALLOT_KEY", 64);
  std::string deputies_addr = env.Required("MINYI_DEPUTIES_ADDR");
  absl::StatusOr<BallotSealer> sealer = BallotSealer::FromHex(ballot_key);
  if (!sealer.ok()) {
    env.Problem(std::string(sealer.status().message()));
  }
  RETURN_IF_ERROR(env.Finish());
  return VotingConfig{.sealer = *std::move(sealer), .deputies_addr = std::move(deputies_addr)};
}

}  // namespace minyi::voting

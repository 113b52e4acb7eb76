// minyi-voting: wiring only. Projects live in projects.cc, votes in votes.cc, casting and the remix in
// ballot_box.cc, their SQL in store.cc.
#include <iostream>
#include <utility>

#include "common/config.h"
#include "common/server.h"
#include "grpcpp/grpcpp.h"
#include "voting/ballot_box.h"
#include "voting/projects.h"
#include "voting/registry.h"
#include "voting/rpc.h"
#include "voting/seal.h"
#include "voting/store.h"
#include "voting/votes.h"

int main() {
  minyi::EnvReader env;
  // The ballot key seals ballots while a vote is open; it lives outside the database (docs/voting.md).
  const std::string ballot_key = env.Secret("MINYI_VOTING_BALLOT_KEY", 64);
  // Supervision groups belong to the deputies service.
  const std::string deputies = env.Required("MINYI_DEPUTIES_ADDR");
  if (absl::Status st = env.Finish(); !st.ok()) {
    std::cerr << "minyi-voting: " << st << "\n";
    return 1;
  }
  absl::StatusOr<minyi::voting::BallotSealer> sealer = minyi::voting::BallotSealer::FromHex(ballot_key);
  if (!sealer.ok()) {
    std::cerr << "minyi-voting: " << sealer.status().message() << "\n";
    return 1;
  }
  auto host = minyi::ServiceHost::Create({.name = "voting",
                                          .default_grpc_port = 7103,
                                          .migrations = &minyi::voting::Migrations(),
                                          .statements = minyi::voting::Statements()});
  if (!host.ok()) {
    std::cerr << "minyi-voting: " << host.status() << "\n";
    return 1;
  }
  minyi::PgPool& pool = (*host)->pool();
  const minyi::Authorizer& authorizer = (*host)->authorizer();
  minyi::voting::DeputiesRegistry registry(grpc::CreateChannel(deputies, grpc::InsecureChannelCredentials()),
                                           (*host)->credentials());
  minyi::voting::Projects projects(pool, authorizer, registry);
  minyi::voting::Votes votes(pool, authorizer, registry, *sealer);
  minyi::voting::BallotBox ballot_box(pool, authorizer, *sealer);
  minyi::voting::VotingRpc service(projects, votes, ballot_box);
  (*host)->AddService(&service);
  // Soon after ballots are cast, the remix separates their boxes from their casting transactions.
  (*host)->AddPeriodicTask("remix sealed ballots", minyi::voting::BallotBox::kRemixLook,
                           [&ballot_box] { return ballot_box.RemixDue(); });
  return (*host)->Run();
}

// minyi-voting: wiring only. Settings in config.cc; projects in projects.cc, votes in votes.cc, casting and
// the remix in ballot_box.cc, the public reads in public_reads.cc, behind rpc.cc; background work in jobs.cc;
// the SQL in store.cc.
#include "common/channel.h"
#include "common/server.h"
#include "voting/ballot_box.h"
#include "voting/config.h"
#include "voting/jobs.h"
#include "voting/projects.h"
#include "voting/public_reads.h"
#include "voting/registry.h"
#include "voting/rpc.h"
#include "voting/store.h"
#include "voting/votes.h"

namespace voting = minyi::voting;

int main() {
  return minyi::ServiceMain<voting::VotingConfig>(
      {.name = "voting",
       .default_grpc_port = 7103,
       .migrations = &voting::Migrations(),
       .statements = voting::Statements()},
      &voting::LoadVotingConfig, [](minyi::ServiceHost& host, voting::VotingConfig& config) {
        voting::DeputiesRegistry registry(minyi::PeerChannel(config.deputies_addr), host.credentials());
        voting::Projects projects(host.pool(), host.authorizer(), registry);
        voting::Votes votes(host.pool(), host.authorizer(), registry, config.sealer);
        voting::BallotBox ballot_box(host.pool(), host.authorizer(), config.sealer);
        voting::PublicReads public_reads(host.pool());
        host.AddService(voting::VotingRpc(projects, votes, ballot_box));
        host.AddService(voting::PublicVotingRpc(public_reads));
        voting::AddJobs(host, ballot_box);
        return host.Run();
      });
}

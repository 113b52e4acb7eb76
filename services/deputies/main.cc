// minyi-deputies: wiring only. The registry, stations, duty files, supervision groups and the public reads
// live in their handlers (deputy_registry.cc, stations.cc, duty_file.cc, supervision_groups.cc,
// public_directory.cc) behind rpc.cc; background work in jobs.cc; the SQL in the store*.cc files.
#include "common/server.h"
#include "deputies/jobs.h"
#include "deputies/rpc.h"
#include "deputies/store.h"

namespace deputies = minyi::deputies;

int main() {
  return minyi::ServiceMain(
      {.name = "deputies",
       .default_grpc_port = 7101,
       .migrations = &deputies::Migrations(),
       .statements = deputies::Statements()},
      [](minyi::ServiceHost& host) {
        deputies::DeputyRegistry registry(host.pool(), host.authorizer());
        deputies::Stations stations(host.pool(), host.authorizer());
        deputies::DutyFile duty_file(host.pool(), host.authorizer());
        deputies::SupervisionGroups supervision_groups(host.pool(), host.authorizer());
        deputies::PublicDirectory directory(host.pool());
        host.AddService(deputies::DeputiesRpc(registry, stations, duty_file, supervision_groups, host.dead_events()));
        host.AddService(deputies::PublicDeputiesRpc(directory));
        deputies::AddJobs(host);
        return host.Run();
      });
}

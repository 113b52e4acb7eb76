// minyi-suggestions: wiring only. Settings in config.cc; the handlers are items.cc (the lifecycle),
// handling.cc (departments and deadlines), queries.cc, configuration.cc and public_reads.cc (the public
// reads) behind rpc.cc; background work in jobs.cc; the SQL in the store*.cc files.
#include <utility>

#include "common/channel.h"
#include "common/server.h"
#include "suggestions/access.h"
#include "suggestions/config.h"
#include "suggestions/jobs.h"
#include "suggestions/rpc.h"
#include "suggestions/store.h"

namespace suggestions = minyi::suggestions;

int main() {
  return minyi::ServiceMain<suggestions::SuggestionsConfig>(
      {.name = "suggestions",
       .default_grpc_port = 7102,
       .migrations = &suggestions::Migrations(),
       .statements = suggestions::Statements()},
      &suggestions::LoadSuggestionsConfig, [](minyi::ServiceHost& host, suggestions::SuggestionsConfig& config) {
        suggestions::Access access(minyi::PeerChannel(config.deputies_addr), host.credentials());
        suggestions::Items items(host.pool(), host.authorizer(), access);
        suggestions::Handling handling(host.pool(), host.authorizer(), access, std::move(config.deadlines));
        suggestions::Queries queries(host.pool(), host.authorizer(), access);
        suggestions::Configuration configuration(host.pool(), host.authorizer());
        suggestions::PublicReads public_reads(host.pool());
        host.AddService(suggestions::SuggestionsRpc(items, handling, queries, configuration, host.dead_events()));
        host.AddService(suggestions::PublicSuggestionsRpc(public_reads));
        suggestions::AddJobs(host, handling, access, config.sweep_interval);
        return host.Run();
      });
}

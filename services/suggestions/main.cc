// minyi-suggestions: wiring only. The handlers live in items.cc (the lifecycle), handling.cc (departments
// and deadlines), queries.cc and configuration.cc, behind rpc.cc; the SQL in store.cc.
#include <iostream>

#include "common/clock.h"
#include "common/config.h"
#include "common/server.h"
#include "grpcpp/grpcpp.h"
#include "suggestions/access.h"
#include "suggestions/configuration.h"
#include "suggestions/deadlines.h"
#include "suggestions/handling.h"
#include "suggestions/items.h"
#include "suggestions/queries.h"
#include "suggestions/rpc.h"
#include "suggestions/store.h"

int main() {
  minyi::EnvReader env;
  const std::string deadlines = env.Optional("MINYI_SUGGESTIONS_DEADLINES", "");
  const int sweep_seconds = env.Int("MINYI_SUGGESTIONS_SWEEP_SECONDS", 300, 1, 86400);
  // Stations, their members and the duty rota belong to the deputies service.
  const std::string deputies = env.Required("MINYI_DEPUTIES_ADDR");
  absl::StatusOr<minyi::suggestions::DeadlinePolicy> policy = minyi::suggestions::ParseDeadlinePolicy(deadlines);
  if (absl::Status st = env.Finish(); !st.ok()) {
    std::cerr << "minyi-suggestions: " << st << "\n";
    return 1;
  }
  if (!policy.ok()) {
    std::cerr << "minyi-suggestions: MINYI_SUGGESTIONS_DEADLINES: " << policy.status().message() << "\n";
    return 1;
  }
  auto host = minyi::ServiceHost::Create({.name = "suggestions",
                                          .default_grpc_port = 7102,
                                          .migrations = &minyi::suggestions::Migrations(),
                                          .statements = minyi::suggestions::Statements()});
  if (!host.ok()) {
    std::cerr << "minyi-suggestions: " << host.status() << "\n";
    return 1;
  }
  minyi::ServiceHost& h = **host;
  minyi::suggestions::Access access(grpc::CreateChannel(deputies, grpc::InsecureChannelCredentials()),
                                    h.credentials());
  minyi::suggestions::Items items(h.pool(), h.authorizer(), access);
  minyi::suggestions::Handling handling(h.pool(), h.authorizer(), access, *std::move(policy));
  minyi::suggestions::Queries queries(h.pool(), h.authorizer(), access);
  minyi::suggestions::Configuration configuration(h.pool(), h.authorizer());
  minyi::suggestions::SuggestionsRpc service(items, handling, queries, configuration);
  h.AddService(&service);
  // Due-soon and overdue events, each exactly once (recorded in deadline_alerts).
  h.AddPeriodicTask("deadline-sweeper", absl::Seconds(sweep_seconds),
                    [&handling]() { return handling.SweepDeadlines(minyi::DomainNow()).status(); });
  return h.Run();
}

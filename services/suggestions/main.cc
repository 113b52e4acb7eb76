// minyi-suggestions: wiring only. The service logic lives in service.cc, its SQL in store.cc.
#include <iostream>

#include "common/clock.h"
#include "common/config.h"
#include "common/server.h"
#include "grpcpp/grpcpp.h"
#include "suggestions/deadlines.h"
#include "suggestions/service.h"
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
  minyi::suggestions::SuggestionsService service(
      (*host)->pool(), (*host)->authorizer(), *policy,
      grpc::CreateChannel(deputies, grpc::InsecureChannelCredentials()), (*host)->credentials());
  (*host)->AddService(&service);
  // Due-soon and overdue events, each exactly once (recorded in deadline_alerts).
  (*host)->AddPeriodicTask("deadline-sweeper", absl::Seconds(sweep_seconds),
                           [&service]() { return service.SweepDeadlines(minyi::DomainNow()).status(); });
  return (*host)->Run();
}

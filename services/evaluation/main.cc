// minyi-evaluation: wiring only. The service logic lives in service.cc, its SQL in store.cc.
#include <iostream>

#include "common/clock.h"
#include "common/server.h"
#include "evaluation/deadlines.h"
#include "evaluation/follow_up.h"
#include "evaluation/service.h"
#include "evaluation/store.h"

int main() {
  auto host = minyi::ServiceHost::Create({.name = "evaluation",
                                          .default_grpc_port = 7104,
                                          .migrations = &minyi::evaluation::Migrations(),
                                          .statements = minyi::evaluation::Statements()});
  if (!host.ok()) {
    std::cerr << "minyi-evaluation: " << host.status() << "\n";
    return 1;
  }
  minyi::evaluation::EvaluationService service((*host)->pool(), (*host)->authorizer());
  (*host)->AddService(&service);
  // Rectification deadlines are calendar days: a sweep every few minutes is timely, and claims make
  // every notice once-only across sweeps and replicas.
  minyi::PgPool& pool = (*host)->pool();
  (*host)->AddPeriodicTask("rectification-deadlines", absl::Minutes(5), [&pool]() {
    return minyi::evaluation::SweepDeadlines(pool, minyi::ShanghaiDay(minyi::DomainNow())).status();
  });
  return (*host)->Run();
}

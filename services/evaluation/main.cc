// minyi-evaluation: wiring only. The handlers are campaigns.cc, investigations.cc, score_sheets.cc and
// rectifications.cc behind rpc.cc, their SQL in store.cc.
#include <iostream>

#include "common/clock.h"
#include "common/server.h"
#include "evaluation/campaign_access.h"
#include "evaluation/deadlines.h"
#include "evaluation/follow_up.h"
#include "evaluation/rpc.h"
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
  minyi::PgPool& pool = (*host)->pool();
  const minyi::Authorizer& authorizer = (*host)->authorizer();
  minyi::evaluation::CampaignAccess access(pool, authorizer);
  minyi::evaluation::Campaigns campaigns(pool, authorizer, access);
  minyi::evaluation::Investigations investigations(pool, access);
  minyi::evaluation::ScoreSheets score_sheets(pool, authorizer, access);
  minyi::evaluation::Rectifications rectifications(authorizer, access);
  minyi::evaluation::EvaluationRpc service(campaigns, investigations, score_sheets, rectifications);
  (*host)->AddService(&service);
  // Rectification deadlines are calendar days: a sweep every few minutes is timely, and claims make
  // every notice once-only across sweeps and replicas.
  (*host)->AddPeriodicTask("rectification-deadlines", absl::Minutes(5), [&pool]() {
    return minyi::evaluation::SweepDeadlines(pool, minyi::ShanghaiDay(minyi::DomainNow())).status();
  });
  return (*host)->Run();
}

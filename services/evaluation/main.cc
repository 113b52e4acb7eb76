// minyi-evaluation: wiring only. The handlers are campaigns.cc, investigations.cc, score_sheets.cc and
// rectifications.cc behind rpc.cc; background work in jobs.cc; the SQL in store.cc.
#include "common/server.h"
#include "evaluation/campaign_access.h"
#include "evaluation/jobs.h"
#include "evaluation/rpc.h"
#include "evaluation/store.h"

namespace evaluation = minyi::evaluation;

int main() {
  return minyi::ServiceMain(
      {.name = "evaluation",
       .default_grpc_port = 7104,
       .migrations = &evaluation::Migrations(),
       .statements = evaluation::Statements()},
      [](minyi::ServiceHost& host) {
        evaluation::CampaignAccess access(host.pool(), host.authorizer());
        evaluation::Campaigns campaigns(host.pool(), host.authorizer(), access);
        evaluation::Investigations investigations(host.pool(), access);
        evaluation::ScoreSheets score_sheets(host.pool(), host.authorizer(), access);
        evaluation::Rectifications rectifications(host.authorizer(), access);
        host.AddService(evaluation::EvaluationRpc(campaigns, investigations, score_sheets, rectifications));
        evaluation::AddJobs(host);
        return host.Run();
      });
}

// minyi-notifications: wiring only. Settings in config.cc; the inbox and preferences in inbox.cc and the
// office's delivery view in deliveries.cc, behind rpc.cc; background work (the fan-out in fanout.cc, sending
// in worker.cc and provider.cc, the digest, the backlog gauges) in jobs.cc (the consumer group's backlog gauges are
// common); rules and templates in rules.cc; the SQL in store.cc.
#include "common/server.h"
#include "notifications/config.h"
#include "notifications/jobs.h"
#include "notifications/metrics.h"
#include "notifications/rpc.h"
#include "notifications/store.h"

namespace notifications = minyi::notifications;

int main() {
  return minyi::ServiceMain<notifications::NotificationsConfig>(
      {.name = "notifications",
       .default_grpc_port = 7105,
       .migrations = &notifications::Migrations(),
       .statements = notifications::Statements()},
      &notifications::LoadNotificationsConfig,
      [](minyi::ServiceHost& host, notifications::NotificationsConfig& config) {
        notifications::NotifyMetrics metrics(host.metrics());
        notifications::Inbox inbox(host.pool(), host.authorizer());
        notifications::Deliveries deliveries(host.pool(), host.authorizer(), metrics);
        host.AddService(notifications::NotificationsRpc(inbox, deliveries, host.dead_events()));
        notifications::Jobs jobs(host, config, metrics);
        return host.Run();
      });
}

#pragma once

#include "common/server.h"
#include "notifications/config.h"
#include "notifications/directory.h"
#include "notifications/fanout.h"
#include "notifications/metrics.h"
#include "notifications/worker.h"

namespace minyi::notifications {

// Notifications' background work, added to the host on construction and kept for as long as it runs: the
// event fan-out into inboxes and deliveries, the delivery loop, the morning digest and the dead-delivery gauge.
class Jobs final {
 public:
  // Takes the providers out of `config`.
  Jobs(ServiceHost& host, NotificationsConfig& config, NotifyMetrics& metrics);

 private:
  Directory directory_;
  Fanout fanout_;
  DeliveryWorker worker_;
};

}  // namespace minyi::notifications

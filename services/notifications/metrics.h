#pragma once

#include "minyi/notifications/v1/notifications.pb.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"

namespace minyi::notifications {

// The service's Prometheus series: deliveries by channel and outcome and the dead-letter list's size (the
// consumer group's backlog and dead events are common: ConsumerMetrics).
class NotifyMetrics final {
 public:
  explicit NotifyMetrics(prometheus::Registry& registry);

  // outcome: "delivered", "retry", "dead", "held" (waiting for quiet hours or the digest), "replayed".
  // Inbox messages are counted as the consumer's transaction writes them, so a batch that fails after
  // writing (and is then retried) counts them again: a rare over-count, never an under-count.
  void Count(minyi::notifications::v1::Channel channel, const char* outcome, double n = 1);
  void SetDead(double dead);

 private:
  prometheus::Family<prometheus::Counter>& deliveries_;
  prometheus::Gauge& dead_;
};

}  // namespace minyi::notifications

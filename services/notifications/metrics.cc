#include "notifications/metrics.h"

namespace minyi::notifications {

NotifyMetrics::NotifyMetrics(prometheus::Registry& registry)
    : deliveries_(prometheus::BuildCounter()
                      .Name("minyi_notifications_deliveries_total")
                      .Help("Notification deliveries by channel and outcome")
                      .Register(registry)),
      lag_(prometheus::BuildGauge()
               .Name("minyi_notifications_consumer_lag")
               .Help("Stream entries not yet read by the notifications consumer group (XINFO GROUPS lag)")
               .Register(registry)
               .Add({})),
      pending_(prometheus::BuildGauge()
                   .Name("minyi_notifications_consumer_pending")
                   .Help("Stream entries read but not yet acknowledged by the notifications consumer group")
                   .Register(registry)
                   .Add({})),
      dead_(prometheus::BuildGauge()
                .Name("minyi_notifications_dead_letters")
                .Help("External deliveries that gave up after their last retry")
                .Register(registry)
                .Add({})) {}

void NotifyMetrics::Count(minyi::notifications::v1::Channel channel, const char* outcome, double n) {
  deliveries_.Add({{"channel", minyi::notifications::v1::Channel_Name(channel)}, {"outcome", outcome}}).Increment(n);
}

void NotifyMetrics::SetConsumer(double lag, double pending) {
  lag_.Set(lag);
  pending_.Set(pending);
}

void NotifyMetrics::SetDead(double dead) { dead_.Set(dead); }

}  // namespace minyi::notifications

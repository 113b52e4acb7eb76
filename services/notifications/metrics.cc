#include "notifications/metrics.h"

namespace minyi::notifications {

NotifyMetrics::NotifyMetrics(prometheus::Registry& registry)
    : deliveries_(prometheus::BuildCounter()
                      .Name("minyi_notifications_deliveries_total")
                      .Help("Notification deliveries by channel and outcome")
                      .Register(registry)),
      dead_(prometheus::BuildGauge()
                .Name("minyi_notifications_dead_letters")
                .Help("External deliveries that gave up after their last retry")
                .Register(registry)
                .Add({})) {}

void NotifyMetrics::Count(minyi::notifications::v1::Channel channel, const char* outcome, double n) {
  deliveries_.Add({{"channel", minyi::notifications::v1::Channel_Name(channel)}, {"outcome", outcome}}).Increment(n);
}

void NotifyMetrics::SetDead(double dead) { dead_.Set(dead); }

}  // namespace minyi::notifications

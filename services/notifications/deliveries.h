#pragma once

#include "absl/status/status.h"
#include "common/auth.h"
#include "common/call.h"
#include "common/command.h"
#include "common/pg.h"
#include "minyi/notifications/v1/notifications.pb.h"
#include "notifications/metrics.h"

namespace minyi::notifications {

namespace v1 = ::minyi::notifications::v1;

// The office's view of external deliveries (SMS, webhooks): the list, with the dead letters, and replay.
class Deliveries final {
 public:
  Deliveries(PgPool& pool, const Authorizer& authorizer, NotifyMetrics& metrics)
      : pool_(pool), authorizer_(authorizer), metrics_(metrics), commands_(pool, "notifications") {}

  absl::Status List(const Call& call, const v1::ListDeliveriesRequest& request, v1::ListDeliveriesResponse* response);
  absl::Status Replay(const Call& call, const v1::ReplayDeliveryRequest& request, v1::Delivery* response);

 private:
  PgPool& pool_;
  const Authorizer& authorizer_;
  NotifyMetrics& metrics_;
  const Commands commands_;
};

}  // namespace minyi::notifications

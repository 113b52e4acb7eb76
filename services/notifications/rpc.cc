#include "notifications/rpc.h"

#include "minyi/notifications/v1/notifications.grpc.pb.h"

namespace minyi::notifications {

std::unique_ptr<RpcService> NotificationsRpc(Inbox& inbox, Deliveries& deliveries, DeadEvents& dead_events) {
  auto rpc = std::make_unique<RpcService>(v1::Notifications::service_full_name());
  (*rpc)
      .Bind("ListInbox", inbox, &Inbox::List)
      .Bind("MarkRead", inbox, &Inbox::MarkRead)
      .Bind("GetPreferences", inbox, &Inbox::GetPreferences)
      .Bind("UpdatePreferences", inbox, &Inbox::UpdatePreferences)
      .Bind("ListDeliveries", deliveries, &Deliveries::List)
      .Bind("ReplayDelivery", deliveries, &Deliveries::Replay)
      .Bind("ListDeadEvents", dead_events, &DeadEvents::List)
      .Bind("ReplayDeadEvent", dead_events, &DeadEvents::Replay);
  return rpc;
}

}  // namespace minyi::notifications

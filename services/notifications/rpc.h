#pragma once

#include <memory>

#include "common/dead_events.h"
#include "common/rpc.h"
#include "notifications/deliveries.h"
#include "notifications/inbox.h"

namespace minyi::notifications {

// The gRPC face of notifications: every RPC of its proto service bound to the handler method that owns it.
std::unique_ptr<RpcService> NotificationsRpc(Inbox& inbox, Deliveries& deliveries, DeadEvents& dead_events);

}  // namespace minyi::notifications

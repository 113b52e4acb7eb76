#pragma once

#include "minyi/notifications/v1/notifications.grpc.pb.h"
#include "notifications/deliveries.h"
#include "notifications/inbox.h"

namespace minyi::notifications {

// The gRPC face of notifications: each method hands its call to the handler that owns it (rpc.h's Serve).
class NotificationsRpc final : public v1::Notifications::CallbackService {
 public:
  NotificationsRpc(Inbox& inbox, Deliveries& deliveries) : inbox_(inbox), deliveries_(deliveries) {}

  grpc::ServerUnaryReactor* ListInbox(grpc::CallbackServerContext* ctx, const v1::ListInboxRequest* request,
                                      v1::ListInboxResponse* response) override;
  grpc::ServerUnaryReactor* MarkRead(grpc::CallbackServerContext* ctx, const v1::MarkReadRequest* request,
                                     v1::Notification* response) override;
  grpc::ServerUnaryReactor* GetPreferences(grpc::CallbackServerContext* ctx, const v1::GetPreferencesRequest* request,
                                           v1::Preferences* response) override;
  grpc::ServerUnaryReactor* UpdatePreferences(grpc::CallbackServerContext* ctx,
                                              const v1::UpdatePreferencesRequest* request,
                                              v1::Preferences* response) override;
  grpc::ServerUnaryReactor* ListDeliveries(grpc::CallbackServerContext* ctx, const v1::ListDeliveriesRequest* request,
                                           v1::ListDeliveriesResponse* response) override;
  grpc::ServerUnaryReactor* ReplayDelivery(grpc::CallbackServerContext* ctx, const v1::ReplayDeliveryRequest* request,
                                           v1::Delivery* response) override;

 private:
  Inbox& inbox_;
  Deliveries& deliveries_;
};

}  // namespace minyi::notifications

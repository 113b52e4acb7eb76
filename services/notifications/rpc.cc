#include "notifications/rpc.h"

#include "common/rpc.h"

namespace minyi::notifications {

grpc::ServerUnaryReactor* NotificationsRpc::ListInbox(grpc::CallbackServerContext* ctx,
                                                      const v1::ListInboxRequest* request,
                                                      v1::ListInboxResponse* response) {
  return Serve(ctx, inbox_, &Inbox::List, request, response);
}

grpc::ServerUnaryReactor* NotificationsRpc::MarkRead(grpc::CallbackServerContext* ctx,
                                                     const v1::MarkReadRequest* request, v1::Notification* response) {
  return Serve(ctx, inbox_, &Inbox::MarkRead, request, response);
}

grpc::ServerUnaryReactor* NotificationsRpc::GetPreferences(grpc::CallbackServerContext* ctx,
                                                           const v1::GetPreferencesRequest* request,
                                                           v1::Preferences* response) {
  return Serve(ctx, inbox_, &Inbox::GetPreferences, request, response);
}

grpc::ServerUnaryReactor* NotificationsRpc::UpdatePreferences(grpc::CallbackServerContext* ctx,
                                                              const v1::UpdatePreferencesRequest* request,
                                                              v1::Preferences* response) {
  return Serve(ctx, inbox_, &Inbox::UpdatePreferences, request, response);
}

grpc::ServerUnaryReactor* NotificationsRpc::ListDeliveries(grpc::CallbackServerContext* ctx,
                                                           const v1::ListDeliveriesRequest* request,
                                                           v1::ListDeliveriesResponse* response) {
  return Serve(ctx, deliveries_, &Deliveries::List, request, response);
}

grpc::ServerUnaryReactor* NotificationsRpc::ReplayDelivery(grpc::CallbackServerContext* ctx,
                                                           const v1::ReplayDeliveryRequest* request,
                                                           v1::Delivery* response) {
  return Serve(ctx, deliveries_, &Deliveries::Replay, request, response);
}

}  // namespace minyi::notifications

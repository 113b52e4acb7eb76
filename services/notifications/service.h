#pragma once

#include "absl/status/status.h"
#include "common/auth.h"
#include "common/pg.h"
#include "minyi/notifications/v1/notifications.grpc.pb.h"
#include "notifications/metrics.h"

namespace minyi::notifications {

// The inbox and preferences of the calling account, and the office's view of external deliveries (the
// dead-letter list and replay). Each RPC delegates to an absl::Status method; errors are converted to
// gRPC only at the boundary. Mutations are idempotent with an Idempotency-Key and audited.
class NotificationsService final : public minyi::notifications::v1::Notifications::CallbackService {
 public:
  NotificationsService(PgPool& pool, const Authorizer& authorizer, NotifyMetrics& metrics)
      : pool_(pool), authorizer_(authorizer), metrics_(metrics) {}

  grpc::ServerUnaryReactor* ListInbox(grpc::CallbackServerContext* ctx, const minyi::notifications::v1::ListInboxRequest* request,
                         minyi::notifications::v1::ListInboxResponse* response) override;
  grpc::ServerUnaryReactor* MarkRead(grpc::CallbackServerContext* ctx, const minyi::notifications::v1::MarkReadRequest* request,
                        minyi::notifications::v1::Notification* response) override;
  grpc::ServerUnaryReactor* GetPreferences(grpc::CallbackServerContext* ctx, const minyi::notifications::v1::GetPreferencesRequest* request,
                              minyi::notifications::v1::Preferences* response) override;
  grpc::ServerUnaryReactor* UpdatePreferences(grpc::CallbackServerContext* ctx,
                                 const minyi::notifications::v1::UpdatePreferencesRequest* request,
                                 minyi::notifications::v1::Preferences* response) override;
  grpc::ServerUnaryReactor* ListDeliveries(grpc::CallbackServerContext* ctx, const minyi::notifications::v1::ListDeliveriesRequest* request,
                              minyi::notifications::v1::ListDeliveriesResponse* response) override;
  grpc::ServerUnaryReactor* ReplayDelivery(grpc::CallbackServerContext* ctx, const minyi::notifications::v1::ReplayDeliveryRequest* request,
                              minyi::notifications::v1::Delivery* response) override;

 private:
  absl::Status DoListInbox(const Call& call, const minyi::notifications::v1::ListInboxRequest& request,
                           minyi::notifications::v1::ListInboxResponse* response);
  absl::Status DoMarkRead(const Call& call, const minyi::notifications::v1::MarkReadRequest& request,
                          minyi::notifications::v1::Notification* response);
  absl::Status DoGetPreferences(const Call& call, minyi::notifications::v1::Preferences* response);
  absl::Status DoUpdatePreferences(const Call& call,
                                   const minyi::notifications::v1::UpdatePreferencesRequest& request,
                                   minyi::notifications::v1::Preferences* response);
  absl::Status DoListDeliveries(const Call& call,
                                const minyi::notifications::v1::ListDeliveriesRequest& request,
                                minyi::notifications::v1::ListDeliveriesResponse* response);
  absl::Status DoReplayDelivery(const Call& call,
                                const minyi::notifications::v1::ReplayDeliveryRequest& request,
                                minyi::notifications::v1::Delivery* response);

  PgPool& pool_;
  const Authorizer& authorizer_;
  NotifyMetrics& metrics_;
};

}  // namespace minyi::notifications

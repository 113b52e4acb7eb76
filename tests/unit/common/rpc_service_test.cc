#include "common/rpc.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "minyi/notifications/v1/notifications.grpc.pb.h"

namespace minyi {
namespace {

namespace v1 = notifications::v1;
using ::testing::AllOf;
using ::testing::HasSubstr;

// Handler methods of the usual shape; the tests only bind them.
struct Inbox {
  absl::Status List(const Call&, const v1::ListInboxRequest&, v1::ListInboxResponse*) { return absl::OkStatus(); }
  absl::Status MarkRead(const Call&, const v1::MarkReadRequest&, v1::Notification*) { return absl::OkStatus(); }
  absl::Status GetPreferences(const Call&, const v1::GetPreferencesRequest&, v1::Preferences*) {
    return absl::OkStatus();
  }
  absl::Status UpdatePreferences(const Call&, const v1::UpdatePreferencesRequest&, v1::Preferences*) {
    return absl::OkStatus();
  }
  absl::Status ListDeliveries(const Call&, const v1::ListDeliveriesRequest&, v1::ListDeliveriesResponse*) {
    return absl::OkStatus();
  }
  absl::Status ReplayDelivery(const Call&, const v1::ReplayDeliveryRequest&, v1::Delivery*) { return absl::OkStatus(); }
  absl::Status ListDeadEvents(const Call&, const common::v1::ListDeadEventsRequest&,
                              common::v1::ListDeadEventsResponse*) {
    return absl::OkStatus();
  }
  absl::Status ReplayDeadEvent(const Call&, const common::v1::ReplayDeadEventRequest&, common::v1::DeadEvent*) {
    return absl::OkStatus();
  }
};

RpcService& BindAllBut(RpcService& rpc, Inbox& inbox, absl::string_view left_out) {
  if (left_out != "ListInbox") rpc.Bind("ListInbox", inbox, &Inbox::List);
  if (left_out != "MarkRead") rpc.Bind("MarkRead", inbox, &Inbox::MarkRead);
  if (left_out != "GetPreferences") rpc.Bind("GetPreferences", inbox, &Inbox::GetPreferences);
  if (left_out != "UpdatePreferences") rpc.Bind("UpdatePreferences", inbox, &Inbox::UpdatePreferences);
  if (left_out != "ListDeliveries") rpc.Bind("ListDeliveries", inbox, &Inbox::ListDeliveries);
  if (left_out != "ReplayDelivery") rpc.Bind("ReplayDelivery", inbox, &Inbox::ReplayDelivery);
  if (left_out != "ListDeadEvents") rpc.Bind("ListDeadEvents", inbox, &Inbox::ListDeadEvents);
  if (left_out != "ReplayDeadEvent") rpc.Bind("ReplayDeadEvent", inbox, &Inbox::ReplayDeadEvent);
  return rpc;
}

TEST(RpcServiceTest, CompleteWhenEveryMethodIsBoundOnce) {
  Inbox inbox;
  RpcService rpc(v1::Notifications::service_full_name());
  EXPECT_TRUE(BindAllBut(rpc, inbox, "").Complete().ok());
}

TEST(RpcServiceTest, AnUnboundMethodIsNamed) {
  Inbox inbox;
  RpcService rpc(v1::Notifications::service_full_name());
  const absl::Status status = BindAllBut(rpc, inbox, "ReplayDelivery").Complete();
  EXPECT_THAT(status.message(), HasSubstr("minyi.notifications.v1.Notifications.ReplayDelivery is not bound"));
}

TEST(RpcServiceTest, AMethodBoundTwiceIsNamed) {
  Inbox inbox;
  RpcService rpc(v1::Notifications::service_full_name());
  BindAllBut(rpc, inbox, "").Bind("MarkRead", inbox, &Inbox::MarkRead);
  EXPECT_THAT(rpc.Complete().message(), HasSubstr("MarkRead is bound twice"));
}

TEST(RpcServiceTest, AHandlerOfOtherTypesIsRefused) {
  Inbox inbox;
  RpcService rpc(v1::Notifications::service_full_name());
  BindAllBut(rpc, inbox, "GetPreferences").Bind("GetPreferences", inbox, &Inbox::UpdatePreferences);
  EXPECT_THAT(
      rpc.Complete().message(),
      AllOf(HasSubstr("GetPreferences is bound to a handler of minyi.notifications.v1.UpdatePreferencesRequest"),
            HasSubstr("GetPreferences is not bound")));
}

TEST(RpcServiceTest, AnUnknownMethodOrServiceIsNamed) {
  Inbox inbox;
  RpcService rpc(v1::Notifications::service_full_name());
  BindAllBut(rpc, inbox, "").Bind("MarkUnread", inbox, &Inbox::MarkRead);
  EXPECT_THAT(rpc.Complete().message(), HasSubstr("has no method MarkUnread"));
  EXPECT_THAT(RpcService("minyi.nothing.v1.Nothing").Complete().message(),
              HasSubstr("no service minyi.nothing.v1.Nothing"));
}

}  // namespace
}  // namespace minyi

// External deliveries: retries with backoff against a receiver that fails, the dead-letter list, replay.

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "integration/notifications/fixture.h"
#include "integration/notifications/receiver.h"
#include "minyi/suggestions/v1/events.pb.h"
#include "nlohmann/json.hpp"

namespace minyi::testing {
namespace {

using ::testing::HasSubstr;
namespace nv1 = minyi::notifications::v1;

class DeliveryTest : public NotificationsTest {
 protected:
  // An assignment for a fresh department with one account: by default it goes out by webhook.
  static std::string Assign(const std::string& dept) {
    minyi::suggestions::v1::SuggestionAssigned assigned;
    assigned.set_reference("suggestions/77");
    assigned.set_title("关于增设公交线路的建议");
    assigned.set_department(dept);
    assigned.set_deadline("2026-12-31");
    const std::string id = Emit(assigned, "suggestions/77");
    Relay();
    return id;
  }

  static std::string State(const Notifications& n, const std::string& event_id) {
    pqxx::connection c(n.dsn);
    pqxx::nontransaction tx(c);
    pqxx::result r = tx.exec_params("SELECT state FROM notifications.deliveries WHERE event_id = $1::uuid", event_id);
    return r.empty() ? "" : r[0][0].as<std::string>();
  }
};

TEST_F(DeliveryTest, AWebhookThatFailsAtFirstGetsTheMessageAfterRetries) {
  WebhookReceiver receiver([](int n) { return n <= 2 ? 503 : 200; });
  Notifications n = StartNotifications({{"MINYI_NOTIFY_WEBHOOK_URL", receiver.url()},
                                        {"MINYI_NOTIFY_RETRY_BASE_MS", "100"},
                                        {"MINYI_NOTIFY_MAX_ATTEMPTS", "5"}});
  const std::string dept = Unique("HOOK");
  const std::string account = CreateAccount(minyi::common::v1::ROLE_DEPARTMENT, dept);
  const std::string event_id = Assign(dept);

  ASSERT_TRUE(Eventually([&] { return State(n, event_id) == "DELIVERY_STATE_DELIVERED"; })) << n.process->Log();
  EXPECT_EQ(receiver.requests(), 3);
  ASSERT_EQ(receiver.accepted().size(), 1u);
  const nlohmann::json body = nlohmann::json::parse(receiver.accepted()[0]);
  EXPECT_EQ(body["msgtype"], "text");
  EXPECT_THAT(body["text"]["content"].get<std::string>(), HasSubstr("新交办建议：关于增设公交线路的建议"));
  EXPECT_EQ(body["account"], account);
  EXPECT_EQ(
      Count(n.dsn, absl::StrCat("SELECT attempts FROM notifications.deliveries WHERE event_id = '", event_id, "'")), 3);
}

TEST_F(DeliveryTest, AWebhookThatNeverRecoversIsDeadLetteredAndStaffCanReplayIt) {
  WebhookReceiver receiver([](int) { return 500; });
  Notifications n = StartNotifications({{"MINYI_NOTIFY_WEBHOOK_URL", receiver.url()},
                                        {"MINYI_NOTIFY_RETRY_BASE_MS", "50"},
                                        {"MINYI_NOTIFY_MAX_ATTEMPTS", "3"}});
  const std::string dept = Unique("DEAD");
  CreateAccount(minyi::common::v1::ROLE_DEPARTMENT, dept);
  const std::string event_id = Assign(dept);
  ASSERT_TRUE(Eventually([&] { return State(n, event_id) == "DELIVERY_STATE_DEAD"; })) << n.process->Log();
  EXPECT_EQ(receiver.requests(), 3);

  nv1::ListDeliveriesRequest list;
  list.set_state(nv1::DELIVERY_STATE_DEAD);
  nv1::ListDeliveriesResponse dead;
  // The dead-letter list is the office's.
  EXPECT_EQ(n.stub->ListDeliveries(CallContext(MintToken(minyi::common::v1::ROLE_DEPARTMENT)).get(), list, &dead)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(n.stub->ListDeliveries(CallContext(Staff()).get(), list, &dead).ok());
  ASSERT_EQ(dead.deliveries_size(), 1);
  EXPECT_EQ(dead.deliveries(0).event_id(), event_id);
  EXPECT_EQ(dead.deliveries(0).attempts(), 3);
  EXPECT_THAT(dead.deliveries(0).last_error(), HasSubstr("HTTP 500"));

  // The dead-letter gauge follows.
  ASSERT_TRUE(Eventually([&] {
    return HttpRequest(n.metrics_port, "GET", "/metrics").body.find("minyi_notifications_dead_letters 1") !=
           std::string::npos;
  }));

  receiver.set_respond([](int) { return 200; });
  nv1::ReplayDeliveryRequest replay;
  replay.set_name(dead.deliveries(0).name());
  nv1::Delivery revived;
  ASSERT_TRUE(n.stub->ReplayDelivery(CallContext(Staff(), Unique("replay")).get(), replay, &revived).ok());
  EXPECT_EQ(revived.state(), nv1::DELIVERY_STATE_PENDING);
  EXPECT_EQ(revived.attempts(), 0);
  ASSERT_TRUE(Eventually([&] { return State(n, event_id) == "DELIVERY_STATE_DELIVERED"; })) << n.process->Log();
  EXPECT_EQ(receiver.accepted().size(), 1u);
  // Replaying what is no longer dead is refused, naming the state.
  grpc::Status st = n.stub->ReplayDelivery(CallContext(Staff()).get(), replay, &revived);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(st.error_message(), HasSubstr("DELIVERY_STATE_DELIVERED"));
  replay.set_name("deliveries/987654");
  EXPECT_EQ(n.stub->ReplayDelivery(CallContext(Staff()).get(), replay, &revived).error_code(),
            grpc::StatusCode::NOT_FOUND);
  const std::string metrics = HttpRequest(n.metrics_port, "GET", "/metrics").body;
  EXPECT_THAT(metrics,
              HasSubstr("minyi_notifications_deliveries_total{channel=\"CHANNEL_WEBHOOK\",outcome=\"dead\"} 1"));
}

}  // namespace
}  // namespace minyi::testing

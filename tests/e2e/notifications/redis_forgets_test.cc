// End to end: an event the deputies service published, then lost to a Redis FLUSHALL before the
// notifications service read it, still reaches the inbox, once: the deputies relay sees the entry gone
// from the stream and publishes it again.

#include <signal.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "common/redis.h"
#include "gtest/gtest.h"
#include "pqxx/pqxx"
#include "support/platform.h"

namespace minyi::testing {
namespace {

using nlohmann::json;

TEST(RedisForgetsE2eTest, AnInboxMessageWhoseEventRedisForgotArrivesOnce) {
  Platform platform;
  const std::string& admin = platform.Admin();
  const std::string station = platform.NewStation("湄潭县");
  const std::string token = platform.NewAccount("ROLE_DEPUTY", platform.NewDeputy(station, "杨丽"));

  // The notifications service frozen, and every Redis connection cut, so that none of its reads is
  // waiting to be handed the event: it cannot read it before Redis forgets it.
  ChildProcess& notifications = platform.process("notifications");
  notifications.Signal(SIGSTOP);
  RedisClient redis(platform.redis_addr());
  ASSERT_TRUE(redis.Command({"CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"}).ok());

  HttpResponse r =
      platform.Call("POST", absl::StrCat("/v1/", station, "/ranking:publish"), {{"period", "2026-Q1"}}, admin);
  ASSERT_EQ(r.status, 200) << r.body;
  pqxx::connection db(platform.dsn());
  // The platform is this test's own: its one ranking event.
  auto ranking_row = [&](const std::string& condition) {
    pqxx::nontransaction tx(db);
    return tx.exec(absl::StrCat("SELECT count(*) FROM deputies.outbox WHERE event_type = "
                                "'minyi.deputies.v1.StationRankingPublished' AND ",
                                condition))[0][0]
               .as<int>() == 1;
  };
  ASSERT_TRUE(Eventually([&] { return ranking_row("stream_id IS NOT NULL"); }));
  ASSERT_TRUE(redis.Command({"FLUSHALL"}).ok());
  notifications.Signal(SIGCONT);

  json inbox;
  EXPECT_TRUE(Eventually([&] {
    inbox = Json(platform.Call("GET", "/v1/inbox", nullptr, token));
    return inbox.value("unreadCount", 0) >= 1;
  }));
  ASSERT_EQ(inbox.value("unreadCount", 0), 1) << inbox.dump() << notifications.Log();
  EXPECT_EQ(inbox["notifications"][0]["category"], "CATEGORY_RANKING");
  // Consumed by every group: the row is confirmed, and the republish is counted.
  EXPECT_TRUE(Eventually([&] { return ranking_row("confirmed_at IS NOT NULL"); }));
  const std::string metrics = HttpRequest(platform.metrics_port("deputies"), "GET", "/metrics").body;
  constexpr char kRepublished[] = "\nminyi_outbox_republished_total ";
  const size_t at = metrics.find(kRepublished);
  ASSERT_NE(at, std::string::npos) << metrics;
  EXPECT_GE(std::stod(metrics.substr(at + sizeof(kRepublished) - 1)), 1) << metrics;
  EXPECT_EQ(Json(platform.Call("GET", "/v1/inbox", nullptr, token)).value("unreadCount", 0), 1);
}

}  // namespace
}  // namespace minyi::testing

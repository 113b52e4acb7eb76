// End to end: an event for a department, produced through an outbox and the real relay onto the
// platform's stream, reaches that department's account; the account reads its inbox through the
// gateway, marks the message read and sees the unread count drop.

#include "absl/strings/str_cat.h"
#include "common/migrate.h"
#include "common/outbox.h"
#include "common/pg.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "minyi/suggestions/v1/events.pb.h"
#include "support/platform.h"

namespace minyi::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

TEST(InboxE2eTest, ADepartmentReadsItsAssignmentInTheInbox) {
  Platform platform;
  const std::string dept = Unique("NYNCJ");
  const std::string token = platform.CreateAccountAndToken({{"username", Unique("dept")},
                                                            {"displayName", "县农业农村局"},
                                                            {"role", "ROLE_DEPARTMENT"},
                                                            {"department", dept}});
  const std::string other = platform.CreateAccountAndToken({{"username", Unique("dept")},
                                                            {"displayName", "县卫健局"},
                                                            {"role", "ROLE_DEPARTMENT"},
                                                            {"department", Unique("WJJ")}});

  // What the suggestions service will do on assignment: EmitEvent in its transaction, its relay publishes.
  ASSERT_TRUE(ApplyMigrations(platform.dsn(), "scratch_suggestions", {}).ok());
  PgPool outbox(PgPool::Options{.dsn = platform.dsn(), .schema = "scratch_suggestions", .size = 1, .statements = {}});
  ASSERT_TRUE(outbox
                  .Transact([&](pqxx::work& tx) {
                    for (int i = 1; i <= 2; ++i) {
                      minyi::suggestions::v1::SuggestionAssigned assigned;
                      assigned.set_reference(absl::StrCat("suggestions/", i));
                      assigned.set_title(absl::StrCat("关于发展高山茶产业的建议", i));
                      assigned.set_department(dept);
                      assigned.set_deadline("2026-12-31");
                      EmitEvent(tx, assigned, assigned.reference(), "1");
                    }
                    return absl::OkStatus();
                  })
                  .ok());
  OutboxRelay relay(outbox, platform.redis_addr());
  ASSERT_TRUE(relay.PublishPending().ok());

  json inbox;
  EXPECT_TRUE(Eventually([&] {
    inbox = Json(platform.Call("GET", "/v1/inbox", nullptr, token));
    // Both, since the count and the page are read apart and may straddle the message's arrival.
    return inbox.value("unreadCount", 0) == 2 && inbox.value("notifications", json::array()).size() == 2u;
  }));
  ASSERT_EQ(inbox.value("unreadCount", 0), 2) << inbox.dump() << platform.process("notifications").Log();
  ASSERT_EQ(inbox["notifications"].size(), 2u);
  const json newest = inbox["notifications"][0];
  EXPECT_EQ(newest["reference"], "suggestions/2");
  EXPECT_EQ(newest["title"], "新交办建议：关于发展高山茶产业的建议2");
  EXPECT_THAT(newest["body"].get<std::string>(), HasSubstr("2026-12-31"));
  EXPECT_EQ(newest["category"], "CATEGORY_ASSIGNMENT");

  // Another department sees nothing of it, and cannot mark it read.
  EXPECT_EQ(Json(platform.Call("GET", "/v1/inbox", nullptr, other))["notifications"].size(), 0u);
  const std::string name = newest["name"].get<std::string>();
  EXPECT_EQ(platform.Call("POST", absl::StrCat("/v1/", name, ":read"), json::object(), other).status, 404);
  EXPECT_EQ(platform.Call("GET", "/v1/inbox").status, 401);

  HttpResponse read = platform.Call("POST", absl::StrCat("/v1/", name, ":read"), json::object(), token);
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_TRUE(Json(read).contains("readTime"));
  inbox = Json(platform.Call("GET", "/v1/inbox", nullptr, token));
  EXPECT_EQ(inbox["unreadCount"], 1);
  json unread = Json(platform.Call("GET", "/v1/inbox?unreadOnly=true", nullptr, token));
  ASSERT_EQ(unread["notifications"].size(), 1u);
  EXPECT_EQ(unread["notifications"][0]["reference"], "suggestions/1");

  // Preferences through the gateway.
  HttpResponse patched = platform.Call(
      "PATCH", "/v1/preferences", {{"quietHours", {{"enabled", true}, {"start", "22:00"}, {"end", "07:00"}}}}, token);
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(Json(platform.Call("GET", "/v1/preferences", nullptr, token))["quietHours"]["start"], "22:00");
}

// A real producer: publishing a station's ranking in the deputies service reaches its members' inboxes.
TEST(InboxE2eTest, PublishedStationRankingReachesItsMembers) {
  Platform platform;
  const std::string admin = platform.AdminToken();
  HttpResponse r = platform.Call(
      "POST", "/v1/stations",
      {{"displayName", "茶产业链代表联络站"}, {"kind", "STATION_KIND_INDUSTRY_CHAIN"}, {"regionPath", {"湄潭县"}}},
      admin);
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string station = Json(r)["name"].get<std::string>();
  r = platform.Call("POST", "/v1/deputies",
                    {{"displayName", "杨丽"},
                     {"gender", "GENDER_FEMALE"},
                     {"level", "LEVEL_COUNTY"},
                     {"term", 2},
                     {"stations", {station}}},
                    admin);
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string deputy = Json(r)["name"].get<std::string>();
  const std::string token = platform.CreateAccountAndToken(
      {{"username", Unique("deputy")}, {"displayName", "杨丽"}, {"role", "ROLE_DEPUTY"}, {"deputy", deputy}});

  r = platform.Call("POST", absl::StrCat("/v1/", station, "/ranking:publish"), {{"period", "2026-Q1"}}, admin);
  ASSERT_EQ(r.status, 200) << r.body;

  json inbox;
  EXPECT_TRUE(Eventually([&] {
    inbox = Json(platform.Call("GET", "/v1/inbox", nullptr, token));
    // Both, since the count and the page are read apart and may straddle the message's arrival.
    return inbox.value("unreadCount", 0) == 1 && inbox.value("notifications", json::array()).size() == 1u;
  }));
  ASSERT_EQ(inbox.value("unreadCount", 0), 1) << inbox.dump() << platform.process("notifications").Log();
  EXPECT_EQ(inbox["notifications"][0]["category"], "CATEGORY_RANKING");
  EXPECT_EQ(inbox["notifications"][0]["body"], absl::StrCat(station, " 2026-Q1 履职积分排名已公布，请登录查看。"));
}

}  // namespace
}  // namespace minyi::testing

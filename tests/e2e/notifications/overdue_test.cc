// End to end: a key-supervision (重点督办) suggestion whose deadline passes reaches every leader's inbox
// as an overdue message, through the real deadline sweeper, the outbox, the event stream and the
// notifications service, once, with two suggestions replicas sweeping.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/calendar.h"
#include "e2e/notifications/suggestion.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/platform.h"

namespace minyi::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

// The inbox messages of `category` about `reference`.
std::vector<json> Messages(Platform& platform, const std::string& token, const std::string& reference,
                           const std::string& category) {
  std::vector<json> out;
  for (const json& n :
       Json(platform.Call("GET", "/v1/inbox?pageSize=100", nullptr, token)).value("notifications", json::array())) {
    if (n.value("reference", "") == reference && n.value("category", "") == category) {
      out.push_back(n);
    }
  }
  return out;
}

TEST(OverdueE2eTest, AKeySupervisionItemPastItsDeadlineReachesEveryLeaderOnce) {
  // A platform of its own: the sweepers below, a day past the deadline, would find other tests' items.
  Platform platform;
  const std::string deputy_token =
      platform.NewAccount("ROLE_DEPUTY", platform.NewDeputy(platform.NewStation("示范县"), "王芳"));
  const std::string department = Unique("county-water");
  const std::string lead_token = platform.NewAccount("ROLE_DEPARTMENT", "", department);
  const std::vector<std::string> leaders = {platform.NewAccount("ROLE_LEADER"), platform.NewAccount("ROLE_LEADER")};
  const std::string bystander = platform.NewAccount("ROLE_DEPARTMENT", "", Unique("county-health"));

  const std::string title = "关于治理河西片区内涝的建议";
  const AssignedSuggestion assigned =
      SubmitAndAssign(platform, deputy_token, title, "河西片区每逢暴雨即内涝，建议改造排水管网。", department);
  const std::string& name = assigned.name;
  const std::string deadline = assigned.assignment.value("deadline", "");
  Ok(platform.Call("POST", absl::StrCat("/v1/", name, ":flagKeySupervision"),
                   {{"keySupervision", true}, {"reason", "群众反映强烈"}}, leaders[0]));
  absl::CivilDay due;
  ASSERT_TRUE(ParseDay(deadline, &due)) << deadline;
  // The platform's own suggestions service reads today: nothing is overdue there.
  EXPECT_TRUE(Messages(platform, leaders[0], name, "CATEGORY_DEADLINE").empty());

  // Two more replicas on the same database and stream, their clocks on the morning after the deadline,
  // sweeping every second.
  const std::map<std::string, std::string> late = {
      {"MINYI_REDIS_ADDR", platform.redis_addr()},
      {"MINYI_DEPUTIES_ADDR", absl::StrCat("127.0.0.1:", platform.grpc_port("deputies"))},
      {"MINYI_CLOCK_START", absl::StrCat(FormatDay(due + 1), "T09:00:00+08:00")},
      {"MINYI_SUGGESTIONS_SWEEP_SECONDS", "1"},
      {"MINYI_LOG_LEVEL", "warn"}};
  std::vector<std::unique_ptr<ChildProcess>> replicas;
  for (int i = 0; i < 2; ++i) {
    int port = 0;
    replicas.push_back(StartService("suggestions", platform.dsn(), &port, late));
  }

  for (const std::string& leader : leaders) {
    ASSERT_TRUE(Eventually([&] { return !Messages(platform, leader, name, "CATEGORY_DEADLINE").empty(); }))
        << platform.process("notifications").Log() << replicas[0]->Log();
  }
  ASSERT_TRUE(Eventually([&] { return !Messages(platform, lead_token, name, "CATEGORY_DEADLINE").empty(); }));
  // Further sweeps of both replicas add nothing: they sweep each second, so 3 s watches three and more.
  EXPECT_TRUE(HoldsFor(
      [&] {
        for (const std::string& leader : leaders) {
          if (Messages(platform, leader, name, "CATEGORY_DEADLINE").size() != 1) {
            return false;
          }
        }
        return true;
      },
      absl::Seconds(3)));
  for (const std::string& leader : leaders) {
    const std::vector<json> got = Messages(platform, leader, name, "CATEGORY_DEADLINE");
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].value("title", ""), absl::StrCat("重点督办建议逾期：", title));
    EXPECT_THAT(got[0].value("body", ""), HasSubstr(absl::StrCat("期限 ", deadline)));
    EXPECT_THAT(got[0].value("body", ""), HasSubstr(department));
    EXPECT_TRUE(got[0].value("urgent", false));
  }
  // The lead unit, first swept after the deadline, has its overdue message once, and not the reminders
  // it is now too late for.
  std::vector<std::string> lead_titles;
  for (const json& n : Messages(platform, lead_token, name, "CATEGORY_DEADLINE")) {
    lead_titles.push_back(n.value("title", ""));
  }
  EXPECT_THAT(lead_titles, ::testing::ElementsAre(absl::StrCat("办理已逾期：", title)));
  EXPECT_TRUE(Messages(platform, bystander, name, "CATEGORY_DEADLINE").empty());
}

}  // namespace
}  // namespace minyi::testing

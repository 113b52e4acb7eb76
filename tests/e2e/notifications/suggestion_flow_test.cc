// End to end across services: a deputy's suggestion submitted, accepted and assigned through the gateway
// reaches the lead unit's inbox through the suggestions service's outbox, the event stream and the
// notifications service; the lead unit's answer reaches the deputy, asking for a rating.

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/calendar.h"
#include "e2e/notifications/suggestion.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/platform.h"

namespace minyi::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

// The inbox message of `category` about `reference`, once the event has been delivered.
json AwaitMessage(Platform& platform, const std::string& token, const std::string& reference,
                  const std::string& category) {
  json found;
  const bool delivered = Eventually([&] {
    for (const json& n :
         Json(platform.Call("GET", "/v1/inbox", nullptr, token)).value("notifications", json::array())) {
      if (n.value("reference", "") == reference && n.value("category", "") == category) {
        found = n;
        return true;
      }
    }
    return false;
  });
  EXPECT_TRUE(delivered) << "no " << category << " message about " << reference << "\n"
                         << platform.process("notifications").Log();
  return found;
}

TEST(SuggestionNotificationsE2eTest, AssignmentReachesTheLeadUnitAndTheAnswerReachesTheDeputy) {
  Platform& platform = Platform::Shared();
  const std::string deputy = platform.NewDeputy(platform.NewStation("示范县"), "李梅");
  const std::string department = Unique("county-transport");
  const std::string deputy_token = platform.NewAccount("ROLE_DEPUTY", deputy);
  const std::string lead_token = platform.NewAccount("ROLE_DEPARTMENT", "", department);
  const std::string other_token = platform.NewAccount("ROLE_DEPARTMENT", "", Unique("county-health"));

  const std::string title = "关于在城关镇中心小学门口增设红绿灯的建议";
  const AssignedSuggestion assigned = SubmitAndAssign(
      platform, deputy_token, title, "学校门口车流量大，学生过马路危险，建议增设红绿灯和斑马线。", department);
  const std::string& name = assigned.name;

  const json message = AwaitMessage(platform, lead_token, name, "CATEGORY_ASSIGNMENT");
  EXPECT_EQ(message.value("title", ""), absl::StrCat("新交办建议：", title));
  EXPECT_THAT(message.value("body", ""), HasSubstr(assigned.assignment.value("deadline", "?")));
  EXPECT_EQ(Json(platform.Call("GET", "/v1/inbox", nullptr, other_token))["notifications"].size(), 0u);

  Ok(platform.Call(
      "POST", absl::StrCat("/v1/", name, ":contact"),
      {{"contact", {{"method", "电话"}, {"summary", "与代表沟通办理方案"}, {"contactDate", FormatDay(TestToday())}}}},
      lead_token));
  Ok(platform.Call("POST", absl::StrCat("/v1/", name, ":answer"),
                   {{"answer", {{"category", "ANSWER_CATEGORY_A"}, {"text", "已在学校门口增设红绿灯和斑马线。"}}}},
                   lead_token));
  const json answered = AwaitMessage(platform, deputy_token, name, "CATEGORY_ANSWER");
  EXPECT_THAT(answered.value("title", ""), HasSubstr("请评价"));
  EXPECT_THAT(answered.value("body", ""), HasSubstr(department));
}

}  // namespace
}  // namespace minyi::testing

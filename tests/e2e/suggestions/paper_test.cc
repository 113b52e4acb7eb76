// End to end through the gateway: a suggestion handed in on paper at a session is entered later by office
// staff with the day it was received, and assigned from a paper assignment with the day it was signed; the
// deadline counts from the real dates, the timeline says so, and dates in the future, before receipt or
// from anyone but office staff are refused naming the field.

#include "absl/strings/str_cat.h"
#include "common/calendar.h"
#include "e2e/suggestions/calls.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/platform.h"

namespace minyi::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

json PaperSuggestion(const std::string& deputy, const std::string& received) {
  return {{"submit", true},
          {"suggestion",
           {{"kind", "SUGGESTION_KIND_DEPUTY"},
            {"deputies", {deputy}},
            {"title", "关于解决城北片区农贸市场周边停车难的建议"},
            {"body", Unique("城北农贸市场周边早晚高峰车辆乱停，群众出行不便，建议规划临时停车位并加强管理。")},
            {"receivedDate", received}}}};
}

TEST(PaperIntake, DeadlinesCountFromTheDaysOnPaper) {
  const std::string station = P().NewStation("示范县");
  const std::string deputy = P().NewDeputy(station, "赵敏");
  const std::string deputy_token = P().NewAccount("ROLE_DEPUTY", deputy);
  const std::string staff = P().NewAccount("ROLE_STAFF");
  const absl::CivilDay today = TestToday();
  const std::string received = FormatDay(today - 40);
  const std::string signed_on = FormatDay(today - 35);

  // Refused: a day still to come, a mistyped year, a day without submitting, and a deputy backdating.
  json err = Call("POST", "/v1/suggestions", PaperSuggestion(deputy, FormatDay(today + 1)), staff, 400);
  EXPECT_THAT(err.value("message", ""), HasSubstr("suggestion.received_date"));
  err = Call("POST", "/v1/suggestions", PaperSuggestion(deputy, FormatDay(today - 3650)), staff, 400);
  EXPECT_THAT(err.value("message", ""), HasSubstr("suggestion.received_date"));
  json draft = PaperSuggestion(deputy, received);
  draft["submit"] = false;
  Call("POST", "/v1/suggestions", draft, staff, 400);
  Call("POST", "/v1/suggestions", PaperSuggestion(deputy, received), deputy_token, 403);

  json item = Call("POST", "/v1/suggestions", PaperSuggestion(deputy, received), staff);
  const std::string name = item.value("name", "");
  EXPECT_EQ(item.value("receivedDate", ""), received);
  EXPECT_EQ(item.value("state", ""), "SUGGESTION_STATE_SUBMITTED");
  Call("POST", absl::StrCat("/v1/", name, ":accept"), json::object(), staff);

  // The paper assignment cannot predate the receipt, nor lie ahead.
  err = Call("POST", absl::StrCat("/v1/", name, ":assign"),
             {{"leadDepartment", "住建局"}, {"assignDate", FormatDay(today - 41)}}, staff, 400);
  EXPECT_THAT(err.value("message", ""), HasSubstr("assign_date"));
  Call("POST", absl::StrCat("/v1/", name, ":assign"),
       {{"leadDepartment", "住建局"}, {"assignDate", FormatDay(today + 1)}}, staff, 400);
  item = Call("POST", absl::StrCat("/v1/", name, ":assign"), {{"leadDepartment", "住建局"}, {"assignDate", signed_on}},
              staff);
  EXPECT_EQ(item.value("assignedDate", ""), signed_on);
  // Three calendar months from the day the assignment was signed, not from the day it was entered.
  EXPECT_EQ(item.value("deadline", ""), FormatDay(AddCalendarMonths(today - 35, 3)));

  const json timeline = Call("GET", absl::StrCat("/v1/", name, "/timeline"), nullptr, staff);
  std::string details;
  for (const json& e : timeline.value("entries", json::array())) {
    details += e.value("detail", "") + "\n";
  }
  EXPECT_THAT(details, HasSubstr(absl::StrCat("纸质来件，收到日期 ", received)));
  EXPECT_THAT(details, HasSubstr(absl::StrCat("纸质交办，交办日期 ", signed_on)));

  // An item submitted online was received today, and assigned today without a paper date.
  const json online = Call("POST", "/v1/suggestions",
                           {{"submit", true},
                            {"suggestion",
                             {{"kind", "SUGGESTION_KIND_DEPUTY"},
                              {"title", "关于增设社区养老服务站的建议"},
                              {"body", Unique("社区老年人多，建议增设养老服务站，提供助餐助浴服务。")}}}},
                           deputy_token);
  EXPECT_EQ(online.value("receivedDate", ""), FormatDay(today));
}

}  // namespace
}  // namespace minyi::testing

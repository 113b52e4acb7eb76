// End to end through the gateway: the routing rules and a year's holiday calendar are replaced as a whole,
// so each replacement must name the etag it read (AIP-154) and two members of staff cannot silently
// overwrite each other.

#include "absl/strings/str_cat.h"
#include "e2e/suggestions/calls.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "suggestions/deadlines.h"
#include "support/platform.h"

namespace minyi::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

// Two members of staff read the same setting; the first replaces it, the second's replacement made from
// the same read is refused and leaves the first one's in place; a replacement without an etag is refused
// naming the field.
void SecondReplacementFromTheSameReadIsRefused(const std::string& path, const json& first, const json& second,
                                               const std::string& etag_field, const std::string& list) {
  const std::string a = P().NewAccount("ROLE_STAFF");
  const std::string b = P().NewAccount("ROLE_STAFF");
  const std::string read_by_a = Call("GET", path, nullptr, a).value("etag", "");
  const std::string read_by_b = Call("GET", path, nullptr, b).value("etag", "");
  ASSERT_FALSE(read_by_a.empty());
  ASSERT_EQ(read_by_a, read_by_b);

  json body = first;
  body["etag"] = read_by_a;
  const json replaced = Call("PATCH", path, body, a);
  EXPECT_NE(replaced.value("etag", ""), read_by_a);
  EXPECT_THAT(replaced.value("updatedBy", ""), HasSubstr("accounts/"));
  EXPECT_TRUE(replaced.contains("updateTime")) << replaced;

  body = second;
  body["etag"] = read_by_b;
  HttpResponse r = P().Call("PATCH", path, body, b);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(ErrorReason(r), "ETAG_MISMATCH") << r.body;
  r = P().Call("PATCH", path, second, b);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_THAT(Json(r).value("message", ""), HasSubstr(etag_field));
  EXPECT_EQ(Call("GET", path, nullptr, b)[list], replaced[list]);
  EXPECT_EQ(Call("GET", path, nullptr, b).value("etag", ""), replaced.value("etag", ""));
}

TEST(Settings, RoutingRulesReplacedFromAStaleReadAreRefused) {
  SecondReplacementFromTheSameReadIsRefused(
      "/v1/routingRules", {{"rules", {{{"keywords", {"路灯"}}, {"department", "城管局"}}}}},
      {{"rules", {{{"keywords", {"垃圾"}}, {"department", "环卫所"}}}}}, "routing_rules.etag", "rules");
}

TEST(Settings, AHolidayCalendarYearReplacedFromAStaleReadIsRefused) {
  // Each year is its own setting: replacing one year does not stale another year's etag.
  const int year = TestToday().year() + 2;
  const std::string path = absl::StrCat("/v1/holidayCalendars/", year);
  const std::string next_year = absl::StrCat("/v1/holidayCalendars/", year + 1);
  const std::string next_etag = Call("GET", next_year, nullptr, P().Admin()).value("etag", "");
  SecondReplacementFromTheSameReadIsRefused(
      path, {{"days", {{{"date", absl::StrCat(year, "-10-01")}, {"working", false}, {"note", "国庆节"}}}}},
      {{"days", {{{"date", absl::StrCat(year, "-10-02")}, {"working", false}, {"note", "国庆节"}}}}}, "calendar.etag",
      "days");
  EXPECT_EQ(Call("GET", next_year, nullptr, P().Admin()).value("etag", ""), next_etag);
}

}  // namespace
}  // namespace minyi::testing

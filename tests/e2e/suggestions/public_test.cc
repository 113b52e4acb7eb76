// End to end through the gateway, signed out (no Authorization header): the public reads of suggestions
// (docs/suggestions.md, "Public reads"). The showcase lists a published item with its public fields only
// and never an unpublished one; the statistics per department and year are the office's own figures.

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/calendar.h"
#include "e2e/suggestions/calls.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/platform.h"
#include "support/signed_out.h"

namespace minyi::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

// Signed out.
HttpResponse Public(const std::string& target) { return SignedOutGet(P().http_port(), target); }

std::string Today() { return minyi::FormatDay(TestToday()); }

// A deputy's suggestion handled to a closed, rated answer of `category` by `department`.
std::string HandledSuggestion(const std::string& deputy_token, const std::string& title, const std::string& department,
                              const std::string& department_token, const std::string& category,
                              const std::string& staff) {
  const json item = Call("POST", "/v1/suggestions",
                         {{"submit", true},
                          {"suggestion",
                           {{"kind", "SUGGESTION_KIND_DEPUTY"},
                            {"title", title},
                            {"body", absl::StrCat(title, "，请相关部门研究办理。")}}}},
                         deputy_token);
  const std::string name = item.value("name", "");
  Call("POST", absl::StrCat("/v1/", name, ":accept"), json::object(), staff);
  Call("POST", absl::StrCat("/v1/", name, ":assign"), {{"leadDepartment", department}}, staff);
  Call("POST", absl::StrCat("/v1/", name, ":contact"),
       {{"contact", {{"method", "电话"}, {"summary", "与代表电话沟通办理方案"}, {"contactDate", Today()}}}},
       department_token);
  Call("POST", absl::StrCat("/v1/", name, ":answer"),
       {{"answer", {{"category", category}, {"text", absl::StrCat("关于“", title, "”的答复：已办理。")}}}},
       department_token);
  const json rated = Call(
      "POST", absl::StrCat("/v1/", name, ":rate"),
      {{"rating",
        {{"attitude", "SATISFACTION_SATISFIED"}, {"result", "SATISFACTION_SATISFIED"}, {"comment", "评价备注不公开"}}}},
      deputy_token);
  EXPECT_EQ(rated.value("state", ""), "SUGGESTION_STATE_CLOSED") << rated.dump();
  return name;
}

// The whole signed-out showcase, paged through.
std::vector<json> Showcase() {
  std::vector<json> out;
  std::string token;
  do {
    HttpResponse r = Public(absl::StrCat("/v1/public/showcase?pageSize=200&pageToken=", token));
    EXPECT_EQ(r.status, 200) << r.body;
    for (const json& item : Json(r).value("items", json::array())) {
      out.push_back(item);
    }
    token = Json(r).value("nextPageToken", "");
  } while (!token.empty());
  return out;
}

TEST(PublicSuggestionsTest, TheShowcaseShowsAPublishedItemsPublicFieldsAndNoUnpublishedItem) {
  const std::string station = P().NewStation("公开县");
  const std::string deputy = P().NewDeputy(station, "陈静");
  const std::string deputy_token = P().NewAccount("ROLE_DEPUTY", deputy);
  const std::string staff = P().NewAccount("ROLE_STAFF");
  const std::string department = Unique("住建局");
  const std::string department_token = P().NewAccount("ROLE_DEPARTMENT", "", department);
  const std::string shown = HandledSuggestion(deputy_token, "关于老旧小区加装电梯的建议", department, department_token,
                                              "ANSWER_CATEGORY_A", staff);
  const std::string unshown = HandledSuggestion(deputy_token, "关于整治小区停车乱象的建议", department,
                                                department_token, "ANSWER_CATEGORY_D", staff);
  // A citizen's opinion with a phone, never showcased.
  const std::string citizen = P().NewAccount("ROLE_CITIZEN");
  Call("POST", "/v1/suggestions",
       {{"submit", true},
        {"suggestion",
         {{"kind", "SUGGESTION_KIND_CITIZEN_OPINION"},
          {"title", "小区路灯坏了"},
          {"body", "请尽快修理。"},
          {"station", station},
          {"contactPhone", "13912345678"}}}},
       citizen);
  Call("POST", absl::StrCat("/v1/", shown, ":showcase"), json::object(), staff);

  json item;
  const std::vector<json> showcase = Showcase();
  for (const json& s : showcase) {
    EXPECT_NE(s.value("name", ""), unshown) << "an unpublished item is not shown";
    if (s.value("name", "") == shown) {
      item = s;
    }
  }
  ASSERT_FALSE(item.is_null()) << "the published item is shown";
  EXPECT_EQ(item.value("title", ""), "关于老旧小区加装电梯的建议");
  EXPECT_THAT(item.value("body", ""), HasSubstr("老旧小区加装电梯"));
  EXPECT_EQ(item.value("kind", ""), "SUGGESTION_KIND_DEPUTY");
  EXPECT_EQ(item["deputies"], json({deputy}));  // the deputy is credited for a showcased suggestion
  EXPECT_EQ(item.value("leadDepartment", ""), department);
  EXPECT_EQ(item["answer"].value("category", ""), "ANSWER_CATEGORY_A");
  EXPECT_THAT(item["answer"].value("text", ""), HasSubstr("已办理"));
  EXPECT_TRUE(item["answer"].value("onTime", false));
  EXPECT_EQ(item.value("attitude", ""), "SATISFACTION_SATISFIED");
  EXPECT_EQ(item.value("result", ""), "SATISFACTION_SATISFIED");
  const std::string text = item.dump();
  for (const char* hidden : {"评价备注不公开", "accounts/", "contactPhone", "contacts", "与代表电话沟通办理方案",
                             "ratedBy", "comment", "citizenAccount", "enteredBy", "routing"}) {
    EXPECT_THAT(text, Not(HasSubstr(hidden))) << hidden;
  }
  for (const json& s : showcase) {
    EXPECT_THAT(s.dump(), Not(HasSubstr("13912345678")));
  }
}

// The office's row for `department` over `year`, from the statistics office staff read.
json OfficeRow(const std::string& department, int year, const std::string& leader) {
  const json stats =
      Call("GET",
           absl::StrCat("/v1/suggestions:stats?groupBy=department&startDate=", year, "-01-01&endDate=", year, "-12-31"),
           nullptr, leader);
  for (const json& r : stats.value("rows", json::array())) {
    if (r.value("key", "") == department) {
      return r;
    }
  }
  return nullptr;
}

TEST(PublicSuggestionsTest, TheStatisticsOfADepartmentAndYearAreTheOfficesFigures) {
  const std::string station = P().NewStation("统计县");
  const std::string deputy = P().NewDeputy(station, "林涛");
  const std::string deputy_token = P().NewAccount("ROLE_DEPUTY", deputy);
  const std::string staff = P().NewAccount("ROLE_STAFF");
  const std::string leader = P().NewAccount("ROLE_LEADER");
  const std::string department = Unique("水务局");
  const std::string department_token = P().NewAccount("ROLE_DEPARTMENT", "", department);
  HandledSuggestion(deputy_token, "关于河道清淤的建议", department, department_token, "ANSWER_CATEGORY_A", staff);
  HandledSuggestion(deputy_token, "关于增设供水管网的建议", department, department_token, "ANSWER_CATEGORY_C", staff);
  const int year = static_cast<int>(TestToday().year());

  HttpResponse r = Public(absl::StrCat("/v1/public/stats?year=", year, "&department=", department));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r).value("year", 0), year);
  ASSERT_EQ(Json(r)["rows"].size(), 1u) << r.body;
  json published = Json(r)["rows"][0];
  EXPECT_EQ(published.value("total", ""), "2");
  EXPECT_EQ(published.value("categoryA", ""), "1");
  EXPECT_EQ(published.value("categoryC", ""), "1");
  // Field for field the office's row, its key named department.
  json office = OfficeRow(department, year, leader);
  ASSERT_FALSE(office.is_null());
  office["department"] = office["key"];
  office.erase("key");
  EXPECT_EQ(published, office);

  // Every department's row for the year, this one among them; the default year is this year.
  r = Public(absl::StrCat("/v1/public/stats?year=", year));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.body, HasSubstr(department));
  EXPECT_EQ(Json(Public("/v1/public/stats")).value("year", 0), year);
  // Another year has none of these items.
  r = Public(absl::StrCat("/v1/public/stats?year=", year - 1, "&department=", department));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(Json(r).value("rows", json::array()).empty()) << r.body;
}

TEST(PublicSuggestionsTest, BadInputIsA400NamingTheField) {
  const int year = static_cast<int>(TestToday().year());
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"/v1/public/stats?year=1999", "year"},
      {absl::StrCat("/v1/public/stats?year=", year + 1), "year"},
      {"/v1/public/stats?year=-3", "year"},
      {"/v1/public/stats?year=abc", "year"},
      {absl::StrCat("/v1/public/stats?department=", std::string(65, 'x')), "department"},
      {"/v1/public/showcase?pageSize=-1", "page_size"},
      {"/v1/public/showcase?pageToken=garbage", "page_token"},
  };
  for (const auto& [target, field] : cases) {
    const HttpResponse r = Public(target);
    EXPECT_EQ(r.status, 400) << target << ": " << r.body;
    EXPECT_THAT(Json(r).value("message", ""), HasSubstr(field)) << target << ": " << r.body;
  }
}

}  // namespace
}  // namespace minyi::testing

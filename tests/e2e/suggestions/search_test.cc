// End to end through the gateway: searching suggestions and citizens' opinions by Chinese words
// (GET /v1/suggestions?q=...), each caller finding only what they may read, with the list's filters,
// title hits ranked first and pages that add up to the whole result.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "e2e/suggestions/calls.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/platform.h"

namespace minyi::testing {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

// The names of a list answer's items, in order.
std::vector<std::string> Names(const json& list) {
  std::vector<std::string> out;
  for (const json& s : list.value("suggestions", json::array())) {
    out.push_back(s.value("name", ""));
  }
  return out;
}

// Searches as `token` for `q` (URL-encoded by the caller) with `filter` ("&kind=..." or ""), one page of
// `page_size` at a time, and returns every item's name in the order served.
std::vector<std::string> Search(const std::string& token, const std::string& q, const std::string& filter = "",
                                int page_size = 200) {
  std::vector<std::string> out;
  std::string page_token;
  for (int pages = 0; pages < 50; ++pages) {
    const json page = Call("GET",
                           absl::StrCat("/v1/suggestions?q=", q, filter, "&pageSize=", page_size,
                                        page_token.empty() ? "" : "&pageToken=", page_token),
                           nullptr, token);
    for (const std::string& name : Names(page)) {
      out.push_back(name);
    }
    page_token = page.value("nextPageToken", "");
    if (page_token.empty()) {
      break;
    }
  }
  return out;
}

class SuggestionSearch : public ::testing::Test {
 protected:
  // A submitted item assigned by office staff to `department`; returns its name.
  std::string Assigned(const json& suggestion, const std::string& token, const std::string& department) {
    const std::string name =
        Call("POST", "/v1/suggestions", {{"submit", true}, {"suggestion", suggestion}}, token).value("name", "");
    Call("POST", absl::StrCat("/v1/", name, ":accept"), json::object(), staff_);
    Call("POST", absl::StrCat("/v1/", name, ":assign"), {{"leadDepartment", department}}, staff_);
    return name;
  }
  json DeputyItem(const std::string& title, const std::string& body) {
    return {{"kind", "SUGGESTION_KIND_DEPUTY"}, {"deputies", {deputy_}}, {"title", title}, {"body", body}};
  }
  json CitizenOpinion(const std::string& title, const std::string& body) {
    return {{"kind", "SUGGESTION_KIND_CITIZEN_OPINION"}, {"station", station_}, {"title", title}, {"body", body}};
  }

  const std::string staff_ = P().NewAccount("ROLE_STAFF");
  const std::string station_ = P().NewStation("示范县");
  const std::string deputy_ = P().NewDeputy(station_, "陈明");
  const std::string deputy_token_ = P().NewAccount("ROLE_DEPUTY", deputy_);
  const std::string citizen_ = P().NewAccount("ROLE_CITIZEN");
  // Departments of this test alone, so what other tests wrote does not show in their searches.
  const std::string housing_ = Unique("county-housing-");
  const std::string water_ = Unique("county-water-");
  const std::string housing_token_ = P().NewAccount("ROLE_DEPARTMENT", "", housing_);
  const std::string water_token_ = P().NewAccount("ROLE_DEPARTMENT", "", water_);
};

// URL-encoded query words.
constexpr char kShui[] = "%E6%B0%B4";                                        // 水
constexpr char kTingChe[] = "%E5%81%9C%E8%BD%A6";                            // 停车
constexpr char kDianTi[] = "%E7%94%B5%E6%A2%AF";                             // 电梯
constexpr char kJiaZhuangDianTi[] = "%E5%8A%A0%E8%A3%85%E7%94%B5%E6%A2%AF";  // 加装电梯

TEST_F(SuggestionSearch, DepartmentsFindOneAndTwoCharacterWordsOnlyInWhatIsAssignedToThem) {
  const std::string parking =
      Assigned(DeputyItem("关于解决老旧小区停车难问题的建议", "城东片区老旧小区车位严重不足，夜间车辆占用消防通道。"),
               deputy_token_, housing_);
  const std::string supply =
      Assigned(CitizenOpinion("二楼以上用户经常停水", "小区供水管网老化，夏天高峰时段水压不够，洒水车也进不来。"),
               citizen_, housing_);
  const std::string elsewhere = Assigned(
      DeputyItem("关于增加医院周边停车位的建议", "县人民医院周边停车困难，群众就医不便，自来水厂旁空地可以利用。"),
      deputy_token_, water_);

  EXPECT_THAT(Search(housing_token_, kShui), ElementsAre(supply));
  // The other department's item holds both words; it is found only by that department and by staff.
  EXPECT_THAT(Search(water_token_, kTingChe), ElementsAre(elsewhere));
  EXPECT_THAT(Search(water_token_, kShui), ElementsAre(elsewhere));
  EXPECT_THAT(Search(staff_, kTingChe, absl::StrCat("&department=", housing_)), ElementsAre(parking));
  // 停车 needs the two characters side by side: the opinion's 停 (停水) and 车 (洒水车) apart do not make it.
  EXPECT_THAT(Search(housing_token_, kTingChe), ElementsAre(parking));
  // Two words: each must be in the item.
  EXPECT_THAT(Search(water_token_, absl::StrCat(kTingChe, "%20", kShui)), ElementsAre(elsewhere));
  EXPECT_THAT(Search(housing_token_, absl::StrCat(kTingChe, "%20", kShui)), IsEmpty());
}

TEST_F(SuggestionSearch, CoUnitsFindWhatTheyShareAndTheDepartmentFilterCoversThem) {
  const std::string name =
      Call("POST", "/v1/suggestions",
           {{"submit", true}, {"suggestion", DeputyItem("关于老旧小区供水改造的建议", "楼顶水箱锈蚀，停水频繁。")}},
           deputy_token_)
          .value("name", "");
  Call("POST", absl::StrCat("/v1/", name, ":accept"), json::object(), staff_);
  Call("POST", absl::StrCat("/v1/", name, ":assign"), {{"leadDepartment", water_}, {"coDepartments", {housing_}}},
       staff_);
  const std::string other = Unique("county-health-");

  EXPECT_THAT(Search(water_token_, kShui), ElementsAre(name));
  EXPECT_THAT(Search(housing_token_, kShui), ElementsAre(name));
  EXPECT_THAT(Search(staff_, kShui, absl::StrCat("&department=", housing_)), ElementsAre(name));
  EXPECT_THAT(Search(staff_, kShui, absl::StrCat("&department=", water_)), ElementsAre(name));
  EXPECT_THAT(Search(staff_, kShui, absl::StrCat("&department=", other)), IsEmpty());
  EXPECT_THAT(Search(P().NewAccount("ROLE_DEPARTMENT", "", other), kShui), IsEmpty());
}

TEST_F(SuggestionSearch, CombinesWithTheListFiltersAndCoversCitizensOpinions) {
  const std::string suggestion = Assigned(
      DeputyItem("关于改造城区排水系统的建议", "每逢暴雨城区多处积水，排水管道标准偏低。"), deputy_token_, water_);
  const std::string opinion =
      Assigned(CitizenOpinion("河道水质变差", "村旁河道有异味，希望治理污水直排。"), citizen_, water_);

  EXPECT_THAT(Search(water_token_, kShui), UnorderedElementsAre(suggestion, opinion));
  EXPECT_THAT(Search(water_token_, kShui, "&kind=SUGGESTION_KIND_CITIZEN_OPINION"), ElementsAre(opinion));
  EXPECT_THAT(Search(water_token_, kShui, "&kind=SUGGESTION_KIND_DEPUTY&state=SUGGESTION_STATE_ASSIGNED"),
              ElementsAre(suggestion));
  EXPECT_THAT(Search(water_token_, kShui, "&state=SUGGESTION_STATE_ANSWERED"), IsEmpty());
  // A citizen finds their own opinion, not the deputy's suggestion with the same word.
  EXPECT_THAT(Search(citizen_, kShui), ElementsAre(opinion));
  // A deputy finds their own suggestion; the opinion was submitted at their station, so they read it too.
  EXPECT_THAT(Search(deputy_token_, kShui), UnorderedElementsAre(suggestion, opinion));
  EXPECT_THAT(Search(deputy_token_, kShui, "&kind=SUGGESTION_KIND_DEPUTY"), ElementsAre(suggestion));
}

TEST_F(SuggestionSearch, TitleHitsRankAboveBodyHitsAndPagesAddUpToTheWholeResult) {
  const std::string in_title =
      Assigned(DeputyItem("关于老旧小区加装电梯的建议", "多层住宅老人上下楼困难，建议简化审批、给予补贴。"),
               deputy_token_, housing_);
  const std::string in_body_old =
      Assigned(DeputyItem("关于改善老年人居住条件的建议", "不少老人住在没有电梯的六楼，希望推动加装电梯。"),
               deputy_token_, housing_);
  const std::string in_body_new = Assigned(
      CitizenOpinion("楼道无障碍设施不足", "轮椅进出困难，希望加装坡道，有条件的加装电梯。"), citizen_, housing_);

  // The title hit first although it is the oldest; body hits newest first.
  const std::vector<std::string> all = Search(housing_token_, kDianTi);
  EXPECT_THAT(all, ElementsAre(in_title, in_body_new, in_body_old));
  EXPECT_EQ(Search(housing_token_, kDianTi, "", 1), all);
  EXPECT_EQ(Search(housing_token_, kJiaZhuangDianTi, "", 2), all);
}

TEST_F(SuggestionSearch, RefusesQueriesWithoutWordsAndTokensOfAnotherQuery) {
  json err = Call("GET", "/v1/suggestions?q=%EF%BC%8C%E3%80%82", nullptr, staff_, 400);  // ，。
  EXPECT_THAT(err.value("message", ""), HasSubstr("q"));
  err = Call("GET", absl::StrCat("/v1/suggestions?q=", std::string(60, 'a')), nullptr, staff_, 400);
  EXPECT_THAT(err.value("message", ""), HasSubstr("q"));

  Assigned(DeputyItem("关于加装电梯的建议", "加装电梯。"), deputy_token_, housing_);
  Assigned(DeputyItem("关于电梯维保的建议", "电梯维保。"), deputy_token_, housing_);
  const json first = Call("GET", absl::StrCat("/v1/suggestions?q=", kDianTi, "&pageSize=1"), nullptr, housing_token_);
  const std::string token = first.value("nextPageToken", "");
  ASSERT_FALSE(token.empty());
  err = Call("GET", absl::StrCat("/v1/suggestions?q=", kShui, "&pageSize=1&pageToken=", token), nullptr, housing_token_,
             400);
  EXPECT_THAT(err.value("message", ""), HasSubstr("page_token"));
  Call("GET", absl::StrCat("/v1/suggestions?pageSize=1&pageToken=", token), nullptr, housing_token_, 400);
}

}  // namespace
}  // namespace minyi::testing

// End to end through the gateway, as an attacker holding ordinary accounts would try it: who may enter a
// citizen's opinion at which station, take opinions into a suggestion, see similar items, and make other
// deputies co-signers of a joint suggestion.

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "suggestions/deadlines.h"
#include "support/platform.h"

namespace minyi::testing {
namespace {

using ::testing::HasSubstr;
using nlohmann::json;

Platform& P() { return Platform::Shared(); }

json Call(absl::string_view method, const std::string& path, const json& body, const std::string& token,
          int expected_status = 200) {
  HttpResponse r = P().Call(method, path, body, token);
  EXPECT_EQ(r.status, expected_status) << method << " " << path << ": " << r.body;
  return Json(r);
}

std::string NewStation() {
  return Call("POST", "/v1/stations",
              {{"displayName", Unique("站")}, {"kind", "STATION_KIND_VILLAGE"}, {"regionPath", {"示范县"}}}, P().Admin())
      .value("name", "");
}

json Opinion(const std::string& station, const std::string& title, const std::string& body) {
  return {{"submit", true},
          {"suggestion",
           {{"kind", "SUGGESTION_KIND_CITIZEN_OPINION"}, {"title", title}, {"body", body}, {"station", station}}}};
}

TEST(SuggestionAuthorization, DeputiesEnterOpinionsOnlyAtStationsTheyBelongToOrAreOnDutyAt) {
  const std::string home = NewStation();
  const std::string elsewhere = NewStation();
  const std::string deputy = P().NewDeputy(home, "孙丽");
  const std::string token = P().NewAccount("ROLE_DEPUTY", deputy);

  json entered = Call("POST", "/v1/suggestions", Opinion(home, "小区路灯不亮", Unique("居民反映小区路灯坏了一个月。")), token);
  EXPECT_EQ(entered.value("enteredBy", ""), deputy);
  json err = Call("POST", "/v1/suggestions", Opinion(elsewhere, "菜市场占道经营", Unique("菜市场门口占道经营。")), token, 403);
  EXPECT_EQ(err.value("code", 0), 7);
  EXPECT_THAT(err.value("message", ""), HasSubstr("suggestion.station"));
  err = Call("POST", "/v1/suggestions", Opinion("stations/999999", "无此站点", "无此站点的意见。"), token, 400);
  EXPECT_THAT(err.value("message", ""), HasSubstr("suggestion.station"));

  // On the rota of a station they no longer belong to: on duty there today, so they may enter there.
  const std::string on_duty = P().NewDeputy(elsewhere, "周平");
  const std::string on_duty_token = P().NewAccount("ROLE_DEPUTY", on_duty);
  Call("POST", absl::StrCat("/v1/", elsewhere, "/rotaEntries"),
       {{"deputy", on_duty}, {"date", minyi::ShanghaiDate(absl::Now())}, {"note", "9:00-12:00"}}, P().Admin());
  Call("PATCH", absl::StrCat("/v1/", on_duty, "?updateMask=stations"), {{"stations", {home}}}, P().Admin());
  Call("POST", "/v1/suggestions", Opinion(elsewhere, "公园厕所太少", Unique("公园只有一个厕所。")), on_duty_token);

  // Office staff enter opinions for any station; citizens submit to any station.
  Call("POST", "/v1/suggestions", Opinion(elsewhere, "河道垃圾", Unique("河道里垃圾很多。")), P().NewAccount("ROLE_STAFF"));
  Call("POST", "/v1/suggestions", Opinion(elsewhere, "噪音扰民", Unique("工地夜间施工噪音大。")),
       P().NewAccount("ROLE_CITIZEN"));
}

}  // namespace
}  // namespace minyi::testing

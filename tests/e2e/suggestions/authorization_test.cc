// End to end through the gateway, as an attacker holding ordinary accounts would try it: who may enter a
// citizen's opinion at which station, take opinions into a suggestion, see similar items, and make other
// deputies co-signers of a joint suggestion (each must confirm with their own account).

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "e2e/suggestions/calls.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "suggestions/deadlines.h"
#include "support/platform.h"

namespace minyi::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

json Opinion(const std::string& station, const std::string& title, const std::string& body) {
  return {{"submit", true},
          {"suggestion",
           {{"kind", "SUGGESTION_KIND_CITIZEN_OPINION"}, {"title", title}, {"body", body}, {"station", station}}}};
}

TEST(SuggestionAuthorization, DeputiesEnterOpinionsOnlyAtStationsTheyBelongToOrAreOnDutyAt) {
  const std::string home = P().NewStation("示范县");
  const std::string elsewhere = P().NewStation("示范县");
  const std::string deputy = P().NewDeputy(home, "孙丽");
  const std::string token = P().NewAccount("ROLE_DEPUTY", deputy);

  json entered =
      Call("POST", "/v1/suggestions", Opinion(home, "小区路灯不亮", Unique("居民反映小区路灯坏了一个月。")), token);
  EXPECT_EQ(entered.value("enteredBy", ""), deputy);
  json err =
      Call("POST", "/v1/suggestions", Opinion(elsewhere, "菜市场占道经营", Unique("菜市场门口占道经营。")), token, 403);
  EXPECT_EQ(err.value("code", 0), 7);
  EXPECT_THAT(err.value("message", ""), HasSubstr("suggestion.station"));
  err = Call("POST", "/v1/suggestions", Opinion("stations/999999", "无此站点", "无此站点的意见。"), token, 400);
  EXPECT_THAT(err.value("message", ""), HasSubstr("suggestion.station"));

  // On the rota of a station they no longer belong to: on duty there today, so they may enter there.
  const std::string on_duty = P().NewDeputy(elsewhere, "周平");
  const std::string on_duty_token = P().NewAccount("ROLE_DEPUTY", on_duty);
  Call("POST", absl::StrCat("/v1/", elsewhere, "/rotaEntries"),
       {{"deputy", on_duty}, {"date", minyi::FormatDay(TestToday())}, {"note", "9:00-12:00"}}, P().Admin());
  Call("PATCH", absl::StrCat("/v1/", on_duty, "?updateMask=stations"), {{"stations", {home}}}, P().Admin());
  Call("POST", "/v1/suggestions", Opinion(elsewhere, "公园厕所太少", Unique("公园只有一个厕所。")), on_duty_token);

  // Office staff enter opinions for any station; citizens submit to any station.
  Call("POST", "/v1/suggestions", Opinion(elsewhere, "河道垃圾", Unique("河道里垃圾很多。")),
       P().NewAccount("ROLE_STAFF"));
  Call("POST", "/v1/suggestions", Opinion(elsewhere, "噪音扰民", Unique("工地夜间施工噪音大。")),
       P().NewAccount("ROLE_CITIZEN"));
}

bool Lists(const json& list, const std::string& name) {
  for (const json& s : list.value("suggestions", json::array())) {
    if (s.value("name", "") == name) {
      return true;
    }
  }
  return false;
}

// An error answer with `id` replaced by "ID" and its details in one order (a status's details come in no
// particular order).
json Answer(const HttpResponse& r, const std::string& id) {
  json answer = json::parse(absl::StrReplaceAll(r.body, {{id, "ID"}}));
  std::vector<json> details = answer.value("details", json::array());
  std::sort(details.begin(), details.end(),
            [](const json& x, const json& y) { return x.value("@type", "") < y.value("@type", ""); });
  answer["details"] = details;
  return answer;
}

TEST(SuggestionAuthorization, LinkingOpinionsNeedsReadingEveryOneOfThem) {
  const std::string home = P().NewStation("示范县");
  const std::string elsewhere = P().NewStation("示范县");
  const std::string deputy = P().NewDeputy(home, "吴刚");
  const std::string token = P().NewAccount("ROLE_DEPUTY", deputy);
  const std::string neighbour = P().NewAccount("ROLE_DEPUTY", P().NewDeputy(elsewhere, "郑洁"));
  const std::string citizen = P().NewAccount("ROLE_CITIZEN");
  const std::string staff = P().NewAccount("ROLE_STAFF");
  const std::string ours = Call("POST", "/v1/suggestions",
                                Opinion(home, "村口桥梁破损", Unique("村口石桥栏杆断了，老人小孩过桥危险。")), citizen)
                               .value("name", "");
  const std::string theirs =
      Call("POST", "/v1/suggestions", Opinion(elsewhere, "社区缺少养老设施", Unique("社区没有日间照料中心。")), citizen)
          .value("name", "");

  // A station's deputies read the opinions submitted to it, and only those.
  Call("GET", absl::StrCat("/v1/", ours), nullptr, token);
  Call("GET", absl::StrCat("/v1/", theirs), nullptr, token, 404);
  Call("GET", absl::StrCat("/v1/", theirs), nullptr, neighbour);
  EXPECT_TRUE(
      Lists(Call("GET", "/v1/suggestions?kind=SUGGESTION_KIND_CITIZEN_OPINION&pageSize=200", nullptr, token), ours));
  EXPECT_FALSE(
      Lists(Call("GET", "/v1/suggestions?kind=SUGGESTION_KIND_CITIZEN_OPINION&pageSize=200", nullptr, token), theirs));

  const std::string draft = Call("POST", "/v1/suggestions",
                                 {{"suggestion",
                                   {{"kind", "SUGGESTION_KIND_DEPUTY"},
                                    {"title", "关于维修村口石桥的建议"},
                                    {"body", Unique("村口石桥年久失修，建议尽快维修加固。")}}}},
                                 token)
                                .value("name", "");
  const std::string link = absl::StrCat("/v1/", draft, ":linkOpinions");
  // Another station's opinion, second in the list: refused as if it did not exist, and nothing is linked.
  const std::string missing = "suggestions/999999999";
  HttpResponse unreadable = P().Call("POST", link, {{"opinions", {ours, theirs}}}, token);
  HttpResponse absent = P().Call("POST", link, {{"opinions", {ours, missing}}}, token);
  EXPECT_EQ(unreadable.status, 404) << unreadable.body;
  EXPECT_THAT(Json(unreadable).value("message", ""), HasSubstr("opinions[1]"));
  EXPECT_EQ(Answer(unreadable, theirs), Answer(absent, missing));
  Call("POST", link, {{"opinions", {theirs}}}, token, 404);
  EXPECT_EQ(Call("GET", absl::StrCat("/v1/", ours), nullptr, staff).value("state", ""), "SUGGESTION_STATE_SUBMITTED");
  EXPECT_EQ(Call("GET", absl::StrCat("/v1/", theirs), nullptr, staff).value("state", ""), "SUGGESTION_STATE_SUBMITTED");

  // Their own station's opinion they take in; office staff may take in any station's.
  json linked = Call("POST", link, {{"opinions", {ours}}}, token);
  EXPECT_EQ(linked["linkedOpinions"], json({ours}));
  linked = Call("POST", link, {{"opinions", {theirs}}}, staff);
  EXPECT_EQ(linked["linkedOpinions"], json({ours, theirs}));
}

std::vector<std::string> Names(const json& items) {
  std::vector<std::string> out;
  for (const json& i : items) {
    out.push_back(i.value("name", ""));
  }
  return out;
}

TEST(SuggestionAuthorization, SimilarItemsAreOnlyThoseTheCallerMayRead) {
  const std::string station = P().NewStation("示范县");
  const std::string author = P().NewAccount("ROLE_DEPUTY", P().NewDeputy(station, "冯军"));
  const std::string colleague = P().NewAccount("ROLE_DEPUTY", P().NewDeputy(station, "陈芳"));
  const std::string staff = P().NewAccount("ROLE_STAFF");
  const std::string parks = P().NewAccount("ROLE_DEPARTMENT", "", "园林局");
  const std::string text =
      "城北公园树木长期没有修剪，枝叶遮挡路灯，晚上散步的居民看不清道路，存在安全隐患，建议园林部门定期修剪。";
  auto deputy_suggestion = [&](const std::string& title, const std::string& body) {
    return json{{"submit", true},
                {"suggestion", {{"kind", "SUGGESTION_KIND_DEPUTY"}, {"title", title}, {"body", body}}}};
  };
  const std::string theirs =
      Call("POST", "/v1/suggestions", deputy_suggestion("关于定期修剪城北公园树木的建议", text), author)
          .value("name", "");
  const std::string opinion =
      Call("POST", "/v1/suggestions", Opinion(station, "城北公园树木该修剪了", absl::StrCat("城北公园", text)),
           P().NewAccount("ROLE_CITIZEN"))
          .value("name", "");

  // A citizen's submission lists none of other people's items; a deputy's only what they may read (here
  // the opinions submitted to their own station, not another deputy's suggestion).
  json own = Call("POST", "/v1/suggestions", Opinion(station, "城北公园树木需要修剪", absl::StrCat("我家附近", text)),
                  P().NewAccount("ROLE_CITIZEN"));
  EXPECT_TRUE(own.value("similar", json::array()).empty()) << own.dump();
  const std::string own_name = own.value("name", "");
  json mine = Call("POST", "/v1/suggestions",
                   deputy_suggestion("建议修剪城北公园的树木", absl::StrCat("居民反映", text)), colleague);
  EXPECT_THAT(Names(mine.value("similar", json::array())), ::testing::UnorderedElementsAre(opinion, own_name))
      << mine.dump();
  const std::string name = mine.value("name", "");

  // GET .../similar is for office staff, leaders and departments, as the contract says; a department sees
  // only items assigned to it.
  Call("GET", absl::StrCat("/v1/", name, "/similar"), nullptr, colleague, 403);
  Call("GET", absl::StrCat("/v1/", name, "/similar"), nullptr, P().NewAccount("ROLE_CITIZEN"), 403);
  EXPECT_THAT(Names(Call("GET", absl::StrCat("/v1/", name, "/similar"), nullptr, staff)["items"]),
              ::testing::IsSupersetOf({theirs, opinion}));
  Call("GET", absl::StrCat("/v1/", name, "/similar"), nullptr, P().NewAccount("ROLE_LEADER"));
  Call("GET", absl::StrCat("/v1/", name, "/similar"), nullptr, parks, 404);
  for (const std::string& item : {theirs, name}) {
    Call("POST", absl::StrCat("/v1/", item, ":accept"), json::object(), staff);
    Call("POST", absl::StrCat("/v1/", item, ":assign"), {{"leadDepartment", "园林局"}}, staff);
  }
  EXPECT_THAT(Names(Call("GET", absl::StrCat("/v1/", name, "/similar"), nullptr, parks)["items"]),
              ::testing::ElementsAre(theirs));
}

std::vector<std::string> Actions(const json& timeline) {
  std::vector<std::string> out;
  for (const json& e : timeline.value("entries", json::array())) {
    out.push_back(e.value("action", ""));
  }
  return out;
}

// Whether the deputy's duty file has a record with `reference` as its evidence.
bool Booked(const std::string& deputy, const std::string& reference) {
  const json duties = Call("GET", absl::StrCat("/v1/", deputy, "/duties"), nullptr, P().Admin());
  for (const json& d : duties.value("duties", json::array())) {
    for (const json& e : d.value("evidence", json::array())) {
      if (e == reference) {
        return true;
      }
    }
  }
  return false;
}

TEST(SuggestionAuthorization, CoSignersCountOnlyOnceEachConfirmsWithTheirOwnAccount) {
  const std::string station = P().NewStation("示范县");
  const std::string lead = P().NewDeputy(station, "林涛");
  const std::string willing = P().NewDeputy(station, "何静");
  const std::string unwilling = P().NewDeputy(station, "高远");
  const std::string silent = P().NewDeputy(station, "罗兰");
  const std::string a = P().NewAccount("ROLE_DEPUTY", lead);
  const std::string b = P().NewAccount("ROLE_DEPUTY", willing);
  const std::string c = P().NewAccount("ROLE_DEPUTY", unwilling);
  const std::string d = P().NewAccount("ROLE_DEPUTY", silent);
  const std::string outsider = P().NewAccount("ROLE_DEPUTY", P().NewDeputy(station, "马超"));
  const std::string staff = P().NewAccount("ROLE_STAFF");
  const json joint = {{"kind", "SUGGESTION_KIND_JOINT"},
                      {"title", "关于增设社区老年食堂的建议"},
                      {"body", Unique("社区老年人多，就餐不便，建议增设老年食堂。")},
                      {"deputies", {willing, unwilling, silent}}};

  // Naming deputies does not make them submitters: the joint suggestion cannot be submitted at once.
  json err = Call("POST", "/v1/suggestions", {{"submit", true}, {"suggestion", joint}}, a, 400);
  EXPECT_EQ(err.value("code", 0), 9);
  EXPECT_THAT(err.value("message", ""), HasSubstr("suggestion.deputies"));
  json draft = Call("POST", "/v1/suggestions", {{"suggestion", joint}}, a);
  const std::string name = draft.value("name", "");
  const std::string path = absl::StrCat("/v1/", name);
  EXPECT_EQ(draft["deputies"], json({lead}));
  ASSERT_EQ(draft.value("coSigners", json::array()).size(), 3u) << draft.dump();
  EXPECT_EQ(draft["coSigners"][0].value("deputy", ""), willing);
  EXPECT_EQ(draft["coSigners"][0].value("state", ""), "CO_SIGNER_STATE_INVITED");
  err = Call("POST", absl::StrCat(path, ":submit"), json::object(), a, 400);
  EXPECT_THAT(err.value("message", ""), HasSubstr("suggestion.deputies"));

  // The invited read the draft they are asked to sign, and find it in their list; only each of them
  // answers for themself.
  Call("GET", path, nullptr, b);
  EXPECT_TRUE(Lists(Call("GET", "/v1/suggestions?state=DRAFT&pageSize=200", nullptr, b), name));
  Call("GET", path, nullptr, outsider, 404);
  Call("POST", absl::StrCat(path, ":confirmCoSigning"), json::object(), outsider, 404);
  Call("POST", absl::StrCat(path, ":confirmCoSigning"), json::object(), a, 403);
  Call("POST", absl::StrCat(path, ":confirmCoSigning"), json::object(), staff, 403);
  json signed_ = Call("POST", absl::StrCat(path, ":confirmCoSigning"), json::object(), b);
  EXPECT_EQ(signed_["deputies"], json({lead, willing}));
  EXPECT_EQ(signed_["coSigners"][0].value("state", ""), "CO_SIGNER_STATE_CONFIRMED");
  EXPECT_EQ(Call("POST", absl::StrCat(path, ":confirmCoSigning"), json::object(), b)["deputies"],
            json({lead, willing}));
  json declined = Call("POST", absl::StrCat(path, ":declineCoSigning"), {{"reason", "不熟悉该领域"}}, c);
  EXPECT_EQ(declined["coSigners"][1].value("state", ""), "CO_SIGNER_STATE_DECLINED");
  EXPECT_EQ(declined["deputies"], json({lead, willing}));

  // A signature is given to a text: when the author changes it, the co-signers are asked again.
  json edited = Call("PATCH", absl::StrCat(path, "?updateMask=title"), {{"title", "关于在社区增设老年食堂的建议"}}, a);
  EXPECT_EQ(edited["deputies"], json({lead}));
  EXPECT_EQ(edited["coSigners"][0].value("state", ""), "CO_SIGNER_STATE_INVITED");
  Call("POST", absl::StrCat(path, ":confirmCoSigning"), json::object(), b);

  // Submitted with the one who signed; the others are dropped, and only the signers' duty is booked.
  json submitted = Call("POST", absl::StrCat(path, ":submit"), json::object(), a);
  EXPECT_EQ(submitted.value("state", ""), "SUGGESTION_STATE_SUBMITTED");
  EXPECT_EQ(submitted["deputies"], json({lead, willing}));
  ASSERT_EQ(submitted.value("coSigners", json::array()).size(), 1u) << submitted.dump();
  Call("GET", path, nullptr, d, 404);
  Call("POST", absl::StrCat(path, ":declineCoSigning"), json::object(), b, 400);
  EXPECT_THAT(Actions(Call("GET", absl::StrCat(path, "/timeline"), nullptr, a)),
              ::testing::ElementsAre("CREATE", "INVITE_CO_SIGNERS", "CONFIRM_CO_SIGNING", "DECLINE_CO_SIGNING",
                                     "INVITE_CO_SIGNERS", "CONFIRM_CO_SIGNING", "SUBMIT"));
  ASSERT_TRUE(Eventually([&] { return Booked(lead, name); }, absl::Seconds(10)));
  EXPECT_TRUE(Booked(willing, name));
  EXPECT_FALSE(Booked(unwilling, name));
  EXPECT_FALSE(Booked(silent, name));
}

TEST(SuggestionAuthorization, RenamingCoSignersKeepsTheSignaturesOfAnUnchangedText) {
  const std::string station = P().NewStation("示范县");
  const std::string author = P().NewAccount("ROLE_DEPUTY", P().NewDeputy(station, "宋雨"));
  const std::string kept = P().NewDeputy(station, "唐宁");
  const std::string unnamed = P().NewDeputy(station, "韩梅");
  const std::string added = P().NewDeputy(station, "曹阳");
  const std::string kept_token = P().NewAccount("ROLE_DEPUTY", kept);
  const std::string unnamed_token = P().NewAccount("ROLE_DEPUTY", unnamed);
  const std::string path = absl::StrCat("/v1/", Call("POST", "/v1/suggestions",
                                                     {{"suggestion",
                                                       {{"kind", "SUGGESTION_KIND_JOINT"},
                                                        {"title", "关于整治背街小巷积水的建议"},
                                                        {"body", Unique("雨后背街小巷积水严重，建议改造排水设施。")},
                                                        {"deputies", {kept, unnamed}}}}},
                                                     author)
                                                    .value("name", ""));
  Call("POST", absl::StrCat(path, ":confirmCoSigning"), json::object(), kept_token);
  json renamed = Call("PATCH", absl::StrCat(path, "?updateMask=deputies"), {{"deputies", {kept, added}}}, author);
  EXPECT_EQ(renamed["deputies"], json::array({renamed["deputies"][0], kept})) << renamed.dump();
  ASSERT_EQ(renamed.value("coSigners", json::array()).size(), 2u) << renamed.dump();
  EXPECT_EQ(renamed["coSigners"][0].value("state", ""), "CO_SIGNER_STATE_CONFIRMED");
  EXPECT_EQ(renamed["coSigners"][1].value("deputy", ""), added);
  EXPECT_EQ(renamed["coSigners"][1].value("state", ""), "CO_SIGNER_STATE_INVITED");
  Call("GET", path, nullptr, unnamed_token, 404);
}

}  // namespace
}  // namespace minyi::testing

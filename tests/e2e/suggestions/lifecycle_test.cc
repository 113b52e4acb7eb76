// End to end through the gateway: a citizen's opinion escalated and taken into a joint deputy suggestion
// (signed by its co-signer), duplicate detection and merging, assignment with routing help, contact,
// co-unit opinion, a B answer with a commitment, an unsatisfied rating and re-handling, double
// satisfaction, key supervision, the showcase, statistics, the special fund and the commitment ledger —
// with real accounts, tokens and services.

#include "absl/strings/str_cat.h"
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

std::string Today() { return minyi::FormatDay(TestToday()); }
std::string MonthsFromToday(int months) { return minyi::FormatDay(minyi::AddCalendarMonths(TestToday(), months)); }

std::vector<std::string> Actions(const json& timeline) {
  std::vector<std::string> out;
  for (const json& e : timeline.value("entries", json::array())) {
    out.push_back(e.value("action", ""));
  }
  return out;
}

TEST(SuggestionLifecycle, FromCitizenOpinionToRatedAnswerAndBackToTheCitizen) {
  const std::string station = P().NewStation("示范县");
  const std::string deputy_a = P().NewDeputy(station, "李梅");
  const std::string deputy_b = P().NewDeputy(station, "王强");
  const std::string a = P().NewAccount("ROLE_DEPUTY", deputy_a);
  const std::string b = P().NewAccount("ROLE_DEPUTY", deputy_b);
  const std::string staff = P().NewAccount("ROLE_STAFF");
  const std::string leader = P().NewAccount("ROLE_LEADER");
  const std::string lead = P().NewAccount("ROLE_DEPARTMENT", "", "交通运输局");
  const std::string co = P().NewAccount("ROLE_DEPARTMENT", "", "公安局");
  const std::string other_dept = P().NewAccount("ROLE_DEPARTMENT", "", "卫健局");
  const std::string citizen = P().NewAccount("ROLE_CITIZEN");

  Call("PATCH", "/v1/routingRules",
       {{"rules",
         {{{"keywords", {"红绿灯", "斑马线", "公交"}}, {"department", "交通运输局"}},
          {{"keywords", {"医院", "医生"}}, {"department", "卫健局"}}}},
        {"etag", Call("GET", "/v1/routingRules", nullptr, staff).value("etag", "")}},
       staff);

  // A citizen submits an opinion online; the station cannot solve it and escalates it to the town.
  json opinion = Call("POST", "/v1/suggestions",
                      {{"submit", true},
                       {"suggestion",
                        {{"kind", "SUGGESTION_KIND_CITIZEN_OPINION"},
                         {"title", "城南小学门口需要红绿灯"},
                         {"body", "孩子上学过马路太危险，希望在城南小学门口装红绿灯。"},
                         {"station", station},
                         {"contactPhone", "13812345678"}}}},
                      citizen);
  const std::string opinion_name = opinion.value("name", "");
  EXPECT_EQ(opinion.value("state", ""), "SUGGESTION_STATE_SUBMITTED");
  EXPECT_EQ(opinion.value("level", ""), "OPINION_LEVEL_STATION");
  EXPECT_EQ(opinion.value("contactPhone", "?"), "") << "citizens see public fields only";
  opinion = Call("POST", absl::StrCat("/v1/", opinion_name, ":escalate"), {{"reason", "站点无法协调，报镇街"}}, staff);
  EXPECT_EQ(opinion.value("level", ""), "OPINION_LEVEL_TOWN");

  // Deputy A drafts a joint suggestion with deputy B and takes the citizen's opinion into it.
  const std::string text =
      "城南小学门口车流量大，学生上下学过马路危险，建议交通部门尽快在城南小学门口增设红绿灯和斑马线。";
  json mine = Call("POST", "/v1/suggestions",
                   {{"suggestion",
                     {{"kind", "SUGGESTION_KIND_JOINT"},
                      {"title", "关于在城南小学门口增设红绿灯和斑马线的建议"},
                      {"body", text},
                      {"deputies", {deputy_b}}}}},
                   a);
  const std::string name = mine.value("name", "");
  EXPECT_EQ(mine.value("state", ""), "SUGGESTION_STATE_DRAFT");
  EXPECT_EQ(mine["deputies"], json({deputy_a}));        // B is named, and a submitter only once B signs
  Call("GET", absl::StrCat("/v1/", name), nullptr, b);  // the named co-signer sees it
  Call("PATCH", absl::StrCat("/v1/", name, "?updateMask=title"), {{"title", "x"}}, b, 403);  // only the author edits
  mine = Call("POST", absl::StrCat("/v1/", name, ":linkOpinions"), {{"opinions", {opinion_name}}}, a);
  EXPECT_EQ(mine["linkedOpinions"], json({opinion_name}));
  mine = Call("POST", absl::StrCat("/v1/", name, ":confirmCoSigning"), json::object(), b);
  EXPECT_EQ(mine["deputies"], json({deputy_a, deputy_b}));
  mine = Call("POST", absl::StrCat("/v1/", name, ":submit"), json::object(), a);
  EXPECT_EQ(mine.value("state", ""), "SUGGESTION_STATE_SUBMITTED");

  // Another deputy's near-duplicate gets the hint at submission, ranked with a score.
  json dup = Call("POST", "/v1/suggestions",
                  {{"submit", true},
                   {"suggestion",
                    {{"kind", "SUGGESTION_KIND_DEPUTY"},
                     {"title", "建议城南小学门口增设红绿灯、斑马线"},
                     {"body", "城南小学门口车流量大，学生上下学过马路很危险，请交通运输局尽快解决。"}}}},
                  b);
  ASSERT_FALSE(dup.value("similar", json::array()).empty()) << dup.dump();
  EXPECT_EQ(dup["similar"][0].value("name", ""), name);
  EXPECT_GT(dup["similar"][0].value("score", 0.0), 0.2);
  const json similar = Call("GET", absl::StrCat("/v1/", dup.value("name", ""), "/similar"), nullptr, staff);
  EXPECT_EQ(similar["items"][0].value("name", ""), name);
  Call("GET", absl::StrCat("/v1/", dup.value("name", ""), "/similar"), nullptr, citizen, 403);

  // Staff see the routing proposal and merge the duplicate: both texts and all submitters are kept.
  mine = Call("GET", absl::StrCat("/v1/", name), nullptr, staff);
  EXPECT_EQ(mine["routing"].value("department", ""), "交通运输局");
  Call("POST", absl::StrCat("/v1/", dup.value("name", ""), ":merge"), {{"into", name}, {"reason", "同一事项"}}, staff);
  mine = Call("POST", absl::StrCat("/v1/", name, ":accept"), json::object(), staff);
  ASSERT_EQ(mine.value("merged", json::array()).size(), 1u);
  EXPECT_THAT(mine["merged"][0].value("body", ""), HasSubstr("请交通运输局尽快解决"));

  // Assignment: lead unit and a co-unit, deadline three calendar months from today.
  mine = Call("POST", absl::StrCat("/v1/", name, ":assign"),
              {{"leadDepartment", "交通运输局"}, {"coDepartments", {"公安局"}}}, staff);
  EXPECT_EQ(mine.value("state", ""), "SUGGESTION_STATE_ASSIGNED");
  EXPECT_EQ(mine.value("deadline", ""), MonthsFromToday(3));
  Call("GET", absl::StrCat("/v1/", name), nullptr, other_dept, 404);  // not assigned to it
  Call("GET", absl::StrCat("/v1/", name), nullptr, co);
  Call("POST", absl::StrCat("/v1/", name, ":flagKeySupervision"), {{"keySupervision", true}}, staff, 403);
  mine = Call("POST", absl::StrCat("/v1/", name, ":flagKeySupervision"), {{"keySupervision", true}}, leader);
  EXPECT_TRUE(mine.value("keySupervision", false));

  // The lead must contact the deputy first, and hear the co-unit, before answering.
  const json b_answer = {{"answer",
                          {{"category", "ANSWER_CATEGORY_B"},
                           {"text", "已列入明年计划，先行施划斑马线。"},
                           {"commitments", {{{"text", "安装红绿灯"}, {"dueDate", MonthsFromToday(4)}}}}}}};
  json err = Call("POST", absl::StrCat("/v1/", name, ":answer"), b_answer, lead, 400);
  EXPECT_THAT(err.value("message", ""), HasSubstr("SUGGESTION_STATE_ASSIGNED"));
  Call("POST", absl::StrCat("/v1/", name, ":contact"),
       {{"contact", {{"method", "见面"}, {"summary", "到现场与代表察看路口"}, {"contactDate", Today()}}}}, lead);
  err = Call("POST", absl::StrCat("/v1/", name, ":answer"), b_answer, lead, 400);
  EXPECT_THAT(err.value("message", ""), HasSubstr("公安局"));
  Call("POST", absl::StrCat("/v1/", name, ":answer"), b_answer, co, 403);
  Call("POST", absl::StrCat("/v1/", name, ":coUnitOpinion"), {{"text", "同意增设，配合交通秩序管理。"}}, co);
  mine = Call("POST", absl::StrCat("/v1/", name, ":answer"), b_answer, lead);
  EXPECT_EQ(mine.value("state", ""), "SUGGESTION_STATE_ANSWERED");
  EXPECT_EQ(mine["coUnitOpinions"][0].value("department", ""), "公安局");
  EXPECT_TRUE(mine["answer"].value("onTime", false));

  // The answer travels back to the citizen, who sees only public progress.
  json seen = Call("GET", absl::StrCat("/v1/", opinion_name), nullptr, citizen);
  EXPECT_EQ(seen.value("state", ""), "SUGGESTION_STATE_LINKED");
  EXPECT_EQ(seen.value("linkedInto", ""), name);
  EXPECT_EQ(seen["linkedAnswer"].value("category", ""), "ANSWER_CATEGORY_B");
  Call("GET", absl::StrCat("/v1/", name), nullptr, citizen, 404);
  const json opinion_timeline = Call("GET", absl::StrCat("/v1/", opinion_name, "/timeline"), nullptr, citizen);
  EXPECT_THAT(Actions(opinion_timeline), ::testing::ElementsAre("CREATE", "SUBMIT", "ESCALATE", "LINK"));
  EXPECT_EQ(opinion_timeline["entries"][0].value("actor", "?"), "");  // the role acted, not an account

  // Unsatisfied with the result (though satisfied with the attitude): re-handling with one month.
  Call("POST", absl::StrCat("/v1/", name, ":rate"),
       {{"rating", {{"attitude", "SATISFACTION_SATISFIED"}, {"result", "SATISFACTION_UNSATISFIED"}}}}, citizen, 404);
  mine = Call(
      "POST", absl::StrCat("/v1/", name, ":rate"),
      {{"rating",
        {{"attitude", "SATISFACTION_SATISFIED"}, {"result", "SATISFACTION_UNSATISFIED"}, {"comment", "只划了线"}}}},
      a);
  EXPECT_EQ(mine.value("state", ""), "SUGGESTION_STATE_REOPENED");
  EXPECT_EQ(mine.value("round", 0), 2);
  EXPECT_EQ(mine.value("deadline", ""), MonthsFromToday(1));
  err = Call("POST", absl::StrCat("/v1/", name, ":rate"),
             {{"rating", {{"attitude", "SATISFACTION_SATISFIED"}, {"result", "SATISFACTION_SATISFIED"}}}}, a, 400);
  EXPECT_THAT(err.value("message", ""), HasSubstr("SUGGESTION_STATE_REOPENED"));

  // Re-handling: the co-unit's opinion is asked for again in the new round.
  Call("POST", absl::StrCat("/v1/", name, ":contact"),
       {{"contact", {{"method", "电话"}, {"summary", "重新办理，告知安装进度"}, {"contactDate", Today()}}}}, lead);
  Call("POST", absl::StrCat("/v1/", name, ":coUnitOpinion"), {{"text", "已安排警力维护秩序。"}}, co);
  mine = Call("POST", absl::StrCat("/v1/", name, ":answer"),
              {{"answer", {{"category", "ANSWER_CATEGORY_A"}, {"text", "红绿灯已安装并投入使用。"}}}}, lead);
  EXPECT_EQ(mine["answer"].value("category", ""), "ANSWER_CATEGORY_A");
  mine = Call("POST", absl::StrCat("/v1/", name, ":rate"),
              {{"rating", {{"attitude", "SATISFACTION_SATISFIED"}, {"result", "SATISFACTION_SATISFIED"}}}}, b);
  EXPECT_EQ(mine.value("state", ""), "SUGGESTION_STATE_CLOSED");
  seen = Call("GET", absl::StrCat("/v1/", opinion_name), nullptr, citizen);
  EXPECT_EQ(seen["linkedAnswer"].value("category", ""), "ANSWER_CATEGORY_A");
  EXPECT_THAT(seen["linkedAnswer"].value("text", ""), HasSubstr("红绿灯已安装"));

  // Illegal transitions name the current state.
  err = Call("POST", absl::StrCat("/v1/", name, ":accept"), json::object(), staff, 400);
  EXPECT_THAT(err.value("message", ""), HasSubstr("SUGGESTION_STATE_CLOSED"));

  // The whole story on the timeline.
  const json timeline = Call("GET", absl::StrCat("/v1/", name, "/timeline"), nullptr, a);
  EXPECT_THAT(Actions(timeline), ::testing::ElementsAre("CREATE", "INVITE_CO_SIGNERS", "LINK_IN", "CONFIRM_CO_SIGNING",
                                                        "SUBMIT", "MERGE_IN", "ACCEPT", "ASSIGN",
                                                        "FLAG_KEY_SUPERVISION", "CONTACT", "CO_UNIT_OPINION", "ANSWER",
                                                        "RATE", "CONTACT", "CO_UNIT_OPINION", "ANSWER", "RATE"));

  // Showcase: well handled, published, visible to citizens.
  Call("POST", absl::StrCat("/v1/", name, ":showcase"), json::object(), staff);
  const json showcase = Call("GET", "/v1/showcase", nullptr, citizen);
  bool listed = false;
  for (const json& s : showcase.value("suggestions", json::array())) {
    listed = listed || s.value("name", "") == name;
  }
  EXPECT_TRUE(listed) << showcase.dump();
  Call("GET", absl::StrCat("/v1/", name), nullptr, citizen);

  // Statistics per department: answered on time, the latest answer category, both satisfaction rates.
  const json stats = Call("GET", "/v1/suggestions:stats?groupBy=department", nullptr, leader);
  json row;
  for (const json& r : stats.value("rows", json::array())) {
    if (r.value("key", "") == "交通运输局") {
      row = r;
    }
  }
  ASSERT_FALSE(row.is_null()) << stats.dump();
  EXPECT_EQ(row.value("answered", ""), "1");
  EXPECT_EQ(row.value("onTimeRate", 0.0), 1.0);
  EXPECT_EQ(row.value("categoryA", ""), "1");
  EXPECT_EQ(row.value("attitudeSatisfactionRate", 0.0), 1.0);
  EXPECT_EQ(row.value("resultSatisfactionRate", 0.0), 1.0);
  Call("GET", "/v1/suggestions:stats", nullptr, a, 403);

  // The commitment of the B answer is in the lead unit's ledger until a look-back finds it fulfilled.
  json ledger = Call("GET", "/v1/commitments?openOnly=true", nullptr, lead);
  ASSERT_EQ(ledger.value("commitments", json::array()).size(), 1u) << ledger.dump();
  const std::string commitment = ledger["commitments"][0].value("name", "");
  Call("POST", absl::StrCat("/v1/", commitment, ":check"),
       {{"check", {{"note", "回头看：已安装"}, {"fulfilled", true}}}}, lead, 403);
  json checked = Call("POST", absl::StrCat("/v1/", commitment, ":check"),
                      {{"check", {{"note", "回头看：已安装"}, {"fulfilled", true}}}}, staff);
  EXPECT_TRUE(checked.value("fulfilled", false));
  ledger = Call("GET", "/v1/commitments?openOnly=true", nullptr, lead);
  EXPECT_TRUE(ledger.value("commitments", json::array()).empty());

  // The special fund never goes negative.
  Call("POST", "/v1/funds", {{"year", 2026}, {"totalFen", "100000"}}, staff);
  Call("POST", absl::StrCat("/v1/", name, ":allocateFund"), {{"fund", "funds/2026"}, {"amountFen", "60000"}}, staff);
  err = Call("POST", absl::StrCat("/v1/", name, ":allocateFund"), {{"fund", "funds/2026"}, {"amountFen", "50000"}},
             staff, 400);
  EXPECT_THAT(err.value("message", ""), HasSubstr("40000"));
  EXPECT_EQ(Call("GET", "/v1/funds/2026", nullptr, leader).value("remainingFen", ""), "40000");

  // The deputies service books the submission as a duty record for each submitter, from the event.
  EXPECT_TRUE(Eventually(
      [&] {
        const json duties = Call("GET", absl::StrCat("/v1/", deputy_b, "/duties"), nullptr, P().Admin());
        for (const json& d : duties.value("duties", json::array())) {
          if (d.value("category", "") == "DUTY_CATEGORY_MOTION_OR_SUGGESTION") {
            return true;
          }
        }
        return false;
      },
      absl::Seconds(10)));
}

TEST(SuggestionLifecycle, DeputiesSeeOnlyTheirOwnAndDepartmentsOnlyWhatIsAssigned) {
  const std::string station = P().NewStation("示范县");
  const std::string deputy = P().NewDeputy(station, "赵敏");
  const std::string other_deputy = P().NewDeputy(station, "钱进");
  const std::string mine = P().NewAccount("ROLE_DEPUTY", deputy);
  const std::string other = P().NewAccount("ROLE_DEPUTY", other_deputy);
  const std::string dept = P().NewAccount("ROLE_DEPARTMENT", "", "水务局");
  const json draft = Call("POST", "/v1/suggestions",
                          {{"suggestion",
                            {{"kind", "SUGGESTION_KIND_DEPUTY"},
                             {"title", "关于解决幸福小区老旧管网漏水问题的建议"},
                             {"body", "幸福小区供水管网老化严重，经常漏水停水。"},
                             {"deputies", {other_deputy}}}}},
                          mine);
  // The submitter is the caller, whatever the body claims.
  EXPECT_EQ(draft["deputies"], json({deputy}));
  const std::string name = draft.value("name", "");
  Call("GET", absl::StrCat("/v1/", name), nullptr, other, 404);
  Call("POST", absl::StrCat("/v1/", name, ":submit"), json::object(), other, 404);
  Call("GET", absl::StrCat("/v1/", name), nullptr, dept, 404);
  const json list = Call("GET", "/v1/suggestions", nullptr, other);
  for (const json& s : list.value("suggestions", json::array())) {
    EXPECT_NE(s.value("name", ""), name);
  }
  const json bad =
      Call("POST", "/v1/suggestions",
           {{"suggestion", {{"kind", "SUGGESTION_KIND_DEPUTY"}, {"title", ""}, {"body", "x"}}}}, mine, 400);
  EXPECT_THAT(bad.value("message", ""), HasSubstr("suggestion.title"));
}

}  // namespace
}  // namespace minyi::testing

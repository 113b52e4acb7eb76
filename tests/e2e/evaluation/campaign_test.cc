// End to end: a whole evaluation campaign through the gateway as a client would speak HTTP/JSON, with
// real accounts from the identity service and the deputies service booking the raters' duty: set-up,
// open, investigation, sheets from several raters, close, the result breakdown, the 6-3-1 check, the
// written opinion, the rectification plan and report, a look-back below 60 and the second round.

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/platform.h"

namespace minyi::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

// The process's shared platform, under a short name for the many calls below.
Platform& P() { return Platform::Shared(); }

std::string AccountName(const std::string& token) {
  HttpResponse r = P().Call("GET", "/v1/accounts/me", nullptr, token);
  EXPECT_EQ(r.status, 200) << r.body;
  return Json(r).value("name", "");
}

json IndicatorSheet(const std::string& subject, double a, double b) {
  return {{"subject", subject}, {"scores", {{{"indicator", "A"}, {"points", a}}, {{"indicator", "B"}, {"points", b}}}}};
}

TEST(Evaluation, WholeCampaignFromSetUpToSecondRound) {
  const std::string staff = P().NewAccount("ROLE_STAFF");
  const std::string leader = P().NewAccount("ROLE_LEADER");
  const std::string department = P().NewAccount("ROLE_DEPARTMENT", "", "natural-resources");
  const std::string other_department = P().NewAccount("ROLE_DEPARTMENT", "", "health");
  const std::string citizen = P().NewAccount("ROLE_CITIZEN");
  const auto [deputies, rater_tokens] = P().NewDeputies("示范县", {"李梅", "王芳", "赵强"});

  json campaign = {
      {"title", "2026年县自然资源局工作评议"},
      {"kind", "CAMPAIGN_KIND_DEPARTMENT_WORK"},
      {"subjects",
       {{{"kind", "SUBJECT_KIND_DEPARTMENT"}, {"displayName", "县自然资源局"}, {"department", "natural-resources"}}}},
      {"raterGroups",
       {{{"code", "members"},
         {"displayName", "常委会组成人员"},
         {"weight", 70},
         {"trimExtremes", true},
         {"raters", deputies},
         {"indicators",
          {{{"code", "A"}, {"title", "工作实绩"}, {"maxPoints", 60}},
           {{"code", "B"}, {"title", "整改成效"}, {"maxPoints", 40}}}}},
        {{"code", "citizens"},
         {"displayName", "群众代表"},
         {"weight", 30},
         {"raters", {AccountName(citizen)}},
         {"gradePoints", {{"satisfied", 100}, {"basicallySatisfied", 75}, {"unsatisfied", 40}}}}}},
      {"copyRecipients", {AccountName(leader)}},
  };
  // Stage weights that do not sum to 100 are refused, naming the field.
  json bad = campaign;
  bad["stages"] = {{{"stage", "STAGE_ON_SITE"}, {"weight", 50}}, {{"stage", "STAGE_RECTIFICATION"}, {"weight", 40}}};
  HttpResponse r = P().Call("POST", "/v1/evaluations", bad, staff);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_THAT(r.body, HasSubstr("evaluation.stages"));
  EXPECT_EQ(P().Call("POST", "/v1/evaluations", campaign, rater_tokens[0]).status, 403);

  r = P().Call("POST", "/v1/evaluations", campaign, staff, {{"Idempotency-Key", Unique("create")}});
  ASSERT_EQ(r.status, 200) << r.body;
  const json created = Json(r);
  const std::string name = created.value("name", "");
  const std::string subject = created["subjects"][0].value("name", "");
  EXPECT_EQ(created.value("state", ""), "CAMPAIGN_STATE_DRAFT");
  ASSERT_EQ(created["stages"].size(), 4u);  // the Mashan default: 10 / 20 / 50 / 20
  EXPECT_EQ(created["stages"][2].value("weight", 0), 50);

  // Investigation before the session: methods, findings, the problem list, the other stages' scores.
  r = P().Call(
      "POST", absl::StrCat("/v1/", name, "/investigations"),
      {{"subject", subject},
       {"methods",
        {"INVESTIGATION_METHOD_SELF_CHECK", "INVESTIGATION_METHOD_FORUM", "INVESTIGATION_METHOD_QUESTIONNAIRE"}},
       {"findings", "座谈 3 场，问卷 420 份：不动产登记办理时限偏长。"}},
      staff);
  ASSERT_EQ(r.status, 200) << r.body;
  r = P().Call("POST", absl::StrCat("/v1/", name, "/problemLists"),
               {{"subject", subject}, {"problems", {"不动产登记办理时限偏长", "耕地保护巡查不到位"}}}, staff);
  ASSERT_EQ(r.status, 200) << r.body;
  for (auto [stage, score] : {std::pair{"STAGE_PRELIMINARY_INVESTIGATION", 80.0},
                              {"STAGE_INVESTIGATION_GROUP", 70.0},
                              {"STAGE_RECTIFICATION", 70.0}}) {
    r = P().Call("POST", absl::StrCat("/v1/", name, "/stageScores"),
                 {{"subject", subject}, {"stage", stage}, {"score", score}, {"basis", "调查组评分"}}, staff);
    ASSERT_EQ(r.status, 200) << r.body;
  }
  r = P().Call("GET", absl::StrCat("/v1/", name, "/investigations"), nullptr, department);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r)["problemLists"][0]["problems"].size(), 2u);
  EXPECT_EQ(P().Call("GET", absl::StrCat("/v1/", name, "/investigations"), nullptr, other_department).status, 403);

  r = P().Call("POST", absl::StrCat("/v1/", name, ":open"), json::object(), staff);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r).value("state", ""), "CAMPAIGN_STATE_OPEN");

  // On site: three deputies score indicators (60, 75, 45), the citizen picks a grade.
  const double a[] = {40, 50, 30};
  const double b[] = {20, 25, 15};
  for (int i = 0; i < 3; ++i) {
    r = P().Call("POST", absl::StrCat("/v1/", name, "/scoreSheets"), IndicatorSheet(subject, a[i], b[i]),
                 rater_tokens[i]);
    ASSERT_EQ(r.status, 200) << r.body;
  }
  r = P().Call("POST", absl::StrCat("/v1/", name, "/scoreSheets"), IndicatorSheet(subject, 60, 40), rater_tokens[0]);
  EXPECT_EQ(r.status, 409) << r.body;  // one sheet per rater per subject
  r = P().Call("POST", absl::StrCat("/v1/", name, "/scoreSheets"), IndicatorSheet(subject, 61, 40), rater_tokens[1]);
  EXPECT_EQ(r.status, 400);
  r = P().Call("POST", absl::StrCat("/v1/", name, "/scoreSheets"),
               {{"subject", subject}, {"grade", "GRADE_UNSATISFIED"}}, citizen);
  ASSERT_EQ(r.status, 200) << r.body;
  r = P().Call("GET", absl::StrCat("/v1/", name), nullptr, staff);
  EXPECT_EQ(Json(r).value("sheetsReceived", 0), 4);
  EXPECT_EQ(Json(r).value("sheetsExpected", 0), 4);
  EXPECT_EQ(P().Call("GET", absl::StrCat("/v1/", name, "/result"), nullptr, staff).status, 400);  // not yet

  r = P().Call("POST", absl::StrCat("/v1/", name, ":close"), json::object(), staff);
  ASSERT_EQ(r.status, 200) << r.body;
  // members: 45, 60, 75 trimmed to 60; citizens 40; on-site 0.7 x 60 + 0.3 x 40 = 54;
  // final 0.1 x 80 + 0.2 x 70 + 0.5 x 54 + 0.2 x 70 = 8 + 14 + 27 + 14 = 63 -> 基本满意.
  r = P().Call("GET", absl::StrCat("/v1/", name, "/result"), nullptr, leader);
  ASSERT_EQ(r.status, 200) << r.body;
  json result = Json(r)["subjects"][0];
  EXPECT_EQ(result["groups"][0]["totals"], json({"45.00", "60.00", "75.00"}));
  EXPECT_EQ(result["groups"][0]["trimmed"], json({"45.00", "75.00"}));
  EXPECT_EQ(result["groups"][0].value("average", ""), "60.00");
  EXPECT_EQ(result["groups"][1].value("average", ""), "40.00");
  EXPECT_EQ(result["stages"][2].value("score", ""), "54.00");
  EXPECT_EQ(result["stages"][2].value("contribution", ""), "27.00");
  EXPECT_EQ(result.value("finalScore", ""), "63.00");
  EXPECT_EQ(result.value("grade", ""), "GRADE_BASICALLY_SATISFIED");
  EXPECT_EQ(result.value("gradeLabel", ""), "基本满意");
  EXPECT_EQ(result.value("followUp", ""), "FOLLOW_UP_STATE_AWAITING_OPINION");
  EXPECT_EQ(
      P().Call("POST", absl::StrCat("/v1/", name, "/scoreSheets"), IndicatorSheet(subject, 60, 40), citizen).status,
      400);  // closed
  EXPECT_EQ(P().Call("GET", absl::StrCat("/v1/", name, "/result"), nullptr, department).status, 200);
  EXPECT_EQ(P().Call("GET", absl::StrCat("/v1/", name, "/result"), nullptr, other_department).status, 403);

  // The raters' duty is booked by the deputies service from ScoreSheetSubmitted.
  EXPECT_TRUE(Eventually([&] {
    HttpResponse d = P().Call("GET", absl::StrCat("/v1/", deputies[0], "/duties"), nullptr, rater_tokens[0]);
    return d.body.find("DUTY_CATEGORY_EVALUATION") != std::string::npos;
  }));

  // The subject checks its report against 6-3-1 before filing it.
  r = P().Call("POST", absl::StrCat("/v1/", name, "/report:check"),
               {{"subject", subject},
                {"achievements", "全年完成不动产登记八万件，办理时限压缩至五个工作日，耕地保护成效明显。"},
                {"problems", "巡查不到位。"},
                {"measures", "建立巡查台账，按月通报。"}},
               department);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(Json(r).value("passed", false));  // proto3 JSON leaves a false out
  EXPECT_FALSE(Json(r)["findings"].empty());
  EXPECT_THAT(r.body, HasSubstr("存在问题部分"));

  // Follow-up: the written opinion, the plan and report from the department, a look-back below 60.
  r = P().Call("POST", absl::StrCat("/v1/", name, "/opinions"),
               {{"subject", subject}, {"text", "评议意见：请于一个月内提交整改方案。"}}, staff);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r).value("followUp", ""), "FOLLOW_UP_STATE_AWAITING_PLAN");
  EXPECT_FALSE(Json(r).value("planDue", "").empty());
  json plan = {{"subject", subject}, {"step", "RECTIFICATION_STEP_PLAN"}, {"content", "整改方案：压缩办理时限。"}};
  EXPECT_EQ(P().Call("POST", absl::StrCat("/v1/", name, "/rectifications"), plan, staff).status, 403);
  EXPECT_EQ(P().Call("POST", absl::StrCat("/v1/", name, "/rectifications"), plan, other_department).status, 403);
  r = P().Call("POST", absl::StrCat("/v1/", name, "/rectifications"), plan, department);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r).value("followUp", ""), "FOLLOW_UP_STATE_AWAITING_REPORT");
  json report = {{"subject", subject}, {"step", "RECTIFICATION_STEP_REPORT"}, {"content", "整改报告：已完成。"}};
  r = P().Call("POST", absl::StrCat("/v1/", name, "/rectifications"), report, department);
  ASSERT_EQ(r.status, 200) << r.body;
  r = P().Call("POST", absl::StrCat("/v1/", name, "/lookBacks"),
               {{"subject", subject}, {"score", 55}, {"basis", "回头看"}}, staff);
  ASSERT_EQ(r.status, 200) << r.body;
  json after = Json(r);
  EXPECT_EQ(after.value("grade", ""), "GRADE_UNSATISFIED");
  EXPECT_EQ(after.value("round", 0), 2);
  EXPECT_EQ(after.value("followUp", ""), "FOLLOW_UP_STATE_AWAITING_PLAN");
  EXPECT_EQ(after["lookBackScores"], json({"55.00"}));
  EXPECT_FALSE(after.value("referral", false));

  // Second round: rectify again, evaluated again; unsatisfied twice is flagged for referral.
  ASSERT_EQ(P().Call("POST", absl::StrCat("/v1/", name, "/rectifications"), plan, department).status, 200);
  ASSERT_EQ(P().Call("POST", absl::StrCat("/v1/", name, "/rectifications"), report, department).status, 200);
  r = P().Call("POST", absl::StrCat("/v1/", name, "/lookBacks"), {{"subject", subject}, {"score", 50}}, staff);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r).value("followUp", ""), "FOLLOW_UP_STATE_REFERRED");
  EXPECT_TRUE(Json(r).value("referral", false));
}

}  // namespace
}  // namespace minyi::testing

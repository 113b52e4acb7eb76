// End to end: a whole evaluation campaign through the gateway as a client would speak HTTP/JSON, with
// real accounts from the identity service, the deputies service booking the raters' duty and the
// notifications service telling the subject. Written from the Mashan order (马山县, seed 001): the
// session is scored and announced on the spot while the final score waits for the look-back (回头看);
// the look-back's score is the rectification stage's (整改落实, 20%) and completes the final score and
// grade; a rectification score below 60 makes the result 不满意 and opens a second round whatever the
// sum; 不满意 twice is referred. A 满意 subject still reports and is looked back on.

#include <tuple>

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

json Sheet(const std::string& subject, double a, double b) { return IndicatorSheet(subject, a, b); }

// The stage of `stages` (the breakdown's) with this enum name.
json StageOf(const json& stages, const std::string& stage) {
  for (const json& s : stages) {
    if (s.value("stage", "") == stage) {
      return s;
    }
  }
  ADD_FAILURE() << "no " << stage << " in " << stages.dump();
  return json::object();
}

TEST(Evaluation, MashanOrderFromSetUpToReferral) {
  const std::string staff = P().NewAccount("ROLE_STAFF");
  const std::string leader = P().NewAccount("ROLE_LEADER");
  const std::string department = P().NewAccount("ROLE_DEPARTMENT", "", "natural-resources");
  const std::string transport = P().NewAccount("ROLE_DEPARTMENT", "", "transport");
  const std::string other_department = P().NewAccount("ROLE_DEPARTMENT", "", "health");
  const std::string citizen = P().NewAccount("ROLE_CITIZEN");
  const auto [deputies, rater_tokens] = P().NewDeputies("示范县", {"李梅", "王芳", "赵强"});

  json campaign = {
      {"title", "2026年县自然资源局、交通运输局工作评议"},
      {"kind", "CAMPAIGN_KIND_DEPARTMENT_WORK"},
      {"subjects",
       {{{"kind", "SUBJECT_KIND_DEPARTMENT"}, {"displayName", "县自然资源局"}, {"department", "natural-resources"}},
        {{"kind", "SUBJECT_KIND_DEPARTMENT"}, {"displayName", "县交通运输局"}, {"department", "transport"}}}},
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
  const std::string satisfied = created["subjects"][1].value("name", "");
  EXPECT_EQ(created.value("state", ""), "CAMPAIGN_STATE_DRAFT");
  ASSERT_EQ(created["stages"].size(), 4u);  // the Mashan default: 10 / 20 / 50 / 20
  EXPECT_EQ(created["stages"][2].value("weight", 0), 50);

  // Before the session: 前期调查 and 调查组评分, recorded by staff. The rectification stage is not typed
  // in: its score is the look-back's.
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
  auto stage_score = [&](const std::string& who, const std::string& stage, double score) {
    return P().Call("POST", absl::StrCat("/v1/", name, "/stageScores"),
                    {{"subject", who}, {"stage", stage}, {"score", score}, {"basis", "调查组评分"}}, staff);
  };
  for (auto [who, preliminary, group] : {std::tuple{subject, 95.0, 90.0}, {satisfied, 90.0, 90.0}}) {
    ASSERT_EQ(stage_score(who, "STAGE_PRELIMINARY_INVESTIGATION", preliminary).status, 200);
    ASSERT_EQ(stage_score(who, "STAGE_INVESTIGATION_GROUP", group).status, 200);
  }
  r = stage_score(subject, "STAGE_RECTIFICATION", 70);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_THAT(r.body, HasSubstr("stage_score.stage"));
  EXPECT_THAT(r.body, HasSubstr("回头看"));
  r = P().Call("GET", absl::StrCat("/v1/", name, "/investigations"), nullptr, department);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r)["problemLists"][0]["problems"].size(), 2u);
  EXPECT_EQ(P().Call("GET", absl::StrCat("/v1/", name, "/investigations"), nullptr, other_department).status, 403);

  r = P().Call("POST", absl::StrCat("/v1/", name, ":open"), json::object(), staff);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r).value("state", ""), "CAMPAIGN_STATE_OPEN");

  // On site: three deputies score indicators, the citizen picks a grade.
  const double a[] = {40, 50, 30};  // with B: 60, 75, 45
  const double b[] = {20, 25, 15};
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(P().Call("POST", absl::StrCat("/v1/", name, "/scoreSheets"), Sheet(subject, a[i], b[i]), rater_tokens[i])
                  .status,
              200);
    ASSERT_EQ(
        P().Call("POST", absl::StrCat("/v1/", name, "/scoreSheets"), Sheet(satisfied, 50 + i * 3, 37), rater_tokens[i])
            .status,
        200);  // 87, 90, 93
  }
  // A second sheet by the same rater for the same subject: ALREADY_EXISTS, HTTP 409 with google.rpc.Status.
  r = P().Call("POST", absl::StrCat("/v1/", name, "/scoreSheets"), Sheet(subject, 60, 40), rater_tokens[0]);
  EXPECT_EQ(r.status, 409) << r.body;
  const json duplicate = Json(r);
  EXPECT_EQ(duplicate.value("code", 0), 6) << r.body;  // google.rpc.Code.ALREADY_EXISTS
  EXPECT_THAT(duplicate.value("message", ""), HasSubstr("只能提交一次"));
  r = P().Call("POST", absl::StrCat("/v1/", name, "/scoreSheets"), Sheet(subject, 61, 40), rater_tokens[1]);
  EXPECT_EQ(r.status, 400);
  ASSERT_EQ(P().Call("POST", absl::StrCat("/v1/", name, "/scoreSheets"),
                     {{"subject", subject}, {"grade", "GRADE_UNSATISFIED"}}, citizen)
                .status,
            200);
  ASSERT_EQ(P().Call("POST", absl::StrCat("/v1/", name, "/scoreSheets"),
                     {{"subject", satisfied}, {"grade", "GRADE_SATISFIED"}}, citizen)
                .status,
            200);
  EXPECT_EQ(Json(P().Call("GET", absl::StrCat("/v1/", name), nullptr, staff)).value("sheetsReceived", 0), 8);
  EXPECT_EQ(P().Call("GET", absl::StrCat("/v1/", name, "/result"), nullptr, staff).status, 400);  // not yet

  // The close needs no rectification score: it announces the on-site score and the stages so far, and
  // says the final score waits for the look-back.
  r = P().Call("POST", absl::StrCat("/v1/", name, ":close"), json::object(), staff);
  ASSERT_EQ(r.status, 200) << r.body;
  // members: 45, 60, 75 trimmed to 60; citizens 40; on-site 0.7 x 60 + 0.3 x 40 = 54.
  // Session: (9.5 + 18 + 27) / 80% = 68.125 -> 68.13 基本满意.
  json result = Json(r)["subjects"][0];
  EXPECT_EQ(result["groups"][0]["totals"], json({"45.00", "60.00", "75.00"}));
  EXPECT_EQ(result["groups"][0]["trimmed"], json({"45.00", "75.00"}));
  EXPECT_EQ(result.value("onSiteScore", ""), "54.00");
  EXPECT_EQ(result.value("sessionScore", ""), "68.13");
  EXPECT_EQ(result.value("sessionGradeLabel", ""), "基本满意");
  EXPECT_TRUE(result.value("finalPending", false));
  EXPECT_THAT(result.value("finalNote", ""), HasSubstr("回头看"));
  EXPECT_EQ(result.value("finalScore", ""), "");
  EXPECT_EQ(result.value("grade", ""), "GRADE_UNSPECIFIED");  // every field is printed, the pending grade too
  ASSERT_EQ(result["stages"].size(), 4u);
  EXPECT_EQ(StageOf(result["stages"], "STAGE_PRELIMINARY_INVESTIGATION").value("score", ""), "95.00");
  EXPECT_EQ(StageOf(result["stages"], "STAGE_ON_SITE").value("contribution", ""), "27.00");
  for (const char* stage : {"STAGE_PRELIMINARY_INVESTIGATION", "STAGE_INVESTIGATION_GROUP", "STAGE_ON_SITE"}) {
    EXPECT_FALSE(StageOf(result["stages"], stage).value("scoreTime", "").empty()) << stage;
  }
  const json pending = StageOf(result["stages"], "STAGE_RECTIFICATION");
  EXPECT_TRUE(pending.value("pending", false));
  EXPECT_EQ(pending.value("score", ""), "");
  EXPECT_EQ(pending.value("scoreTime", ""), "");
  EXPECT_EQ(result.value("followUp", ""), "FOLLOW_UP_STATE_AWAITING_OPINION");
  // Satisfied on the session: 87, 90, 93 trimmed to 90, citizens 100: on-site 93; (9 + 18 + 46.5) / 80% = 91.88.
  const json top = Json(r)["subjects"][1];
  EXPECT_EQ(top.value("onSiteScore", ""), "93.00");
  EXPECT_EQ(top.value("sessionGradeLabel", ""), "满意");
  EXPECT_TRUE(top.value("finalPending", false));

  EXPECT_EQ(P().Call("POST", absl::StrCat("/v1/", name, "/scoreSheets"), Sheet(subject, 60, 40), citizen).status,
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
  EXPECT_THAT(r.body, HasSubstr("存在问题部分"));

  // Follow-up of the 基本满意 subject: the written opinion, a plan within a month, the report.
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
  ASSERT_EQ(P().Call("POST", absl::StrCat("/v1/", name, "/rectifications"), report, department).status, 200);

  // The look-back scores 55: that is the rectification stage's score. The sum is 9.5 + 18 + 27 + 11 = 65.5,
  // above 60, but a rectification below 60 makes the result 不满意 and opens a second round.
  r = P().Call("POST", absl::StrCat("/v1/", name, "/lookBacks"),
               {{"subject", subject}, {"score", 55}, {"basis", "回头看"}}, staff);
  ASSERT_EQ(r.status, 200) << r.body;
  json after = Json(r);
  EXPECT_FALSE(after.value("finalPending", false));
  EXPECT_EQ(after.value("finalScore", ""), "65.50");
  EXPECT_EQ(after.value("grade", ""), "GRADE_UNSATISFIED");
  EXPECT_EQ(after.value("gradeLabel", ""), "不满意");
  const json rectification = StageOf(after["stages"], "STAGE_RECTIFICATION");
  EXPECT_EQ(rectification.value("score", ""), "55.00");
  EXPECT_EQ(rectification.value("contribution", ""), "11.00");
  EXPECT_FALSE(rectification.value("pending", false));
  const std::string first_look_back = rectification.value("scoreTime", "");
  EXPECT_FALSE(first_look_back.empty());
  EXPECT_EQ(after.value("round", 0), 2);
  EXPECT_EQ(after.value("followUp", ""), "FOLLOW_UP_STATE_AWAITING_PLAN");
  EXPECT_EQ(after["lookBackScores"], json({"55.00"}));
  EXPECT_FALSE(after.value("referral", false));
  // The subject hears of its final result from the notifications service.
  EXPECT_TRUE(Eventually([&] {
    HttpResponse inbox = P().Call("GET", "/v1/inbox", nullptr, department);
    return inbox.body.find("最终得分 65.5") != std::string::npos;
  }));

  // Second round: rectify again, evaluated again; its look-back replaces the rectification score, and a
  // second 不满意 is referred.
  ASSERT_EQ(P().Call("POST", absl::StrCat("/v1/", name, "/rectifications"), plan, department).status, 200);
  ASSERT_EQ(P().Call("POST", absl::StrCat("/v1/", name, "/rectifications"), report, department).status, 200);
  r = P().Call("POST", absl::StrCat("/v1/", name, "/lookBacks"), {{"subject", subject}, {"score", 50}}, staff);
  ASSERT_EQ(r.status, 200) << r.body;
  after = Json(r);
  EXPECT_EQ(after.value("finalScore", ""), "64.50");  // 9.5 + 18 + 27 + 10
  EXPECT_EQ(after.value("grade", ""), "GRADE_UNSATISFIED");
  EXPECT_EQ(StageOf(after["stages"], "STAGE_RECTIFICATION").value("score", ""), "50.00");
  EXPECT_EQ(after["lookBackScores"], json({"55.00", "50.00"}));
  EXPECT_EQ(after.value("followUp", ""), "FOLLOW_UP_STATE_REFERRED");
  EXPECT_TRUE(after.value("referral", false));

  // The 满意 subject: no plan, but the rectification report within 3 months and the look-back, whose score
  // completes its final score: 9 + 18 + 46.5 + 17 = 90.5 满意.
  r = P().Call("POST", absl::StrCat("/v1/", name, "/opinions"),
               {{"subject", satisfied}, {"text", "评议意见：继续巩固。"}}, staff);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r).value("followUp", ""), "FOLLOW_UP_STATE_AWAITING_REPORT");
  EXPECT_EQ(Json(r).value("planDue", ""), "");
  EXPECT_FALSE(Json(r).value("reportDue", "").empty());
  EXPECT_EQ(
      P().Call("POST", absl::StrCat("/v1/", name, "/lookBacks"), {{"subject", satisfied}, {"score", 85}}, staff).status,
      400);  // FAILED_PRECONDITION: the report comes first
  r = P().Call("POST", absl::StrCat("/v1/", name, "/rectifications"),
               {{"subject", satisfied}, {"step", "RECTIFICATION_STEP_REPORT"}, {"content", "整改报告：已落实。"}},
               transport);
  ASSERT_EQ(r.status, 200) << r.body;
  r = P().Call("POST", absl::StrCat("/v1/", name, "/lookBacks"), {{"subject", satisfied}, {"score", 85}}, staff);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r).value("finalScore", ""), "90.50");
  EXPECT_EQ(Json(r).value("gradeLabel", ""), "满意");
  EXPECT_EQ(Json(r).value("followUp", ""), "FOLLOW_UP_STATE_DONE");

  // The breakdown as leaders read it: every stage's score and when it was made.
  r = P().Call("GET", absl::StrCat("/v1/", name, "/result"), nullptr, leader);
  ASSERT_EQ(r.status, 200) << r.body;
  for (const json& s : Json(r)["subjects"]) {
    for (const json& stage : s["stages"]) {
      EXPECT_FALSE(stage.value("score", "").empty()) << stage.dump();
      EXPECT_FALSE(stage.value("scoreTime", "").empty()) << stage.dump();
    }
  }
}

// A custom stage set without a rectification stage: every stage exists by the close, so the close
// announces the final score and grade; the look-back only passes or turns the result 不满意.
TEST(Evaluation, WithoutRectificationStageTheCloseIsFinal) {
  const std::string staff = P().NewAccount("ROLE_STAFF");
  const std::string department = P().NewAccount("ROLE_DEPARTMENT", "", "audit");
  const auto [deputies, rater_tokens] = P().NewDeputies("示范县", {"孙丽"});
  json campaign = {
      {"title", "2026年县审计局工作评议"},
      {"kind", "CAMPAIGN_KIND_DEPARTMENT_WORK"},
      {"subjects", {{{"kind", "SUBJECT_KIND_DEPARTMENT"}, {"displayName", "县审计局"}, {"department", "audit"}}}},
      {"stages",
       {{{"stage", "STAGE_PRELIMINARY_INVESTIGATION"}, {"weight", 40}}, {{"stage", "STAGE_ON_SITE"}, {"weight", 60}}}},
      {"raterGroups",
       {{{"code", "members"},
         {"displayName", "常委会组成人员"},
         {"weight", 100},
         {"raters", deputies},
         {"indicators",
          {{{"code", "A"}, {"title", "工作实绩"}, {"maxPoints", 60}},
           {{"code", "B"}, {"title", "整改成效"}, {"maxPoints", 40}}}}}}},
  };
  HttpResponse r = P().Call("POST", "/v1/evaluations", campaign, staff);
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string name = Json(r).value("name", "");
  const std::string subject = Json(r)["subjects"][0].value("name", "");
  ASSERT_EQ(P().Call("POST", absl::StrCat("/v1/", name, "/stageScores"),
                     {{"subject", subject}, {"stage", "STAGE_PRELIMINARY_INVESTIGATION"}, {"score", 70}}, staff)
                .status,
            200);
  ASSERT_EQ(P().Call("POST", absl::StrCat("/v1/", name, ":open"), json::object(), staff).status, 200);
  ASSERT_EQ(
      P().Call("POST", absl::StrCat("/v1/", name, "/scoreSheets"), IndicatorSheet(subject, 50, 30), rater_tokens[0])
          .status,
      200);
  r = P().Call("POST", absl::StrCat("/v1/", name, ":close"), json::object(), staff);
  ASSERT_EQ(r.status, 200) << r.body;
  const json result = Json(r)["subjects"][0];
  EXPECT_FALSE(result.value("finalPending", false));
  EXPECT_EQ(result.value("finalScore", ""), "76.00");  // 0.4 x 70 + 0.6 x 80
  EXPECT_EQ(result.value("gradeLabel", ""), "基本满意");
  EXPECT_EQ(result.value("sessionScore", ""), "76.00");
  EXPECT_EQ(result["stages"].size(), 2u);
}

}  // namespace
}  // namespace minyi::testing

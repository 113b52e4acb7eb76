// End to end: a year's livelihood-project cycle through the gateway as clients speak HTTP/JSON, with real
// accounts and tokens from the identity service and real deputies — nomination, screening, the
// differential vote with check-in, secret ballots and retries, closing, the bulletin, announcement,
// progress reports, supervision, effect evaluation, and the duty record the ballot earns.

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

std::string NewProject(const std::string& token, absl::string_view title, const json& extra = json::object()) {
  json project = {{"title", title}, {"description", "群众反映强烈"}, {"department", "jtj"}};
  project.update(extra);
  HttpResponse r = P().Call("POST", "/v1/projects", project, token);
  EXPECT_EQ(r.status, 200) << r.body;
  return Json(r).value("name", "");
}

void Screen(const std::string& project, const json& body) {
  HttpResponse r = P().Call("POST", absl::StrCat("/v1/", project, ":screen"), body, P().Admin());
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST(VotingCycleTest, FromNominationThroughTheSecretVoteToEffectEvaluation) {
  // Nomination from four parties; the source is recorded from the nominator's role.
  const std::string citizen = P().NewAccount("ROLE_CITIZEN");
  const std::string road = NewProject(citizen, "村道硬化");
  HttpResponse r = P().Call("GET", absl::StrCat("/v1/", road), nullptr, citizen);
  EXPECT_EQ(Json(r).value("source", ""), "NOMINATION_SOURCE_CITIZEN");
  const std::string lights =
      NewProject(P().Admin(), "路灯亮化", {{"source", "NOMINATION_SOURCE_TOWN"}, {"nominator", "城关镇"}});
  const std::string canteen = NewProject(P().Admin(), "老年食堂", {{"source", "NOMINATION_SOURCE_TOWN"}});
  const std::string stadium = NewProject(P().Admin(), "商业综合体", {{"source", "NOMINATION_SOURCE_TOWN"}});

  // Screening: department opinions, named exclusion reasons; only staff screen.
  const json opinion = {{"feasible", true}, {"budgetYuan", "1200000"}, {"opinion", "可行"}};
  Screen(road, {{"admit", true}, {"departmentOpinion", opinion}});
  Screen(lights, {{"admit", true}, {"departmentOpinion", opinion}});
  Screen(canteen, {{"admit", true}});
  Screen(stadium, {{"admit", false}, {"exclusionReason", "EXCLUSION_REASON_NOT_LIVELIHOOD"}});
  r = P().Call("POST", absl::StrCat("/v1/", road, ":screen"), {{"admit", true}}, citizen);
  EXPECT_EQ(r.status, 403) << r.body;
  r = P().Call("GET", "/v1/projects?state=PROJECT_STATE_EXCLUDED", nullptr, citizen);
  EXPECT_THAT(r.body, HasSubstr(stadium + "\""));

  // Deputies with accounts.
  const auto [deputies, tokens] = P().NewDeputies("城关镇", {"王芳", "李娜", "张敏"});

  // Set-up: candidates must outnumber slots.
  json vote = {{"title", "2027年民生实事项目票决"},
               {"form", "BALLOT_FORM_APPROVAL"},
               {"slots", 1},
               {"candidates", {road, lights}},
               {"electorate", deputies}};
  r = P().Call("POST", "/v1/votes",
               {{"title", "等额"},
                {"form", "BALLOT_FORM_APPROVAL"},
                {"slots", 2},
                {"candidates", {road, lights}},
                {"electorate", deputies}},
               P().Admin());
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_THAT(r.body, HasSubstr("差额"));
  vote["candidates"] = {road, lights, canteen};
  r = P().Call("POST", "/v1/votes", vote, P().Admin());
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string name = Json(r).value("name", "");
  EXPECT_THAT(Json(r).value("createdBy", ""), ::testing::MatchesRegex("accounts/[0-9]+"));  // a name, not an id
  ASSERT_EQ(P().Call("POST", absl::StrCat("/v1/", name, ":open"), json::object(), P().Admin()).status, 200);

  // Check-in, then one ballot each; deputy 3 retries (same key, then no key) and gets the same receipt.
  std::vector<std::string> trackers;
  const std::vector<std::string> choice = {road, road, lights};
  for (int i = 0; i < 3; ++i) {
    const json ballot = {{"content", {{"approvals", {choice[i]}}}},
                         {"nonce", absl::StrCat("e2e-nonce-0123456789-", i)}};
    r = P().Call("POST", absl::StrCat("/v1/", name, "/ballots"), ballot, tokens[i]);
    EXPECT_EQ(r.status, 400) << "ballot before check-in: " << r.body;
    ASSERT_EQ(P().Call("POST", absl::StrCat("/v1/", name, ":checkIn"), json::object(), tokens[i]).status, 200);
    r = P().Call("POST", absl::StrCat("/v1/", name, "/ballots"), ballot, tokens[i], {{"Idempotency-Key", Unique("k")}});
    ASSERT_EQ(r.status, 200) << r.body;
    trackers.push_back(Json(r).value("tracker", ""));
    if (i == 2) {
      EXPECT_EQ(Json(P().Call("POST", absl::StrCat("/v1/", name, "/ballots"), ballot, tokens[i])).value("tracker", ""),
                trackers.back());
    }
  }
  r = P().Call("POST", absl::StrCat("/v1/", name, "/ballots"),
               {{"content", {{"approvals", {lights, road}}}}, {"nonce", "e2e-nonce-0123456789-x"}}, tokens[0]);
  EXPECT_EQ(r.status, 400) << r.body;  // two approvals where one is allowed
  // Another valid ballot from a deputy who voted: one per deputy, so 409 ALREADY_EXISTS as google.rpc.Status.
  r = P().Call("POST", absl::StrCat("/v1/", name, "/ballots"),
               {{"content", {{"approvals", {lights}}}}, {"nonce", "e2e-nonce-0123456789-y"}}, tokens[0]);
  EXPECT_EQ(r.status, 409) << r.body;
  const json refused = Json(r);
  EXPECT_EQ(refused.value("code", 0), 6) << r.body;
  EXPECT_THAT(refused.value("message", ""), HasSubstr("已经投过票"));
  EXPECT_EQ(ErrorReason(r), "ALREADY_VOTED") << r.body;

  // Live turnout, no partial result.
  r = P().Call("GET", absl::StrCat("/v1/", name, "/turnout"), nullptr, P().Admin());
  EXPECT_EQ(Json(r).value("ballotsCast", 0), 3) << r.body;
  EXPECT_EQ(Json(r).value("checkedIn", 0), 3) << r.body;
  EXPECT_TRUE(Json(r).value("quorumPresent", false)) << r.body;
  EXPECT_EQ(P().Call("GET", absl::StrCat("/v1/", name, "/result"), nullptr, P().Admin()).status, 400);
  EXPECT_EQ(P().Call("GET", absl::StrCat("/v1/", name, "/bulletin"), nullptr, P().Admin()).status, 400);

  // Close: the road passes with 2 of 3 (more than half of the electorate) and is chosen. Leaders read the
  // result before it is announced.
  r = P().Call("POST", absl::StrCat("/v1/", name, ":close"), json::object(), P().Admin());
  ASSERT_EQ(r.status, 200) << r.body;
  r = P().Call("GET", absl::StrCat("/v1/", name, "/result"), nullptr, P().NewAccount("ROLE_LEADER"));
  ASSERT_EQ(r.status, 200) << r.body;
  json result = Json(r);
  EXPECT_EQ(result.value("electorate", 0), 3);
  EXPECT_EQ(result.value("checkedIn", 0), 3);
  EXPECT_EQ(result.value("ballotsCast", 0), 3);
  EXPECT_TRUE(result.value("quorumMet", false));
  EXPECT_EQ(result["candidates"][0].value("candidate", ""), road);
  EXPECT_EQ(result["candidates"][0].value("votesFor", 0), 2);
  EXPECT_TRUE(result["candidates"][0].value("chosen", false));
  EXPECT_EQ(result["candidates"][1].value("votesFor", 0), 1);
  EXPECT_FALSE(result["candidates"][1].value("passed", false));  // 1 of 3 is no majority
  // The public sees the result and the bulletin once announced (every role: announcement_test.cc).
  EXPECT_EQ(P().Call("GET", absl::StrCat("/v1/", name, "/result"), nullptr, citizen).status, 400);
  EXPECT_EQ(P().Call("GET", absl::StrCat("/v1/", name, "/bulletin"), nullptr, citizen).status, 400);
  ASSERT_EQ(P().Call("POST", absl::StrCat("/v1/", name, ":announce"), json::object(), P().Admin()).status, 200);
  EXPECT_EQ(P().Call("GET", absl::StrCat("/v1/", name, "/result"), nullptr, citizen).status, 200);
  r = P().Call("GET", absl::StrCat("/v1/", name, "/bulletin"), nullptr, citizen);
  ASSERT_EQ(r.status, 200) << r.body;
  for (const std::string& t : trackers) {
    EXPECT_THAT(r.body, HasSubstr(t));
  }
  EXPECT_EQ(Json(r)["ballots"].size(), 3u);

  // Supervision: a group confirmed in the deputies service is attached with its members as they are now;
  // then the responsible department reports, and no other department may.
  const std::string group = P().NewProjectSupervisionGroup("城区道路改造", {deputies[0], deputies[1]});
  r = P().Call("POST", absl::StrCat("/v1/", road, ":attachSupervisionGroup"),
               {{"supervisionGroup", "supervisionGroups/999999"}}, P().Admin());
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_THAT(Json(r).value("message", ""), HasSubstr("supervision_group"));
  r = P().Call("POST", absl::StrCat("/v1/", road, ":attachSupervisionGroup"), {{"supervisionGroup", group}},
               P().Admin());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r)["supervisionGroup"], group);
  EXPECT_EQ(Json(r)["supervisionMembers"], json({deputies[0], deputies[1]}));
  const std::string jtj = P().NewAccount("ROLE_DEPARTMENT", "", "jtj");
  const std::string other = P().NewAccount("ROLE_DEPARTMENT", "", "wjw");
  const json report = {{"percent", 100}, {"milestone", "全线完工"}, {"photos", {"oss://minyi/road-1.jpg"}}};
  EXPECT_EQ(P().Call("POST", absl::StrCat("/v1/", road, "/progress"), report, other).status, 403);
  r = P().Call("POST", absl::StrCat("/v1/", road, "/progress"), report, jtj);
  ASSERT_EQ(r.status, 200) << r.body;
  r = P().Call("GET", absl::StrCat("/v1/", road), nullptr, citizen);
  EXPECT_EQ(Json(r).value("state", ""), "PROJECT_STATE_COMPLETED");

  // Effect evaluation by invited deputies.
  r = P().Call("POST", absl::StrCat("/v1/", road, ":openSatisfactionRound"), {{"deputies", {deputies[0], deputies[1]}}},
               P().Admin());
  ASSERT_EQ(r.status, 200) << r.body;
  r = P().Call("POST", absl::StrCat("/v1/", road, ":rate"), {{"rating", "RATING_SATISFIED"}}, tokens[0]);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(P().Call("POST", absl::StrCat("/v1/", road, ":rate"), {{"rating", "RATING_SATISFIED"}}, tokens[2]).status,
            403);
  r = P().Call("GET", absl::StrCat("/v1/", road, "/satisfaction"), nullptr, citizen);
  EXPECT_EQ(Json(r).value("rated", 0), 1) << r.body;
  EXPECT_DOUBLE_EQ(Json(r).value("satisfactionRate", 0.0), 1.0);

  // The ballot earned each voter a duty record (BallotCast is duty evidence), naming the vote only.
  std::string duties;
  EXPECT_TRUE(Eventually([&] {
    duties = P().Call("GET", absl::StrCat("/v1/", deputies[0], "/duties"), nullptr, tokens[0]).body;
    return duties.find(name) != std::string::npos;
  }));
  EXPECT_THAT(duties, HasSubstr(name));
  for (const std::string& t : trackers) {
    EXPECT_EQ(duties.find(t), std::string::npos);
  }
}

}  // namespace
}  // namespace minyi::testing

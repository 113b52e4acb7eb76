// End to end, role by role through the gateway: nothing of a vote's result is out before it is announced
// (docs/voting.md, "Announcement"). From closing, office staff (admin, staff) and leaders read the result,
// the bulletin and the projects as chosen; deputies, citizens and departments get FAILED_PRECONDITION
// naming the vote's state for the result and the bulletin (the vote itself is public), see chosen projects
// as the candidates they were, and the electorate is told only that voting is over. At the announcement
// everything becomes public at once.

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/platform.h"

namespace minyi::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

Platform& P() { return Platform::Shared(); }

// Whether the project is listed under `state` for `token`.
bool ListedAs(const std::string& project, absl::string_view state, const std::string& token) {
  HttpResponse r = P().Call("GET", absl::StrCat("/v1/projects?pageSize=200&state=", state), nullptr, token);
  EXPECT_EQ(r.status, 200) << r.body;
  // An empty list has no "projects" at all (proto3 JSON).
  for (const json& p : Json(r).value("projects", json::array())) {
    if (p.value("name", "") == project) {
      return true;
    }
  }
  return false;
}

bool HasReason(const HttpResponse& r, absl::string_view reason) {
  for (const json& d : Json(r).value("details", json::array())) {
    if (d.value("reason", "") == reason) {
      return true;
    }
  }
  return false;
}

// The titles and bodies in the account's inbox about `reference`.
std::vector<std::string> InboxTitles(const std::string& token, const std::string& reference) {
  std::vector<std::string> out;
  for (const json& n :
       Json(P().Call("GET", "/v1/inbox?pageSize=200", nullptr, token)).value("notifications", json::array())) {
    if (n.value("reference", "") == reference) {
      out.push_back(n.value("title", "") + "|" + n.value("body", ""));
    }
  }
  return out;
}

TEST(AnnouncementTest, NothingOfTheResultReachesAnyoneButOfficeStaffAndLeadersBeforeTheAnnouncement) {
  const std::string road = P().NewCandidate("城区道路改造");
  const std::string lights = P().NewCandidate("背街小巷路灯");
  const std::string canteen = P().NewCandidate("社区老年食堂");
  const auto [deputies, voters] = P().NewDeputies("城关镇", {"赵丽", "钱强", "孙梅"});
  const std::string title = Unique("公告前保密票决");
  const std::string vote = P().OpenVote(title, {road, lights, canteen}, deputies);

  const std::map<std::string, std::string> office = {
      {"admin", P().Admin()}, {"staff", P().NewAccount("ROLE_STAFF")}, {"leader", P().NewAccount("ROLE_LEADER")}};
  const std::map<std::string, std::string> others = {{"deputy", voters[0]},
                                                     {"citizen", P().NewAccount("ROLE_CITIZEN")},
                                                     {"department", P().NewAccount("ROLE_DEPARTMENT", "", "jtj")}};
  const std::string result = absl::StrCat("/v1/", vote, "/result");
  const std::string bulletin = absl::StrCat("/v1/", vote, "/bulletin");
  HttpResponse r;
  // While open, nobody reads a result or a bulletin.
  for (const auto* audience : {&office, &others}) {
    for (const auto& [role, token] : *audience) {
      for (const std::string& path : {result, bulletin}) {
        r = P().Call("GET", path, nullptr, token);
        EXPECT_EQ(r.status, 400) << role << " " << path << ": " << r.body;
        EXPECT_EQ(Json(r).value("code", 0), 9) << role << " " << path << ": " << r.body;
        EXPECT_THAT(Json(r).value("message", ""), HasSubstr("VOTE_STATE_OPEN")) << role << " " << path;
      }
    }
  }

  std::vector<std::string> trackers;
  const std::vector<std::string> choice = {road, road, lights};
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(P().Call("POST", absl::StrCat("/v1/", vote, ":checkIn"), json::object(), voters[i]).status, 200);
    r = P().Call("POST", absl::StrCat("/v1/", vote, "/ballots"),
                 {{"content", {{"approvals", {choice[i]}}}}, {"nonce", absl::StrCat("announce-nonce-0123456789-", i)}},
                 voters[i]);
    ASSERT_EQ(r.status, 200) << r.body;
    trackers.push_back(Json(r).value("tracker", ""));
  }
  ASSERT_EQ(P().Call("POST", absl::StrCat("/v1/", vote, ":close"), json::object(), P().Admin()).status, 200);
  // Staff may set up the chosen project's supervision before announcing it.
  const std::string group = P().NewProjectSupervisionGroup("城区道路改造", {deputies[0], deputies[1]});
  r = P().Call("POST", absl::StrCat("/v1/", road, ":attachSupervisionGroup"), {{"supervisionGroup", group}},
               P().Admin());
  ASSERT_EQ(r.status, 200) << r.body;

  // Closed, not announced: office staff and leaders read everything.
  for (const auto& [role, token] : office) {
    r = P().Call("GET", result, nullptr, token);
    ASSERT_EQ(r.status, 200) << role << ": " << r.body;
    EXPECT_TRUE(Json(r)["candidates"][0].value("chosen", false)) << role;
    r = P().Call("GET", bulletin, nullptr, token);
    ASSERT_EQ(r.status, 200) << role << ": " << r.body;
    EXPECT_EQ(Json(r)["ballots"].size(), 3u) << role;
    r = P().Call("GET", absl::StrCat("/v1/", road), nullptr, token);
    EXPECT_EQ(Json(r).value("state", ""), "PROJECT_STATE_CHOSEN") << role;
    EXPECT_TRUE(ListedAs(road, "PROJECT_STATE_CHOSEN", token)) << role;
  }
  // Everyone else: the same answer as while open, naming the state; the project as the candidate it was.
  for (const auto& [role, token] : others) {
    for (const std::string& path : {result, bulletin}) {
      r = P().Call("GET", path, nullptr, token);
      EXPECT_EQ(r.status, 400) << role << " " << path << ": " << r.body;
      EXPECT_EQ(Json(r).value("code", 0), 9) << role << " " << path << ": " << r.body;
      EXPECT_THAT(Json(r).value("message", ""), HasSubstr("VOTE_STATE_CLOSED")) << role << " " << path;
      EXPECT_TRUE(HasReason(r, "VOTE_STATE")) << role << " " << path << ": " << r.body;
    }
    r = P().Call("GET", absl::StrCat("/v1/", road), nullptr, token);
    ASSERT_EQ(r.status, 200) << role << ": " << r.body;
    EXPECT_EQ(Json(r).value("state", ""), "PROJECT_STATE_CANDIDATE") << role;
    EXPECT_EQ(Json(r).value("supervisionGroup", "?"), "") << role << ": " << r.body;
    EXPECT_EQ(Json(r).value("supervisionMembers", json({"?"})), json::array()) << role << ": " << r.body;
    EXPECT_FALSE(ListedAs(road, "PROJECT_STATE_CHOSEN", token)) << role;
    EXPECT_TRUE(ListedAs(road, "PROJECT_STATE_CANDIDATE", token)) << role;
    // The vote itself is public, and says nothing of the outcome.
    r = P().Call("GET", absl::StrCat("/v1/", vote), nullptr, token);
    EXPECT_EQ(Json(r).value("state", ""), "VOTE_STATE_CLOSED") << role;
  }
  // The responsible department cannot report on a project it has not been told it got.
  const json report = {{"percent", 10}, {"milestone", "开工"}};
  r = P().Call("POST", absl::StrCat("/v1/", road, "/progress"), report, others.at("department"));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_THAT(Json(r).value("message", ""), HasSubstr("PROJECT_STATE_CANDIDATE"));
  // The electorate hears that voting is over, not that a result is out.
  std::vector<std::string> heard;
  ASSERT_TRUE(Eventually([&] {
    heard = InboxTitles(voters[1], vote);
    return heard.size() == 2;  // opened, closed
  })) << P().process("notifications").Log();
  EXPECT_THAT(heard, ::testing::Contains(HasSubstr(absl::StrCat("投票已结束：", title))));
  for (const std::string& text : heard) {
    EXPECT_THAT(text, ::testing::Not(HasSubstr("已公布")));
    EXPECT_THAT(text, ::testing::Not(HasSubstr("已公告")));
  }

  // Announced: result, bulletin and the chosen project are public at once.
  ASSERT_EQ(P().Call("POST", absl::StrCat("/v1/", vote, ":announce"), json::object(), P().Admin()).status, 200);
  for (const auto* audience : {&office, &others}) {
    for (const auto& [role, token] : *audience) {
      r = P().Call("GET", result, nullptr, token);
      ASSERT_EQ(r.status, 200) << role << ": " << r.body;
      EXPECT_EQ(Json(r).value("state", ""), "VOTE_STATE_ANNOUNCED") << role;
      r = P().Call("GET", bulletin, nullptr, token);
      ASSERT_EQ(r.status, 200) << role << ": " << r.body;
      r = P().Call("GET", absl::StrCat("/v1/", road), nullptr, token);
      EXPECT_EQ(Json(r).value("state", ""), "PROJECT_STATE_CHOSEN") << role;
      EXPECT_EQ(Json(r).value("supervisionGroup", ""), group) << role;
      EXPECT_TRUE(ListedAs(road, "PROJECT_STATE_CHOSEN", token)) << role;
    }
  }
  // A voter finds their tracker on the bulletin now.
  EXPECT_THAT(P().Call("GET", bulletin, nullptr, voters[2]).body, HasSubstr(trackers[2]));
  r = P().Call("POST", absl::StrCat("/v1/", road, "/progress"), report, others.at("department"));
  EXPECT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(Eventually([&] {
    heard = InboxTitles(voters[1], vote);
    return heard.size() == 3;
  })) << P().process("notifications").Log();
  EXPECT_THAT(heard, ::testing::Contains(HasSubstr(absl::StrCat("票决结果已公告：", title))));
}

}  // namespace
}  // namespace minyi::testing

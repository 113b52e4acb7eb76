// End to end through the gateway, signed out (no Authorization header): the public reads of voting
// (docs/voting.md, "Public reads"). An announced vote's result and bulletin are read as office staff read
// them; before the announcement, and for anything not announced to society, the answer is exactly the one
// for an id that does not exist. Projects are public once screened in, with their progress and
// satisfaction, and never with who nominated, posted or rated.

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/platform.h"
#include "support/signed_out.h"

namespace minyi::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

Platform& P() { return Platform::Shared(); }

// Signed out.
HttpResponse Public(const std::string& target) { return SignedOutGet(P().http_port(), target); }

constexpr char kUnknownVote[] = "votes/999999999";
constexpr char kUnknownProject[] = "projects/999999999";

// The answer for `path` with `name` in it is the answer for the same path with `unknown` instead: status,
// code, reason and message (the name aside) alike.
void ExpectAnswersAsUnknown(const std::string& path, const std::string& name, const std::string& unknown) {
  const HttpResponse hidden = Public(path);
  const HttpResponse missing = Public(absl::StrReplaceAll(path, {{name, unknown}}));
  EXPECT_EQ(hidden.status, 404) << path << ": " << hidden.body;
  EXPECT_EQ(missing.status, hidden.status) << path;
  EXPECT_EQ(absl::StrReplaceAll(hidden.body, {{name, unknown}}), missing.body) << path;
}

// Every name the signed-out list at `path` (paged through) shows under `field`.
std::vector<json> ListAll(const std::string& path, const std::string& field) {
  std::vector<json> out;
  std::string token;
  do {
    HttpResponse r = Public(absl::StrCat(path, "?pageSize=200&pageToken=", token));
    EXPECT_EQ(r.status, 200) << r.body;
    for (const json& item : Json(r).value(field, json::array())) {
      out.push_back(item);
    }
    token = Json(r).value("nextPageToken", "");
  } while (!token.empty());
  return out;
}

bool Listed(const std::vector<json>& items, const std::string& name) {
  for (const json& item : items) {
    if (item.value("name", "") == name) {
      return true;
    }
  }
  return false;
}

TEST(PublicVotingTest, AnAnnouncedResultItsBulletinAndTheProjectsAreReadSignedOutAndNothingElseIs) {
  const std::string road = P().NewCandidate("城区道路改造");
  const std::string lights = P().NewCandidate("背街小巷路灯");
  // A nomination not yet screened and an excluded one are not announced to society.
  HttpResponse r = P().Call("POST", "/v1/projects",
                            {{"title", "张家门口修花坛"},
                             {"description", "群众提名"},
                             {"department", "jtj"},
                             {"source", "NOMINATION_SOURCE_CITIZEN"},
                             {"nominator", "张某某"}},
                            P().Admin());
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string nominated = Json(r).value("name", "");
  r = P().Call("POST", "/v1/projects",
               {{"title", "修建私人会所"}, {"department", "jtj"}, {"source", "NOMINATION_SOURCE_TOWN"}}, P().Admin());
  const std::string excluded = Json(r).value("name", "");
  r = P().Call("POST", absl::StrCat("/v1/", excluded, ":screen"),
               {{"admit", false}, {"exclusionReason", "EXCLUSION_REASON_NOT_LIVELIHOOD"}, {"note", "内部筛选意见"}},
               P().Admin());
  ASSERT_EQ(r.status, 200) << r.body;

  const auto [deputies, voters] = P().NewDeputies("城关镇", {"周敏", "吴刚", "郑洁"});
  const std::string vote = P().OpenVote(Unique("公开票决"), {road, lights}, deputies);
  const std::vector<std::string> choice = {road, road, lights};
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(P().Call("POST", absl::StrCat("/v1/", vote, ":checkIn"), json::object(), voters[i]).status, 200);
    r = P().Call("POST", absl::StrCat("/v1/", vote, "/ballots"),
                 {{"content", {{"approvals", {choice[i]}}}}, {"nonce", absl::StrCat("public-nonce-0123456789-", i)}},
                 voters[i]);
    ASSERT_EQ(r.status, 200) << r.body;
  }
  const std::string result = absl::StrCat("/v1/public/", vote, "/result");
  const std::string bulletin = absl::StrCat("/v1/public/", vote, "/bulletin");
  // Open, then closed: the result and the bulletin answer as for a vote that does not exist.
  ExpectAnswersAsUnknown(result, vote, kUnknownVote);
  ExpectAnswersAsUnknown(bulletin, vote, kUnknownVote);
  ASSERT_EQ(P().Call("POST", absl::StrCat("/v1/", vote, ":close"), json::object(), P().Admin()).status, 200);
  ExpectAnswersAsUnknown(result, vote, kUnknownVote);
  ExpectAnswersAsUnknown(bulletin, vote, kUnknownVote);
  EXPECT_FALSE(Listed(ListAll("/v1/public/votes", "votes"), vote));
  // The chosen project reads as the candidate it was until the announcement.
  r = Public(absl::StrCat("/v1/public/", road));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r).value("state", ""), "PROJECT_STATE_CANDIDATE");

  // Announced: the result and the bulletin, as office staff read them.
  ASSERT_EQ(P().Call("POST", absl::StrCat("/v1/", vote, ":announce"), json::object(), P().Admin()).status, 200);
  r = Public(result);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r), Json(P().Call("GET", absl::StrCat("/v1/", vote, "/result"), nullptr, P().Admin())));
  EXPECT_EQ(Json(r).value("state", ""), "VOTE_STATE_ANNOUNCED");
  EXPECT_TRUE(Json(r)["candidates"][0].value("chosen", false)) << r.body;
  r = Public(bulletin);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r), Json(P().Call("GET", absl::StrCat("/v1/", vote, "/bulletin"), nullptr, P().Admin())));
  EXPECT_EQ(Json(r)["ballots"].size(), 3u);
  // Listed among the announced votes, without its electorate.
  const std::vector<json> votes = ListAll("/v1/public/votes", "votes");
  ASSERT_TRUE(Listed(votes, vote));
  for (const json& v : votes) {
    EXPECT_EQ(v.value("state", ""), "VOTE_STATE_ANNOUNCED") << v.dump();
    EXPECT_FALSE(v.contains("electorate")) << v.dump();
    EXPECT_FALSE(v.contains("createdBy")) << v.dump();
  }

  // Projects: the chosen one as chosen; the nominated and the excluded ones as if they did not exist.
  r = Public(absl::StrCat("/v1/public/", road));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r).value("state", ""), "PROJECT_STATE_CHOSEN");
  EXPECT_EQ(Json(r).value("title", ""), "城区道路改造");
  for (const std::string& hidden : {nominated, excluded}) {
    ExpectAnswersAsUnknown(absl::StrCat("/v1/public/", hidden), hidden, kUnknownProject);
    ExpectAnswersAsUnknown(absl::StrCat("/v1/public/", hidden, "/progress"), hidden, kUnknownProject);
    ExpectAnswersAsUnknown(absl::StrCat("/v1/public/", hidden, "/satisfaction"), hidden, kUnknownProject);
  }
  const std::vector<json> projects = ListAll("/v1/public/projects", "projects");
  EXPECT_TRUE(Listed(projects, road));
  EXPECT_TRUE(Listed(projects, lights));
  EXPECT_FALSE(Listed(projects, nominated));
  EXPECT_FALSE(Listed(projects, excluded));
  for (const json& p : projects) {
    EXPECT_THAT(p.value("state", ""),
                ::testing::AnyOf("PROJECT_STATE_CANDIDATE", "PROJECT_STATE_CHOSEN", "PROJECT_STATE_COMPLETED"))
        << p.dump();
  }
  r = Public("/v1/public/projects?pageSize=200&state=PROJECT_STATE_CHOSEN");
  EXPECT_THAT(r.body, HasSubstr(road));
  EXPECT_THAT(r.body, Not(HasSubstr(absl::StrCat("\"", lights, "\""))));
  r = Public("/v1/public/projects?state=PROJECT_STATE_EXCLUDED&pageSize=200");
  EXPECT_THAT(r.body, Not(HasSubstr(absl::StrCat("\"", excluded, "\""))));

  // Progress and satisfaction, without who posted or rated.
  const std::string jtj = P().NewAccount("ROLE_DEPARTMENT", "", "jtj");
  r = P().Call("POST", absl::StrCat("/v1/", road, "/progress"),
               {{"percent", 100},
                {"milestone", "全线完工"},
                {"problems", "雨季延误两周"},
                {"photos", {"oss://minyi/road-9.jpg"}}},
               jtj);
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string poster = Json(r).value("postedBy", "");
  ASSERT_FALSE(poster.empty());
  r = Public(absl::StrCat("/v1/public/", road, "/progress"));
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(Json(r)["reports"].size(), 1u) << r.body;
  EXPECT_EQ(Json(r)["reports"][0].value("percent", 0), 100);
  EXPECT_EQ(Json(r)["reports"][0].value("milestone", ""), "全线完工");
  EXPECT_EQ(Json(r)["reports"][0].value("problems", ""), "雨季延误两周");
  EXPECT_EQ(Json(r)["reports"][0]["photos"], json({"oss://minyi/road-9.jpg"}));
  EXPECT_THAT(r.body, Not(HasSubstr(poster)));
  r = Public(absl::StrCat("/v1/public/", road));
  EXPECT_EQ(Json(r).value("state", ""), "PROJECT_STATE_COMPLETED");
  EXPECT_EQ(Json(r).value("percentComplete", 0), 100);
  ASSERT_EQ(P().Call("POST", absl::StrCat("/v1/", road, ":openSatisfactionRound"),
                     {{"deputies", {deputies[0], deputies[1]}}}, P().Admin())
                .status,
            200);
  ASSERT_EQ(P().Call("POST", absl::StrCat("/v1/", road, ":rate"), {{"rating", "RATING_SATISFIED"}}, voters[0]).status,
            200);
  ASSERT_EQ(P().Call("POST", absl::StrCat("/v1/", road, ":rate"), {{"rating", "RATING_UNSATISFIED"}}, voters[1]).status,
            200);
  r = Public(absl::StrCat("/v1/public/", road, "/satisfaction"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r).value("raters", 0), 2);
  EXPECT_EQ(Json(r).value("rated", 0), 2);
  EXPECT_EQ(Json(r).value("satisfied", 0), 1);
  EXPECT_EQ(Json(r).value("unsatisfied", 0), 1);
  EXPECT_DOUBLE_EQ(Json(r).value("satisfactionRate", 0.0), 0.5);
  EXPECT_THAT(r.body, Not(HasSubstr("deputies/")));

  // The public project says nothing of nomination, screening or supervision.
  r = Public(absl::StrCat("/v1/public/", road));
  for (const char* field : {"nominator", "screeningNote", "departmentOpinion", "supervisionGroup", "createdBy"}) {
    EXPECT_FALSE(Json(r).contains(field)) << field << ": " << r.body;
  }
}

TEST(PublicVotingTest, BadInputIsA400NamingTheField) {
  std::vector<std::pair<std::string, std::string>> cases = {
      {"/v1/public/votes?pageSize=-1", "page_size"},
      {"/v1/public/votes?pageToken=not-a-token", "page_token"},
      {"/v1/public/projects?pageSize=-5", "page_size"},
      {"/v1/public/projects?state=99", "state"},
      {"/v1/public/votes/abc/result", "name"},
      {"/v1/public/votes/0/bulletin", "name"},
      {"/v1/public/projects/x1", "name"},
      {"/v1/public/projects/0/progress", "parent"},
      {"/v1/public/projects/-2/satisfaction", "name"},
  };
  // A token of the projects' list is no good for the votes'.
  P().NewCandidate("公开项目甲");
  P().NewCandidate("公开项目乙");
  const std::string projects_token = Json(Public("/v1/public/projects?pageSize=1")).value("nextPageToken", "");
  ASSERT_FALSE(projects_token.empty());
  cases.emplace_back(absl::StrCat("/v1/public/votes?pageToken=", projects_token), "page_token");
  for (const auto& [target, field] : cases) {
    const HttpResponse r = Public(target);
    EXPECT_EQ(r.status, 400) << target << ": " << r.body;
    EXPECT_THAT(Json(r).value("message", ""), HasSubstr(field)) << target << ": " << r.body;
  }
}

}  // namespace
}  // namespace minyi::testing

// End to end through the gateway: a citizen whose opinion a deputy takes into a suggestion hears of every
// public step of it in their inbox, once each: the escalation (in Chinese level names), the link, the
// answer, the answer after re-handling, and the closing. The timeline names who acted as "accounts/{id}".

#include <map>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/calendar.h"
#include "e2e/notifications/suggestion.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/platform.h"

namespace minyi::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

// The citizen's inbox messages by event type, once `done_type` has arrived (events reach the inbox in the
// order they were emitted).
std::map<std::string, std::vector<json>> InboxOnceArrived(Platform& platform, const std::string& token,
                                                          const std::string& done_type) {
  std::map<std::string, std::vector<json>> by_type;
  const bool arrived = Eventually([&] {
    by_type.clear();
    for (const json& n :
         Json(platform.Call("GET", "/v1/inbox?pageSize=200", nullptr, token)).value("notifications", json::array())) {
      by_type[n.value("eventType", "")].push_back(n);
    }
    return by_type.contains(done_type);
  });
  EXPECT_TRUE(arrived) << "no " << done_type << "\n" << platform.process("notifications").Log();
  return by_type;
}

void Contact(Platform& platform, const std::string& name, const std::string& token) {
  Ok(platform.Call(
      "POST", absl::StrCat("/v1/", name, ":contact"),
      {{"contact", {{"method", "电话"}, {"summary", "与代表沟通办理方案"}, {"contactDate", FormatDay(TestToday())}}}},
      token));
}

TEST(LinkedCitizensE2eTest, EveryPublicStepOfALinkedOpinionReachesItsCitizenOnce) {
  Platform& platform = Platform::Shared();
  const std::string& admin = platform.Admin();
  const std::string station = platform.NewStation("示范县");
  const std::string deputy = platform.NewDeputy(station, "赵敏");
  const std::string deputy_token = platform.NewAccount("ROLE_DEPUTY", deputy);
  const std::string department = Unique("county-water");
  const std::string lead_token = platform.NewAccount("ROLE_DEPARTMENT", "", department);
  const std::string citizen = platform.NewAccount("ROLE_CITIZEN");

  // The citizen's opinion, escalated from the station to the town.
  const std::string opinion = Ok(platform.Call("POST", "/v1/suggestions",
                                               {{"submit", true},
                                                {"suggestion",
                                                 {{"kind", "SUGGESTION_KIND_CITIZEN_OPINION"},
                                                  {"title", "东湖村自来水水压不足"},
                                                  {"body", "东湖村高处住户自来水水压不足，早晚用水高峰经常停水。"},
                                                  {"station", station}}}},
                                               citizen))["name"];
  Ok(platform.Call("POST", absl::StrCat("/v1/", opinion, ":escalate"), {{"reason", "站点无法协调，报镇街"}}, admin));

  // The deputy takes it into their suggestion, which is answered, re-handled after an unsatisfied
  // rating, answered again and closed.
  const std::string name = Ok(platform.Call("POST", "/v1/suggestions",
                                            {{"suggestion",
                                              {{"kind", "SUGGESTION_KIND_DEPUTY"},
                                               {"title", "关于解决东湖村供水水压不足的建议"},
                                               {"body", "东湖村地势较高，供水水压不足，建议水务部门增设加压泵站。"}}}},
                                            deputy_token))["name"];
  Ok(platform.Call("POST", absl::StrCat("/v1/", name, ":linkOpinions"), {{"opinions", {opinion}}}, deputy_token));
  Ok(platform.Call("POST", absl::StrCat("/v1/", name, ":submit"), json::object(), deputy_token));
  Ok(platform.Call("POST", absl::StrCat("/v1/", name, ":accept"), json::object(), admin));
  Ok(platform.Call("POST", absl::StrCat("/v1/", name, ":assign"), {{"leadDepartment", department}}, admin));
  Contact(platform, name, lead_token);
  Ok(platform.Call("POST", absl::StrCat("/v1/", name, ":answer"),
                   {{"answer",
                     {{"category", "ANSWER_CATEGORY_B"},
                      {"text", "已列入计划，年内增设加压泵站。"},
                      {"commitments", {{{"text", "增设加压泵站"}, {"dueDate", FormatDay(TestToday() + 90)}}}}}}},
                   lead_token));
  json rated = Ok(platform.Call(
      "POST", absl::StrCat("/v1/", name, ":rate"),
      {{"rating", {{"attitude", "SATISFACTION_SATISFIED"}, {"result", "SATISFACTION_UNSATISFIED"}}}}, deputy_token));
  ASSERT_EQ(rated.value("state", ""), "SUGGESTION_STATE_REOPENED");
  Contact(platform, name, lead_token);
  Ok(platform.Call("POST", absl::StrCat("/v1/", name, ":answer"),
                   {{"answer", {{"category", "ANSWER_CATEGORY_A"}, {"text", "加压泵站已建成，水压恢复正常。"}}}},
                   lead_token));
  rated = Ok(platform.Call("POST", absl::StrCat("/v1/", name, ":rate"),
                           {{"rating", {{"attitude", "SATISFACTION_SATISFIED"}, {"result", "SATISFACTION_SATISFIED"}}}},
                           deputy_token));
  ASSERT_EQ(rated.value("state", ""), "SUGGESTION_STATE_CLOSED");

  std::map<std::string, std::vector<json>> inbox =
      InboxOnceArrived(platform, citizen, "minyi.suggestions.v1.SuggestionClosed");
  // Escalation: the levels in Chinese, no English level word.
  ASSERT_EQ(inbox["minyi.suggestions.v1.OpinionEscalated"].size(), 1u);
  const json& escalated = inbox["minyi.suggestions.v1.OpinionEscalated"][0];
  EXPECT_THAT(escalated.value("body", ""), HasSubstr("由联络站转至镇街办理"));
  for (const char* word : {"station", "town", "district"}) {
    EXPECT_THAT(escalated.value("body", ""), Not(HasSubstr(word)));
    EXPECT_THAT(escalated.value("title", ""), Not(HasSubstr(word)));
  }
  // The link, about the citizen's own opinion.
  ASSERT_EQ(inbox["minyi.suggestions.v1.OpinionLinked"].size(), 1u);
  EXPECT_EQ(inbox["minyi.suggestions.v1.OpinionLinked"][0].value("reference", ""), opinion);
  EXPECT_THAT(inbox["minyi.suggestions.v1.OpinionLinked"][0].value("title", ""), HasSubstr("东湖村自来水水压不足"));
  // Both answers, once each, then the closing: about the suggestion the opinion became part of.
  ASSERT_EQ(inbox["minyi.suggestions.v1.SuggestionAnswered"].size(), 2u);
  for (const json& answered : inbox["minyi.suggestions.v1.SuggestionAnswered"]) {
    EXPECT_EQ(answered.value("reference", ""), name);
    EXPECT_EQ(answered.value("title", ""), "您反映的意见已获答复：关于解决东湖村供水水压不足的建议");
  }
  ASSERT_EQ(inbox["minyi.suggestions.v1.SuggestionClosed"].size(), 1u);
  EXPECT_EQ(inbox["minyi.suggestions.v1.SuggestionClosed"][0].value("reference", ""), name);
  EXPECT_THAT(inbox["minyi.suggestions.v1.SuggestionClosed"][0].value("body", ""), HasSubstr("已办结"));
  // With the submission of their opinion, that is all: the deputy's assignment and ratings are not theirs.
  ASSERT_EQ(inbox["minyi.suggestions.v1.SuggestionSubmitted"].size(), 1u);
  EXPECT_EQ(inbox.size(), 5u) << Json(platform.Call("GET", "/v1/inbox", nullptr, citizen)).dump();

  // Names are names: who acted, as "accounts/{id}", and the escalation in Chinese on the timeline.
  const std::string deputy_account = Ok(platform.Call("GET", "/v1/accounts/me", nullptr, deputy_token))["name"];
  ASSERT_THAT(deputy_account, MatchesRegex("accounts/[0-9]+"));
  const json timeline = Ok(platform.Call("GET", absl::StrCat("/v1/", opinion, "/timeline"), nullptr, admin));
  bool linked = false;
  bool escalation = false;
  for (const json& e : timeline.value("entries", json::array())) {
    if (e.value("action", "") == "LINK") {
      linked = true;
      EXPECT_EQ(e.value("actor", ""), deputy_account) << e.dump();
    }
    if (e.value("action", "") == "ESCALATE") {
      escalation = true;
      EXPECT_THAT(e.value("actor", ""), MatchesRegex("accounts/[0-9]+")) << e.dump();
      EXPECT_EQ(e.value("detail", ""), "由联络站转至镇街办理");
    }
  }
  EXPECT_TRUE(linked && escalation) << timeline.dump();
}

}  // namespace
}  // namespace minyi::testing

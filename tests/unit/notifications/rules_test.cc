#include "notifications/rules.h"

#include <string_view>

#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "minyi/evaluation/v1/events.pb.h"
#include "minyi/suggestions/v1/events.pb.h"
#include "minyi/voting/v1/events.pb.h"
#include "notifications/payload.h"

namespace minyi::notifications {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

nlohmann::json Payload(const google::protobuf::Message& m) {
  google::protobuf::Any any;
  any.PackFrom(m);
  absl::StatusOr<nlohmann::json> fields = PayloadFields(any);
  EXPECT_TRUE(fields.ok()) << fields.status();
  return fields.ok() ? *fields : nlohmann::json::object();
}

// The one audience of the rule for `type`, into *audience.
void OnlyAudience(std::string_view type, const Audience** audience) {
  const Rule* rule = FindRule(type);
  ASSERT_NE(rule, nullptr) << type;
  ASSERT_EQ(rule->audiences.size(), 1u) << type;
  *audience = &rule->audiences[0];
}

TEST(RulesTest, EveryRuleNamesALinkedPayloadTypeAndRendersWithoutLeftoverPlaceholders) {
  for (const Rule& rule : AllRules()) {
    const google::protobuf::Descriptor* d =
        google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(std::string(rule.event_type));
    ASSERT_NE(d, nullptr) << rule.event_type;
    ASSERT_FALSE(rule.audiences.empty()) << rule.event_type;
    // An all-defaults payload of the real message: every placeholder must be one of its fields.
    google::protobuf::Any any;
    any.set_type_url("type.googleapis.com/" + std::string(rule.event_type));
    absl::StatusOr<nlohmann::json> fields = PayloadFields(any);
    ASSERT_TRUE(fields.ok()) << fields.status();
    for (const Audience& a : rule.audiences) {
      for (std::string_view text : {a.zh.title, a.zh.body, a.en.title, a.en.body}) {
        size_t open = text.find('{');
        while (open != std::string_view::npos) {
          const size_t close = text.find('}', open);
          ASSERT_NE(close, std::string_view::npos) << text;
          const std::string field(text.substr(open + 1, close - open - 1));
          EXPECT_TRUE(fields->contains(field)) << rule.event_type << " has no field " << field;
          open = text.find('{', close);
        }
      }
    }
  }
}

TEST(RulesTest, AssignmentTellsLeadAndCoUnitsAndLeadersOnlyUnderKeySupervision) {
  minyi::suggestions::v1::SuggestionAssigned assigned;
  assigned.set_reference("suggestions/3");
  assigned.set_title("关于修缮村道的建议");
  assigned.set_department("JTJ");
  assigned.add_co_departments("ZRZYJ");
  assigned.add_co_departments("WJJ");
  assigned.set_deadline("2026-09-30");
  assigned.set_citizen_account("accounts/8");
  const Rule* rule = FindRule("minyi.suggestions.v1.SuggestionAssigned");
  ASSERT_NE(rule, nullptr);
  ASSERT_EQ(rule->audiences.size(), 3u);
  nlohmann::json payload = Payload(assigned);
  const Targets units = SelectTargets(rule->audiences[0], payload);
  EXPECT_THAT(units.departments, ElementsAre("JTJ", "ZRZYJ", "WJJ"));
  EXPECT_FALSE(SelectTargets(rule->audiences[1], payload).leaders);
  EXPECT_THAT(SelectTargets(rule->audiences[2], payload).accounts, ElementsAre("accounts/8"));
  assigned.set_key_supervision(true);
  EXPECT_TRUE(SelectTargets(rule->audiences[1], Payload(assigned)).leaders);

  const Rendered text = Render(rule->audiences[0], payload);
  EXPECT_EQ(text.title, "新交办建议：关于修缮村道的建议");
  EXPECT_EQ(text.body, "「关于修缮村道的建议」（suggestions/3）已交贵单位办理，请于 2026-09-30 前答复代表。");
  EXPECT_EQ(text.title_en, "New assignment: 关于修缮村道的建议");
}

TEST(RulesTest, OverdueIsUrgentAndDueSoonIsNot) {
  EXPECT_TRUE(FindRule("minyi.suggestions.v1.SuggestionOverdue")->urgent);
  EXPECT_TRUE(FindRule("minyi.evaluation.v1.RectificationOverdue")->urgent);
  EXPECT_TRUE(FindRule("minyi.evaluation.v1.OpinionOverdue")->urgent);
  EXPECT_FALSE(FindRule("minyi.suggestions.v1.SuggestionDueSoon")->urgent);
  EXPECT_FALSE(FindRule("minyi.evaluation.v1.OpinionDueSoon")->urgent);
  EXPECT_EQ(FindRule("minyi.voting.v1.BallotCast"), nullptr);  // duty evidence only: tells nobody
}

// The session is announced with its on-site score; the final score comes with the look-back (马山县).
TEST(RulesTest, EvaluationSessionThenFinalScoreTellTheSubject) {
  minyi::evaluation::v1::EvaluationResultsAnnounced session;
  session.set_reference("evaluations/4");
  session.set_title("2026 年度县自然资源局工作评议");
  session.set_department("natural-resources");
  session.add_accounts("accounts/17");
  session.set_grade("基本满意");
  session.set_on_site_score(54);
  session.set_final_pending(true);
  const Audience* audience = nullptr;
  ASSERT_NO_FATAL_FAILURE(OnlyAudience("minyi.evaluation.v1.EvaluationResultsAnnounced", &audience));
  const Targets subject = SelectTargets(*audience, Payload(session));
  EXPECT_THAT(subject.departments, ElementsAre("natural-resources"));
  EXPECT_THAT(subject.accounts, ElementsAre("accounts/17"));
  EXPECT_EQ(Render(*audience, Payload(session)).body,
            "「2026 年度县自然资源局工作评议」（evaluations/4）现场述职评议得分 54，评议等次：基本满意。");

  minyi::evaluation::v1::EvaluationFinalScored final;
  final.set_reference("evaluations/4");
  final.set_title("2026 年度县自然资源局工作评议");
  final.set_department("natural-resources");
  final.set_grade("不满意");
  final.set_final_score(65.5);
  final.set_round(1);
  ASSERT_NO_FATAL_FAILURE(OnlyAudience("minyi.evaluation.v1.EvaluationFinalScored", &audience));
  EXPECT_THAT(SelectTargets(*audience, Payload(final)).departments, ElementsAre("natural-resources"));
  EXPECT_EQ(Render(*audience, Payload(final)).body,
            "「2026 年度县自然资源局工作评议」（evaluations/4）最终得分 65.5，评议结果：不满意。");
}

// The written opinion is the office's duty: its organiser hears it is due, leaders too once it is late;
// the subject waiting for it is not told to hurry.
TEST(RulesTest, OpinionDeadlinesTellTheOrganiserAndLeadersWhenOverdue) {
  minyi::evaluation::v1::OpinionDueSoon soon;
  soon.set_reference("evaluations/4");
  soon.set_title("2026 年度市政府组成部门工作评议");
  soon.set_subject("evaluations/4/subjects/2");
  soon.add_accounts("accounts/17");
  soon.set_deadline("2026-03-30");
  const Audience* audience = nullptr;
  ASSERT_NO_FATAL_FAILURE(OnlyAudience("minyi.evaluation.v1.OpinionDueSoon", &audience));
  const Targets organiser = SelectTargets(*audience, Payload(soon));
  EXPECT_THAT(organiser.accounts, ElementsAre("accounts/17"));
  EXPECT_THAT(organiser.departments, IsEmpty());
  EXPECT_FALSE(organiser.leaders);
  EXPECT_EQ(Render(*audience, Payload(soon)).body,
            "「2026 年度市政府组成部门工作评议」（evaluations/4）对 evaluations/4/subjects/2 的书面评议意见须于 "
            "2026-03-30 前送达。");

  minyi::evaluation::v1::OpinionOverdue overdue;
  overdue.set_reference("evaluations/4");
  overdue.set_subject("evaluations/4/subjects/2");
  overdue.add_accounts("accounts/17");
  overdue.set_deadline("2026-03-30");
  ASSERT_NO_FATAL_FAILURE(OnlyAudience("minyi.evaluation.v1.OpinionOverdue", &audience));
  const Targets late = SelectTargets(*audience, Payload(overdue));
  EXPECT_THAT(late.accounts, ElementsAre("accounts/17"));
  EXPECT_TRUE(late.leaders);
}

// Nothing of a vote's result reaches the electorate before it is announced: the closing message says the
// vote is over, the announcement's that the result is out (docs/voting.md, "Announcement").
TEST(RulesTest, TheElectorateHearsOfTheResultAtTheAnnouncementNotAtClosing) {
  minyi::voting::v1::VoteClosed closed;
  closed.set_reference("votes/3");
  closed.set_title("2027年民生实事项目票决");
  closed.add_deputies("deputies/1");
  closed.add_deputies("deputies/2");
  const Audience* audience = nullptr;
  ASSERT_NO_FATAL_FAILURE(OnlyAudience("minyi.voting.v1.VoteClosed", &audience));
  EXPECT_THAT(SelectTargets(*audience, Payload(closed)).deputies, ElementsAre("deputies/1", "deputies/2"));
  const Rendered at_close = Render(*audience, Payload(closed));
  EXPECT_EQ(at_close.title, "投票已结束：2027年民生实事项目票决");
  EXPECT_EQ(at_close.body, "「2027年民生实事项目票决」（votes/3）投票已结束，计票结果将在公告后公布。");
  for (const std::string& text : {at_close.title, at_close.body}) {
    EXPECT_EQ(text.find("已公布"), std::string::npos) << text;
    EXPECT_EQ(text.find("已公告"), std::string::npos) << text;
  }
  EXPECT_EQ(at_close.title_en.find("announced"), std::string::npos) << at_close.title_en;
  EXPECT_EQ(at_close.body_en.find("is published"), std::string::npos) << at_close.body_en;

  minyi::voting::v1::VoteAnnounced announced;
  announced.set_reference("votes/3");
  announced.set_title("2027年民生实事项目票决");
  announced.add_deputies("deputies/1");
  announced.add_chosen_projects("projects/9");
  ASSERT_NO_FATAL_FAILURE(OnlyAudience("minyi.voting.v1.VoteAnnounced", &audience));
  EXPECT_THAT(SelectTargets(*audience, Payload(announced)).deputies, ElementsAre("deputies/1"));
  EXPECT_EQ(Render(*audience, Payload(announced)).title, "票决结果已公告：2027年民生实事项目票决");
}

// A citizen whose opinion became part of a deputy's suggestion hears of its answers and its closing.
TEST(RulesTest, LinkedCitizensHearOfTheAnswerAndTheClosing) {
  for (std::string_view type : {"minyi.suggestions.v1.SuggestionAnswered", "minyi.suggestions.v1.SuggestionClosed"}) {
    const Rule* rule = FindRule(type);
    ASSERT_NE(rule, nullptr) << type;
    minyi::suggestions::v1::SuggestionClosed event;  // the fields read are those of both events
    event.set_reference("suggestions/3");
    event.set_title("关于增设红绿灯的建议");
    event.add_accounts("accounts/7");
    event.add_accounts("accounts/8");
    std::vector<std::string> told;
    for (const Audience& a : rule->audiences) {
      for (const std::string& account : SelectTargets(a, Payload(event)).accounts) {
        told.push_back(account);
        EXPECT_THAT(Render(a, Payload(event)).title, ::testing::HasSubstr("关于增设红绿灯的建议"));
      }
    }
    EXPECT_THAT(told, ElementsAre("accounts/7", "accounts/8")) << type;
  }
  const Audience* audience = nullptr;
  ASSERT_NO_FATAL_FAILURE(OnlyAudience("minyi.suggestions.v1.OpinionLinked", &audience));
  minyi::suggestions::v1::OpinionLinked linked;
  linked.set_reference("suggestions/2");
  linked.set_title("路口没有红绿灯");
  linked.set_citizen_account("accounts/7");
  linked.set_linked_into("suggestions/3");
  EXPECT_THAT(SelectTargets(*audience, Payload(linked)).accounts, ElementsAre("accounts/7"));
  EXPECT_EQ(Render(*audience, Payload(linked)).title, "您的意见已转入代表建议：路口没有红绿灯");
}

// zh-CN texts name codes in Chinese: an escalation's levels, a rectification's step.
TEST(RulesTest, CodesInPayloadsAreNamedInEachLanguage) {
  const Audience* audience = nullptr;
  ASSERT_NO_FATAL_FAILURE(OnlyAudience("minyi.suggestions.v1.OpinionEscalated", &audience));
  minyi::suggestions::v1::OpinionEscalated escalated;
  escalated.set_reference("suggestions/2");
  escalated.set_title("路口没有红绿灯");
  escalated.set_from_level("station");
  escalated.set_to_level("town");
  const Rendered text = Render(*audience, Payload(escalated));
  EXPECT_EQ(text.body, "「路口没有红绿灯」（suggestions/2）已由联络站转至镇街办理。");
  EXPECT_THAT(text.body_en, ::testing::HasSubstr("from the liaison station to the town"));
  escalated.set_from_level("town");
  escalated.set_to_level("district");
  EXPECT_THAT(Render(*audience, Payload(escalated)).body, ::testing::HasSubstr("由镇街转至区办理"));

  ASSERT_NO_FATAL_FAILURE(OnlyAudience("minyi.evaluation.v1.RectificationDueSoon", &audience));
  minyi::evaluation::v1::RectificationDueSoon due;
  due.set_step("report");
  due.set_round(1);
  EXPECT_THAT(Render(*audience, Payload(due)).body, ::testing::HasSubstr("（整改报告）"));
  EXPECT_THAT(Render(*audience, Payload(due)).body_en, ::testing::HasSubstr("(report)"));
}

TEST(RulesTest, FillWritesListsNumbersAndBracesAndLeavesAbsentFieldsEmpty) {
  const nlohmann::json payload = {
      {"deputies", {"deputies/1", "deputies/2"}}, {"days_left", -2}, {"key_supervision", true}, {"title", "标题"}};
  EXPECT_EQ(Fill("{deputies}", payload), "deputies/1、deputies/2");
  EXPECT_EQ(Fill("剩余 {days_left} 天", payload), "剩余 -2 天");
  EXPECT_EQ(Fill("{key_supervision}", payload), "是");
  EXPECT_EQ(Fill("{{literal} {missing}|", payload), "{literal} |");
  EXPECT_EQ(Fill("unclosed {title", payload), "unclosed {title");
  EXPECT_EQ(Fill("「{title}」", payload), "「标题」");
}

TEST(RulesTest, TargetsSkipEmptyValues) {
  const Rule* rule = FindRule("minyi.suggestions.v1.SuggestionAnswered");
  ASSERT_NE(rule, nullptr);
  const nlohmann::json payload = {{"deputies", {"", "deputies/4"}}, {"citizen_account", ""}};
  EXPECT_THAT(SelectTargets(rule->audiences[0], payload).deputies, ElementsAre("deputies/4"));
  EXPECT_THAT(SelectTargets(rule->audiences[1], payload).accounts, IsEmpty());
}

TEST(PayloadTest, UnknownTypesAndBadBytesAreErrors) {
  google::protobuf::Any any;
  any.set_type_url("type.googleapis.com/minyi.nothing.v1.Missing");
  EXPECT_EQ(PayloadFields(any).status().code(), absl::StatusCode::kNotFound);
  any.set_type_url("type.googleapis.com/minyi.suggestions.v1.SuggestionAssigned");
  any.set_value("\xff\xff\xff");
  EXPECT_EQ(PayloadFields(any).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(PayloadTest, FieldsKeepProtoNamesAndDefaults) {
  minyi::suggestions::v1::SuggestionDueSoon due;
  due.set_title("标题");
  const nlohmann::json fields = Payload(due);
  EXPECT_EQ(fields["title"], "标题");
  EXPECT_EQ(fields["key_supervision"], false);  // present though default
  EXPECT_EQ(fields["days_left"], 0);
  EXPECT_TRUE(fields["co_departments"].is_array());
}

}  // namespace
}  // namespace minyi::notifications

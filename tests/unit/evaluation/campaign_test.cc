#include "evaluation/campaign.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace minyi::evaluation {
namespace {

namespace v1 = ::minyi::evaluation::v1;

v1::Campaign Valid() {
  v1::Campaign c;
  c.set_title("2026年县自然资源局工作评议");
  c.set_kind(v1::CAMPAIGN_KIND_DEPARTMENT_WORK);
  auto* s = c.add_subjects();
  s->set_kind(v1::SUBJECT_KIND_DEPARTMENT);
  s->set_display_name("县自然资源局");
  s->set_department("natural-resources");
  auto* g = c.add_rater_groups();
  g->set_code("members");
  g->set_display_name("常委会组成人员");
  g->set_weight(60);
  g->add_raters("deputies/1");
  g->add_raters("accounts/7");
  for (auto [code, max] : {std::pair{"A1", 40.0}, {"A2", 35.5}, {"A3", 24.5}}) {
    auto* ind = g->add_indicators();
    ind->set_code(code);
    ind->set_title(std::string("指标") + code);
    ind->set_max_points(max);
  }
  auto* h = c.add_rater_groups();
  h->set_code("citizens");
  h->set_display_name("群众代表");
  h->set_weight(40);
  h->add_raters("accounts/9");
  h->mutable_grade_points()->set_satisfied(100);
  h->mutable_grade_points()->set_basically_satisfied(75);
  h->mutable_grade_points()->set_unsatisfied(40);
  return c;
}

std::string FieldOf(const absl::Status& st) {
  // InvalidField puts the field first in the message ("<field>: ...") and in the BadRequest detail.
  return std::string(st.message());
}

TEST(CampaignTest, DefaultsToMashanWeightsAndBands) {
  v1::Campaign c = Valid();
  ASSERT_TRUE(NormalizeCampaign(&c).ok());
  ASSERT_EQ(c.stages_size(), 4);
  EXPECT_EQ(c.stages(0).weight() + c.stages(1).weight() + c.stages(2).weight() + c.stages(3).weight(), 100);
  EXPECT_EQ(c.stages(2).stage(), v1::STAGE_ON_SITE);
  EXPECT_EQ(c.stages(2).weight(), 50);
  EXPECT_EQ(c.grade_bands().satisfied_from(), 80);
  EXPECT_EQ(c.grade_bands().basically_satisfied_from(), 60);
}

TEST(CampaignTest, StageWeightsMustSumToHundred) {
  v1::Campaign c = Valid();
  for (auto [stage, weight] :
       {std::pair{v1::STAGE_PRELIMINARY_INVESTIGATION, 10}, {v1::STAGE_ON_SITE, 50}, {v1::STAGE_RECTIFICATION, 30}}) {
    auto* s = c.add_stages();
    s->set_stage(stage);
    s->set_weight(weight);
  }
  absl::Status st = NormalizeCampaign(&c);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(FieldOf(st).find("evaluation.stages"), std::string::npos) << st;
  EXPECT_NE(FieldOf(st).find("90"), std::string::npos) << st;
}

TEST(CampaignTest, GroupWeightsMustSumToHundred) {
  v1::Campaign c = Valid();
  c.mutable_rater_groups(1)->set_weight(30);
  absl::Status st = NormalizeCampaign(&c);
  EXPECT_NE(FieldOf(st).find("evaluation.rater_groups"), std::string::npos) << st;
}

TEST(CampaignTest, IndicatorMaximaMustSumToHundred) {
  v1::Campaign c = Valid();
  c.mutable_rater_groups(0)->mutable_indicators(2)->set_max_points(20);
  absl::Status st = NormalizeCampaign(&c);
  EXPECT_NE(FieldOf(st).find("evaluation.rater_groups[0].indicators"), std::string::npos) << st;
}

TEST(CampaignTest, RaterInTwoGroupsIsRefused) {
  v1::Campaign c = Valid();
  c.mutable_rater_groups(1)->add_raters("deputies/1");
  absl::Status st = NormalizeCampaign(&c);
  EXPECT_NE(FieldOf(st).find("evaluation.rater_groups[1].raters[1]"), std::string::npos) << st;
}

TEST(CampaignTest, SheetTotalsAndNamesTheIndicatorOutOfRange) {
  v1::Campaign c = Valid();
  ASSERT_TRUE(NormalizeCampaign(&c).ok());
  v1::ScoreSheet sheet;
  for (auto [code, points] : {std::pair{"A2", 30.25}, {"A1", 38.0}, {"A3", 20.0}}) {
    auto* s = sheet.add_scores();
    s->set_indicator(code);
    s->set_points(points);
  }
  EXPECT_EQ(*SheetTotal(c.rater_groups(0), sheet), 8825);
  sheet.mutable_scores(0)->set_points(36);  // A2's maximum is 35.5
  absl::StatusOr<Centi> bad = SheetTotal(c.rater_groups(0), sheet);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(FieldOf(bad.status()).find("score_sheet.scores[0].points"), std::string::npos) << bad.status();
  EXPECT_NE(FieldOf(bad.status()).find("A2"), std::string::npos) << bad.status();
  sheet.mutable_scores(0)->set_points(30.25);
  sheet.mutable_scores()->RemoveLast();  // A3
  EXPECT_NE(FieldOf(SheetTotal(c.rater_groups(0), sheet).status()).find("A3"), std::string::npos);
}

TEST(CampaignTest, GradeSheetMapsToPoints) {
  v1::Campaign c = Valid();
  ASSERT_TRUE(NormalizeCampaign(&c).ok());
  v1::ScoreSheet sheet;
  sheet.set_grade(v1::GRADE_BASICALLY_SATISFIED);
  EXPECT_EQ(*SheetTotal(c.rater_groups(1), sheet), 7500);
  sheet.add_scores()->set_indicator("A1");
  EXPECT_FALSE(SheetTotal(c.rater_groups(1), sheet).ok());  // a grade sheet has no indicator scores
  sheet.clear_scores();
  sheet.clear_grade();
  EXPECT_FALSE(SheetTotal(c.rater_groups(1), sheet).ok());
}

TEST(CampaignTest, WhoActsForASubject) {
  v1::Campaign c = Valid();
  ASSERT_TRUE(NormalizeCampaign(&c).ok());
  c.set_name("evaluations/3");
  Caller department;
  department.set_role(minyi::common::v1::ROLE_DEPARTMENT);
  department.set_department("natural-resources");
  EXPECT_TRUE(ActsForSubject(c, 1, department));
  department.set_department("health");
  EXPECT_FALSE(ActsForSubject(c, 1, department));
  EXPECT_EQ(*SubjectIndex(c, "evaluations/3/subjects/1", "f"), 1);
  EXPECT_FALSE(SubjectIndex(c, "evaluations/3/subjects/01", "f").ok());
  EXPECT_FALSE(SubjectIndex(c, "evaluations/4/subjects/1", "f").ok());
  EXPECT_FALSE(SubjectIndex(c, "evaluations/3/subjects/2", "f").ok());
}

TEST(CampaignTest, TheOpeningReachesEveryRaterDeputiesByDeputy) {
  const v1::Campaign c = Valid();
  v1::EvaluationOpened event;
  AddRaters(c, &event);
  EXPECT_EQ(std::vector<std::string>(event.deputies().begin(), event.deputies().end()),
            std::vector<std::string>{"deputies/1"});
  EXPECT_EQ(std::vector<std::string>(event.accounts().begin(), event.accounts().end()),
            (std::vector<std::string>{"accounts/7", "accounts/9"}));
}

TEST(CampaignTest, AWrongStateNamesTheStateAndTheAction) {
  v1::Campaign c = Valid();
  c.set_state(v1::CAMPAIGN_STATE_CLOSED);
  const absl::Status st = WrongState(c, "开始评议");
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(st.message(), "评议当前状态为 CAMPAIGN_STATE_CLOSED，不能开始评议");
  EXPECT_EQ(*ParseCampaignId("evaluations/12", "name"), 12);
  EXPECT_FALSE(ParseCampaignId("votes/12", "name").ok());
}

}  // namespace
}  // namespace minyi::evaluation

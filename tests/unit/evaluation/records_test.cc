#include "evaluation/records.h"

#include <map>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace minyi::evaluation {
namespace {

namespace v1 = ::minyi::evaluation::v1;

// An INVALID_ARGUMENT about `field` (InvalidField's message is "field: description").
bool Names(const absl::Status& status, const std::string& field) {
  return status.code() == absl::StatusCode::kInvalidArgument && absl::StartsWith(status.message(), field + ": ");
}

TEST(RecordsTest, AnInvestigationHasValidMethodsAndFindings) {
  v1::Investigation inv;
  inv.set_findings("走访群众二十户");
  EXPECT_TRUE(Names(CheckInvestigation(inv), "investigation.methods"));
  inv.add_methods(v1::INVESTIGATION_METHOD_UNSPECIFIED);
  EXPECT_TRUE(Names(CheckInvestigation(inv), "investigation.methods[0]"));
  inv.set_methods(0, static_cast<v1::InvestigationMethod>(99));
  EXPECT_TRUE(Names(CheckInvestigation(inv), "investigation.methods[0]"));
  inv.set_methods(0, static_cast<v1::InvestigationMethod>(1));
  EXPECT_TRUE(CheckInvestigation(inv).ok());
  inv.clear_findings();
  EXPECT_TRUE(Names(CheckInvestigation(inv), "investigation.findings"));
}

TEST(RecordsTest, AProblemListHoldsOneToAHundredProblems) {
  v1::ProblemList list;
  EXPECT_TRUE(Names(CheckProblemList(list), "problem_list.problems"));
  list.add_problems("审批时限过长");
  EXPECT_TRUE(CheckProblemList(list).ok());
  list.add_problems("");
  EXPECT_TRUE(Names(CheckProblemList(list), "problem_list.problems[1]"));
  list.set_problems(1, "窗口服务不规范");
  for (int i = 0; i < 98; ++i) {
    list.add_problems("问题");
  }
  EXPECT_TRUE(CheckProblemList(list).ok());
  list.add_problems("问题");
  EXPECT_TRUE(Names(CheckProblemList(list), "problem_list.problems"));
}

TEST(RecordsTest, AScoreIsZeroToAHundredWithTwoDecimalsAndABasis) {
  EXPECT_EQ(*ScoreWithBasis(87.25, "依据", "stage_score"), 8725);
  EXPECT_EQ(*ScoreWithBasis(0, "", "stage_score"), 0);
  EXPECT_TRUE(Names(ScoreWithBasis(100.01, "", "look_back").status(), "look_back.score"));
  EXPECT_TRUE(Names(ScoreWithBasis(87.255, "", "look_back").status(), "look_back.score"));
  EXPECT_TRUE(
      Names(ScoreWithBasis(80, std::string(kMaxFilingChars + 1, 'x'), "look_back").status(), "look_back.basis"));
}

v1::Campaign Stages() {
  v1::Campaign c;
  for (auto [stage, weight] : {std::pair{v1::STAGE_PRELIMINARY_INVESTIGATION, 10},
                               {v1::STAGE_INVESTIGATION_GROUP, 20},
                               {v1::STAGE_ON_SITE, 50},
                               {v1::STAGE_RECTIFICATION, 20}}) {
    auto* s = c.add_stages();
    s->set_stage(stage);
    s->set_weight(weight);
  }
  c.add_subjects()->set_display_name("县自然资源局");
  c.add_subjects()->set_display_name("县卫生健康委");
  return c;
}

// Staff type in the scores of the stages before the session only: the sheets make the on-site score and
// the look-back (回头看) the rectification stage's, one input each.
TEST(RecordsTest, StaffRecordOnlyTheStagesBeforeTheSession) {
  v1::Campaign c = Stages();
  EXPECT_TRUE(CheckRecordedStage(c, v1::STAGE_PRELIMINARY_INVESTIGATION).ok());
  EXPECT_TRUE(CheckRecordedStage(c, v1::STAGE_INVESTIGATION_GROUP).ok());
  const absl::Status rectification = CheckRecordedStage(c, v1::STAGE_RECTIFICATION);
  EXPECT_TRUE(Names(rectification, "stage_score.stage"));
  EXPECT_NE(std::string(rectification.message()).find("回头看"), std::string::npos) << rectification;
  EXPECT_TRUE(Names(CheckRecordedStage(c, v1::STAGE_ON_SITE), "stage_score.stage"));
  EXPECT_TRUE(Names(CheckRecordedStage(c, v1::STAGE_UNSPECIFIED), "stage_score.stage"));
  c.mutable_stages(1)->set_weight(0);  // a stage the campaign does not weigh
  EXPECT_TRUE(Names(CheckRecordedStage(c, v1::STAGE_INVESTIGATION_GROUP), "stage_score.stage"));
}

TEST(RecordsTest, TheCloseNeedsTheStagesBeforeTheSessionButNotTheRectification) {
  const v1::Campaign c = Stages();
  std::map<int, SubjectInputs> inputs;
  inputs[1].stage_scores = {{v1::STAGE_PRELIMINARY_INVESTIGATION, 9000}, {v1::STAGE_INVESTIGATION_GROUP, 8000}};
  inputs[2].stage_scores = {{v1::STAGE_PRELIMINARY_INVESTIGATION, 7000}};
  const absl::Status missing = RequireStageScores(c, 3, inputs);
  EXPECT_EQ(missing.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(std::string(missing.message()).find("县卫生健康委（evaluations/3/subjects/2）缺少调查组评分阶段得分"),
            std::string::npos)
      << missing;
  EXPECT_EQ(RequireStageScores(c, 3, {}).code(), absl::StatusCode::kFailedPrecondition);
  inputs[2].stage_scores[v1::STAGE_INVESTIGATION_GROUP] = 6000;
  EXPECT_TRUE(RequireStageScores(c, 3, inputs).ok());  // no rectification score: the look-back makes it
}

}  // namespace
}  // namespace minyi::evaluation

#include "evaluation/scoring.h"

#include "gtest/gtest.h"

namespace minyi::evaluation {
namespace {

namespace v1 = ::minyi::evaluation::v1;

// The Mashan weights: preliminary 10, investigation group 20, on-site 50, rectification 20.
std::vector<StageRule> Mashan() {
  return {{v1::STAGE_PRELIMINARY_INVESTIGATION, 10},
          {v1::STAGE_INVESTIGATION_GROUP, 20},
          {v1::STAGE_ON_SITE, 50},
          {v1::STAGE_RECTIFICATION, 20}};
}

std::map<Stage, Centi> OtherStages(Centi preliminary, Centi group, Centi rectification) {
  return {{v1::STAGE_PRELIMINARY_INVESTIGATION, preliminary},
          {v1::STAGE_INVESTIGATION_GROUP, group},
          {v1::STAGE_RECTIFICATION, rectification}};
}

// Only the on-site stage, one group: the final score is that group's average.
Scorer OnSiteOnly(bool trim = false) {
  return Scorer({{.code = "all", .weight = 100, .trim_extremes = trim}}, {{v1::STAGE_ON_SITE, 100}}, Bands{});
}

TEST(ScoringTest, WeightedGroupsAndStagesByHand) {
  const Scorer scorer({{.code = "members", .weight = 60, .trim_extremes = true}, {.code = "deputies", .weight = 40}},
                      Mashan(), Bands{});
  SubjectInputs in;
  in.sheet_totals["members"] = {10000, 7000, 9000, 8000};  // trimmed: 70 and 100 -> (80 + 90) / 2 = 85
  in.sheet_totals["deputies"] = {6000, 7500};              // (60 + 75) / 2 = 67.5
  in.stage_scores = OtherStages(9000, 8000, 7000);
  const SubjectScore s = scorer.Score(in);
  ASSERT_TRUE(s.complete);
  // on-site = 0.6 x 85 + 0.4 x 67.5 = 78; final = 9 + 16 + 39 + 14 = 78.
  ASSERT_EQ(s.groups.size(), 2u);
  EXPECT_EQ(s.groups[0].trimmed, (std::vector<Centi>{7000, 10000}));
  EXPECT_EQ(s.groups[0].counted, 2);
  EXPECT_EQ(s.groups[0].average->RoundCenti(), 8500);
  EXPECT_EQ(s.groups[1].average->RoundCenti(), 6750);
  ASSERT_EQ(s.stages.size(), 4u);
  EXPECT_EQ(s.stages[2].score.RoundCenti(), 7800);
  EXPECT_EQ(s.stages[2].contribution.RoundCenti(), 3900);
  EXPECT_EQ(s.final_score, 7800);
  EXPECT_EQ(s.grade, v1::GRADE_BASICALLY_SATISFIED);
}

TEST(ScoringTest, TrimmingWithTwoSheetsDropsNothing) {
  SubjectInputs in;
  in.sheet_totals["all"] = {5000, 10000};
  const SubjectScore s = OnSiteOnly(/*trim=*/true).Score(in);
  ASSERT_TRUE(s.complete);
  EXPECT_TRUE(s.groups[0].trimmed.empty());
  EXPECT_EQ(s.groups[0].counted, 2);
  EXPECT_EQ(s.final_score, 7500);
}

TEST(ScoringTest, TrimmingWithOneSheetKeepsIt) {
  SubjectInputs in;
  in.sheet_totals["all"] = {4000};
  EXPECT_EQ(OnSiteOnly(/*trim=*/true).Score(in).final_score, 4000);
}

TEST(ScoringTest, TrimmingWithThreeSheetsKeepsTheMiddle) {
  SubjectInputs in;
  in.sheet_totals["all"] = {0, 10000, 6100};
  const SubjectScore s = OnSiteOnly(/*trim=*/true).Score(in);
  EXPECT_EQ(s.groups[0].counted, 1);
  EXPECT_EQ(s.final_score, 6100);
}

TEST(ScoringTest, GroupWithoutSheetsHasItsWeightShared) {
  const Scorer scorer(
      {{.code = "members", .weight = 50}, {.code = "deputies", .weight = 30}, {.code = "citizens", .weight = 20}},
      {{v1::STAGE_ON_SITE, 100}}, Bands{});
  SubjectInputs in;
  in.sheet_totals["members"] = {9000};
  in.sheet_totals["citizens"] = {6000};
  const SubjectScore s = scorer.Score(in);
  ASSERT_TRUE(s.complete);
  // deputies sent nothing: members 50/70, citizens 20/70 -> (50 x 90 + 20 x 60) / 70 = 5700 / 70 = 81.428...
  EXPECT_FALSE(s.groups[1].average.has_value());
  EXPECT_EQ(s.groups[0].effective_weight.RoundCenti(), 7143);  // 71.43%
  EXPECT_EQ(s.groups[2].effective_weight.RoundCenti(), 2857);
  EXPECT_EQ(s.final_score, 8143);
  EXPECT_EQ(s.grade, v1::GRADE_SATISFIED);
}

TEST(ScoringTest, NoSheetsAtAllIsIncomplete) {
  const SubjectScore s = OnSiteOnly().Score(SubjectInputs{});
  EXPECT_FALSE(s.complete);
  EXPECT_FALSE(s.incomplete_reason.empty());
  v1::SubjectResult shown;
  FillBreakdown(s, &shown);
  EXPECT_FALSE(shown.complete());
  EXPECT_EQ(shown.incomplete_reason(), s.incomplete_reason);
  EXPECT_TRUE(shown.final_score().empty());
  EXPECT_EQ(s.grade, v1::GRADE_UNSPECIFIED);
}

TEST(ScoringTest, MissingStageScoreIsIncomplete) {
  const Scorer scorer({{.code = "all", .weight = 100}}, Mashan(), Bands{});
  SubjectInputs in;
  in.sheet_totals["all"] = {8000};
  in.stage_scores = {{v1::STAGE_PRELIMINARY_INVESTIGATION, 8000}};
  const SubjectScore s = scorer.Score(in);
  EXPECT_FALSE(s.complete);
  EXPECT_EQ(s.incomplete_reason, "缺少调查组评分阶段得分");
}

// 马山县: the four stages are summed 10/20/50/20, and the rectification stage's score is the look-back's,
// known months after the session.
TEST(ScoringTest, RectificationStageWaitsForTheLookBack) {
  const Scorer scorer({{.code = "all", .weight = 100}}, Mashan(), Bands{});
  SubjectInputs in;
  in.sheet_totals["all"] = {7000, 8000};  // on-site 75
  in.stage_scores = {{v1::STAGE_PRELIMINARY_INVESTIGATION, 9000}, {v1::STAGE_INVESTIGATION_GROUP, 8500}};
  in.score_times = {{v1::STAGE_PRELIMINARY_INVESTIGATION, 1000}, {v1::STAGE_ON_SITE, 3000}};
  const SubjectScore s = scorer.Score(in);
  ASSERT_TRUE(s.complete);
  EXPECT_TRUE(s.final_pending);
  EXPECT_EQ(s.on_site.RoundCenti(), 7500);
  // The session: (9 + 17 + 37.5) / 80 x 100 = 79.375 -> 79.38 -> 基本满意.
  EXPECT_EQ(s.session_score, 7938);
  EXPECT_EQ(s.session_grade, v1::GRADE_BASICALLY_SATISFIED);
  EXPECT_EQ(s.grade, v1::GRADE_UNSPECIFIED);
  ASSERT_EQ(s.stages.size(), 4u);
  EXPECT_TRUE(s.stages[3].pending);

  v1::SubjectResult shown;
  FillBreakdown(s, &shown);
  EXPECT_TRUE(shown.final_pending());
  EXPECT_TRUE(shown.final_score().empty());
  EXPECT_EQ(shown.grade(), v1::GRADE_UNSPECIFIED);
  EXPECT_NE(shown.final_note().find("回头看"), std::string::npos);
  EXPECT_EQ(shown.on_site_score(), "75.00");
  EXPECT_EQ(shown.session_grade_label(), "基本满意");
  ASSERT_EQ(shown.stages_size(), 4);
  EXPECT_EQ(shown.stages(0).score(), "90.00");
  EXPECT_EQ(shown.stages(0).score_time().nanos(), 1000000);  // 1000 µs
  EXPECT_TRUE(shown.stages(3).pending());
  EXPECT_TRUE(shown.stages(3).score().empty());
  EXPECT_FALSE(shown.stages(3).has_score_time());

  // The look-back scores 80: it is the rectification stage's score and completes the final score.
  in.stage_scores[v1::STAGE_RECTIFICATION] = 8000;
  in.score_times[v1::STAGE_RECTIFICATION] = 5000;
  const SubjectScore done = scorer.Score(in);
  EXPECT_FALSE(done.final_pending);
  // 9 + 17 + 37.5 + 16 = 79.5 -> 基本满意.
  EXPECT_EQ(done.final_score, 7950);
  EXPECT_EQ(done.grade, v1::GRADE_BASICALLY_SATISFIED);
  v1::SubjectResult final_shown;
  FillBreakdown(done, &final_shown);
  EXPECT_FALSE(final_shown.final_pending());
  EXPECT_TRUE(final_shown.final_note().empty());
  EXPECT_EQ(final_shown.stages(3).score(), "80.00");
  EXPECT_EQ(final_shown.stages(3).contribution(), "16.00");
  EXPECT_TRUE(final_shown.stages(3).has_score_time());
  EXPECT_EQ(final_shown.final_score(), "79.50");
}

// 整改得分不达60分的,测评结果为“不满意”: whatever the sum.
TEST(ScoringTest, RectificationBelowSixtyIsUnsatisfiedWhateverTheSum) {
  const Scorer scorer({{.code = "all", .weight = 100}}, Mashan(), Bands{});
  SubjectInputs in;
  in.sheet_totals["all"] = {10000};
  in.stage_scores = OtherStages(10000, 10000, 4000);
  SubjectScore s = scorer.Score(in);
  EXPECT_EQ(s.final_score, 8800);  // 10 + 20 + 50 + 8: the sum alone would be 满意
  EXPECT_EQ(s.grade, v1::GRADE_UNSATISFIED);
  in.stage_scores = OtherStages(10000, 10000, 5999);
  EXPECT_EQ(scorer.Score(in).grade, v1::GRADE_UNSATISFIED);
  in.stage_scores = OtherStages(10000, 10000, 6000);
  EXPECT_EQ(scorer.Score(in).grade, v1::GRADE_SATISFIED);
}

// A custom stage set without a rectification stage has its final score at the close.
TEST(ScoringTest, WithoutRectificationStageTheCloseIsFinal) {
  const Scorer scorer({{.code = "all", .weight = 100}},
                      {{v1::STAGE_PRELIMINARY_INVESTIGATION, 40}, {v1::STAGE_ON_SITE, 60}}, Bands{});
  SubjectInputs in;
  in.sheet_totals["all"] = {5000};
  in.stage_scores = {{v1::STAGE_PRELIMINARY_INVESTIGATION, 7000}};
  const SubjectScore s = scorer.Score(in);
  EXPECT_FALSE(s.final_pending);
  EXPECT_EQ(s.final_score, 5800);  // 28 + 30
  EXPECT_EQ(s.grade, v1::GRADE_UNSATISFIED);
  EXPECT_EQ(s.session_score, s.final_score);
  EXPECT_EQ(s.session_grade, s.grade);
}

TEST(ScoringTest, BandEdgeHalfUpAtTwoDecimals) {
  SubjectInputs in;
  in.sheet_totals["all"] = {7999, 8000};  // exactly 79.995 -> 80.00 -> satisfied
  SubjectScore s = OnSiteOnly().Score(in);
  EXPECT_EQ(s.final_score, 8000);
  EXPECT_EQ(s.grade, v1::GRADE_SATISFIED);

  in.sheet_totals["all"] = {7999, 7999, 8000};  // 79.9933... -> 79.99 -> basically satisfied
  s = OnSiteOnly().Score(in);
  EXPECT_EQ(s.final_score, 7999);
  EXPECT_EQ(s.grade, v1::GRADE_BASICALLY_SATISFIED);
}

TEST(ScoringTest, SixtyIsBasicallySatisfied) {
  SubjectInputs in;
  in.sheet_totals["all"] = {6000};
  EXPECT_EQ(OnSiteOnly().Score(in).grade, v1::GRADE_BASICALLY_SATISFIED);
  in.sheet_totals["all"] = {5999};
  EXPECT_EQ(OnSiteOnly().Score(in).grade, v1::GRADE_UNSATISFIED);
  in.sheet_totals["all"] = {5999, 6000};  // 59.995 rounds up to 60.00
  EXPECT_EQ(OnSiteOnly().Score(in).grade, v1::GRADE_BASICALLY_SATISFIED);
}

TEST(ScoringTest, ExactWhereBinaryFloatingPointIsNot) {
  // In double, 0.7 * 80 + 0.3 * 80 is 79.99999999999999, which a band check would call 基本满意.
  const Scorer scorer({{.code = "all", .weight = 100}},
                      {{v1::STAGE_PRELIMINARY_INVESTIGATION, 30}, {v1::STAGE_ON_SITE, 70}}, Bands{});
  SubjectInputs in;
  in.sheet_totals["all"] = {8000};
  in.stage_scores = {{v1::STAGE_PRELIMINARY_INVESTIGATION, 8000}};
  const SubjectScore s = scorer.Score(in);
  EXPECT_EQ(s.final_score, 8000);
  EXPECT_EQ(s.grade, v1::GRADE_SATISFIED);
}

TEST(ScoringTest, BreakdownShowsEveryInput) {
  SubjectInputs in;
  in.sheet_totals["all"] = {9000, 6000, 7550};
  v1::SubjectResult out;
  FillBreakdown(OnSiteOnly(/*trim=*/true).Score(in), &out);
  ASSERT_EQ(out.groups_size(), 1);
  EXPECT_EQ(out.groups(0).totals(0), "60.00");
  EXPECT_EQ(out.groups(0).totals(2), "90.00");
  EXPECT_EQ(out.groups(0).trimmed_size(), 2);
  EXPECT_EQ(out.groups(0).sum(), "75.50");
  EXPECT_EQ(out.groups(0).average(), "75.50");
  EXPECT_EQ(out.final_score(), "75.50");
  EXPECT_EQ(out.grade_label(), "基本满意");
}

TEST(DecimalTest, ParsesTwoDecimalsAndRefusesMore) {
  EXPECT_EQ(*ParseCenti(8.35, 0, 10000, "f"), 835);
  EXPECT_EQ(*ParseCenti(0.1 + 0.2, 0, 10000, "f"), 30);
  EXPECT_FALSE(ParseCenti(8.355, 0, 10000, "f").ok());
  EXPECT_FALSE(ParseCenti(100.01, 0, 10000, "f").ok());
  EXPECT_FALSE(ParseCenti(-1, 0, 10000, "f").ok());
  EXPECT_EQ(FormatCenti(-50), "-0.50");
  EXPECT_EQ(FormatCenti(8000), "80.00");
}

TEST(DecimalTest, RoundsHalfUpAwayFromZero) {
  EXPECT_EQ(Exact(79995, 1000).RoundCenti(), 8000);
  EXPECT_EQ(Exact(-79995, 1000).RoundCenti(), -8000);
  EXPECT_EQ(Exact(79994, 1000).RoundCenti(), 7999);
  EXPECT_EQ(Exact(1, 3).RoundCenti(), 33);
  EXPECT_EQ(Exact(2, 3).RoundCenti(), 67);
}

}  // namespace
}  // namespace minyi::evaluation

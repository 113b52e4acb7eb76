#include "evaluation/follow_up.h"

#include "gtest/gtest.h"

namespace minyi::evaluation {
namespace {

namespace v1 = ::minyi::evaluation::v1;

constexpr Centi kPass = 6000;
const absl::CivilDay kSession(2026, 3, 20);
// The tests up to the look-back rule work on a campaign without a rectification stage (a custom stage
// set): the close's grade is final and the look-back only passes or fails.
constexpr bool kNoStage = false;
constexpr bool kLookBackForAll = true;

// The subject files its plan, then its report: the look-back is awaited.
void FilePlanAndReport(FollowUpRecord* r) {
  ASSERT_TRUE(FollowUp::FileRectification(r, v1::RECTIFICATION_STEP_PLAN).ok());
  ASSERT_TRUE(FollowUp::FileRectification(r, v1::RECTIFICATION_STEP_REPORT).ok());
  ASSERT_EQ(r->state, v1::FOLLOW_UP_STATE_AWAITING_LOOK_BACK);
}

TEST(FollowUpTest, SatisfiedEndsWithTheOpinion) {
  FollowUpRecord r = FollowUp::Start(v1::GRADE_SATISFIED, /*final=*/true, kSession);
  EXPECT_EQ(r.state, v1::FOLLOW_UP_STATE_AWAITING_OPINION);
  EXPECT_EQ(r.opinion_due, absl::CivilDay(2026, 3, 30));
  ASSERT_TRUE(FollowUp::IssueOpinion(&r, absl::CivilDay(2026, 3, 25), kNoStage).ok());
  EXPECT_EQ(r.state, v1::FOLLOW_UP_STATE_DONE);
  EXPECT_FALSE(r.plan_due.has_value());
}

TEST(FollowUpTest, BasicallySatisfiedRectifiesWithDeadlines) {
  FollowUpRecord r = FollowUp::Start(v1::GRADE_BASICALLY_SATISFIED, /*final=*/true, kSession);
  ASSERT_TRUE(FollowUp::IssueOpinion(&r, absl::CivilDay(2026, 3, 25), kNoStage).ok());
  EXPECT_EQ(r.state, v1::FOLLOW_UP_STATE_AWAITING_PLAN);
  EXPECT_EQ(*r.plan_due, absl::CivilDay(2026, 4, 25));                                // 1 month
  EXPECT_EQ(*r.report_due, absl::CivilDay(2026, 6, 25));                              // 3 months
  EXPECT_FALSE(FollowUp::FileRectification(&r, v1::RECTIFICATION_STEP_REPORT).ok());  // plan first
  ASSERT_TRUE(FollowUp::FileRectification(&r, v1::RECTIFICATION_STEP_PLAN).ok());
  EXPECT_EQ(r.state, v1::FOLLOW_UP_STATE_AWAITING_REPORT);
  ASSERT_TRUE(FollowUp::FileRectification(&r, v1::RECTIFICATION_STEP_REPORT).ok());
  EXPECT_EQ(r.state, v1::FOLLOW_UP_STATE_AWAITING_LOOK_BACK);
  absl::StatusOr<LookBackOutcome> out =
      FollowUp::ScoreLookBack(&r, 6000, kPass, std::nullopt, absl::CivilDay(2026, 7, 1));
  ASSERT_TRUE(out.ok());
  EXPECT_FALSE(out->unsatisfied);
  EXPECT_EQ(r.state, v1::FOLLOW_UP_STATE_DONE);
  EXPECT_EQ(r.grade, v1::GRADE_BASICALLY_SATISFIED);
}

TEST(FollowUpTest, FailedLookBackOpensASecondRoundThenRefers) {
  FollowUpRecord r = FollowUp::Start(v1::GRADE_BASICALLY_SATISFIED, /*final=*/true, kSession);
  ASSERT_TRUE(FollowUp::IssueOpinion(&r, kSession, kNoStage).ok());
  ASSERT_NO_FATAL_FAILURE(FilePlanAndReport(&r));
  absl::StatusOr<LookBackOutcome> first =
      FollowUp::ScoreLookBack(&r, 5999, kPass, std::nullopt, absl::CivilDay(2026, 7, 10));
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->unsatisfied);
  EXPECT_TRUE(first->second_round);
  EXPECT_FALSE(first->referral);
  EXPECT_EQ(r.grade, v1::GRADE_UNSATISFIED);
  EXPECT_EQ(r.round, 2);
  EXPECT_EQ(r.state, v1::FOLLOW_UP_STATE_AWAITING_PLAN);
  EXPECT_EQ(*r.plan_due, absl::CivilDay(2026, 8, 10));
  ASSERT_NO_FATAL_FAILURE(FilePlanAndReport(&r));
  absl::StatusOr<LookBackOutcome> second =
      FollowUp::ScoreLookBack(&r, 4000, kPass, std::nullopt, absl::CivilDay(2026, 11, 1));
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->referral);
  EXPECT_EQ(r.state, v1::FOLLOW_UP_STATE_REFERRED);
  EXPECT_FALSE(FollowUp::ScoreLookBack(&r, 9000, kPass, std::nullopt, absl::CivilDay(2026, 12, 1)).ok());
}

TEST(FollowUpTest, UnsatisfiedOnSiteIsReferredAtTheFirstFailedLookBack) {
  FollowUpRecord r = FollowUp::Start(v1::GRADE_UNSATISFIED, /*final=*/true, kSession);
  EXPECT_EQ(r.unsatisfied, 1);
  ASSERT_TRUE(FollowUp::IssueOpinion(&r, kSession, kNoStage).ok());
  ASSERT_NO_FATAL_FAILURE(FilePlanAndReport(&r));
  absl::StatusOr<LookBackOutcome> out =
      FollowUp::ScoreLookBack(&r, 5000, kPass, std::nullopt, absl::CivilDay(2026, 7, 1));
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(out->referral);
  EXPECT_FALSE(out->second_round);
  EXPECT_EQ(r.state, v1::FOLLOW_UP_STATE_REFERRED);
}

TEST(FollowUpTest, WrongStepsNameTheState) {
  FollowUpRecord r = FollowUp::Start(v1::GRADE_BASICALLY_SATISFIED, /*final=*/true, kSession);
  absl::Status st = FollowUp::FileRectification(&r, v1::RECTIFICATION_STEP_PLAN);
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(st.message().find("FOLLOW_UP_STATE_AWAITING_OPINION"), absl::string_view::npos);
  EXPECT_FALSE(FollowUp::ScoreLookBack(&r, 9000, kPass, std::nullopt, kSession).ok());
  ASSERT_TRUE(FollowUp::IssueOpinion(&r, kSession, kNoStage).ok());
  EXPECT_FALSE(FollowUp::IssueOpinion(&r, kSession, kNoStage).ok());
}

TEST(FollowUpTest, MonthsClampToTheMonthEnd) {
  EXPECT_EQ(AddCalendarMonths(absl::CivilDay(2026, 1, 31), 1), absl::CivilDay(2026, 2, 28));
  EXPECT_EQ(AddCalendarMonths(absl::CivilDay(2028, 1, 31), 1), absl::CivilDay(2028, 2, 29));
  EXPECT_EQ(AddCalendarMonths(absl::CivilDay(2026, 11, 30), 3), absl::CivilDay(2027, 2, 28));
}

TEST(FollowUpTest, OpinionNoticesDueSoonThenOverdueUntilIssued) {
  FollowUpRecord r = FollowUp::Start(v1::GRADE_SATISFIED, /*final=*/true, kSession);  // opinion due 2026-03-30
  EXPECT_FALSE(FollowUp::NoticeDue(r, absl::CivilDay(2026, 3, 26)).has_value());
  std::optional<DeadlineNotice> soon = FollowUp::NoticeDue(r, absl::CivilDay(2026, 3, 27));
  ASSERT_TRUE(soon.has_value());
  EXPECT_EQ(soon->duty, Duty::kOpinion);
  EXPECT_EQ(soon->kind, NoticeKind::kDueSoon);
  EXPECT_EQ(soon->deadline, absl::CivilDay(2026, 3, 30));
  EXPECT_EQ(soon->round, 1);
  EXPECT_EQ(FollowUp::NoticeDue(r, absl::CivilDay(2026, 3, 30))->kind, NoticeKind::kDueSoon);
  std::optional<DeadlineNotice> late = FollowUp::NoticeDue(r, absl::CivilDay(2026, 3, 31));
  ASSERT_TRUE(late.has_value());
  EXPECT_EQ(late->duty, Duty::kOpinion);
  EXPECT_EQ(late->kind, NoticeKind::kOverdue);
  // Issued late: nothing more is awaited of the office (satisfied: nothing of the subject either).
  ASSERT_TRUE(FollowUp::IssueOpinion(&r, absl::CivilDay(2026, 4, 2), kNoStage).ok());
  EXPECT_FALSE(FollowUp::NoticeDue(r, absl::CivilDay(2026, 4, 2)).has_value());
  EXPECT_EQ(DutyLabel(Duty::kOpinion), "opinion");
}

TEST(FollowUpTest, NoticesDueSoonThenOverdue) {
  FollowUpRecord r = FollowUp::Start(v1::GRADE_BASICALLY_SATISFIED, /*final=*/true, kSession);
  ASSERT_TRUE(FollowUp::IssueOpinion(&r, absl::CivilDay(2026, 3, 25), kNoStage).ok());  // plan due 2026-04-25
  EXPECT_FALSE(FollowUp::NoticeDue(r, absl::CivilDay(2026, 4, 21)).has_value());
  std::optional<DeadlineNotice> soon = FollowUp::NoticeDue(r, absl::CivilDay(2026, 4, 22));
  ASSERT_TRUE(soon.has_value());
  EXPECT_EQ(soon->kind, NoticeKind::kDueSoon);
  EXPECT_EQ(soon->duty, Duty::kPlan);
  EXPECT_EQ(soon->deadline, absl::CivilDay(2026, 4, 25));
  EXPECT_EQ(FollowUp::NoticeDue(r, absl::CivilDay(2026, 4, 25))->kind, NoticeKind::kDueSoon);
  EXPECT_EQ(FollowUp::NoticeDue(r, absl::CivilDay(2026, 4, 26))->kind, NoticeKind::kOverdue);
  ASSERT_TRUE(FollowUp::FileRectification(&r, v1::RECTIFICATION_STEP_PLAN).ok());
  EXPECT_FALSE(FollowUp::NoticeDue(r, absl::CivilDay(2026, 4, 26)).has_value());  // report due 06-25
  EXPECT_EQ(FollowUp::NoticeDue(r, absl::CivilDay(2026, 6, 26))->duty, Duty::kReport);
  EXPECT_EQ(DutyLabel(Duty::kReport), "report");
}

// The Mashan scheme: the rectification stage's score is the look-back's, so the session's grade is not a
// result yet; the look-back completes the final grade.
TEST(FollowUpTest, SessionGradeIsNotYetAResult) {
  FollowUpRecord r = FollowUp::Start(v1::GRADE_UNSATISFIED, /*final=*/false, kSession);
  EXPECT_EQ(r.unsatisfied, 0);
  ASSERT_TRUE(FollowUp::IssueOpinion(&r, kSession, kLookBackForAll).ok());
  EXPECT_EQ(r.state, v1::FOLLOW_UP_STATE_AWAITING_PLAN);  // 不满意: a plan within a month
  ASSERT_NO_FATAL_FAILURE(FilePlanAndReport(&r));
  // The look-back completes a final grade of 基本满意: the result is not 不满意, the follow-up is done.
  absl::StatusOr<LookBackOutcome> out =
      FollowUp::ScoreLookBack(&r, 9000, kPass, v1::GRADE_BASICALLY_SATISFIED, absl::CivilDay(2026, 7, 1));
  ASSERT_TRUE(out.ok());
  EXPECT_FALSE(out->unsatisfied);
  EXPECT_EQ(r.state, v1::FOLLOW_UP_STATE_DONE);
  EXPECT_EQ(r.grade, v1::GRADE_BASICALLY_SATISFIED);
}

TEST(FollowUpTest, SatisfiedOnSessionStillReportsAndIsLookedBackOn) {
  FollowUpRecord r = FollowUp::Start(v1::GRADE_SATISFIED, /*final=*/false, kSession);
  ASSERT_TRUE(FollowUp::IssueOpinion(&r, absl::CivilDay(2026, 3, 25), kLookBackForAll).ok());
  // No plan for 满意; the rectification report within 3 months.
  EXPECT_EQ(r.state, v1::FOLLOW_UP_STATE_AWAITING_REPORT);
  EXPECT_FALSE(r.plan_due.has_value());
  EXPECT_EQ(*r.report_due, absl::CivilDay(2026, 6, 25));
  EXPECT_FALSE(FollowUp::FileRectification(&r, v1::RECTIFICATION_STEP_PLAN).ok());
  std::optional<DeadlineNotice> soon = FollowUp::NoticeDue(r, absl::CivilDay(2026, 6, 22));
  ASSERT_TRUE(soon.has_value());
  EXPECT_EQ(soon->duty, Duty::kReport);
  ASSERT_TRUE(FollowUp::FileRectification(&r, v1::RECTIFICATION_STEP_REPORT).ok());
  EXPECT_EQ(r.state, v1::FOLLOW_UP_STATE_AWAITING_LOOK_BACK);
  ASSERT_TRUE(FollowUp::ScoreLookBack(&r, 8500, kPass, v1::GRADE_SATISFIED, absl::CivilDay(2026, 7, 1)).ok());
  EXPECT_EQ(r.state, v1::FOLLOW_UP_STATE_DONE);
  EXPECT_EQ(r.grade, v1::GRADE_SATISFIED);
}

// 整改得分不达60分的,测评结果为“不满意”,要对整改工作再落实、再整改、再评议,结果仍为“不满意”者,建议处理.
TEST(FollowUpTest, UnsatisfiedResultOpensSecondRoundThenRefers) {
  FollowUpRecord r = FollowUp::Start(v1::GRADE_SATISFIED, /*final=*/false, kSession);
  ASSERT_TRUE(FollowUp::IssueOpinion(&r, kSession, kLookBackForAll).ok());
  ASSERT_TRUE(FollowUp::FileRectification(&r, v1::RECTIFICATION_STEP_REPORT).ok());
  // The scorer made the result 不满意 (a rectification score of 40, whatever the sum).
  absl::StatusOr<LookBackOutcome> first =
      FollowUp::ScoreLookBack(&r, 4000, kPass, v1::GRADE_UNSATISFIED, absl::CivilDay(2026, 7, 1));
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->unsatisfied);
  EXPECT_TRUE(first->second_round);
  EXPECT_FALSE(first->referral);
  EXPECT_EQ(r.round, 2);
  EXPECT_EQ(r.grade, v1::GRADE_UNSATISFIED);
  EXPECT_EQ(r.state, v1::FOLLOW_UP_STATE_AWAITING_PLAN);  // 再整改: a plan again
  EXPECT_EQ(*r.plan_due, absl::CivilDay(2026, 8, 1));
  ASSERT_NO_FATAL_FAILURE(FilePlanAndReport(&r));
  absl::StatusOr<LookBackOutcome> second =
      FollowUp::ScoreLookBack(&r, 5500, kPass, v1::GRADE_UNSATISFIED, absl::CivilDay(2026, 11, 1));
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->referral);
  EXPECT_EQ(r.state, v1::FOLLOW_UP_STATE_REFERRED);
}

TEST(FollowUpTest, SecondRoundThatPassesEndsWithItsGrade) {
  FollowUpRecord r = FollowUp::Start(v1::GRADE_BASICALLY_SATISFIED, /*final=*/false, kSession);
  ASSERT_TRUE(FollowUp::IssueOpinion(&r, kSession, kLookBackForAll).ok());
  ASSERT_NO_FATAL_FAILURE(FilePlanAndReport(&r));
  ASSERT_TRUE(FollowUp::ScoreLookBack(&r, 5000, kPass, v1::GRADE_UNSATISFIED, absl::CivilDay(2026, 7, 1)).ok());
  ASSERT_NO_FATAL_FAILURE(FilePlanAndReport(&r));
  absl::StatusOr<LookBackOutcome> second =
      FollowUp::ScoreLookBack(&r, 8000, kPass, v1::GRADE_BASICALLY_SATISFIED, absl::CivilDay(2026, 11, 1));
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->unsatisfied);
  EXPECT_EQ(r.state, v1::FOLLOW_UP_STATE_DONE);
  EXPECT_EQ(r.grade, v1::GRADE_BASICALLY_SATISFIED);
  EXPECT_EQ(r.unsatisfied, 1);
}

TEST(FollowUpTest, ShanghaiDayIsUtcPlusEight) {
  // 2026-03-20 16:30 UTC is already the 21st in Shanghai.
  EXPECT_EQ(ShanghaiDay(absl::FromCivil(absl::CivilSecond(2026, 3, 20, 16, 30, 0), absl::UTCTimeZone())),
            absl::CivilDay(2026, 3, 21));
}

}  // namespace
}  // namespace minyi::evaluation

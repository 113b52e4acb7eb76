#include "suggestions/deadlines.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace minyi::suggestions {
namespace {

using absl::CivilDay;

// The State Council's 2025 schedule for 春节 and 国庆/中秋, with the make-up working days (调休).
WorkingCalendar Calendar2025() {
  WorkingCalendar c;
  for (int d = 28; d <= 31; ++d) c.AddHoliday(CivilDay(2025, 1, d));
  for (int d = 1; d <= 4; ++d) c.AddHoliday(CivilDay(2025, 2, d));
  c.AddWorkday(CivilDay(2025, 1, 26));  // Sunday
  c.AddWorkday(CivilDay(2025, 2, 8));   // Saturday
  for (int d = 1; d <= 8; ++d) c.AddHoliday(CivilDay(2025, 10, d));
  c.AddWorkday(CivilDay(2025, 9, 28));   // Sunday
  c.AddWorkday(CivilDay(2025, 10, 11));  // Saturday
  return c;
}

TEST(CalendarMonthsTest, SameDayOfMonth) {
  EXPECT_EQ(AddCalendarMonths(CivilDay(2026, 3, 15), 3), CivilDay(2026, 6, 15));
}

TEST(CalendarMonthsTest, ThirtyFirstIntoShorterMonthsIsTheLastDay) {
  EXPECT_EQ(AddCalendarMonths(CivilDay(2026, 11, 30), 3), CivilDay(2027, 2, 28));
  EXPECT_EQ(AddCalendarMonths(CivilDay(2027, 11, 30), 3), CivilDay(2028, 2, 29));  // leap year
  EXPECT_EQ(AddCalendarMonths(CivilDay(2026, 1, 31), 1), CivilDay(2026, 2, 28));
  EXPECT_EQ(AddCalendarMonths(CivilDay(2026, 3, 31), 3), CivilDay(2026, 6, 30));
  EXPECT_EQ(AddCalendarMonths(CivilDay(2026, 8, 31), 1), CivilDay(2026, 9, 30));
}

TEST(CalendarMonthsTest, AcrossYearEnds) {
  EXPECT_EQ(AddCalendarMonths(CivilDay(2026, 12, 31), 3), CivilDay(2027, 3, 31));
  EXPECT_EQ(AddCalendarMonths(CivilDay(2026, 10, 15), 6), CivilDay(2027, 4, 15));
  EXPECT_EQ(AddCalendarMonths(CivilDay(2026, 12, 1), 1), CivilDay(2027, 1, 1));
}

TEST(WorkingDaysTest, WeekendsSkipped) {
  WorkingCalendar none;
  // Friday 2026-11-20 + 1 working day = Monday 2026-11-23.
  EXPECT_EQ(AddWorkingDays(CivilDay(2026, 11, 20), 1, none), CivilDay(2026, 11, 23));
  EXPECT_EQ(AddWorkingDays(CivilDay(2026, 11, 23), 5, none), CivilDay(2026, 11, 30));
}

TEST(WorkingDaysTest, AcrossNationalDayWithMakeUpDays) {
  const WorkingCalendar c = Calendar2025();
  EXPECT_TRUE(c.IsWorkingDay(CivilDay(2025, 9, 28)));   // Sunday, make-up day
  EXPECT_FALSE(c.IsWorkingDay(CivilDay(2025, 10, 6)));  // Monday, holiday
  EXPECT_TRUE(c.IsWorkingDay(CivilDay(2025, 10, 11)));  // Saturday, make-up day
  // Friday 26 Sep: 28 Sep (Sun, make-up) is the 1st, 29 and 30 Sep the 2nd and 3rd, then 1-8 Oct are off,
  // 9 and 10 Oct the 4th and 5th, Saturday 11 Oct the 6th.
  EXPECT_EQ(AddWorkingDays(CivilDay(2025, 9, 26), 1, c), CivilDay(2025, 9, 28));
  EXPECT_EQ(AddWorkingDays(CivilDay(2025, 9, 26), 4, c), CivilDay(2025, 10, 9));
  EXPECT_EQ(AddWorkingDays(CivilDay(2025, 9, 26), 6, c), CivilDay(2025, 10, 11));
  EXPECT_EQ(AddWorkingDays(CivilDay(2025, 9, 26), 7, c), CivilDay(2025, 10, 13));
}

TEST(WorkingDaysTest, AcrossSpringFestivalAndTheYearEnd) {
  const WorkingCalendar c = Calendar2025();
  // Friday 24 Jan: Sunday 26 Jan is a make-up day (1st), 27 Jan the 2nd, 28 Jan-4 Feb off, 5-7 Feb the
  // 3rd-5th, Saturday 8 Feb (make-up) the 6th.
  EXPECT_EQ(AddWorkingDays(CivilDay(2025, 1, 24), 2, c), CivilDay(2025, 1, 27));
  EXPECT_EQ(AddWorkingDays(CivilDay(2025, 1, 24), 3, c), CivilDay(2025, 2, 5));
  EXPECT_EQ(AddWorkingDays(CivilDay(2025, 1, 24), 6, c), CivilDay(2025, 2, 8));
  // Across New Year (no holidays configured for 2024 here): Tue 31 Dec 2024 + 3 = Fri 3 Jan 2025.
  EXPECT_EQ(AddWorkingDays(CivilDay(2024, 12, 31), 3, c), CivilDay(2025, 1, 3));
}

TEST(DeadlinePolicyTest, DefaultsAreTheLawsNumbers) {
  const DeadlinePolicy p = *ParseDeadlinePolicy("");
  EXPECT_EQ(p.answer.amount, 3);
  EXPECT_EQ(p.extended_max.amount, 6);
  EXPECT_EQ(p.rehandle.amount, 1);
  EXPECT_EQ(p.answer.unit, DeadlineRule::Unit::kMonths);
}

TEST(DeadlinePolicyTest, ParsesWorkingDayRulesAndReminders) {
  const DeadlinePolicy p = *ParseDeadlinePolicy("opinion_answer=15wd, opinion_rehandle=10wd, reminders=3/15");
  EXPECT_EQ(p.opinion_answer.unit, DeadlineRule::Unit::kWorkingDays);
  EXPECT_EQ(p.opinion_answer.amount, 15);
  EXPECT_EQ(p.reminder_days, (std::vector<int>{15, 3}));
  const CivilDay start(2025, 9, 26);
  EXPECT_EQ(ApplyRule(p.opinion_rehandle, start, Calendar2025()), CivilDay(2025, 10, 16));
  EXPECT_EQ(ApplyRule(p.answer, start, Calendar2025()), CivilDay(2025, 12, 26));
}

TEST(DeadlinePolicyTest, RejectsBadRules) {
  EXPECT_FALSE(ParseDeadlinePolicy("answer=3").ok());
  EXPECT_FALSE(ParseDeadlinePolicy("answer=0m").ok());
  EXPECT_FALSE(ParseDeadlinePolicy("colour=3m").ok());
  EXPECT_FALSE(ParseDeadlinePolicy("answer=7m").ok());      // longer than the extended maximum
  EXPECT_FALSE(ParseDeadlinePolicy("extended=30wd").ok());  // counts unlike the answer rule
  EXPECT_FALSE(ParseDeadlinePolicy("reminders=x").ok());
}

TEST(ThresholdsTest, EachReminderOnceReachedAndOverdueAfterTheDeadline) {
  const std::vector<int> reminders = {15, 3};
  const CivilDay deadline(2026, 2, 28);
  EXPECT_TRUE(ThresholdsReached(CivilDay(2026, 2, 12), deadline, reminders).empty());  // 16 days left
  EXPECT_EQ(ThresholdsReached(CivilDay(2026, 2, 13), deadline, reminders), (std::vector<int>{15}));
  EXPECT_EQ(ThresholdsReached(CivilDay(2026, 2, 25), deadline, reminders), (std::vector<int>{15, 3}));
  EXPECT_EQ(ThresholdsReached(deadline, deadline, reminders), (std::vector<int>{15, 3}));  // due today: not overdue
  EXPECT_EQ(ThresholdsReached(CivilDay(2026, 3, 1), deadline, reminders), (std::vector<int>{15, 3, kOverdueThreshold}));
}

TEST(DaysTest, ShanghaiDayAndParsing) {
  // 2026-12-31 16:30 UTC is already 2027-01-01 in Asia/Shanghai.
  EXPECT_EQ(ShanghaiDay(absl::FromCivil(absl::CivilSecond(2026, 12, 31, 16, 30, 0), absl::UTCTimeZone())),
            CivilDay(2027, 1, 1));
  CivilDay d;
  EXPECT_TRUE(ParseDay("2028-02-29", &d));
  EXPECT_EQ(FormatDay(d), "2028-02-29");
  EXPECT_FALSE(ParseDay("2026-02-29", &d));
  EXPECT_FALSE(ParseDay("2026-2-3", &d));
}

TEST(PaperDayTest, ADayOnPaperIsNotInTheFutureNorBeforeTheEarliest) {
  const CivilDay today(2026, 3, 10);
  const CivilDay earliest(2026, 1, 5);
  EXPECT_EQ(*PaperDay("assign_date", "2026-03-10", earliest, today), today);
  EXPECT_EQ(*PaperDay("assign_date", "2026-01-05", earliest, today), earliest);
  for (const char* bad : {"2026-03-11", "2026-01-04", "2026-3-1", "", "2026-02-30"}) {
    absl::StatusOr<CivilDay> day = PaperDay("assign_date", bad, earliest, today);
    EXPECT_EQ(day.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(std::string(day.status().message()), ::testing::HasSubstr("assign_date")) << bad;
  }
}

}  // namespace
}  // namespace minyi::suggestions

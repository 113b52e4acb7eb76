// The domain clock, and the calendar rules read through it at the edges a fixed test date never meets:
// midnight in Asia/Shanghai (16:00 UTC), 31 December, a leap day and month ends.

#include "common/clock.h"

#include <cstdlib>

#include "common/calendar.h"
#include "common/config.h"
#include "deputies/duties.h"
#include "deputies/points.h"
#include "evaluation/follow_up.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "notifications/schedule.h"
#include "suggestions/deadlines.h"

namespace minyi {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

// Any real instant will do: the rules must not depend on it.
const absl::Time kReal = absl::FromUnixSeconds(1'790'000'000);

absl::Time Instant(const char* text) {
  absl::Time t;
  EXPECT_TRUE(ParseInstant(text, &t)) << text;
  return t;
}

// A clock that reads `start` at kReal.
Clock StartingAt(const char* start) { return Clock(Instant(start), kReal); }

// The Asia/Shanghai day `clock` reads `seconds` after kReal.
absl::CivilDay DayAfter(const Clock& clock, double seconds) {
  return ShanghaiDay(clock.At(kReal + absl::Seconds(seconds)));
}

TEST(ClockTest, StartsAtTheInstantAndRunsForwardInRealTime) {
  const Clock clock = StartingAt("2028-02-29T23:59:00+08:00");
  EXPECT_TRUE(clock.shifted());
  EXPECT_EQ(clock.At(kReal), Instant("2028-02-29T23:59:00+08:00"));
  EXPECT_EQ(clock.At(kReal + absl::Minutes(90)), Instant("2028-03-01T01:29:00+08:00"));
  EXPECT_EQ(clock.RealTime(Instant("2028-03-01T00:00:00+08:00")), kReal + absl::Seconds(60));
  EXPECT_FALSE(Clock().shifted());
  EXPECT_EQ(Clock().At(kReal), kReal);
}

TEST(ClockTest, TheDayTurnsAtMidnightInShanghaiNotUtc) {
  const Clock clock = StartingAt("2026-12-31T23:59:59+08:00");
  EXPECT_EQ(DayAfter(clock, 0), absl::CivilDay(2026, 12, 31));
  EXPECT_EQ(DayAfter(clock, 1), absl::CivilDay(2027, 1, 1));
  // In UTC it is still 16:00 on the 31st.
  EXPECT_EQ(absl::ToCivilDay(clock.At(kReal + absl::Seconds(1)), absl::UTCTimeZone()), absl::CivilDay(2026, 12, 31));
  EXPECT_EQ(ShanghaiDate(clock.At(kReal + absl::Seconds(1))), "2027-01-01");
}

TEST(ClockTest, LeapDayAndTheEndOfFebruary) {
  const Clock leap = StartingAt("2028-02-29T23:59:00+08:00");
  EXPECT_EQ(DayAfter(leap, 59), absl::CivilDay(2028, 2, 29));
  EXPECT_EQ(DayAfter(leap, 60), absl::CivilDay(2028, 3, 1));
  const Clock common_year = StartingAt("2027-02-28T23:59:30+08:00");
  EXPECT_EQ(DayAfter(common_year, 30), absl::CivilDay(2027, 3, 1));
}

TEST(ClockTest, TheProcessClockIsTheSystemTimeUntilSet) {
  const Clock saved = DomainClock();
  SetDomainClock(Clock(Instant("2026-12-31T23:50:00+08:00"), absl::Now()));
  EXPECT_LT(absl::AbsDuration(DomainNow() - Instant("2026-12-31T23:50:00+08:00")), absl::Minutes(1));
  EXPECT_EQ(ShanghaiDay(DomainNow()), absl::CivilDay(2026, 12, 31));
  SetDomainClock(Clock());
  EXPECT_LT(absl::AbsDuration(DomainNow() - absl::Now()), absl::Seconds(1));
  SetDomainClock(saved);
}

TEST(ClockTest, InstantsAreRfc3339WithTheirOffset) {
  EXPECT_EQ(Instant("2026-12-31T15:50:00Z"), Instant("2026-12-31T23:50:00+08:00"));
  EXPECT_EQ(Instant("2028-02-29T23:59:00.25+08:00") - Instant("2028-02-29T23:59:00+08:00"), absl::Milliseconds(250));
  absl::Time t;
  for (const char* bad : {"", "2028-02-29T23:59:00", "2028-02-29 23:59:00+08:00", "2028-02-29", "infinite-future",
                          "2027-02-29T00:00:00+08:00", "2026-13-01T00:00:00+08:00"}) {
    EXPECT_FALSE(ParseInstant(bad, &t)) << bad;
  }
  const absl::Time leap = Instant("2028-02-29T23:59:00.123456789+08:00");
  EXPECT_EQ(FormatInstant(leap), "2028-02-29T23:59:00.123456789+08:00");
  EXPECT_EQ(FormatInstant(Instant("2026-12-31T16:00:00Z")), "2027-01-01T00:00:00+08:00");
  ASSERT_TRUE(ParseInstant(FormatInstant(leap), &t));
  EXPECT_EQ(t, leap);
}

TEST(ClockTest, AMalformedClockStartStopsTheService) {
  setenv("MINYI_CLOCK_START", "2028-02-29 23:59", 1);
  absl::StatusOr<ServiceConfig> config = LoadServiceConfig("suggestions", 7102);
  unsetenv("MINYI_CLOCK_START");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr("MINYI_CLOCK_START must be an RFC 3339 time"));
}

// "No future dates": a duty record of the day is accepted until midnight in Shanghai, the next day's only
// after it.
TEST(ClockRulesTest, DutyDatesAreNotInTheFutureOfTheShanghaiDay) {
  const Clock clock = StartingAt("2026-12-31T23:59:59+08:00");
  minyi::deputies::v1::DutyRecord duty;
  duty.set_category(minyi::deputies::v1::DUTY_CATEGORY_RECEIVING_VOTERS);
  duty.set_description("年末接待选民");
  const std::string before_midnight = FormatDay(DayAfter(clock, 0));
  const std::string after_midnight = FormatDay(DayAfter(clock, 1));
  duty.set_date("2026-12-31");
  EXPECT_TRUE(deputies::ValidateDutyContent(duty, before_midnight, "duty").ok());
  duty.set_date("2027-01-01");
  EXPECT_EQ(deputies::ValidateDutyContent(duty, before_midnight, "duty").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(deputies::ValidateDutyContent(duty, after_midnight, "duty").ok());
  const Clock leap = StartingAt("2028-02-29T12:00:00+08:00");
  duty.set_date("2028-02-29");
  EXPECT_TRUE(deputies::ValidateDutyContent(duty, FormatDay(DayAfter(leap, 0)), "duty").ok());
  duty.set_date("2028-03-01");
  EXPECT_FALSE(deputies::ValidateDutyContent(duty, FormatDay(DayAfter(leap, 0)), "duty").ok());
}

// Deadlines counted from the day the clock reads: month ends clamp, a leap year has its 29 February.
TEST(ClockRulesTest, SuggestionDeadlinesFromTheClocksDay) {
  const suggestions::WorkingCalendar calendar;
  const suggestions::DeadlineRule three_months{suggestions::DeadlineRule::Unit::kMonths, 3};
  const suggestions::DeadlineRule two_months{suggestions::DeadlineRule::Unit::kMonths, 2};
  const suggestions::DeadlineRule one_month{suggestions::DeadlineRule::Unit::kMonths, 1};
  const suggestions::DeadlineRule one_working_day{suggestions::DeadlineRule::Unit::kWorkingDays, 1};
  const absl::CivilDay new_years_eve = DayAfter(StartingAt("2026-12-31T23:50:00+08:00"), 0);
  EXPECT_EQ(suggestions::ApplyRule(three_months, new_years_eve, calendar), absl::CivilDay(2027, 3, 31));
  EXPECT_EQ(suggestions::ApplyRule(two_months, new_years_eve, calendar), absl::CivilDay(2027, 2, 28));
  // Thursday 31 December: the next working day is Friday 1 January on an empty holiday calendar.
  EXPECT_EQ(suggestions::ApplyRule(one_working_day, new_years_eve, calendar), absl::CivilDay(2027, 1, 1));
  EXPECT_EQ(suggestions::ApplyRule(three_months, absl::CivilDay(2027, 11, 30), calendar), absl::CivilDay(2028, 2, 29));
  const absl::CivilDay leap_day = DayAfter(StartingAt("2028-02-29T23:50:00+08:00"), 0);
  EXPECT_EQ(suggestions::ApplyRule(one_month, leap_day, calendar), absl::CivilDay(2028, 3, 29));
  EXPECT_EQ(suggestions::ApplyRule({suggestions::DeadlineRule::Unit::kMonths, 12}, leap_day, calendar),
            absl::CivilDay(2029, 2, 28));
  // Tuesday 29 February 2028: one working day later is Wednesday 1 March.
  EXPECT_EQ(suggestions::ApplyRule(one_working_day, leap_day, calendar), absl::CivilDay(2028, 3, 1));
}

// A deadline of 31 December is overdue from the first second of 1 January in Shanghai.
TEST(ClockRulesTest, OverdueFromMidnightAfterTheDeadline) {
  const Clock clock = StartingAt("2026-12-31T23:59:59+08:00");
  const absl::CivilDay deadline(2026, 12, 31);
  const std::vector<int> reminders = {15, 3};
  EXPECT_THAT(suggestions::ThresholdsReached(DayAfter(clock, 0), deadline, reminders),
              Not(Contains(suggestions::kOverdueThreshold)));
  EXPECT_THAT(suggestions::ThresholdsReached(DayAfter(clock, 1), deadline, reminders),
              Contains(suggestions::kOverdueThreshold));
  const Clock leap = StartingAt("2028-02-29T23:59:59+08:00");
  EXPECT_THAT(suggestions::ThresholdsReached(DayAfter(leap, 0), absl::CivilDay(2028, 2, 29), reminders),
              Not(Contains(suggestions::kOverdueThreshold)));
  EXPECT_THAT(suggestions::ThresholdsReached(DayAfter(leap, 1), absl::CivilDay(2028, 2, 29), reminders),
              Contains(suggestions::kOverdueThreshold));
}

TEST(ClockRulesTest, PeriodsEndOnTheirLastDay) {
  absl::StatusOr<deputies::Period> q4 = deputies::ParsePeriod("2026-Q4");
  ASSERT_TRUE(q4.ok());
  EXPECT_EQ(q4->last_day, FormatDay(DayAfter(StartingAt("2026-12-31T23:59:59+08:00"), 0)));
  absl::StatusOr<deputies::Period> year = deputies::ParsePeriod("2026");
  ASSERT_TRUE(year.ok());
  EXPECT_EQ(year->last_day, "2026-12-31");
  absl::StatusOr<deputies::Period> leap_february = deputies::ParsePeriod("2028-02");
  ASSERT_TRUE(leap_february.ok());
  EXPECT_EQ(leap_february->last_day, FormatDay(DayAfter(StartingAt("2028-02-29T23:59:59+08:00"), 0)));
  absl::StatusOr<deputies::Period> february = deputies::ParsePeriod("2027-02");
  ASSERT_TRUE(february.ok());
  EXPECT_EQ(february->last_day, "2027-02-28");
  absl::StatusOr<deputies::Period> q1 = deputies::ParsePeriod("2028-Q1");
  ASSERT_TRUE(q1.ok());
  EXPECT_EQ(q1->months, (std::vector<std::string>{"2028-01", "2028-02", "2028-03"}));
}

// The office's opinion is due 10 days after the session: from 19 February 2028, on the leap day; overdue
// from 1 March.
TEST(ClockRulesTest, EvaluationFollowUpAcrossTheLeapDay) {
  const absl::CivilDay session = DayAfter(StartingAt("2028-02-19T23:59:59+08:00"), 0);
  evaluation::FollowUpRecord r =
      evaluation::FollowUp::Start(minyi::evaluation::v1::GRADE_SATISFIED, /*final=*/false, session);
  EXPECT_EQ(r.opinion_due, absl::CivilDay(2028, 2, 29));
  const Clock clock = StartingAt("2028-02-29T23:59:59+08:00");
  std::optional<evaluation::DeadlineNotice> on_the_day = evaluation::FollowUp::NoticeDue(r, DayAfter(clock, 0));
  ASSERT_TRUE(on_the_day.has_value());
  EXPECT_EQ(on_the_day->kind, evaluation::NoticeKind::kDueSoon);
  std::optional<evaluation::DeadlineNotice> after = evaluation::FollowUp::NoticeDue(r, DayAfter(clock, 1));
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->kind, evaluation::NoticeKind::kOverdue);
}

// Quiet hours and the digest hour are wall-clock hours in Shanghai: a window 22:00-07:00 entered on New
// Year's Eve ends on New Year's morning.
TEST(ClockRulesTest, QuietHoursSpanMidnightIntoTheNewYear) {
  const notifications::QuietHours night{true, 22 * 60, 7 * 60};
  const Clock clock = StartingAt("2026-12-31T23:50:00+08:00");
  EXPECT_EQ(notifications::ReleaseTime(clock.At(kReal), night, false), Instant("2027-01-01T07:00:00+08:00"));
  EXPECT_EQ(notifications::ReleaseTime(clock.At(kReal + absl::Minutes(20)), night, false),
            Instant("2027-01-01T07:00:00+08:00"));
  EXPECT_EQ(notifications::ReleaseTime(clock.At(kReal), night, true), clock.At(kReal));
  const Clock leap = StartingAt("2028-02-29T07:59:59+08:00");
  EXPECT_FALSE(notifications::DigestDue(leap.At(kReal), 8));
  EXPECT_TRUE(notifications::DigestDue(leap.At(kReal + absl::Seconds(1)), 8));
}

}  // namespace
}  // namespace minyi

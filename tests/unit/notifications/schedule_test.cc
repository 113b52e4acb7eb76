#include "notifications/schedule.h"

#include "gtest/gtest.h"

namespace minyi::notifications {
namespace {

// A moment given as Asia/Shanghai wall-clock time.
absl::Time Shanghai(int y, int mo, int d, int h, int mi) {
  return absl::FromCivil(absl::CivilMinute(y, mo, d, h, mi), absl::FixedTimeZone(8 * 3600));
}

QuietHours Window(int start_h, int end_h) { return {true, start_h * 60, end_h * 60}; }

TEST(QuietHoursTest, OvernightWindowHoldsUntilMorning) {
  const QuietHours night = Window(22, 7);
  EXPECT_EQ(ReleaseTime(Shanghai(2026, 3, 1, 23, 30), night, false), Shanghai(2026, 3, 2, 7, 0));
  EXPECT_EQ(ReleaseTime(Shanghai(2026, 3, 2, 6, 59), night, false), Shanghai(2026, 3, 2, 7, 0));
  EXPECT_EQ(ReleaseTime(Shanghai(2026, 3, 2, 7, 0), night, false), Shanghai(2026, 3, 2, 7, 0));
  EXPECT_EQ(ReleaseTime(Shanghai(2026, 3, 2, 12, 0), night, false), Shanghai(2026, 3, 2, 12, 0));
  // Month and year ends roll over.
  EXPECT_EQ(ReleaseTime(Shanghai(2026, 12, 31, 22, 0), night, false), Shanghai(2027, 1, 1, 7, 0));
}

TEST(QuietHoursTest, DaytimeWindowAndExemptions) {
  const QuietHours lunch = Window(12, 14);
  EXPECT_EQ(ReleaseTime(Shanghai(2026, 3, 2, 12, 30), lunch, false), Shanghai(2026, 3, 2, 14, 0));
  EXPECT_EQ(ReleaseTime(Shanghai(2026, 3, 2, 14, 0), lunch, false), Shanghai(2026, 3, 2, 14, 0));
  // Overdue escalations do not wait; nor does anything when the window is off.
  EXPECT_EQ(ReleaseTime(Shanghai(2026, 3, 2, 12, 30), lunch, true), Shanghai(2026, 3, 2, 12, 30));
  QuietHours off = lunch;
  off.enabled = false;
  EXPECT_EQ(ReleaseTime(Shanghai(2026, 3, 2, 12, 30), off, false), Shanghai(2026, 3, 2, 12, 30));
}

TEST(ClockTest, ParsesOnlyRealTimes) {
  EXPECT_EQ(*ParseClock("f", "00:00"), 0);
  EXPECT_EQ(*ParseClock("f", "23:59"), 23 * 60 + 59);
  for (const char* bad : {"24:00", "7:00", "07:60", "0700", "", "ab:cd", "07:0a"}) {
    absl::StatusOr<int> r = ParseClock("quiet_hours.start", bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_NE(r.status().message().find("quiet_hours.start"), std::string::npos);
    }
  }
}

TEST(RetryTest, ExponentialWithEqualJitterAndACap) {
  RetryPolicy p;
  p.base = absl::Seconds(2);
  p.cap = absl::Seconds(60);
  EXPECT_EQ(RetryDelay(p, 1, 0.0), absl::Seconds(1));
  EXPECT_EQ(RetryDelay(p, 1, 1.0), absl::Seconds(2));
  EXPECT_EQ(RetryDelay(p, 2, 0.0), absl::Seconds(2));
  EXPECT_EQ(RetryDelay(p, 3, 0.5), absl::Seconds(6));  // 8 s: 4 fixed + 2 of jitter
  EXPECT_EQ(RetryDelay(p, 10, 1.0), absl::Seconds(60));
  EXPECT_EQ(RetryDelay(p, 1000, 0.0), absl::Seconds(30));  // no overflow far out
}

TEST(DigestTest, ShanghaiDayAndHour) {
  // 2026-03-01 23:30 UTC is already 2 March in Shanghai.
  const absl::Time t = absl::FromCivil(absl::CivilMinute(2026, 3, 1, 23, 30), absl::UTCTimeZone());
  EXPECT_EQ(ShanghaiDate(t), "2026-03-02");
  EXPECT_TRUE(DigestDue(t, 7));
  EXPECT_FALSE(DigestDue(t, 8));
}

}  // namespace
}  // namespace minyi::notifications

#include "voting/remix.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace minyi::voting {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const absl::Time kStart = absl::FromUnixSeconds(1'800'000'000);

TEST(RemixScheduleTest, AQuietCastIsRemixedAtTheNextLookAndOnlyOnce) {
  RemixSchedule schedule(absl::Seconds(1));
  EXPECT_THAT(schedule.Due(kStart), IsEmpty());
  schedule.Cast(7);
  EXPECT_THAT(schedule.Due(kStart), ElementsAre(7));
  EXPECT_THAT(schedule.Due(kStart + absl::Milliseconds(100)), IsEmpty());
  EXPECT_THAT(schedule.Due(kStart + absl::Seconds(5)), IsEmpty());
  // Long after, a cast is remixed at once again.
  schedule.Cast(7);
  EXPECT_THAT(schedule.Due(kStart + absl::Seconds(5)), ElementsAre(7));
}

TEST(RemixScheduleTest, ABurstIsRemixedOncePerIntervalNotAfterEveryBatch) {
  RemixSchedule schedule(absl::Seconds(1));
  int remixes = 0;
  // Ten batches a second for three seconds, looked at every 100 ms.
  for (int tick = 0; tick < 30; ++tick) {
    schedule.Cast(3);
    remixes += static_cast<int>(schedule.Due(kStart + tick * absl::Milliseconds(100)).size());
  }
  EXPECT_EQ(remixes, 3);
  // What the last batches cast is remixed once the interval has passed, then nothing more.
  EXPECT_THAT(schedule.Due(kStart + absl::Milliseconds(2900)), IsEmpty());
  EXPECT_THAT(schedule.Due(kStart + absl::Seconds(3)), ElementsAre(3));
  EXPECT_THAT(schedule.Due(kStart + absl::Seconds(9)), IsEmpty());
}

TEST(RemixScheduleTest, CastsDuringARemixAndFailedRemixesAreRemixedAgain) {
  RemixSchedule schedule(absl::Seconds(1));
  schedule.Cast(1);
  schedule.Cast(2);
  EXPECT_THAT(schedule.Due(kStart), ElementsAre(1, 2));
  schedule.Cast(1);  // arrived while vote 1 was being remixed
  schedule.Cast(2);  // vote 2's remix failed
  EXPECT_THAT(schedule.Due(kStart + absl::Milliseconds(500)), IsEmpty());
  EXPECT_THAT(schedule.Due(kStart + absl::Seconds(1)), ElementsAre(1, 2));
}

}  // namespace
}  // namespace minyi::voting

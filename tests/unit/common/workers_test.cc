#include "common/workers.h"

#include <mutex>
#include <vector>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace minyi {
namespace {

TEST(WorkerPoolTest, RunsWorkInArrivalOrder) {
  std::mutex mu;
  std::vector<int> ran;
  {
    WorkerPool pool(1);
    absl::Notification go;
    pool.Submit([&] { go.WaitForNotification(); });  // everything below queues behind this
    for (int i = 0; i < 100; ++i) {
      pool.Submit([&, i] {
        std::lock_guard<std::mutex> lock(mu);
        ran.push_back(i);
      });
    }
    go.Notify();
  }  // the destructor runs what was queued before joining
  ASSERT_EQ(ran.size(), 100u);
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(ran[i], i);
  }
}

TEST(WorkerPoolTest, RunsOnAsManyThreadsAsItWasGiven) {
  WorkerPool pool(3);
  absl::Notification release;
  std::mutex mu;
  int running = 0;
  absl::Notification three_at_once;
  for (int i = 0; i < 3; ++i) {
    pool.Submit([&] {
      {
        std::lock_guard<std::mutex> lock(mu);
        if (++running == 3) {
          three_at_once.Notify();
        }
      }
      release.WaitForNotification();
    });
  }
  EXPECT_TRUE(three_at_once.WaitForNotificationWithTimeout(absl::Seconds(10)));
  release.Notify();
}

}  // namespace
}  // namespace minyi

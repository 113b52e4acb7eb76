#include "common/batcher.h"

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace minyi {
namespace {

struct Item {
  int input = 0;
  int output = -1;
  int batch_size = 0;
};

TEST(BatcherTest, EveryItemIsProcessedOnceAndGetsItsOwnOutcome) {
  std::atomic<int> processed{0};
  Batcher<Item> batcher(8, 2, [&](const std::vector<Item*>& batch) {
    for (Item* item : batch) {
      item->output = item->input * 10;
      item->batch_size = static_cast<int>(batch.size());
      ++processed;
    }
  });
  std::vector<Item> items(400);
  std::vector<std::thread> threads;
  for (int i = 0; i < 400; ++i) {
    items[i].input = i;
    threads.emplace_back([&, i] { batcher.Submit(items[i]); });
  }
  for (std::thread& t : threads) {
    t.join();
  }
  EXPECT_EQ(processed.load(), 400);
  for (int i = 0; i < 400; ++i) {
    EXPECT_EQ(items[i].output, i * 10);
    EXPECT_GE(items[i].batch_size, 1);
    EXPECT_LE(items[i].batch_size, 8);
  }
}

TEST(BatcherTest, ItemsQueuedWhileABatchRunsGoTogetherInTheNextOne) {
  absl::Notification first_running, release_first;
  std::vector<std::vector<int>> batches;
  std::mutex mu;
  Batcher<Item> batcher(100, 1, [&](const std::vector<Item*>& batch) {
    {
      std::lock_guard<std::mutex> lock(mu);
      batches.emplace_back();
      for (Item* item : batch) {
        batches.back().push_back(item->input);
      }
    }
    if (batch.front()->input == 0) {
      first_running.Notify();
      release_first.WaitForNotification();
    }
  });
  Item first{.input = 0};
  std::thread leader([&] { batcher.Submit(first); });
  first_running.WaitForNotification();
  std::vector<Item> rest(5);
  std::vector<std::thread> followers;
  for (int i = 0; i < 5; ++i) {
    rest[i].input = i + 1;
    followers.emplace_back([&, i] { batcher.Submit(rest[i]); });
  }
  // With one batch at a time, the five wait behind the first; give them a moment to queue.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  release_first.Notify();
  leader.join();
  for (std::thread& t : followers) {
    t.join();
  }
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(batches[0], std::vector<int>{0});
  EXPECT_EQ(std::set<int>(batches[1].begin(), batches[1].end()), (std::set<int>{1, 2, 3, 4, 5}));
}

TEST(BatcherTest, NoMoreBatchesRunAtOnceThanAllowed) {
  std::atomic<int> running{0}, most{0};
  Batcher<Item> batcher(2, 3, [&](const std::vector<Item*>&) {
    const int now = ++running;
    int seen = most.load();
    while (now > seen && !most.compare_exchange_weak(seen, now)) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    --running;
  });
  std::vector<Item> items(60);
  std::vector<std::thread> threads;
  for (Item& item : items) {
    threads.emplace_back([&] { batcher.Submit(item); });
  }
  for (std::thread& t : threads) {
    t.join();
  }
  EXPECT_LE(most.load(), 3);
  EXPECT_GE(most.load(), 2);  // 60 submitters and 5 ms batches: more than one ran at a time
}

}  // namespace
}  // namespace minyi

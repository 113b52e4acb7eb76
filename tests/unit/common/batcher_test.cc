#include "common/batcher.h"

#include <atomic>
#include <memory>
#include <set>
#include <thread>
#include <vector>

#include "absl/synchronization/blocking_counter.h"
#include "absl/synchronization/notification.h"
#include "common/workers.h"
#include "gtest/gtest.h"

namespace minyi {
namespace {

struct Item {
  int input = 0;
  std::atomic<int>* times_processed = nullptr;  // outlives the item, which the batcher destroys
};

std::unique_ptr<Item> MakeItem(int input, std::atomic<int>* times_processed = nullptr) {
  auto item = std::make_unique<Item>();
  item->input = input;
  item->times_processed = times_processed;
  return item;
}

void RaiseTo(std::atomic<int>& most, int value) {
  int seen = most.load();
  while (value > seen && !most.compare_exchange_weak(seen, value)) {
  }
}

// The batcher is declared after the pool in each test: it is destroyed first, while workers still run.
Batcher<Item>::Schedule On(WorkerPool& workers) {
  return [&workers](std::function<void()> task) { workers.Submit(std::move(task)); };
}

TEST(BatcherTest, EveryItemIsProcessedOnceInBatchesNoLargerThanAllowed) {
  WorkerPool workers(4);
  std::vector<std::atomic<int>> processed(400);
  std::atomic<int> largest{0};
  absl::BlockingCounter all_done(400);
  Batcher<Item> batcher(
      8, 2,
      [&](Batcher<Item>::Batch& batch) {
        RaiseTo(largest, static_cast<int>(batch.size()));
        for (const auto& item : batch) {
          ++*item->times_processed;
          all_done.DecrementCount();
        }
      },
      On(workers));
  std::vector<std::thread> submitters;
  for (int t = 0; t < 8; ++t) {
    submitters.emplace_back([&, t] {
      for (int i = t; i < 400; i += 8) {
        batcher.Submit(MakeItem(i, &processed[i]));
      }
    });
  }
  for (std::thread& t : submitters) {
    t.join();
  }
  all_done.Wait();
  for (int i = 0; i < 400; ++i) {
    EXPECT_EQ(processed[i].load(), 1) << "item " << i;
  }
  EXPECT_GE(largest.load(), 1);
  EXPECT_LE(largest.load(), 8);
}

TEST(BatcherTest, SubmitDoesNotWaitAndItemsQueuedWhileABatchRunsGoTogetherInTheNextOne) {
  WorkerPool workers(4);
  absl::Notification first_running, release_first;
  absl::BlockingCounter all_done(6);
  std::mutex mu;
  std::vector<std::vector<int>> batches;
  Batcher<Item> batcher(
      100, 1,
      [&](Batcher<Item>::Batch& batch) {
        {
          std::lock_guard<std::mutex> lock(mu);
          batches.emplace_back();
          for (const auto& item : batch) {
            batches.back().push_back(item->input);
          }
        }
        if (batch.front()->input == 0) {
          first_running.Notify();
          release_first.WaitForNotification();
        }
        for (size_t i = 0; i < batch.size(); ++i) {
          all_done.DecrementCount();
        }
      },
      On(workers));
  batcher.Submit(MakeItem(0));
  first_running.WaitForNotification();
  // The first batch is held: these return at once (this thread would hang otherwise) and queue up.
  for (int i = 1; i <= 5; ++i) {
    batcher.Submit(MakeItem(i));
  }
  release_first.Notify();
  all_done.Wait();
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(batches[0], std::vector<int>{0});
  EXPECT_EQ(batches[1], (std::vector<int>{1, 2, 3, 4, 5}));  // oldest first
}

TEST(BatcherTest, NoMoreBatchesRunAtOnceThanAllowed) {
  WorkerPool workers(8);
  std::atomic<int> running{0}, most{0};
  absl::BlockingCounter all_done(60);
  Batcher<Item> batcher(
      2, 3,
      [&](Batcher<Item>::Batch& batch) {
        RaiseTo(most, ++running);
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        --running;
        for (size_t i = 0; i < batch.size(); ++i) {
          all_done.DecrementCount();
        }
      },
      On(workers));
  for (int i = 0; i < 60; ++i) {
    batcher.Submit(MakeItem(i));
  }
  all_done.Wait();
  EXPECT_LE(most.load(), 3);
  EXPECT_GE(most.load(), 2);  // 60 items queued at once and 5 ms batches on 8 workers: several ran together
}

}  // namespace
}  // namespace minyi

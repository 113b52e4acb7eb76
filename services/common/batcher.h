#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace minyi {

// Group commit: items submitted concurrently from many threads are processed in batches, so that N
// writers share one transaction (one BEGIN, one statement per table, one COMMIT and its WAL flush)
// instead of paying for N.
//
// Submit queues the item and returns at once; nobody waits. Batches run as tasks handed to `schedule`
// (the call workers), at most `max_running` at a time; each takes everything queued, up to `max_batch`,
// oldest first, and a task that has finished a batch takes the next while items are queued. So while
// batches are being written, arriving items gather into the next one: the busier it gets, the larger the
// batches, with no thread parked per item. `run` processes a batch and reports each item's outcome (it
// finishes the item's call); the items are destroyed after it returns. `run` must not throw. The
// destructor waits for running tasks to end: the last item's outcome may be out before its task is.
template <typename Item>
class Batcher final {
 public:
  using Batch = std::vector<std::unique_ptr<Item>>;
  using Run = std::function<void(Batch& batch)>;
  using Schedule = std::function<void(std::function<void()> task)>;

  Batcher(size_t max_batch, int max_running, Run run, Schedule schedule)
      : max_batch_(max_batch), max_running_(max_running), run_(std::move(run)), schedule_(std::move(schedule)) {}

  ~Batcher() {
    std::unique_lock<std::mutex> lock(mu_);
    idle_.wait(lock, [this] { return running_ == 0; });
  }
  Batcher(const Batcher&) = delete;
  Batcher& operator=(const Batcher&) = delete;

  void Submit(std::unique_ptr<Item> item) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      queue_.push_back(std::move(item));
      if (running_ >= max_running_) {
        return;  // a running task will take it
      }
      ++running_;
    }
    schedule_([this] { Drain(); });
  }

 private:
  void Drain() {
    while (true) {
      Batch batch;
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (queue_.empty()) {
          if (--running_ == 0) {
            idle_.notify_all();  // under the lock: the destructor cannot end before this returns
          }
          return;
        }
        while (!queue_.empty() && batch.size() < max_batch_) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      }
      run_(batch);
    }
  }

  const size_t max_batch_;
  const int max_running_;
  const Run run_;
  const Schedule schedule_;
  std::mutex mu_;
  std::condition_variable idle_;
  std::deque<std::unique_ptr<Item>> queue_;  // guarded by mu_
  int running_ = 0;                          // tasks scheduled or running; guarded by mu_
};

}  // namespace minyi

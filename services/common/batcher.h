#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <vector>

namespace minyi {

// Group commit: items submitted concurrently from many threads are processed in batches, so that N
// writers share one transaction (one BEGIN, one statement per table, one COMMIT and its WAL flush)
// instead of paying for N. Submit returns once `run` has processed the item; a submitter that finds fewer
// than `max_running` batches in progress runs the next batch itself (everything queued, up to
// `max_batch`, oldest first), the others wait. `run` reports each item's outcome in the item itself and
// must not throw. No thread of its own.
template <typename Item>
class Batcher final {
 public:
  using Run = std::function<void(const std::vector<Item*>& batch)>;

  Batcher(size_t max_batch, int max_running, Run run)
      : max_batch_(max_batch), max_running_(max_running), run_(std::move(run)) {}

  void Submit(Item& item) {
    Pending me{&item};
    std::unique_lock<std::mutex> lock(mu_);
    queue_.push_back(&me);
    while (!me.done) {
      if (running_ < max_running_ && !queue_.empty()) {
        std::vector<Pending*> taken;
        while (!queue_.empty() && taken.size() < max_batch_) {
          taken.push_back(queue_.front());
          queue_.pop_front();
        }
        ++running_;
        lock.unlock();
        std::vector<Item*> batch;
        batch.reserve(taken.size());
        for (Pending* p : taken) {
          batch.push_back(p->item);
        }
        run_(batch);
        lock.lock();
        --running_;
        for (Pending* p : taken) {
          p->done = true;
        }
        done_.notify_all();
      } else {
        done_.wait(lock);
      }
    }
  }

 private:
  struct Pending {
    Item* item;
    bool done = false;
  };

  const size_t max_batch_;
  const int max_running_;
  const Run run_;
  std::mutex mu_;
  std::condition_variable done_;
  std::deque<Pending*> queue_;  // guarded by mu_
  int running_ = 0;             // guarded by mu_
};

}  // namespace minyi

#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/status/status.h"

namespace minyi {

// A fixed set of threads running submitted work in arrival order. Every RPC handler runs here: gRPC's own
// threads only receive calls and send answers, so they never block on the database, and no thread is
// started or ended per call.
class WorkerPool final {
 public:
  explicit WorkerPool(int threads);
  ~WorkerPool();  // runs what was submitted, then joins
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void Submit(std::function<void()> work);

 private:
  void Loop();

  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;  // guarded by mu_
  bool stopping_ = false;                    // guarded by mu_
  std::vector<std::thread> threads_;
};

// The pool that Serve (rpc.h) hands calls to. ServiceHost creates it (MINYI_WORKER_THREADS threads) and sets it
// before the server starts; it outlives every call.
void SetCallWorkers(WorkerPool* workers);
WorkerPool& CallWorkers();

}  // namespace minyi

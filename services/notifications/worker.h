#pragma once

#include <memory>
#include <mutex>
#include <random>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "common/pg.h"
#include "notifications/metrics.h"
#include "notifications/provider.h"
#include "notifications/schedule.h"

namespace minyi::notifications {

// Sends due external deliveries: claims a batch (FOR UPDATE SKIP LOCKED, so replicas share the work),
// sends each through its channel's provider outside any transaction, then records every outcome —
// delivered, retry after RetryDelay, or dead after the last attempt.
class DeliveryWorker final {
 public:
  // `send_timeout` bounds one provider call; a claim's lease covers a whole batch of them.
  DeliveryWorker(PgPool& pool, absl::flat_hash_map<Channel, std::unique_ptr<Provider>> providers, RetryPolicy policy,
                 absl::Duration send_timeout, NotifyMetrics& metrics);

  // Claims and attempts up to `batch` deliveries; returns how many were attempted.
  absl::StatusOr<int> RunOnce(int batch = 100);

 private:
  PgPool& pool_;
  absl::flat_hash_map<Channel, std::unique_ptr<Provider>> providers_;
  RetryPolicy policy_;
  absl::Duration send_timeout_;
  NotifyMetrics& metrics_;
  std::mutex rng_mu_;
  std::mt19937_64 rng_;  // guarded by rng_mu_
};

}  // namespace minyi::notifications

#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "minyi/common/v1/common.pb.h"
#include "outbox.h"
#include "pqxx/pqxx"

namespace minyi {

class PgPool;
class RedisClient;

// Consumes the event stream with a Redis consumer group. For each entry it runs the handler in a
// PostgreSQL transaction that also records the event id in processed_events; only after that commits is
// the entry acknowledged (XACK). An event already recorded is acknowledged without running the handler,
// so redelivery never applies an event twice. Entries left pending by a consumer that died are claimed
// with XAUTOCLAIM once idle longer than `claim_idle`.
class EventConsumer final {
 public:
  using Handler = std::function<absl::Status(const minyi::common::v1::Event& event, pqxx::work& tx)>;

  struct Options {
    std::string group;      // e.g. "deputies"; also the key in processed_events
    std::string consumer;   // unique per process, e.g. hostname-pid
    std::string stream = std::string(kEventStream);
    absl::Duration block = absl::Seconds(1);
    absl::Duration claim_idle = absl::Seconds(30);
    int batch_size = 50;
  };

  EventConsumer(PgPool& pool, std::string redis_addr, Options options, Handler handler);
  ~EventConsumer();

  void Start();
  void Stop();
  // One round: claim stale entries, read new ones, handle and acknowledge. Returns entries handled.
  absl::StatusOr<int> PollOnce();

 private:
  void Loop();

  PgPool& pool_;
  std::unique_ptr<RedisClient> redis_;
  Options options_;
  Handler handler_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace minyi

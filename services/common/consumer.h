#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "minyi/common/v1/common.pb.h"
#include "outbox.h"
#include "pqxx/pqxx"

namespace minyi {

class PgPool;
class RedisClient;
struct RedisReply;

// Consumes the event stream with a Redis consumer group. For each entry it runs the handler in a
// PostgreSQL transaction that also records the event id in processed_events; only after that commits is
// the entry acknowledged (XACK). An event already recorded is acknowledged without running the handler,
// so redelivery never applies an event twice. Entries left pending by a consumer that died are claimed
// with XAUTOCLAIM once idle longer than `claim_idle`; so is an entry whose handler failed, which makes
// `claim_idle` the retry delay. Entries that cannot be parsed are logged and acknowledged.
//
// A consumer built with a BatchHandler handles all the new entries of one read in a single transaction
// (recording every event id in processed_events and running the handler once with the events not seen
// before), then acknowledges them with one XACK: far fewer round trips under a burst. When that
// transaction fails, the entries are handled one by one as above, so one failing event holds back only
// itself.
class EventConsumer final {
 public:
  using Handler = std::function<absl::Status(const minyi::common::v1::Event& event, pqxx::work& tx)>;
  using BatchHandler = std::function<absl::Status(const std::vector<minyi::common::v1::Event>& events, pqxx::work& tx)>;

  struct Options {
    std::string group;     // e.g. "deputies"; also the key in processed_events
    std::string consumer;  // unique per process; hostname-pid when empty
    std::string stream = std::string(kEventStream);
    absl::Duration block = absl::Seconds(1);
    absl::Duration claim_idle = absl::Seconds(30);
    int batch_size = 50;
    // The event types the handler acts on; when set, entries of other types are acknowledged without a
    // transaction or a processed_events row (a consumer need not book every ballot of a sitting that it
    // has nothing to do for). Unset: every type.
    std::function<bool(std::string_view type)> wants = nullptr;
  };

  EventConsumer(PgPool& pool, std::string redis_addr, Options options, Handler handler);
  EventConsumer(PgPool& pool, std::string redis_addr, Options options, BatchHandler handler);
  ~EventConsumer();

  // Polls in a background thread until Stop; failures are logged and retried with backoff.
  void Start();
  void Stop();  // returns within about `block`
  // One round: claim stale entries, read new ones (waiting up to `block` when nothing was claimed),
  // handle and acknowledge. Returns how many entries were acknowledged.
  absl::StatusOr<int> PollOnce();

 private:
  void Loop();
  absl::Status EnsureGroup();
  // Handles and acknowledges one stream entry ([id, [field, value, ...]]). True when acknowledged, false
  // when the handler failed (the entry stays pending); an error when Redis failed.
  absl::StatusOr<bool> Process(const RedisReply& entry);
  // Batch mode: handles and acknowledges `entries` together; false when the transaction failed and
  // nothing was acknowledged.
  absl::StatusOr<bool> ProcessBatch(const std::vector<RedisReply>& entries);
  bool Wanted(const RedisReply& entry) const;  // by Options::wants
  absl::Status Acknowledge(const std::vector<std::string>& xack);

  PgPool& pool_;
  std::unique_ptr<RedisClient> redis_;
  Options options_;
  Handler handler_;
  BatchHandler batch_handler_;  // set in batch mode; handler_ then runs it with one event
  std::atomic<bool> group_ready_{false};
  std::atomic<bool> stop_{false};
  std::mutex wake_mu_;
  std::condition_variable wake_;  // Stop interrupts the backoff wait
  std::thread thread_;
};

}  // namespace minyi

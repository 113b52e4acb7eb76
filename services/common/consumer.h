#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
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
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"

namespace minyi {

class PgPool;
class RedisClient;
struct RedisReply;

// The consumers' Prometheus series, labelled by consumer group; one per process, shared by its consumers.
class ConsumerMetrics final {
 public:
  explicit ConsumerMetrics(prometheus::Registry& registry);

  void CountDead(const std::string& group);
  void SetBacklog(const std::string& group, double lag, double pending);
  void SetDeadWaiting(const std::string& group, double rows);

 private:
  prometheus::Family<prometheus::Counter>& dead_total_;
  prometheus::Family<prometheus::Gauge>& dead_;
  prometheus::Family<prometheus::Gauge>& lag_;
  prometheus::Family<prometheus::Gauge>& pending_;
};

// Consumes the event stream with a Redis consumer group. For each entry it runs the handler in a
// PostgreSQL transaction that also records the event id in processed_events; only after that commits is
// the entry acknowledged (XACK). An event already recorded is acknowledged without running the handler,
// so redelivery never applies an event twice. Entries that cannot be parsed are logged and acknowledged.
//
// An entry whose handler failed stays pending and is retried by the same consumer after `retry_initial`,
// the pause doubling up to `retry_max` (a database restart clears within a second or two of the database
// being back), while newer entries go on being handled. Each retry claims the entry again (XCLAIM), so
// Redis' delivery count is the number of attempts, across restarts of the consumer too. After
// `max_attempts` the event is dead-lettered: stored in the schema's dead_events table with the error,
// then acknowledged, logged and counted (common/dead_events.h lists and replays them). Entries left
// pending by a consumer that died are claimed with XAUTOCLAIM once idle longer than `claim_idle`.
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
    absl::Duration retry_initial = absl::Milliseconds(100);
    absl::Duration retry_max = absl::Seconds(2);
    int max_attempts = 10;  // deliveries of one event before it is dead-lettered
    int batch_size = 50;
    // The event types the handler acts on; when set, entries of other types are acknowledged without a
    // transaction or a processed_events row (a consumer need not book every ballot of a sitting that it
    // has nothing to do for). Unset: every type.
    std::function<bool(std::string_view type)> wants = nullptr;
    ConsumerMetrics* metrics = nullptr;  // dead letters are counted when set
  };

  EventConsumer(PgPool& pool, std::string redis_addr, Options options, Handler handler);
  EventConsumer(PgPool& pool, std::string redis_addr, Options options, BatchHandler handler);
  ~EventConsumer();

  // Polls in a background thread until Stop; failures are logged and retried with backoff.
  void Start();
  void Stop();  // returns within about `block`
  // One round: claim the entries due for a retry and stale entries of other consumers, read new ones
  // (waiting up to `block`, or until the next retry is due, when nothing was claimed), handle and
  // acknowledge. Returns how many entries were acknowledged (dead-lettered ones included).
  absl::StatusOr<int> PollOnce();

  const Options& options() const { return options_; }
  // The handler as the consumer runs it, for one event (replaying a dead event runs it the same way).
  const Handler& handler() const { return handler_; }

 private:
  // A failed entry waiting for its retry.
  struct Retry {
    absl::Time due;
    absl::Duration pause;
    absl::Time first_failed;
  };

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
  // The entries whose retry is due, claimed again by this consumer; drops those no longer pending.
  absl::StatusOr<std::vector<RedisReply>> ClaimDueRetries();
  // After a failed attempt: schedules the retry, or dead-letters the event once out of attempts. True
  // when the entry was dead-lettered and acknowledged.
  absl::StatusOr<bool> Failed(const std::string& entry_id, const minyi::common::v1::Event& event,
                              const std::string& envelope, const absl::Status& error);
  absl::StatusOr<int64_t> DeliveryCount(const std::string& entry_id);

  PgPool& pool_;
  std::unique_ptr<RedisClient> redis_;
  Options options_;
  Handler handler_;
  BatchHandler batch_handler_;            // set in batch mode; handler_ then runs it with one event
  std::map<std::string, Retry> retries_;  // by stream entry id; only the polling thread touches it
  std::atomic<bool> group_ready_{false};
  std::atomic<bool> stop_{false};
  std::mutex wake_mu_;
  std::condition_variable wake_;  // Stop interrupts the backoff wait
  std::thread thread_;
};

// Samples, for each of `groups` on `stream`, the pending entries and the lag (XINFO GROUPS) and the dead
// events waiting in this schema, into `metrics`. Redis gives no lag after entries were deleted from the
// stream's unread range (or after it reloads a stream): the entries after the group's last-delivered id are
// then counted, up to `kLagCountCap`, so a backlog never reads as 0.
inline constexpr int kLagCountCap = 10000;
absl::Status SampleConsumerBacklog(RedisClient& redis, const std::string& stream,
                                   const std::vector<std::string>& groups, PgPool& pool, ConsumerMetrics& metrics);

}  // namespace minyi

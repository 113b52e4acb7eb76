#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "pqxx/pqxx"
#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"

namespace minyi {

class PgPool;
class RedisClient;

// The stream every service publishes its domain events to.
inline constexpr std::string_view kEventStream = "minyi.events";

// Writes a domain event into the service's outbox table inside the caller's transaction: the event
// exists if and only if the state change commits. `data` is packed into a minyi.common.v1.Event whose
// type is data's full message name and whose source is the running service. Returns the event id.
std::string EmitEvent(pqxx::work& tx, const google::protobuf::Message& data, std::string_view subject,
                      std::string_view actor);

// One of several events written together.
struct OutgoingEvent {
  const google::protobuf::Message* data;
  std::string subject;
  std::string actor;
};
// Like EmitEvent for several events at once, in one statement and in the given order (a batch of
// writes sharing one transaction). Returns their ids.
std::vector<std::string> EmitEvents(pqxx::work& tx, const std::vector<OutgoingEvent>& events);

// Moves committed outbox rows to the Redis stream in id order and marks them published with the entry id
// XADD returned. A crash between XADD and the mark publishes the row again on restart: delivery is at
// least once, and consumers deduplicate by event id. Replicas take turns (a transaction-scoped advisory
// lock per schema), so each row is published once and the stream keeps the outbox's order. Stream entries
// carry the fields `id` (event id), `type` (event type) and `event` (the serialized minyi.common.v1.Event).
//
// A published row stays the source of truth until every consumer group has it: about once a second
// (Check) the relay confirms the rows whose entries every group of the stream has read and acknowledged,
// and when Redis lost entries (its run id changed: a restart or failover; or the oldest or newest
// unconfirmed row's entry is no longer in the stream: a FLUSHALL, a deleted stream) it publishes every
// published but unconfirmed row again, in outbox order. Confirmed rows are deleted a week after they were
// written.
class OutboxRelay final {
 public:
  OutboxRelay(PgPool& pool, std::string redis_addr, std::string stream = std::string(kEventStream),
              absl::Duration poll_interval = absl::Milliseconds(100), absl::Duration check_interval = absl::Seconds(1));
  ~OutboxRelay();

  // Publishes in a background thread until Stop; failures of PostgreSQL or Redis are logged and retried
  // with backoff.
  void Start();
  void Stop();  // finishes the batch in hand, then returns
  // Publishes what is pending now; returns how many rows were published. Used by Start's loop and tests.
  absl::StatusOr<int> PublishPending(int batch_size = 100);

  // The outbox as the metrics show it.
  struct Backlog {
    int64_t unpublished = 0;          // rows not yet in the stream
    double oldest_unpublished_s = 0;  // age of the oldest of them; 0 when none
    int64_t unconfirmed = 0;          // in the stream, not yet acknowledged by every consumer group
  };
  struct CheckResult {
    int64_t republished = 0;  // rows to publish again because Redis lost their entries
    int64_t confirmed = 0;
    int64_t pruned = 0;
    Backlog backlog;
  };
  // One round of the periodic work, run by Start's loop every `check_interval` and by tests: when this
  // relay holds the schema's lock, detects lost entries (and marks their rows for publishing again),
  // otherwise confirms what every group has, and prunes old confirmed rows; then reads the backlog and
  // sets the metrics, if exported.
  absl::StatusOr<CheckResult> Check();
  // Exports minyi_outbox_unpublished, minyi_outbox_oldest_unpublished_seconds, minyi_outbox_unconfirmed
  // and minyi_outbox_republished_total to `registry`. Call before Start.
  void ExportMetrics(prometheus::Registry& registry);

 private:
  void Loop();
  // Check's part under the lock; does nothing while another relay holds it.
  absl::Status Reconcile(pqxx::work& tx, CheckResult& result);

  PgPool& pool_;
  std::unique_ptr<RedisClient> redis_;
  std::string stream_;
  absl::Duration poll_interval_;
  absl::Duration check_interval_;
  prometheus::Gauge* unpublished_ = nullptr;  // the metrics, once exported
  prometheus::Gauge* oldest_unpublished_ = nullptr;
  prometheus::Gauge* unconfirmed_ = nullptr;
  prometheus::Counter* republished_ = nullptr;
  std::atomic<bool> stop_{false};
  std::mutex wake_mu_;
  std::condition_variable wake_;  // Stop interrupts the wait between polls
  std::thread thread_;
};

}  // namespace minyi

#pragma once

#include <atomic>
#include <condition_variable>
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

// Moves committed outbox rows to the Redis stream in id order and marks them published. A crash between
// XADD and the mark publishes the row again on restart: delivery is at least once, and consumers
// deduplicate by event id. Replicas take turns (a transaction-scoped advisory lock per schema), so each
// row is published once and the stream keeps the outbox's order. Stream entries carry the fields `id`
// (event id), `type` (event type) and `event` (the serialized minyi.common.v1.Event).
class OutboxRelay final {
 public:
  OutboxRelay(PgPool& pool, std::string redis_addr, std::string stream = std::string(kEventStream),
              absl::Duration poll_interval = absl::Milliseconds(100));
  ~OutboxRelay();

  // Publishes in a background thread until Stop; failures of PostgreSQL or Redis are logged and retried
  // with backoff.
  void Start();
  void Stop();  // finishes the batch in hand, then returns
  // Publishes what is pending now; returns how many rows were published. Used by Start's loop and tests.
  absl::StatusOr<int> PublishPending(int batch_size = 100);

 private:
  void Loop();

  PgPool& pool_;
  std::unique_ptr<RedisClient> redis_;
  std::string stream_;
  absl::Duration poll_interval_;
  std::atomic<bool> stop_{false};
  std::mutex wake_mu_;
  std::condition_variable wake_;  // Stop interrupts the wait between polls
  std::thread thread_;
};

}  // namespace minyi

#include "consumer.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "absl/strings/str_cat.h"
#include "log.h"
#include "nlohmann/json.hpp"
#include "pg.h"
#include "redis.h"
#include "status_macros.h"

namespace minyi {
namespace {

constexpr absl::Duration kMaxBackoff = absl::Seconds(5);
// Redis must be allowed to hold a blocking XREADGROUP for `block` before the socket times out.
constexpr absl::Duration kSocketSlack = absl::Seconds(5);

constexpr char kDeadLetterSql[] =
    "INSERT INTO dead_events (consumer, event_id, event_type, payload, error, attempts, first_failed_at) "
    "VALUES ($1, $2::uuid, $3, $4, $5, $6, to_timestamp($7::bigint / 1000000.0)) "
    "ON CONFLICT (consumer, event_id) DO UPDATE SET error = EXCLUDED.error, attempts = EXCLUDED.attempts, "
    "dead_at = now()";
constexpr char kDeadWaitingSql[] = "SELECT consumer, count(*) FROM dead_events GROUP BY consumer";

constexpr char kMarkProcessedSql[] =
    "INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2::uuid) ON CONFLICT DO NOTHING";
// The batch's event ids as a JSON array; returns those not processed before.
constexpr char kMarkBatchProcessedSql[] =
    "INSERT INTO processed_events (consumer, event_id) "
    "SELECT $1, e::uuid FROM jsonb_array_elements_text($2::jsonb) AS e ON CONFLICT DO NOTHING "
    "RETURNING event_id::text";

std::string DefaultConsumerName() {
  char host[256] = {};
  gethostname(host, sizeof(host) - 1);
  return absl::StrCat(host, "-", getpid());
}

// The canonical 8-4-4-4-12 form EmitEvent writes; anything else would fail the uuid cast forever.
bool IsUuid(const std::string& s) {
  if (s.size() != 36) {
    return false;
  }
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  return true;
}

absl::Status ReplyError(const char* command, const RedisReply& reply) {
  return absl::UnavailableError(absl::StrCat("redis ", command, ": ", reply.str));
}

}  // namespace

ConsumerMetrics::ConsumerMetrics(prometheus::Registry& registry)
    : dead_total_(prometheus::BuildCounter()
                      .Name("minyi_events_dead_total")
                      .Help("Events a consumer group dead-lettered after its last attempt")
                      .Register(registry)),
      dead_(prometheus::BuildGauge()
                .Name("minyi_events_dead")
                .Help("Dead events waiting in the schema's dead_events table, by consumer group")
                .Register(registry)),
      lag_(prometheus::BuildGauge()
               .Name("minyi_events_consumer_lag")
               .Help("Stream entries not yet read by the consumer group")
               .Register(registry)),
      pending_(prometheus::BuildGauge()
                   .Name("minyi_events_consumer_pending")
                   .Help("Stream entries read but not yet acknowledged by the consumer group")
                   .Register(registry)) {}

void ConsumerMetrics::CountDead(const std::string& group) { dead_total_.Add({{"group", group}}).Increment(); }

void ConsumerMetrics::SetBacklog(const std::string& group, double lag, double pending) {
  lag_.Add({{"group", group}}).Set(lag);
  pending_.Add({{"group", group}}).Set(pending);
}

void ConsumerMetrics::SetDeadWaiting(const std::string& group, double rows) { dead_.Add({{"group", group}}).Set(rows); }

EventConsumer::EventConsumer(PgPool& pool, std::string redis_addr, Options options, Handler handler)
    : pool_(pool),
      redis_(std::make_unique<RedisClient>(std::move(redis_addr), options.block + kSocketSlack)),
      options_(std::move(options)),
      handler_(std::move(handler)) {
  if (options_.consumer.empty()) {
    options_.consumer = DefaultConsumerName();
  }
}

EventConsumer::EventConsumer(PgPool& pool, std::string redis_addr, Options options, BatchHandler handler)
    : EventConsumer(pool, std::move(redis_addr), std::move(options), Handler()) {
  batch_handler_ = std::move(handler);
  handler_ = [this](const minyi::common::v1::Event& event, pqxx::work& tx) { return batch_handler_({event}, tx); };
}

EventConsumer::~EventConsumer() { Stop(); }

void EventConsumer::Start() {
  if (thread_.joinable()) {
    return;
  }
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void EventConsumer::Stop() {
  {
    std::lock_guard<std::mutex> lock(wake_mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

// Created at id 0 so that events published before the group existed are delivered too.
absl::Status EventConsumer::EnsureGroup() {
  if (group_ready_) {
    return absl::OkStatus();
  }
  absl::StatusOr<RedisReply> reply =
      redis_->Command({"XGROUP", "CREATE", options_.stream, options_.group, "0", "MKSTREAM"});
  if (!reply.ok()) {
    return reply.status();
  }
  if (reply->type == RedisReply::Type::kError && reply->str.rfind("BUSYGROUP", 0) != 0) {
    return ReplyError("XGROUP CREATE", *reply);
  }
  group_ready_ = true;
  return absl::OkStatus();
}

namespace {

// A field of a stream entry ([id, [field, value, ...]]); null when it has none.
const std::string* EntryField(const RedisReply& entry, std::string_view name) {
  const RedisReply* value = entry.elements.size() < 2 ? nullptr : ReplyField(entry.elements[1], name);
  return value == nullptr ? nullptr : &value->str;
}

// The envelope of a stream entry; false when it has none that parses.
bool ParseEntry(const RedisReply& entry, minyi::common::v1::Event* event) {
  const std::string* envelope = EntryField(entry, "event");
  return envelope != nullptr && event->ParseFromString(*envelope) && IsUuid(event->id());
}

bool HasId(const RedisReply& entry) {
  return !entry.elements.empty() && entry.elements[0].type == RedisReply::Type::kString;
}

}  // namespace

absl::StatusOr<int> EventConsumer::PollOnce() {
  if (absl::Status st = EnsureGroup(); !st.ok()) {
    return st;
  }
  int acked = 0;
  // Retries first, one by one: an event failing again must not fail a whole batch with it.
  absl::StatusOr<std::vector<RedisReply>> due = ClaimDueRetries();
  if (!due.ok()) {
    return due.status();
  }
  std::set<std::string> retried;
  for (const RedisReply& entry : *due) {
    retried.insert(entry.elements[0].str);
    absl::StatusOr<bool> done = Process(entry);
    if (!done.ok()) {
      return done.status();
    }
    acked += *done ? 1 : 0;
  }
  const std::string count = std::to_string(options_.batch_size);
  std::vector<RedisReply> entries;
  absl::StatusOr<RedisReply> claimed =
      redis_->Command({"XAUTOCLAIM", options_.stream, options_.group, options_.consumer,
                       std::to_string(absl::ToInt64Milliseconds(options_.claim_idle)), "0-0", "COUNT", count});
  if (!claimed.ok()) {
    return claimed.status();
  }
  if (claimed->type == RedisReply::Type::kError) {
    group_ready_ = claimed->str.rfind("NOGROUP", 0) != 0;
    return ReplyError("XAUTOCLAIM", *claimed);
  }
  if (claimed->elements.size() >= 2) {
    for (RedisReply& e : claimed->elements[1].elements) {
      // Claimed again (a delivery counted), an entry waiting for its retry is simply retried early; one
      // that has just failed again is not (with a claim_idle of 0 it would be).
      if (HasId(e) && retried.count(e.elements[0].str) == 0) {
        entries.push_back(std::move(e));
      }
    }
  }
  std::vector<std::string> read = {"XREADGROUP", "GROUP", options_.group, options_.consumer, "COUNT", count};
  if (entries.empty() && due->empty()) {
    absl::Duration wait = options_.block;
    for (const auto& [id, retry] : retries_) {
      wait = std::min(wait, retry.due - absl::Now());
    }
    if (wait > absl::ZeroDuration()) {
      read.insert(read.end(), {"BLOCK", std::to_string(std::max<int64_t>(1, absl::ToInt64Milliseconds(wait)))});
    }
  }
  read.insert(read.end(), {"STREAMS", options_.stream, ">"});
  absl::StatusOr<RedisReply> fresh = redis_->Command(read);
  if (!fresh.ok()) {
    return fresh.status();
  }
  if (fresh->type == RedisReply::Type::kError) {
    group_ready_ = fresh->str.rfind("NOGROUP", 0) != 0;
    return ReplyError("XREADGROUP", *fresh);
  }
  // [[stream, [entry, ...]]], or nil when the block timed out.
  for (RedisReply& stream : fresh->elements) {
    if (stream.elements.size() >= 2) {
      for (RedisReply& e : stream.elements[1].elements) {
        entries.push_back(std::move(e));
      }
    }
  }
  if (batch_handler_ && entries.size() > 1) {
    absl::StatusOr<bool> done = ProcessBatch(entries);
    if (!done.ok()) {
      return done.status();
    }
    if (*done) {
      return acked + static_cast<int>(entries.size());
    }
  }
  for (const RedisReply& entry : entries) {
    absl::StatusOr<bool> done = Process(entry);
    if (!done.ok()) {
      return done.status();  // the rest stays pending and is claimed later
    }
    acked += *done ? 1 : 0;
  }
  return acked;
}

absl::StatusOr<std::vector<RedisReply>> EventConsumer::ClaimDueRetries() {
  std::vector<std::string> claim = {"XCLAIM", options_.stream, options_.group, options_.consumer, "0"};
  const size_t head = claim.size();
  const absl::Time now = absl::Now();
  for (const auto& [id, retry] : retries_) {
    if (retry.due <= now) {
      claim.push_back(id);
    }
  }
  if (claim.size() == head) {
    return std::vector<RedisReply>();
  }
  // Claiming counts a delivery: the delivery count stays the number of attempts.
  absl::StatusOr<RedisReply> reply = redis_->Command(claim);
  if (!reply.ok()) {
    return reply.status();
  }
  if (reply->type == RedisReply::Type::kError) {
    group_ready_ = reply->str.rfind("NOGROUP", 0) != 0;
    return ReplyError("XCLAIM", *reply);
  }
  std::vector<RedisReply> entries;
  std::set<std::string> returned;
  for (RedisReply& e : reply->elements) {
    if (HasId(e)) {
      returned.insert(e.elements[0].str);
      entries.push_back(std::move(e));
    }
  }
  // Not returned: acknowledged by another consumer, or deleted from the stream.
  for (size_t i = head; i < claim.size(); ++i) {
    if (returned.count(claim[i]) == 0) {
      retries_.erase(claim[i]);
    }
  }
  return entries;
}

absl::StatusOr<int64_t> EventConsumer::DeliveryCount(const std::string& entry_id) {
  absl::StatusOr<RedisReply> reply =
      redis_->Command({"XPENDING", options_.stream, options_.group, entry_id, entry_id, "1"});
  if (!reply.ok()) {
    return reply.status();
  }
  if (reply->type == RedisReply::Type::kError) {
    return ReplyError("XPENDING", *reply);
  }
  // [[id, consumer, idle, deliveries]]; nothing when the entry is no longer pending.
  if (reply->elements.empty() || reply->elements[0].elements.size() < 4) {
    return 0;
  }
  return reply->elements[0].elements[3].integer;
}

absl::StatusOr<bool> EventConsumer::Failed(const std::string& entry_id, const minyi::common::v1::Event& event,
                                           const std::string& envelope, const absl::Status& error) {
  ASSIGN_OR_RETURN(const int64_t attempts, DeliveryCount(entry_id));
  const absl::Time now = absl::Now();
  auto it = retries_.find(entry_id);
  const absl::Time first_failed = it == retries_.end() ? now : it->second.first_failed;
  if (attempts >= options_.max_attempts) {
    absl::Status stored = pool_.Transact([&](pqxx::work& tx) {
      tx.exec_params(kDeadLetterSql, options_.group, event.id(), event.type(), pqxx::binarystring(envelope),
                     error.ToString(), attempts, absl::ToUnixMicros(first_failed));
      return absl::OkStatus();
    });
    if (stored.ok()) {
      // Ids, type and the error only: payloads may hold what logs must not.
      log::Error("event dead-lettered after its last attempt", {{"group", options_.group},
                                                                {"event_id", event.id()},
                                                                {"type", event.type()},
                                                                {"attempts", attempts},
                                                                {"error", error.ToString()}});
      if (options_.metrics != nullptr) {
        options_.metrics->CountDead(options_.group);
      }
      retries_.erase(entry_id);
      RETURN_IF_ERROR(Acknowledge({"XACK", options_.stream, options_.group, entry_id}));
      return true;
    }
    log::Warn("dead-lettering an event failed; will retry it",
              {{"group", options_.group}, {"event_id", event.id()}, {"error", stored.ToString()}});
  }
  if (it == retries_.end()) {
    it = retries_.emplace(entry_id, Retry{.pause = options_.retry_initial, .first_failed = now}).first;
  } else {
    it->second.pause = std::min(it->second.pause * 2, options_.retry_max);
  }
  it->second.due = now + it->second.pause;
  log::Warn("event handler failed; will retry", {{"group", options_.group},
                                                 {"event_id", event.id()},
                                                 {"type", event.type()},
                                                 {"attempts", attempts},
                                                 {"retry_in_ms", absl::ToInt64Milliseconds(it->second.pause)},
                                                 {"error", error.ToString()}});
  return false;
}

bool EventConsumer::Wanted(const RedisReply& entry) const {
  const std::string* type = EntryField(entry, "type");
  // No type: parsing decides.
  return !options_.wants || type == nullptr || type->empty() || options_.wants(*type);
}

absl::Status EventConsumer::Acknowledge(const std::vector<std::string>& ack) {
  absl::StatusOr<RedisReply> acked = redis_->Command(ack);
  if (!acked.ok()) {
    return acked.status();
  }
  if (acked->type == RedisReply::Type::kError) {
    return ReplyError("XACK", *acked);
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> EventConsumer::ProcessBatch(const std::vector<RedisReply>& entries) {
  std::vector<minyi::common::v1::Event> events;
  std::vector<std::string> ack = {"XACK", options_.stream, options_.group};
  const size_t head = ack.size();
  nlohmann::json ids = nlohmann::json::array();
  for (const RedisReply& entry : entries) {
    if (!HasId(entry)) {
      continue;
    }
    if (!Wanted(entry)) {
      ack.push_back(entry.elements[0].str);
      continue;
    }
    minyi::common::v1::Event event;
    if (!ParseEntry(entry, &event)) {
      return false;  // the one-by-one path logs and acknowledges the malformed entry
    }
    ack.push_back(entry.elements[0].str);
    ids.push_back(event.id());
    events.push_back(std::move(event));
  }
  if (ack.size() == head) {
    return false;  // nothing but entries without an id: the one-by-one path skips them
  }
  if (!events.empty()) {
    absl::Status handled = pool_.Transact([&](pqxx::work& tx) -> absl::Status {
      std::set<std::string> fresh;
      for (const pqxx::row& row : tx.exec_params(kMarkBatchProcessedSql, options_.group, ids.dump())) {
        fresh.insert(row[0].as<std::string>());
      }
      std::vector<minyi::common::v1::Event> todo;
      for (minyi::common::v1::Event& e : events) {
        // The stream may carry one event twice (an at-least-once relay): handle it once.
        if (fresh.erase(e.id()) > 0) {
          todo.push_back(e);
        }
      }
      return todo.empty() ? absl::OkStatus() : batch_handler_(todo, tx);
    });
    if (!handled.ok()) {
      log::Warn("event batch failed; handling its events one by one",
                {{"group", options_.group}, {"events", events.size()}, {"error", handled.ToString()}});
      return false;
    }
  }
  if (absl::Status st = Acknowledge(ack); !st.ok()) {
    return st;
  }
  return true;
}

absl::StatusOr<bool> EventConsumer::Process(const RedisReply& entry) {
  if (!HasId(entry)) {
    return false;  // an entry deleted from the stream while pending: nothing to handle
  }
  const std::string& entry_id = entry.elements[0].str;
  minyi::common::v1::Event event;
  if (!Wanted(entry)) {
    // Nothing to do for this type: acknowledged as it is.
  } else if (ParseEntry(entry, &event)) {
    absl::Status st = pool_.Transact([&](pqxx::work& tx) -> absl::Status {
      if (tx.exec_params(kMarkProcessedSql, options_.group, event.id()).affected_rows() == 0) {
        return absl::OkStatus();  // already applied by an earlier delivery
      }
      return handler_(event, tx);
    });
    if (!st.ok()) {
      return Failed(entry_id, event, *EntryField(entry, "event"), st);
    }
  } else {
    // A poison entry would otherwise be claimed and fail forever.
    log::Error("malformed event entry acknowledged without handling",
               {{"group", options_.group}, {"stream", options_.stream}, {"entry", entry_id}});
  }
  if (absl::Status st = Acknowledge({"XACK", options_.stream, options_.group, entry_id}); !st.ok()) {
    return st;
  }
  retries_.erase(entry_id);
  return true;
}

void EventConsumer::Loop() {
  absl::Duration backoff = absl::Milliseconds(100);
  while (!stop_) {
    absl::StatusOr<int> n = PollOnce();
    if (n.ok()) {
      backoff = absl::Milliseconds(100);
      continue;  // PollOnce itself waits up to `block` for new entries
    }
    log::Warn("event consumer failed", {{"group", options_.group}, {"error", n.status().ToString()}});
    std::unique_lock<std::mutex> lock(wake_mu_);
    wake_.wait_for(lock, absl::ToChronoNanoseconds(backoff), [&] { return stop_.load(); });
    backoff = std::min(backoff * 2, kMaxBackoff);
  }
}

absl::Status SampleConsumerBacklog(RedisClient& redis, const std::string& stream,
                                   const std::vector<std::string>& groups, PgPool& pool, ConsumerMetrics& metrics) {
  absl::StatusOr<RedisReply> info = redis.Command({"XINFO", "GROUPS", stream});
  if (!info.ok()) {
    return info.status();
  }
  if (info->type == RedisReply::Type::kError) {
    // No stream yet (nothing published, or Redis lost it): nothing is waiting.
    if (info->str.find("no such key") != std::string::npos) {
      for (const std::string& group : groups) {
        metrics.SetBacklog(group, 0, 0);
      }
    } else {
      return ReplyError("XINFO GROUPS", *info);
    }
  }
  // [[field, value, ...], ...]
  for (const RedisReply& g : info->elements) {
    const RedisReply* name = ReplyField(g, "name");
    if (name == nullptr || std::find(groups.begin(), groups.end(), name->str) == groups.end()) {
      continue;
    }
    const RedisReply* delivered = ReplyField(g, "last-delivered-id");
    const std::string last_delivered = delivered == nullptr ? "" : delivered->str;
    const RedisReply* lag = ReplyField(g, "lag");
    const RedisReply* pending_field = ReplyField(g, "pending");
    const double pending = pending_field == nullptr ? 0 : static_cast<double>(pending_field->integer);
    double backlog = 0;
    if (lag != nullptr && lag->type == RedisReply::Type::kInteger) {
      backlog = static_cast<double>(lag->integer);
    } else {
      // Redis cannot tell: count what follows the last delivered entry.
      absl::StatusOr<RedisReply> after = redis.Command(
          {"XRANGE", stream, absl::StrCat("(", last_delivered), "+", "COUNT", std::to_string(kLagCountCap)});
      if (!after.ok()) {
        return after.status();
      }
      if (after->type == RedisReply::Type::kError) {
        return ReplyError("XRANGE", *after);
      }
      backlog = static_cast<double>(after->elements.size());
    }
    metrics.SetBacklog(name->str, backlog, pending);
  }
  return pool.Read([&](pqxx::transaction_base& tx) {
    std::map<std::string, int64_t> waiting;
    for (const pqxx::row& row : tx.exec(kDeadWaitingSql)) {
      waiting[row[0].as<std::string>()] = row[1].as<int64_t>();
    }
    for (const std::string& group : groups) {
      metrics.SetDeadWaiting(group, static_cast<double>(waiting[group]));
    }
    return absl::OkStatus();
  });
}

}  // namespace minyi

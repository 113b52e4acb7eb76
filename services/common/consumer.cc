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

namespace minyi {
namespace {

constexpr absl::Duration kMaxBackoff = absl::Seconds(5);
// Redis must be allowed to hold a blocking XREADGROUP for `block` before the socket times out.
constexpr absl::Duration kSocketSlack = absl::Seconds(5);

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

absl::StatusOr<int> EventConsumer::PollOnce() {
  if (absl::Status st = EnsureGroup(); !st.ok()) {
    return st;
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
    entries = std::move(claimed->elements[1].elements);
  }
  std::vector<std::string> read = {"XREADGROUP", "GROUP", options_.group, options_.consumer, "COUNT", count};
  if (entries.empty()) {
    read.insert(read.end(), {"BLOCK", std::to_string(std::max<int64_t>(1, absl::ToInt64Milliseconds(options_.block)))});
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
      return static_cast<int>(entries.size());
    }
  }
  int acked = 0;
  for (const RedisReply& entry : entries) {
    absl::StatusOr<bool> done = Process(entry);
    if (!done.ok()) {
      return done.status();  // the rest stays pending and is claimed later
    }
    acked += *done ? 1 : 0;
  }
  return acked;
}

namespace {

// A field of a stream entry ([id, [field, value, ...]]); null when it has none.
const std::string* EntryField(const RedisReply& entry, std::string_view name) {
  if (entry.elements.size() < 2) {
    return nullptr;
  }
  const std::vector<RedisReply>& fields = entry.elements[1].elements;
  for (size_t i = 0; i + 1 < fields.size(); i += 2) {
    if (fields[i].str == name) {
      return &fields[i + 1].str;
    }
  }
  return nullptr;
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
      log::Warn(
          "event handler failed; will retry",
          {{"group", options_.group}, {"event_id", event.id()}, {"type", event.type()}, {"error", st.ToString()}});
      return false;
    }
  } else {
    // A poison entry would otherwise be claimed and fail forever.
    log::Error("malformed event entry acknowledged without handling",
               {{"group", options_.group}, {"stream", options_.stream}, {"entry", entry_id}});
  }
  if (absl::Status st = Acknowledge({"XACK", options_.stream, options_.group, entry_id}); !st.ok()) {
    return st;
  }
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

}  // namespace minyi

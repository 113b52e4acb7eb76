#include "outbox.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "clock.h"
#include "config.h"
#include "log.h"
#include "minyi/common/v1/common.pb.h"
#include "nlohmann/json.hpp"
#include "pg.h"
#include "redis.h"
#include "sodium.h"

namespace minyi {
namespace {

// Bounds the stream's memory; consumers are expected to be far less than a million events behind.
constexpr char kStreamMaxLen[] = "1000000";
constexpr absl::Duration kMaxBackoff = absl::Seconds(5);
constexpr int kLoopBatch = 100;

// Whoever holds this lock (per schema, until its transaction ends) is the one relay publishing, which
// keeps the stream in outbox order when several replicas run.
constexpr char kRelayLockSql[] = "SELECT pg_try_advisory_xact_lock(hashtext('minyi.outbox.' || current_schema()))";
constexpr char kSelectPendingSql[] =
    "SELECT id, event_id::text, event_type, payload FROM outbox WHERE published_at IS NULL "
    "ORDER BY id LIMIT $1";
constexpr char kMarkPublishedSql[] = "UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])";
// Rows in array order, so outbox ids (and the stream) follow the order the events were given in.
constexpr char kInsertSql[] =
    "INSERT INTO outbox (event_id, event_type, subject, payload) "
    "SELECT (e ->> 'id')::uuid, e ->> 'type', e ->> 'subject', decode(e ->> 'payload', 'hex') "
    "FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(e, n) ORDER BY n";

std::string NewUuid() {
  static const bool initialized = sodium_init() >= 0;
  if (!initialized) {
    throw std::runtime_error("libsodium failed to initialize");
  }
  unsigned char b[16];
  randombytes_buf(b, sizeof(b));
  b[6] = (b[6] & 0x0f) | 0x40;  // version 4
  b[8] = (b[8] & 0x3f) | 0x80;  // RFC 4122 variant
  return absl::StrFormat("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3],
                         b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

}  // namespace

std::vector<std::string> EmitEvents(pqxx::work& tx, const std::vector<OutgoingEvent>& events) {
  std::vector<std::string> ids;
  nlohmann::json rows = nlohmann::json::array();
  // Consumers take the day something happened from this time (a duty record's date): the domain clock's.
  const int64_t now_ns = absl::ToUnixNanos(DomainNow());
  for (const OutgoingEvent& e : events) {
    minyi::common::v1::Event event;
    event.set_id(NewUuid());
    event.set_type(e.data->GetDescriptor()->full_name());
    event.set_source(ServiceName());
    event.set_subject(e.subject);
    event.set_actor(e.actor);
    event.mutable_time()->set_seconds(now_ns / 1000000000);
    event.mutable_time()->set_nanos(static_cast<int32_t>(now_ns % 1000000000));
    event.mutable_data()->PackFrom(*e.data);
    rows.push_back({{"id", event.id()},
                    {"type", event.type()},
                    {"subject", event.subject()},
                    {"payload", absl::BytesToHexString(event.SerializeAsString())}});
    ids.push_back(event.id());
  }
  tx.exec_params(kInsertSql, rows.dump());
  return ids;
}

std::string EmitEvent(pqxx::work& tx, const google::protobuf::Message& data, std::string_view subject,
                      std::string_view actor) {
  return EmitEvents(tx, {{&data, std::string(subject), std::string(actor)}}).front();
}

OutboxRelay::OutboxRelay(PgPool& pool, std::string redis_addr, std::string stream, absl::Duration poll_interval)
    : pool_(pool),
      redis_(std::make_unique<RedisClient>(std::move(redis_addr))),
      stream_(std::move(stream)),
      poll_interval_(poll_interval) {}

OutboxRelay::~OutboxRelay() { Stop(); }

void OutboxRelay::Start() {
  if (thread_.joinable()) {
    return;
  }
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void OutboxRelay::Stop() {
  {
    std::lock_guard<std::mutex> lock(wake_mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

absl::StatusOr<int> OutboxRelay::PublishPending(int batch_size) {
  return pool_.TransactValue<int>([&](pqxx::work& tx) -> absl::StatusOr<int> {
    if (!tx.exec(kRelayLockSql)[0][0].as<bool>()) {
      return 0;  // another relay is publishing this outbox right now
    }
    const pqxx::result rows = tx.exec_params(kSelectPendingSql, batch_size);
    if (rows.empty()) {
      return 0;
    }
    std::vector<std::vector<std::string>> xadds;
    for (const auto& row : rows) {
      xadds.push_back({"XADD", stream_, "MAXLEN", "~", kStreamMaxLen, "*", "id", row[1].as<std::string>(), "type",
                       row[2].as<std::string>(), "event", pqxx::binarystring(row[3]).str()});
    }
    // One round trip for the batch. If the connection fails midway, nothing is marked and the whole batch
    // is sent again: some entries may then be in the stream twice, which consumers deduplicate.
    absl::StatusOr<std::vector<RedisReply>> replies = redis_->Pipeline(xadds);
    if (!replies.ok()) {
      return replies.status();
    }
    // Rows up to the first error reply are published; the rest are sent again next round (entries after
    // the error that went in anyway are then duplicates, deduplicated by the consumers).
    std::vector<int64_t> published;
    absl::Status failure;
    for (size_t i = 0; i < replies->size(); ++i) {
      if ((*replies)[i].type == RedisReply::Type::kError) {
        failure = absl::UnavailableError(absl::StrCat("redis XADD: ", (*replies)[i].str));
        break;
      }
      published.push_back(rows[static_cast<pqxx::result::size_type>(i)][0].as<int64_t>());
    }
    if (!published.empty()) {
      tx.exec_params(kMarkPublishedSql, absl::StrCat("{", absl::StrJoin(published, ","), "}"));
    }
    if (!failure.ok()) {
      if (published.empty()) {
        return failure;
      }
      // What reached the stream is marked; the rest is retried on the next round.
      log::Warn("outbox relay stopped mid-batch", {{"error", failure.ToString()}});
    }
    return static_cast<int>(published.size());
  });
}

void OutboxRelay::Loop() {
  absl::Duration backoff = poll_interval_;
  while (!stop_) {
    absl::StatusOr<int> n = PublishPending(kLoopBatch);
    absl::Duration wait = poll_interval_;
    if (!n.ok()) {
      log::Warn("outbox relay failed", {{"stream", stream_}, {"error", n.status().ToString()}});
      backoff = std::min(backoff * 2, kMaxBackoff);
      wait = backoff;
    } else {
      backoff = poll_interval_;
      if (*n == kLoopBatch) {
        continue;  // more is waiting
      }
    }
    std::unique_lock<std::mutex> lock(wake_mu_);
    wake_.wait_for(lock, absl::ToChronoNanoseconds(wait), [&] { return stop_.load(); });
  }
}

}  // namespace minyi

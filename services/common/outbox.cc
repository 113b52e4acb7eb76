#include "outbox.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "clock.h"
#include "config.h"
#include "log.h"
#include "minyi/common/v1/common.pb.h"
#include "nlohmann/json.hpp"
#include "pg.h"
#include "redis.h"
#include "sodium.h"
#include "status_macros.h"

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
// $1: outbox ids, $2: their entry ids, in the same order.
constexpr char kMarkPublishedSql[] =
    "UPDATE outbox SET published_at = now(), stream_id = p.stream_id, confirmed_at = NULL "
    "FROM unnest($1::bigint[], $2::text[]) AS p(id, stream_id) WHERE outbox.id = p.id";

// Confirmed rows are kept this long after they were written (to look at), then deleted, at most
// kPruneBatch per check: nothing reads them once every group has them.
constexpr char kRetention[] = "7 days";
constexpr int kPruneBatch = 1000;

constexpr char kOldestAndNewestUnconfirmedSql[] =
    "(SELECT id, event_id::text, stream_id FROM outbox WHERE published_at IS NOT NULL AND confirmed_at IS NULL "
    "ORDER BY id LIMIT 1) UNION ALL "
    "(SELECT id, event_id::text, stream_id FROM outbox WHERE published_at IS NOT NULL AND confirmed_at IS NULL "
    "ORDER BY id DESC LIMIT 1)";
constexpr char kRepublishSql[] =
    "UPDATE outbox SET published_at = NULL, stream_id = NULL WHERE published_at IS NOT NULL AND confirmed_at IS NULL";
// Entry ids compare as (ms, seq) pairs of unsigned 64-bit numbers: numeric holds them.
constexpr char kConfirmSql[] =
    "UPDATE outbox SET confirmed_at = now() WHERE published_at IS NOT NULL AND confirmed_at IS NULL AND "
    "(split_part(stream_id, '-', 1)::numeric, split_part(stream_id, '-', 2)::numeric) <= ($1::numeric, $2::numeric)";
constexpr char kConfirmUncheckableSql[] =
    "UPDATE outbox SET confirmed_at = published_at "
    "WHERE published_at IS NOT NULL AND confirmed_at IS NULL AND stream_id IS NULL";
constexpr char kSelectRunSql[] = "SELECT run_id FROM outbox_redis_runs WHERE stream = $1";
constexpr char kUpsertRunSql[] =
    "INSERT INTO outbox_redis_runs (stream, run_id) VALUES ($1, $2) "
    "ON CONFLICT (stream) DO UPDATE SET run_id = EXCLUDED.run_id";
constexpr char kPruneSql[] =
    "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE created_at < now() - $1::interval "
    "AND confirmed_at IS NOT NULL ORDER BY created_at LIMIT $2)";
constexpr char kBacklogSql[] =
    "SELECT (SELECT count(*) FROM outbox WHERE published_at IS NULL), "
    "coalesce((SELECT extract(epoch FROM now() - created_at)::float8 FROM outbox WHERE published_at IS NULL "
    "ORDER BY id LIMIT 1), 0), "
    "(SELECT count(*) FROM outbox WHERE published_at IS NOT NULL AND confirmed_at IS NULL)";

// A stream entry id, "<ms>-<seq>".
struct EntryId {
  uint64_t ms = 0;
  uint64_t seq = 0;
  auto operator<=>(const EntryId&) const = default;
};

std::optional<EntryId> ParseEntryId(absl::string_view text) {
  const std::vector<absl::string_view> parts = absl::StrSplit(text, '-');
  EntryId id;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &id.ms) || !absl::SimpleAtoi(parts[1], &id.seq)) {
    return std::nullopt;
  }
  return id;
}

// The run_id line of INFO server.
std::string RunId(const RedisReply& info) {
  for (absl::string_view line : absl::StrSplit(info.str, absl::ByAnyChar("\r\n"), absl::SkipEmpty())) {
    if (absl::ConsumePrefix(&line, "run_id:")) {
      return std::string(line);
    }
  }
  return "";
}

// Whether an XRANGE <id> <id> reply holds that entry with the event id `event_id`.
bool HoldsEvent(const RedisReply& range, const std::string& event_id) {
  if (range.type != RedisReply::Type::kArray || range.elements.size() != 1) {
    return false;
  }
  const RedisReply& entry = range.elements[0];
  const RedisReply* id = entry.elements.size() == 2 ? ReplyField(entry.elements[1], "id") : nullptr;
  return id != nullptr && id->str == event_id;
}

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

OutboxRelay::OutboxRelay(PgPool& pool, std::string redis_addr, std::string stream, absl::Duration poll_interval,
                         absl::Duration check_interval)
    : pool_(pool),
      redis_(std::make_unique<RedisClient>(std::move(redis_addr))),
      stream_(std::move(stream)),
      poll_interval_(poll_interval),
      check_interval_(check_interval) {}

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
    std::vector<std::string> entry_ids;
    absl::Status failure;
    for (size_t i = 0; i < replies->size(); ++i) {
      if ((*replies)[i].type == RedisReply::Type::kError) {
        failure = absl::UnavailableError(absl::StrCat("redis XADD: ", (*replies)[i].str));
        break;
      }
      published.push_back(rows[static_cast<pqxx::result::size_type>(i)][0].as<int64_t>());
      entry_ids.push_back((*replies)[i].str);
    }
    if (!published.empty()) {
      // Entry ids are digits and one dash: no quoting needed in an array literal.
      tx.exec_params(kMarkPublishedSql, absl::StrCat("{", absl::StrJoin(published, ","), "}"),
                     absl::StrCat("{", absl::StrJoin(entry_ids, ","), "}"));
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

void OutboxRelay::ExportMetrics(prometheus::Registry& registry) {
  unpublished_ = &prometheus::BuildGauge()
                      .Name("minyi_outbox_unpublished")
                      .Help("Outbox rows not yet in the event stream")
                      .Register(registry)
                      .Add({});
  oldest_unpublished_ = &prometheus::BuildGauge()
                             .Name("minyi_outbox_oldest_unpublished_seconds")
                             .Help("Age of the oldest outbox row not yet in the event stream; 0 when none")
                             .Register(registry)
                             .Add({});
  unconfirmed_ = &prometheus::BuildGauge()
                      .Name("minyi_outbox_unconfirmed")
                      .Help("Outbox rows in the event stream not yet acknowledged by every consumer group")
                      .Register(registry)
                      .Add({});
  republished_ = &prometheus::BuildCounter()
                      .Name("minyi_outbox_republished_total")
                      .Help("Outbox rows published again because Redis lost their stream entries")
                      .Register(registry)
                      .Add({});
}

absl::Status OutboxRelay::Reconcile(pqxx::work& tx, CheckResult& result) {
  if (!tx.exec(kRelayLockSql)[0][0].as<bool>()) {
    return absl::OkStatus();  // the relay holding the lock checks
  }
  // Rows a relay without entry ids published (an older version, during a rolling upgrade) cannot be
  // checked against the stream: taken as consumed, as that version took them.
  tx.exec(kConfirmUncheckableSql);
  const pqxx::result known = tx.exec_params(kSelectRunSql, stream_);
  const std::string known_run = known.empty() ? "" : known[0][0].as<std::string>();
  // The oldest and newest published rows not yet confirmed; none when every published row is.
  const pqxx::result ends = tx.exec(kOldestAndNewestUnconfirmedSql);

  // Groups first, then what tells whether the stream is still the one our rows went to: a loss happening
  // between the two shows in the latter, so a group's position after a loss never confirms a lost row.
  std::vector<std::vector<std::string>> commands;
  RedisReply info;
  std::vector<std::pair<std::string, const RedisReply*>> groups;  // name, XINFO GROUPS entry
  if (!ends.empty()) {
    ASSIGN_OR_RETURN(info, redis_->Command({"XINFO", "GROUPS", stream_}));
    // An error here is a stream that does not exist: no group, and the checks below see the loss.
    for (const RedisReply& g : info.elements) {
      if (const RedisReply* name = ReplyField(g, "name"); name != nullptr) {
        groups.emplace_back(name->str, &g);
        commands.push_back({"XPENDING", stream_, name->str});
      }
    }
    for (const pqxx::row& end : ends) {
      const std::string entry = end[2].as<std::string>();
      commands.push_back({"XRANGE", stream_, entry, entry});
    }
  }
  commands.push_back({"INFO", "server"});
  ASSIGN_OR_RETURN(std::vector<RedisReply> replies, redis_->Pipeline(commands));
  for (const RedisReply& r : replies) {
    if (r.type == RedisReply::Type::kError) {
      return absl::UnavailableError(absl::StrCat("redis: ", r.str));
    }
  }
  const std::string run = RunId(replies.back());
  if (run.empty()) {
    return absl::UnavailableError("redis INFO server has no run_id");
  }

  if (!ends.empty()) {
    std::string lost;
    if (!known_run.empty() && known_run != run) {
      lost = "redis restarted or failed over";
    }
    for (size_t i = 0; i < ends.size() && lost.empty(); ++i) {
      if (!HoldsEvent(replies[groups.size() + i], ends[static_cast<pqxx::result::size_type>(i)][1].as<std::string>())) {
        lost = "an unconfirmed entry is missing from the stream";
      }
    }
    if (!lost.empty()) {
      result.republished = tx.exec(kRepublishSql).affected_rows();
      log::Warn("redis lost stream entries; publishing the unconfirmed outbox rows again",
                {{"stream", stream_}, {"reason", lost}, {"rows", result.republished}});
    } else if (!groups.empty()) {
      // Every group has read and acknowledged what is before its oldest pending entry, or, with none
      // pending, up to its last delivered one.
      std::optional<EntryId> safe;
      for (size_t i = 0; i < groups.size(); ++i) {
        const RedisReply& pending = replies[i];  // [count, oldest, newest, consumers]
        std::optional<EntryId> point;
        if (pending.elements.size() >= 2 && pending.elements[0].integer > 0) {
          point = ParseEntryId(pending.elements[1].str);
          if (point) {  // the entry just before the oldest pending one
            *point = point->seq > 0 ? EntryId{point->ms, point->seq - 1}
                                    : EntryId{point->ms - 1, std::numeric_limits<uint64_t>::max()};
          }
        } else if (const RedisReply* delivered = ReplyField(*groups[i].second, "last-delivered-id");
                   delivered != nullptr) {
          point = ParseEntryId(delivered->str);
        }
        if (!point) {
          return absl::UnavailableError(absl::StrCat("redis: no position for group ", groups[i].first));
        }
        safe = safe ? std::min(*safe, *point) : *point;
      }
      result.confirmed =
          tx.exec_params(kConfirmSql, std::to_string(safe->ms), std::to_string(safe->seq)).affected_rows();
    }
  }
  if (run != known_run) {
    tx.exec_params(kUpsertRunSql, stream_, run);
  }
  result.pruned = tx.exec_params(kPruneSql, kRetention, kPruneBatch).affected_rows();
  return absl::OkStatus();
}

absl::StatusOr<OutboxRelay::CheckResult> OutboxRelay::Check() {
  CheckResult result;
  RETURN_IF_ERROR(pool_.Transact([&](pqxx::work& tx) -> absl::Status {
    result = CheckResult();  // a retried transaction starts over
    return Reconcile(tx, result);
  }));
  if (republished_ != nullptr) {
    republished_->Increment(static_cast<double>(result.republished));
  }
  RETURN_IF_ERROR(pool_.Read([&](pqxx::transaction_base& tx) {
    const pqxx::row row = tx.exec1(kBacklogSql);
    result.backlog = {row[0].as<int64_t>(), row[1].as<double>(), row[2].as<int64_t>()};
    return absl::OkStatus();
  }));
  if (unpublished_ != nullptr) {
    unpublished_->Set(static_cast<double>(result.backlog.unpublished));
    oldest_unpublished_->Set(result.backlog.oldest_unpublished_s);
    unconfirmed_->Set(static_cast<double>(result.backlog.unconfirmed));
  }
  return result;
}

void OutboxRelay::Loop() {
  absl::Duration backoff = poll_interval_;
  absl::Time next_check = absl::InfinitePast();  // first, before publishing anything
  while (!stop_) {
    if (absl::Now() >= next_check) {
      next_check = absl::Now() + check_interval_;
      if (absl::StatusOr<CheckResult> checked = Check(); !checked.ok()) {
        log::Warn("outbox check failed", {{"stream", stream_}, {"error", checked.status().ToString()}});
      }
    }
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

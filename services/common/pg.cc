#include "pg.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "call.h"
#include "log.h"
#include "status.h"

namespace minyi {

PgPool::PgPool(Options options) : options_(std::move(options)) {}

PgPool::~PgPool() = default;

std::unique_ptr<pqxx::connection> PgPool::Connect() {
  auto conn = std::make_unique<pqxx::connection>(options_.dsn);
  {
    pqxx::nontransaction setup(*conn);
    setup.exec(absl::StrCat("SET search_path TO ", conn->quote_name(options_.schema)));
    setup.exec(absl::StrCat("SET statement_timeout = ", absl::ToInt64Milliseconds(options_.statement_timeout)));
    setup.exec("SET TIME ZONE 'UTC'");
  }
  for (const PreparedStatement& s : options_.statements) {
    conn->prepare(s.name, s.sql);
  }
  return conn;
}

// Connections go to waiting callers in arrival order: a caller that just gave one back cannot take it
// again ahead of those already queued, so under a burst every call waits about as long as the others
// (the tail of latency stays close to the median).
std::unique_ptr<pqxx::connection> PgPool::Take() {
  std::unique_lock<std::mutex> lock(mu_);
  if (waiters_.empty() && !idle_.empty()) {
    auto conn = std::move(idle_.back());
    idle_.pop_back();
    return conn;
  }
  if (waiters_.empty() && open_ < options_.size) {
    ++open_;
  } else {
    Waiter me;
    waiters_.push_back(&me);
    me.handed.wait(lock, [&] { return me.ready; });
    if (me.conn != nullptr) {
      return std::move(me.conn);
    }
  }
  lock.unlock();
  try {
    return Connect();
  } catch (...) {
    Give(nullptr);
    throw;
  }
}

int PgPool::waiting() {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(waiters_.size());
}

void PgPool::Give(std::unique_ptr<pqxx::connection> conn) {
  std::lock_guard<std::mutex> lock(mu_);
  if (conn != nullptr && !conn->is_open()) {
    conn.reset();
  }
  if (!waiters_.empty()) {
    Waiter* next = waiters_.front();
    waiters_.pop_front();
    next->conn = std::move(conn);  // a dropped connection passes its place in the pool on
    next->ready = true;
    next->handed.notify_one();
    return;
  }
  if (conn != nullptr) {
    idle_.push_back(std::move(conn));
  } else {
    --open_;
  }
}

namespace {

// Pauses between retries of a lost connection: the first retry is at once (a pooled connection may be
// stale after a restart the server has already finished), then 25 ms doubling to 500 ms.
constexpr absl::Duration kFirstPause = absl::Milliseconds(25);
constexpr absl::Duration kMaxPause = absl::Milliseconds(500);
// Retrying stops this long before the call's deadline, so that its client gets UNAVAILABLE (which it may
// retry) rather than DEADLINE_EXCEEDED.
constexpr absl::Duration kAnswerMargin = absl::Milliseconds(100);
constexpr int kSerializationAttempts = 3;
// An outage ends at the first success this long after its last failure: under a flapping cause (out of
// connection slots) it stays one outage rather than one log line per failure.
constexpr absl::Duration kOutageQuiet = absl::Seconds(1);
constexpr size_t kMaxCauses = 8;

// Whether a statement failed because the connection was lost or the server is going away, not because of
// the statement: class 08 (connection exception) and 57P01..57P03 (administrator or crash shutdown, not
// accepting connections yet), which libpqxx raises as a plain sql_error.
bool ConnectionLost(const pqxx::sql_error& e) {
  const std::string& state = e.sqlstate();
  return absl::StartsWith(state, "08") || state == "57P01" || state == "57P02" || state == "57P03";
}

// The first line of libpq's message, without the "connection to server at "...", port N failed: " that
// names the server, spaces collapsed: "FATAL: sorry, too many clients already".
std::string Cause(absl::string_view what) {
  absl::string_view line = what.substr(0, what.find('\n'));
  if (const size_t at = line.find(" failed: "); at != absl::string_view::npos) {
    line.remove_prefix(at + 9);
  }
  return absl::StrJoin(absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty()), " ");
}

absl::Status InDoubt() {
  return absl::UnavailableError("database commit outcome unknown; retry with the same Idempotency-Key");
}

}  // namespace

void PgPool::DropIdle() {
  std::vector<std::unique_ptr<pqxx::connection>> dropped;
  std::lock_guard<std::mutex> lock(mu_);
  open_ -= static_cast<int>(idle_.size());
  dropped.swap(idle_);
}

void PgPool::NoteConnectionLost(const std::string& cause) {
  const absl::Time now = absl::Now();
  std::lock_guard<std::mutex> lock(outage_mu_);
  if (outage_.has_value() && outage_->answered && now - outage_->last_failure >= kOutageQuiet) {
    EndOutage();  // the last one ended without a success late enough to say so; this is a new one
  }
  if (!outage_.has_value()) {
    outage_.emplace();
    outage_->since = now;
    in_outage_ = true;
  }
  outage_->last_failure = now;
  outage_->answered = false;
  ++outage_->failures;
  if (outage_->causes.size() < kMaxCauses &&
      std::find(outage_->causes.begin(), outage_->causes.end(), cause) == outage_->causes.end()) {
    outage_->causes.push_back(cause);
    log::Warn("postgres connection lost or refused; retrying", {{"schema", options_.schema}, {"cause", cause}});
  }
}

void PgPool::NoteSuccess() {
  if (!in_outage_.load(std::memory_order_relaxed)) {
    return;
  }
  std::lock_guard<std::mutex> lock(outage_mu_);
  if (!outage_.has_value()) {
    return;
  }
  if (absl::Now() - outage_->last_failure >= kOutageQuiet) {
    EndOutage();
  } else {
    outage_->answered = true;
  }
}

void PgPool::EndOutage() {
  log::Info("postgres reachable again",
            {{"schema", options_.schema},
             {"outage_seconds", absl::ToDoubleSeconds(outage_->last_failure - outage_->since)},
             {"failed_attempts", outage_->failures}});
  outage_.reset();
  in_outage_ = false;
}

absl::Time PgPool::RetryUntil() const {
  const absl::Time deadline = CallDeadline::Current();
  return deadline == absl::InfiniteFuture() ? absl::Now() + options_.retry_budget : deadline - kAnswerMargin;
}

template <typename Tx, typename Fn>
absl::Status PgPool::Run(const Fn& fn, absl::Time retry_until) {
  absl::Duration pause = absl::ZeroDuration();
  int serialization_failures = 0;
  while (true) {
    std::unique_ptr<pqxx::connection> conn;
    bool taken = false;
    bool committing = false;
    // Returns the connection to the pool, or drops it (keep = false). A connection that was never
    // taken (Take threw) was already accounted for.
    auto release = [&](bool keep) {
      if (taken) {
        Give(keep && conn != nullptr && conn->is_open() ? std::move(conn) : nullptr);
        taken = false;
      }
    };
    std::string lost;          // why the connection was lost or refused
    bool established = false;  // lost after it was open, rather than refused
    try {
      conn = Take();
      taken = true;
      Tx tx(*conn);
      absl::Status st = fn(tx);
      if (st.ok()) {
        committing = true;
        tx.commit();
      } else {
        tx.abort();
      }
      release(true);
      NoteSuccess();
      return st;
    } catch (const pqxx::in_doubt_error& e) {
      release(false);
      log::Error("postgres commit in doubt", {{"schema", options_.schema}, {"cause", Cause(e.what())}});
      return InDoubt();
    } catch (const pqxx::broken_connection& e) {
      established = taken;
      release(false);
      lost = Cause(e.what());
    } catch (const pqxx::transaction_rollback& e) {
      // Serialization failure or deadlock: the whole transaction is safe to run again.
      release(true);
      if (++serialization_failures == kSerializationAttempts) {
        return absl::AbortedError("concurrent update; retry");
      }
      continue;
    } catch (const pqxx::unique_violation& e) {
      release(true);
      return AlreadyExists("ALREADY_EXISTS", "a resource with these unique fields already exists");
    } catch (const pqxx::sql_error& e) {
      if (ConnectionLost(e) || (conn != nullptr && !conn->is_open())) {
        established = taken;
        release(false);
        lost = Cause(e.what());
      } else {
        release(true);
        if (e.sqlstate() == "57014") {  // query_canceled: the statement timeout fired
          return absl::DeadlineExceededError("database statement timed out");
        }
        // Parameters travel apart from the SQL text, but log only the state: nothing personal.
        log::Error("postgres error", {{"sqlstate", e.sqlstate()}});
        return absl::InternalError("database error");
      }
    } catch (const std::exception& e) {
      release(true);
      log::Error("transaction failed", {{"error", e.what()}});
      return absl::InternalError("internal error");
    }
    if (committing) {  // COMMIT was sent: it may have taken effect, so running the work again could repeat it
      log::Error("postgres connection lost during commit", {{"schema", options_.schema}, {"cause", lost}});
      return InDoubt();
    }
    NoteConnectionLost(lost);
    if (established) {
      DropIdle();  // opened before the loss as this one was, they are most likely lost too
    }
    if (pause > absl::ZeroDuration() && absl::Now() + pause > retry_until) {
      return absl::UnavailableError("database unavailable");
    }
    absl::SleepFor(pause);
    pause = pause == absl::ZeroDuration() ? kFirstPause : std::min(pause * 2, kMaxPause);
  }
}

absl::Status PgPool::Transact(const std::function<absl::Status(pqxx::work&)>& fn) {
  return Run<pqxx::work>(fn, RetryUntil());
}

absl::Status PgPool::Read(const std::function<absl::Status(pqxx::transaction_base&)>& fn) {
  return Run<pqxx::nontransaction>(fn, RetryUntil());
}

absl::Status PgPool::Ping() {
  return Run<pqxx::nontransaction>(
      [](pqxx::transaction_base& tx) {
        tx.exec("SELECT 1");
        return absl::OkStatus();
      },
      absl::Now());
}

}  // namespace minyi

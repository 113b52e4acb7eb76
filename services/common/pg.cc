#include "pg.h"

#include "absl/strings/str_cat.h"
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

template <typename Tx, typename Fn>
absl::Status PgPool::Run(const Fn& fn) {
  constexpr int kAttempts = 3;
  absl::Status last;
  for (int attempt = 1; attempt <= kAttempts; ++attempt) {
    std::unique_ptr<pqxx::connection> conn;
    bool taken = false;
    // Returns the connection to the pool, or drops it (keep = false). A connection that was never
    // taken (Take threw) was already accounted for.
    auto release = [&](bool keep) {
      if (taken) {
        Give(keep && conn != nullptr && conn->is_open() ? std::move(conn) : nullptr);
        taken = false;
      }
    };
    try {
      conn = Take();
      taken = true;
      Tx tx(*conn);
      absl::Status st = fn(tx);
      if (st.ok()) {
        tx.commit();
      } else {
        tx.abort();
      }
      release(true);
      return st;
    } catch (const pqxx::broken_connection& e) {
      // Nothing was committed on this connection: try a fresh one.
      release(false);
      last = absl::UnavailableError("database unavailable");
      log::Warn("postgres connection lost", {{"attempt", attempt}});
    } catch (const pqxx::in_doubt_error& e) {
      release(false);
      log::Error("postgres commit in doubt");
      return absl::UnavailableError("database commit outcome unknown; retry with the same Idempotency-Key");
    } catch (const pqxx::transaction_rollback& e) {
      // Serialization failure or deadlock: the whole transaction is safe to run again.
      release(true);
      last = absl::AbortedError("concurrent update; retry");
    } catch (const pqxx::unique_violation& e) {
      release(true);
      return AlreadyExists("ALREADY_EXISTS", "a resource with these unique fields already exists");
    } catch (const pqxx::sql_error& e) {
      release(true);
      if (e.sqlstate() == "57014") {  // query_canceled: the statement timeout fired
        return absl::DeadlineExceededError("database statement timed out");
      }
      // Parameters travel apart from the SQL text, but log only the state: nothing personal.
      log::Error("postgres error", {{"sqlstate", e.sqlstate()}});
      return absl::InternalError("database error");
    } catch (const std::exception& e) {
      release(true);
      log::Error("transaction failed", {{"error", e.what()}});
      return absl::InternalError("internal error");
    }
  }
  return last;
}

absl::Status PgPool::Transact(const std::function<absl::Status(pqxx::work&)>& fn) { return Run<pqxx::work>(fn); }

absl::Status PgPool::Read(const std::function<absl::Status(pqxx::transaction_base&)>& fn) {
  return Run<pqxx::nontransaction>(fn);
}

absl::Status PgPool::Ping() {
  return Read([](pqxx::transaction_base& tx) {
    tx.exec("SELECT 1");
    return absl::OkStatus();
  });
}

}  // namespace minyi

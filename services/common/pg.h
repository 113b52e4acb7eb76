#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "pqxx/pqxx"

namespace minyi {

// A named SQL statement with $1.. parameters. Every query a service runs is one of these, prepared on
// each pooled connection, so user input never reaches SQL text.
struct PreparedStatement {
  std::string name;
  std::string sql;
};

// A fixed-size pool of PostgreSQL connections. Each connection has the service's schema as its
// search_path, a statement timeout, and every registered statement prepared.
class PgPool final {
 public:
  struct Options {
    std::string dsn;
    std::string schema;
    int size = 8;
    absl::Duration statement_timeout = absl::Seconds(5);
    // How long a call retries a lost or refused connection when it serves no call with a deadline
    // (CallDeadline in call.h): background work, or a client that set none.
    absl::Duration retry_budget = absl::Seconds(3);
    std::vector<PreparedStatement> statements;
  };

  explicit PgPool(Options options);
  ~PgPool();
  PgPool(const PgPool&) = delete;
  PgPool& operator=(const PgPool&) = delete;

  // Runs `fn` in one transaction and commits when it returns OK; an error status or an exception rolls
  // back. A connection lost before COMMIT was sent, or refused (the server restarting, out of
  // connection slots), is retried on a fresh connection with a growing pause for as long as the call's
  // deadline (less a margin to answer in) or else Options::retry_budget allows, then becomes UNAVAILABLE;
  // a connection lost during COMMIT is never retried (outcome unknown). Other database failures become
  // INTERNAL; serialization failures are retried.
  absl::Status Transact(const std::function<absl::Status(pqxx::work&)>& fn);

  // Like Transact, with a value.
  template <typename T>
  absl::StatusOr<T> TransactValue(const std::function<absl::StatusOr<T>(pqxx::work&)>& fn) {
    absl::StatusOr<T> out = absl::InternalError("transaction did not run");
    absl::Status st = Transact([&](pqxx::work& tx) -> absl::Status {
      out = fn(tx);
      return out.status();
    });
    if (!st.ok()) {
      return st;
    }
    return out;
  }

  // Runs read-only `fn` without BEGIN/COMMIT (autocommit): one round trip per statement. For reads that
  // are one statement, or that need no single snapshot across their statements.
  absl::Status Read(const std::function<absl::Status(pqxx::transaction_base&)>& fn);

  // SELECT 1 on a pooled connection, and once more on a fresh one if that one was lost: readiness says
  // how the database is now, without waiting for it.
  absl::Status Ping();

  // Callers queued for a connection right now: above zero, the pool is the bottleneck.
  int waiting();

  const Options& options() const { return options_; }

 private:
  template <typename Tx, typename Fn>
  absl::Status Run(const Fn& fn, absl::Time retry_until);
  absl::Time RetryUntil() const;
  std::unique_ptr<pqxx::connection> Connect();
  std::unique_ptr<pqxx::connection> Take();
  void Give(std::unique_ptr<pqxx::connection> conn);
  void DropIdle();
  // An outage is logged once, with each distinct cause once, however many calls hit it; it ends at the
  // first success a second after the last failure, with one line saying how long it lasted.
  void NoteConnectionLost(const std::string& cause);
  void NoteSuccess();
  void EndOutage();  // with outage_mu_ held

  // A caller queued in Take. Give hands it a connection, or (when a broken one was dropped) the right to
  // open a new one, and wakes only that caller.
  struct Waiter {
    std::condition_variable handed;
    bool ready = false;
    std::unique_ptr<pqxx::connection> conn;  // null with ready: open a new connection
  };

  Options options_;
  std::mutex mu_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;  // guarded by mu_
  std::deque<Waiter*> waiters_;                          // guarded by mu_; served first come, first served
  int open_ = 0;                                         // guarded by mu_

  struct Outage {
    absl::Time since;
    absl::Time last_failure;
    int64_t failures = 0;
    bool answered = false;            // a call succeeded since the last failure
    std::vector<std::string> causes;  // logged already
  };
  std::atomic<bool> in_outage_{false};
  std::mutex outage_mu_;
  std::optional<Outage> outage_;  // guarded by outage_mu_
};

}  // namespace minyi

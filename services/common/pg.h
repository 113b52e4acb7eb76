#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
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
    std::vector<PreparedStatement> statements;
  };

  explicit PgPool(Options options);
  ~PgPool();
  PgPool(const PgPool&) = delete;
  PgPool& operator=(const PgPool&) = delete;

  // Runs `fn` in one transaction and commits when it returns OK; an error status or an exception rolls
  // back. Database failures become UNAVAILABLE (connection lost, retried once on a fresh connection
  // before any work is visible) or INTERNAL; serialization failures are retried.
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

  // SELECT 1 on a pooled connection.
  absl::Status Ping();

  // Callers queued for a connection right now: above zero, the pool is the bottleneck.
  int waiting();

  const Options& options() const { return options_; }

 private:
  template <typename Tx, typename Fn>
  absl::Status Run(const Fn& fn);
  std::unique_ptr<pqxx::connection> Connect();
  std::unique_ptr<pqxx::connection> Take();
  void Give(std::unique_ptr<pqxx::connection> conn);

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
};

}  // namespace minyi

// The connection pool against a real PostgreSQL: connections go to queued callers first come, first served;
// a lost or refused connection is retried within the call's budget, and its cause logged once.

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/call.h"
#include "common/migrate.h"
#include "common/pg.h"
#include "gtest/gtest.h"
#include "support/harness.h"

namespace minyi {
namespace {

using testing::Eventually;
using testing::PostgresServer;

constexpr char kSchema[] = "pooltest";

class PgPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dsn_ = PostgresServer::Shared().CreateDatabase();
    ASSERT_TRUE(ApplyMigrations(dsn_, kSchema, {}).ok());
    pool_ = std::make_unique<PgPool>(PgPool::Options{.dsn = dsn_, .schema = kSchema, .size = 1, .statements = {}});
  }

  // Runs a one-statement transaction and records `who` got the connection.
  void Use(const std::string& who) {
    ASSERT_TRUE(pool_
                    ->Transact([&](pqxx::work& tx) {
                      tx.exec("SELECT 1");
                      std::lock_guard<std::mutex> lock(mu_);
                      order_.push_back(who);
                      return absl::OkStatus();
                    })
                    .ok());
  }

  // Holds the only connection until `release` is notified.
  std::thread Hold(absl::Notification& held, absl::Notification& release) {
    return std::thread([&] {
      ASSERT_TRUE(pool_
                      ->Transact([&](pqxx::work&) {
                        held.Notify();
                        release.WaitForNotification();
                        return absl::OkStatus();
                      })
                      .ok());
    });
  }

  std::vector<std::string> Order() {
    std::lock_guard<std::mutex> lock(mu_);
    return order_;
  }

  std::string dsn_;
  std::unique_ptr<PgPool> pool_;
  std::mutex mu_;
  std::vector<std::string> order_;
};

TEST_F(PgPoolTest, QueuedCallersGetTheConnectionInArrivalOrder) {
  absl::Notification held, release;
  std::thread holder = Hold(held, release);
  held.WaitForNotification();
  std::vector<std::thread> callers;
  for (int i = 0; i < 5; ++i) {
    callers.emplace_back([this, i] { Use(absl::StrCat("caller-", i)); });
    ASSERT_TRUE(Eventually([&] { return pool_->waiting() == i + 1; }));
  }
  release.Notify();
  holder.join();
  for (std::thread& t : callers) {
    t.join();
  }
  EXPECT_EQ(Order(), (std::vector<std::string>{"caller-0", "caller-1", "caller-2", "caller-3", "caller-4"}));
  EXPECT_EQ(pool_->waiting(), 0);
}

TEST_F(PgPoolTest, CallerGivingTheConnectionBackCannotTakeItAgainAheadOfTheQueue) {
  absl::Notification held, release;
  std::thread holder([&] {
    ASSERT_TRUE(pool_
                    ->Transact([&](pqxx::work&) {
                      held.Notify();
                      release.WaitForNotification();
                      return absl::OkStatus();
                    })
                    .ok());
    Use("holder-again");  // at once, while the queued caller is still being woken
  });
  held.WaitForNotification();
  std::thread queued([this] { Use("queued"); });
  ASSERT_TRUE(Eventually([&] { return pool_->waiting() == 1; }));
  release.Notify();
  holder.join();
  queued.join();
  EXPECT_EQ(Order(), (std::vector<std::string>{"queued", "holder-again"}));
}

// A PostgreSQL of its own, stopped and started by the tests below, with a pool of four connections
// writing to it.
class PgPoolRestartTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dsn_ = server_.CreateDatabase();
    pool_ = std::make_unique<PgPool>(PgPool::Options{.dsn = dsn_, .schema = kSchema, .size = 4, .statements = {}});
    ASSERT_TRUE(ApplyMigrations(dsn_, kSchema, {}).ok());
    ASSERT_TRUE(pool_
                    ->Transact([](pqxx::work& tx) {
                      tx.exec("CREATE TABLE writes (writer int NOT NULL, n int NOT NULL, PRIMARY KEY (writer, n))");
                      return absl::OkStatus();
                    })
                    .ok());
  }

  absl::Status Write(int writer, int n) {
    return pool_->Transact([&](pqxx::work& tx) {
      tx.exec_params("INSERT INTO writes (writer, n) VALUES ($1, $2)", writer, n);
      return absl::OkStatus();
    });
  }

  int64_t Rows() {
    pqxx::connection conn(dsn_);
    pqxx::nontransaction tx(conn);
    return tx.exec1("SELECT count(*) FROM pooltest.writes")[0].as<int64_t>();
  }

  testing::PostgresServer server_;
  std::string dsn_;
  std::unique_ptr<PgPool> pool_;
};

// Everything written to stderr while it lives, readable at any moment: gtest's capture can only be read by
// ending it, and a line written before it is started again would be lost.
class StderrCapture final {
 public:
  StderrCapture() {
    std::fflush(stderr);
    saved_ = dup(STDERR_FILENO);
    file_ = std::tmpfile();
    dup2(fileno(file_), STDERR_FILENO);
  }
  ~StderrCapture() {
    std::fflush(stderr);
    dup2(saved_, STDERR_FILENO);
    close(saved_);
    std::fclose(file_);
  }
  StderrCapture(const StderrCapture&) = delete;
  StderrCapture& operator=(const StderrCapture&) = delete;

  std::string Contents() const {
    std::fflush(stderr);
    std::string out;
    char buf[4096];
    for (off_t at = 0;;) {
      const ssize_t n = pread(fileno(file_), buf, sizeof buf, at);
      if (n <= 0) {
        return out;
      }
      out.append(buf, static_cast<size_t>(n));
      at += n;
    }
  }

 private:
  int saved_ = -1;
  std::FILE* file_ = nullptr;
};

// The log lines of the pool's outage reports in `log`.
std::vector<std::string> LostLines(const std::string& log) {
  std::vector<std::string> out;
  for (absl::string_view line : absl::StrSplit(log, '\n')) {
    if (absl::StrContains(line, "postgres connection lost or refused")) {
      out.emplace_back(line);
    }
  }
  return out;
}

TEST_F(PgPoolRestartTest, WritesDuringARestartSucceedOnceTheDatabaseIsBackAndTheCauseIsLoggedOnce) {
  constexpr int kWriters = 8;
  std::atomic<bool> restarted{false};
  std::atomic<int> written_after_restart{0};
  std::atomic<int> failed{0};
  std::atomic<int> in_doubt{0};  // the connection was lost with COMMIT sent: never retried, either outcome
  std::atomic<int> acknowledged{0};
  std::mutex mu;
  std::vector<std::string> errors;
  ::testing::internal::CaptureStderr();
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      // Each write is a call with a 10 s deadline, as a gRPC handler runs under its client's deadline.
      for (int n = 0; !restarted || n < 1000; ++n) {
        const CallDeadline deadline(absl::Now() + absl::Seconds(10));
        const absl::Status st = Write(w, n);
        acknowledged += st.ok() ? 1 : 0;
        if (!st.ok() && absl::StrContains(st.message(), "outcome unknown")) {
          ++in_doubt;
        } else if (!st.ok()) {
          ++failed;
          std::lock_guard<std::mutex> lock(mu);
          errors.push_back(st.ToString());
        } else if (restarted && ++written_after_restart >= 5 * kWriters) {
          return;
        }
      }
    });
  }
  ASSERT_TRUE(testing::Eventually([&] { return Rows() >= 50; }));
  // A half-second outage, as `pg_ctl restart -m fast` makes one: fast shutdown, pause, start.
  server_.Stop();
  absl::SleepFor(absl::Milliseconds(500));
  server_.Start();
  restarted = true;
  for (std::thread& t : writers) {
    t.join();
  }
  const std::string log = ::testing::internal::GetCapturedStderr();
  // Every write succeeded but those whose COMMIT the shutdown caught, which are never run again.
  EXPECT_EQ(failed, 0) << (errors.empty() ? "" : errors.front());
  // Every acknowledged write is there, once (a repeat would have failed on the primary key).
  EXPECT_GE(Rows(), acknowledged);
  EXPECT_LE(Rows(), acknowledged + in_doubt);
  const std::vector<std::string> lines = LostLines(log);
  ASSERT_FALSE(lines.empty()) << log;
  EXPECT_LE(lines.size(), 8u) << log;  // one line per distinct cause, however many writers hit it
  bool named = false;
  for (const std::string& line : lines) {
    named = named || absl::StrContains(line, "terminating connection due to administrator command") ||
            absl::StrContains(line, "Connection refused") || absl::StrContains(line, "starting up") ||
            absl::StrContains(line, "shutting down");
    EXPECT_FALSE(absl::StrContains(line, "postgresql://")) << line;
  }
  EXPECT_TRUE(named) << log;
}

TEST_F(PgPoolRestartTest, ARefusedConnectionIsRetriedUntilASlotFreesAndItsCauseLogged) {
  // A role allowed one connection: the pool's second one is refused as "too many clients" would be.
  {
    pqxx::connection conn(dsn_);
    pqxx::nontransaction tx(conn);
    tx.exec("CREATE ROLE pool_limited LOGIN CONNECTION LIMIT 1");
    tx.exec("CREATE SCHEMA limited AUTHORIZATION pool_limited");
  }
  const std::string limited =
      absl::StrCat("postgresql://pool_limited@127.0.0.1:", server_.port(), dsn_.substr(dsn_.rfind('/')));
  // Captured from before the pool exists: its first refusal may come from any of its connections.
  StderrCapture captured;
  PgPool pool(PgPool::Options{.dsn = limited, .schema = "limited", .size = 2, .statements = {}});
  absl::Notification held, release;
  std::thread holder([&] {
    EXPECT_TRUE(pool.Transact([&](pqxx::work&) {
                      held.Notify();
                      release.WaitForNotification();
                      return absl::OkStatus();
                    })
                    .ok());
  });
  held.WaitForNotification();
  absl::Status second;
  std::thread caller([&] {
    const CallDeadline deadline(absl::Now() + absl::Seconds(20));
    second = pool.Transact([](pqxx::work& tx) {
      tx.exec("SELECT 1");
      return absl::OkStatus();
    });
  });
  // The refusal is logged once, with PostgreSQL's words and nothing of the DSN, while the call retries.
  ASSERT_TRUE(testing::Eventually([&] { return !LostLines(captured.Contents()).empty(); })) << captured.Contents();
  release.Notify();
  holder.join();
  caller.join();
  const std::string log = captured.Contents();
  EXPECT_TRUE(second.ok()) << second;
  const std::vector<std::string> lines = LostLines(log);
  ASSERT_EQ(lines.size(), 1u) << log;
  EXPECT_TRUE(absl::StrContains(lines[0], "FATAL: too many connections for role")) << lines[0];
  EXPECT_FALSE(absl::StrContains(lines[0], "127.0.0.1")) << lines[0];
}

TEST_F(PgPoolRestartTest, ACallWhoseDeadlineIsShorterThanTheOutageFailsUnavailableWithinIt) {
  ASSERT_TRUE(Write(0, 0).ok());
  server_.Stop();
  const absl::Time start = absl::Now();
  absl::Status st;
  {
    const CallDeadline deadline(start + absl::Seconds(1));
    st = Write(0, 1);
  }
  const absl::Duration took = absl::Now() - start;
  EXPECT_EQ(st.code(), absl::StatusCode::kUnavailable) << st;
  EXPECT_EQ(st.message(), "database unavailable");  // the cause goes to the log, not to the client
  EXPECT_GE(took, absl::Milliseconds(500)) << "it retried for most of its deadline";
  EXPECT_LT(took, absl::Seconds(1)) << "and answered before the deadline";
  server_.Start();
  EXPECT_TRUE(Write(0, 1).ok());
  EXPECT_EQ(Rows(), 2);
}

TEST_F(PgPoolRestartTest, WithoutACallDeadlineTheRetryBudgetBoundsTheRetries) {
  PgPool pool(PgPool::Options{
      .dsn = dsn_, .schema = kSchema, .size = 1, .retry_budget = absl::Milliseconds(300), .statements = {}});
  ASSERT_TRUE(pool.Ping().ok());
  server_.Stop();
  const absl::Time start = absl::Now();
  const absl::Status st = pool.Transact([](pqxx::work& tx) {
    tx.exec("SELECT 1");
    return absl::OkStatus();
  });
  EXPECT_EQ(st.code(), absl::StatusCode::kUnavailable) << st;
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  server_.Start();
}

TEST_F(PgPoolRestartTest, PingAnswersAtOnceWhileTheDatabaseIsDown) {
  PgPool pool(PgPool::Options{.dsn = dsn_, .schema = kSchema, .size = 1, .retry_budget = absl::Minutes(5)});
  ASSERT_TRUE(pool.Ping().ok());
  server_.Stop();
  const absl::Time start = absl::Now();
  EXPECT_EQ(pool.Ping().code(), absl::StatusCode::kUnavailable);
  EXPECT_LT(absl::Now() - start, absl::Seconds(30)) << "not the 5 min budget";
  server_.Start();
  EXPECT_TRUE(pool.Ping().ok()) << "the stale connection is replaced at once";
}

}  // namespace
}  // namespace minyi

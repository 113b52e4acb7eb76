// The connection pool against a real PostgreSQL: connections go to queued callers first come, first served.

#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
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

}  // namespace
}  // namespace minyi

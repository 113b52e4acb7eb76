// No notification is lost and none is doubled when Redis restarts mid-stream or the service is killed
// mid-batch: 10,000 events each, produced through the real outbox relay.

#include <signal.h>

#include <thread>

#include "absl/strings/str_cat.h"
#include "integration/notifications/fixture.h"
#include "minyi/suggestions/v1/events.pb.h"

namespace minyi::testing {
namespace {

constexpr int kEvents = 10000;

class ResilienceTest : public NotificationsTest {
 protected:
  // Writes `count` assignment events for `dept` to the outbox in a few large transactions.
  static void EmitAssignments(const std::string& dept, int count) {
    constexpr int kPerTransaction = 1000;
    for (int start = 0; start < count; start += kPerTransaction) {
      absl::Status st = outbox_->Transact([&](pqxx::work& tx) {
        for (int i = start; i < std::min(count, start + kPerTransaction); ++i) {
          minyi::suggestions::v1::SuggestionAssigned assigned;
          assigned.set_reference(absl::StrCat("suggestions/", i + 1));
          assigned.set_title(absl::StrCat("建议第", i + 1, "号"));
          assigned.set_department(dept);
          assigned.set_deadline("2026-12-31");
          EmitEvent(tx, assigned, assigned.reference(), "acct-test");
        }
        return absl::OkStatus();
      });
      ASSERT_TRUE(st.ok()) << st;
    }
  }

  static int64_t Notified(const Notifications& n, const std::string& account) {
    return Count(n.dsn,
                 absl::StrCat("SELECT count(*) FROM notifications.notifications WHERE account = '", account, "'"));
  }

  // Holds as soon as `account` has at least `count` messages (polling on one connection, so the stream
  // is still flowing when it returns); fails after a minute.
  static ::testing::AssertionResult WaitForAtLeast(const Notifications& n, const std::string& account, int64_t count) {
    pqxx::connection c(n.dsn);
    pqxx::nontransaction tx(c);
    return Eventually(
        [&] {
          return tx.exec_params1("SELECT count(*) FROM notifications.notifications WHERE account = $1", account)[0]
                     .as<int64_t>() >= count;
        },
        absl::Minutes(1));
  }

  // Every event reached the account exactly once, and exactly one webhook delivery exists for each.
  static void ExpectExactlyOnce(const Notifications& n, const std::string& account) {
    EXPECT_EQ(Notified(n, account), kEvents);
    EXPECT_EQ(Count(n.dsn, absl::StrCat("SELECT count(DISTINCT event_id) FROM notifications.notifications "
                                        "WHERE account = '",
                                        account, "'")),
              kEvents);
    EXPECT_EQ(Count(n.dsn, absl::StrCat("SELECT count(DISTINCT reference) FROM notifications.notifications "
                                        "WHERE account = '",
                                        account, "'")),
              kEvents);
    EXPECT_EQ(
        Count(n.dsn, absl::StrCat("SELECT count(*) FROM notifications.deliveries WHERE account = '", account, "'")),
        kEvents);
  }
};

TEST_F(ResilienceTest, RedisRestartedMidStreamLosesAndDoublesNothing) {
  RedisServer redis;  // its own, with AOF: a restart keeps the stream and the consumer group
  Notifications n = StartNotifications({}, redis.addr());
  const std::string dept = Unique("REDIS");
  const std::string account = CreateAccount(minyi::common::v1::ROLE_DEPARTMENT, dept);
  EmitAssignments(dept, kEvents);

  // The relay keeps publishing while Redis goes away and comes back, as the emitting service's would.
  OutboxRelay relay(*outbox_, redis.addr(), std::string(kEventStream), absl::Milliseconds(20));
  relay.Start();
  ASSERT_TRUE(WaitForAtLeast(n, account, 500)) << n.process->Log();
  redis.Stop();
  EXPECT_LT(Notified(n, account), kEvents);  // it went away mid-stream
  // The outage itself, not a wait: 2 s of failing reads and writes, long enough for the relay and the
  // consumer to back off more than once (both start at 100 ms or less and double).
  absl::SleepFor(absl::Seconds(2));
  redis.Start();
  ASSERT_TRUE(Eventually([&] { return Notified(n, account) >= kEvents; }, absl::Seconds(180))) << n.process->Log();
  relay.Stop();
  // Every entry handed out and acknowledged: nothing doubled can still arrive.
  ASSERT_TRUE(Eventually([&] { return GroupCaughtUp(redis.addr(), "notifications"); })) << n.process->Log();
  ExpectExactlyOnce(n, account);
  EXPECT_EQ(Count(*dsn_, "SELECT count(*) FROM scratch.outbox WHERE published_at IS NULL"), 0);
}

TEST_F(ResilienceTest, KilledMidBatchAndRestartedLosesAndDoublesNothing) {
  RedisServer redis;
  const std::string dsn = PostgresServer::Shared().CreateDatabase();
  Notifications n = StartNotifications({}, redis.addr(), dsn);
  const std::string dept = Unique("KILL");
  const std::string account = CreateAccount(minyi::common::v1::ROLE_DEPARTMENT, dept);
  EmitAssignments(dept, kEvents);
  OutboxRelay relay(*outbox_, redis.addr(), std::string(kEventStream), absl::Milliseconds(20));
  relay.Start();

  ASSERT_TRUE(WaitForAtLeast(n, account, 500)) << n.process->Log();
  n.process->Signal(SIGKILL);
  EXPECT_EQ(n.process->Wait(absl::Seconds(10)), 128 + SIGKILL);
  const int64_t at_kill = Notified(n, account);
  EXPECT_LT(at_kill, kEvents);  // it died mid-stream

  // Same database, same consumer group: what the dead process held pending is claimed again.
  Notifications again = StartNotifications({}, redis.addr(), dsn);
  ASSERT_TRUE(Eventually([&] { return Notified(again, account) >= kEvents; }, absl::Seconds(180)))
      << again.process->Log();
  relay.Stop();
  ASSERT_TRUE(Eventually([&] { return GroupCaughtUp(redis.addr(), "notifications"); })) << again.process->Log();
  ExpectExactlyOnce(again, account);
}

}  // namespace
}  // namespace minyi::testing

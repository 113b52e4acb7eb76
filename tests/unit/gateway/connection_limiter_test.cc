#include "connection_limiter.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace minyi::gateway {
namespace {

using Outcome = ConnectionLimiter::Outcome;

ConnectionLimiter::Limits Limits(int total, int per_address, int refusing) {
  ConnectionLimiter::Limits limits;
  limits.max_total = total;
  limits.max_per_address = per_address;
  limits.max_refusing = refusing;
  return limits;
}

TEST(ConnectionLimiterTest, CapsEachAddressWithoutTouchingOthers) {
  ConnectionLimiter limiter(Limits(100, 2, 10));
  EXPECT_EQ(limiter.Admit("10.0.0.1").outcome, Outcome::kAdmitted);
  EXPECT_EQ(limiter.Admit("10.0.0.1").outcome, Outcome::kAdmitted);
  ConnectionLimiter::Admission third = limiter.Admit("10.0.0.1");
  EXPECT_EQ(third.outcome, Outcome::kRefusedPerAddress);
  EXPECT_TRUE(third.answer);
  EXPECT_EQ(limiter.Admit("10.0.0.2").outcome, Outcome::kAdmitted);
  EXPECT_EQ(limiter.counts().open, 3);
  EXPECT_EQ(limiter.counts().refusing, 1);
}

TEST(ConnectionLimiterTest, ZeroMeansNoCapPerAddress) {
  ConnectionLimiter limiter(Limits(3, 0, 10));
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(limiter.Admit("10.0.0.1").outcome, Outcome::kAdmitted);
  }
  EXPECT_EQ(limiter.Admit("10.0.0.1").outcome, Outcome::kRefusedTotal);
}

TEST(ConnectionLimiterTest, ReleasingMakesRoomAgain) {
  ConnectionLimiter limiter(Limits(2, 1, 10));
  ConnectionLimiter::Admission a = limiter.Admit("10.0.0.1");
  EXPECT_EQ(limiter.Admit("10.0.0.2").outcome, Outcome::kAdmitted);
  EXPECT_EQ(limiter.Admit("10.0.0.3").outcome, Outcome::kRefusedTotal);
  EXPECT_EQ(limiter.Admit("10.0.0.1").outcome, Outcome::kRefusedPerAddress);
  limiter.Release(a.id);
  EXPECT_EQ(limiter.Admit("10.0.0.1").outcome, Outcome::kAdmitted);
}

TEST(ConnectionLimiterTest, RefusalsBeyondTheirSlotsAreNotAnswered) {
  ConnectionLimiter limiter(Limits(1, 0, 2));
  limiter.Admit("10.0.0.1");
  ConnectionLimiter::Admission first = limiter.Admit("10.0.0.2");
  ConnectionLimiter::Admission second = limiter.Admit("10.0.0.3");
  ConnectionLimiter::Admission third = limiter.Admit("10.0.0.4");
  EXPECT_TRUE(first.answer);
  EXPECT_TRUE(second.answer);
  EXPECT_FALSE(third.answer);
  EXPECT_EQ(third.id, 0u);
  EXPECT_EQ(limiter.counts().refusing, 2);
  limiter.Release(first.id);
  EXPECT_TRUE(limiter.Admit("10.0.0.5").answer);
  EXPECT_EQ(limiter.counts().open, 1) << "refusals never count as open";
}

TEST(ConnectionLimiterTest, TheOldestIdleConnectionMakesRoomAtTheTotalCap) {
  ConnectionLimiter limiter(Limits(3, 0, 10));
  std::vector<std::string> closed;
  ConnectionLimiter::Admission a = limiter.Admit("10.0.0.1");
  ConnectionLimiter::Admission b = limiter.Admit("10.0.0.2");
  ConnectionLimiter::Admission c = limiter.Admit("10.0.0.3");
  limiter.MarkIdle(b.id, [&] { closed.push_back("b"); });
  limiter.MarkIdle(a.id, [&] { closed.push_back("a"); });

  ConnectionLimiter::Admission d = limiter.Admit("10.0.0.4");
  ASSERT_EQ(d.outcome, Outcome::kAdmitted);
  ASSERT_TRUE(d.evict);
  d.evict();
  EXPECT_EQ(closed, std::vector<std::string>{"b"}) << "b went idle first";
  EXPECT_FALSE(limiter.MarkBusy(b.id)) << "an evicted connection must not be served";
  limiter.Release(b.id);  // its socket closing later changes nothing
  EXPECT_EQ(limiter.counts().open, 3);

  EXPECT_TRUE(limiter.MarkBusy(a.id)) << "a request arrived on a: no longer idle";
  EXPECT_EQ(limiter.Admit("10.0.0.5").outcome, Outcome::kRefusedTotal) << "nothing idle left to close";
  limiter.Release(c.id);
  EXPECT_EQ(limiter.Admit("10.0.0.5").outcome, Outcome::kAdmitted);
}

TEST(ConnectionLimiterTest, AnAddressAtItsCapClosesItsOwnIdleConnectionFirst) {
  ConnectionLimiter limiter(Limits(10, 2, 10));
  bool other_closed = false;
  bool own_closed = false;
  ConnectionLimiter::Admission other = limiter.Admit("10.0.0.9");
  limiter.MarkIdle(other.id, [&] { other_closed = true; });
  ConnectionLimiter::Admission own = limiter.Admit("10.0.0.1");
  limiter.Admit("10.0.0.1");
  limiter.MarkIdle(own.id, [&] { own_closed = true; });

  ConnectionLimiter::Admission next = limiter.Admit("10.0.0.1");
  ASSERT_EQ(next.outcome, Outcome::kAdmitted);
  ASSERT_TRUE(next.evict);
  next.evict();
  EXPECT_TRUE(own_closed);
  EXPECT_FALSE(other_closed) << "another address's idle connection is not this address's room";
}

TEST(ConnectionLimiterTest, FreshConnectionsAreNotIdle) {
  // A connection that never completed a request is for the header timeout to end, not for eviction.
  ConnectionLimiter limiter(Limits(1, 0, 10));
  limiter.Admit("10.0.0.1");
  ConnectionLimiter::Admission next = limiter.Admit("10.0.0.2");
  EXPECT_EQ(next.outcome, Outcome::kRefusedTotal);
  EXPECT_FALSE(next.evict);
}

TEST(ConnectionLimiterTest, DrainingEvictsEveryIdleConnectionAndNoBusyOne) {
  ConnectionLimiter limiter(Limits(100, 0, 10));
  const std::uint64_t idle_a = limiter.Admit("10.0.0.1").id;
  const std::uint64_t idle_b = limiter.Admit("10.0.0.2").id;
  const std::uint64_t busy = limiter.Admit("10.0.0.2").id;
  int closed = 0;
  limiter.MarkIdle(idle_a, [&closed] { ++closed; });
  limiter.MarkIdle(idle_b, [&closed] { ++closed; });
  limiter.MarkIdle(busy, [&closed] { closed += 100; });
  ASSERT_TRUE(limiter.MarkBusy(busy));

  std::vector<std::function<void()>> closes = limiter.EvictIdle();
  ASSERT_EQ(closes.size(), 2u);
  for (std::function<void()>& close : closes) {
    close();
  }
  EXPECT_EQ(closed, 2);
  EXPECT_FALSE(limiter.MarkBusy(idle_a)) << "evicted: its session must not serve it";
  EXPECT_EQ(limiter.counts().open, 1);
  EXPECT_EQ(limiter.counts().idle, 0);
  EXPECT_TRUE(limiter.EvictIdle().empty());
}

TEST(ConnectionLimiterTest, AddressKeys) {
  namespace ip = boost::asio::ip;
  EXPECT_EQ(ConnectionLimiter::AddressKey(ip::make_address("192.0.2.7")), "192.0.2.7");
  EXPECT_EQ(ConnectionLimiter::AddressKey(ip::make_address("::ffff:192.0.2.7")), "192.0.2.7");
  EXPECT_EQ(ConnectionLimiter::AddressKey(ip::make_address("2001:db8:1:2:3:4:5:6")), "2001:db8:1:2::/64");
  EXPECT_EQ(ConnectionLimiter::AddressKey(ip::make_address("2001:db8:1:2:ffff::1")),
            ConnectionLimiter::AddressKey(ip::make_address("2001:db8:1:2::9")));
}

}  // namespace
}  // namespace minyi::gateway

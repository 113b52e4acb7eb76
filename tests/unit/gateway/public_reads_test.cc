#include "public_reads.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace minyi::gateway {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1796000000);

PublicRateLimiter::Limits Limits(int per_second, int burst, int max_addresses = 100000) {
  return {.per_second = per_second, .burst = burst, .max_addresses = max_addresses};
}

TEST(PublicRateLimiterTest, AdmitsTheBurstAtOnceThenRefusesWithTheWaitForOneToken) {
  PublicRateLimiter limiter(Limits(2, 3));
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(limiter.Take("10.0.0.1", kStart), absl::ZeroDuration()) << i;
  }
  // Two tokens a second: the next one is half a second away.
  EXPECT_EQ(limiter.Take("10.0.0.1", kStart), absl::Milliseconds(500));
  EXPECT_EQ(limiter.Take("10.0.0.1", kStart + absl::Milliseconds(400)), absl::Milliseconds(100));
}

TEST(PublicRateLimiterTest, RefillsAtTheRateAndNeverBeyondTheBurst) {
  PublicRateLimiter limiter(Limits(2, 3));
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(limiter.Take("10.0.0.1", kStart), absl::ZeroDuration());
  }
  // Half a second refills one request, not two.
  absl::Time t = kStart + absl::Milliseconds(500);
  EXPECT_EQ(limiter.Take("10.0.0.1", t), absl::ZeroDuration());
  EXPECT_GT(limiter.Take("10.0.0.1", t), absl::ZeroDuration());
  // An hour idle refills the burst, and only the burst.
  t += absl::Hours(1);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(limiter.Take("10.0.0.1", t), absl::ZeroDuration()) << i;
  }
  EXPECT_GT(limiter.Take("10.0.0.1", t), absl::ZeroDuration());
}

TEST(PublicRateLimiterTest, CountsEachAddressApart) {
  PublicRateLimiter limiter(Limits(1, 1));
  EXPECT_EQ(limiter.Take("10.0.0.1", kStart), absl::ZeroDuration());
  EXPECT_EQ(limiter.Take("10.0.0.1", kStart), absl::Seconds(1));
  EXPECT_EQ(limiter.Take("10.0.0.2", kStart), absl::ZeroDuration());
  EXPECT_EQ(limiter.Take("2001:db8::1", kStart), absl::ZeroDuration());
}

TEST(PublicRateLimiterTest, AClockSteppingBackRefillsNothing) {
  PublicRateLimiter limiter(Limits(1, 1));
  EXPECT_EQ(limiter.Take("10.0.0.1", kStart), absl::ZeroDuration());
  EXPECT_GT(limiter.Take("10.0.0.1", kStart - absl::Hours(1)), absl::ZeroDuration());
  EXPECT_GT(limiter.Take("10.0.0.1", kStart), absl::ZeroDuration());
}

TEST(PublicRateLimiterTest, MakingRoomDropsIdleAddressesNotABusyOne) {
  // 16 shards of 4 buckets: a flood of one-off addresses fills every shard.
  PublicRateLimiter limiter(Limits(1, 2, 64));
  for (int i = 0; i < 1000; ++i) {
    limiter.Take(absl::StrCat("10.1.", i / 256, ".", i % 256), kStart);
  }
  // Ten seconds on those are idle (refilled): room is made by dropping them, and the busy address keeps
  // its emptied bucket while a couple of newcomers arrive.
  const absl::Time later = kStart + absl::Seconds(10);
  ASSERT_EQ(limiter.Take("busy", later), absl::ZeroDuration());
  ASSERT_EQ(limiter.Take("busy", later), absl::ZeroDuration());
  EXPECT_EQ(limiter.Take("10.2.0.1", later), absl::ZeroDuration());
  EXPECT_EQ(limiter.Take("10.2.0.2", later), absl::ZeroDuration());
  EXPECT_EQ(limiter.Take("busy", later), absl::Seconds(1));
}

TEST(PublicPathTest, OnlyTheV1PublicFamily) {
  EXPECT_TRUE(IsPublicPath("/v1/public/stations"));
  EXPECT_TRUE(IsPublicPath("/v1/public/{name=deputies/*}"));
  EXPECT_FALSE(IsPublicPath("/v1/stations"));
  EXPECT_FALSE(IsPublicPath("/v1/publicity"));
  EXPECT_FALSE(IsPublicPath("/v2/public/stations"));
}

TEST(EtagTest, StrongQuotedAndStableAndDifferentPerBody) {
  const std::string a = StrongEtag(R"({"name":"stations/1"})");
  EXPECT_EQ(a.front(), '"');
  EXPECT_EQ(a.back(), '"');
  EXPECT_EQ(a.size(), 34u);
  EXPECT_EQ(a.find("W/"), std::string::npos);
  EXPECT_EQ(a, StrongEtag(R"({"name":"stations/1"})"));
  EXPECT_NE(a, StrongEtag(R"({"name":"stations/2"})"));
  EXPECT_NE(a, StrongEtag(""));
}

TEST(EtagTest, IfNoneMatchByWeakComparisonAnyOfAList) {
  const std::string etag = StrongEtag("body");
  EXPECT_TRUE(IfNoneMatchHits(etag, etag));
  EXPECT_TRUE(IfNoneMatchHits(absl::StrCat("W/", etag), etag));
  EXPECT_TRUE(IfNoneMatchHits(absl::StrCat("\"other\", ", etag), etag));
  EXPECT_TRUE(IfNoneMatchHits(" * ", etag));
  EXPECT_FALSE(IfNoneMatchHits("", etag));
  EXPECT_FALSE(IfNoneMatchHits("\"other\"", etag));
  EXPECT_FALSE(IfNoneMatchHits(StrongEtag("other body"), etag));
  // The tag is compared quoted: its bare digest is not a tag.
  EXPECT_FALSE(IfNoneMatchHits(etag.substr(1, etag.size() - 2), etag));
}

}  // namespace
}  // namespace minyi::gateway

#include "client_address.h"

#include "gtest/gtest.h"

namespace minyi::gateway {
namespace {

boost::asio::ip::address A(const char* s) { return boost::asio::ip::make_address(s); }

TEST(TrustedProxies, OnlyATrustedPeerIsBelievedAboutTheClient) {
  auto proxies = TrustedProxies::Parse("10.0.0.0/8, 192.168.1.7, fd00::/8");
  ASSERT_TRUE(proxies.ok()) << proxies.status();
  // A client talking to the gateway directly cannot choose its address.
  EXPECT_EQ(proxies->ClientAddress(A("203.0.113.9"), "198.51.100.1"), "203.0.113.9");
  // Through the ingress: the address the ingress recorded.
  EXPECT_EQ(proxies->ClientAddress(A("10.2.3.4"), "198.51.100.1"), "198.51.100.1");
  // A client's own forged hops stand left of what the trusted proxies appended: the rightmost untrusted wins.
  EXPECT_EQ(proxies->ClientAddress(A("10.2.3.4"), "1.1.1.1, 198.51.100.1, 10.9.9.9"), "198.51.100.1");
  EXPECT_EQ(proxies->ClientAddress(A("192.168.1.7"), "2001:db8::5"), "2001:db8::5");
  EXPECT_EQ(proxies->ClientAddress(A("fd12::1"), "203.0.113.77"), "203.0.113.77");
  // Nothing usable: the peer.
  EXPECT_EQ(proxies->ClientAddress(A("10.2.3.4"), ""), "10.2.3.4");
  EXPECT_EQ(proxies->ClientAddress(A("10.2.3.4"), "not-an-address"), "10.2.3.4");
  EXPECT_EQ(proxies->ClientAddress(A("10.2.3.4"), "10.1.1.1, 10.2.2.2"), "10.2.3.4");
  EXPECT_FALSE(proxies->Contains(A("192.168.1.8")));
  EXPECT_FALSE(proxies->Contains(A("11.0.0.1")));
}

TEST(TrustedProxies, NoneByDefaultAndBadEntriesNamed) {
  auto none = TrustedProxies::Parse("");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->ClientAddress(A("10.2.3.4"), "198.51.100.1"), "10.2.3.4");
  for (const char* bad : {"10.0.0.0/33", "300.1.1.1", "fd00::/129", "10.0.0.0/x", "proxy"}) {
    auto parsed = TrustedProxies::Parse(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_NE(parsed.status().message().find(bad), std::string::npos);
  }
}

}  // namespace
}  // namespace minyi::gateway

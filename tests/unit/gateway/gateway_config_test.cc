#include "gateway_config.h"

#include <cstdlib>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace minyi::gateway {
namespace {

using ::testing::HasSubstr;

TEST(ParseBackendsTest, ParsesNameEqualsTarget) {
  auto backends = ParseBackends("identity=127.0.0.1:7100, deputies=127.0.0.1:7101");
  ASSERT_TRUE(backends.ok()) << backends.status();
  ASSERT_EQ(backends->size(), 2u);
  EXPECT_EQ((*backends)[0].name, "identity");
  EXPECT_EQ((*backends)[0].target, "127.0.0.1:7100");
  EXPECT_EQ((*backends)[1].name, "deputies");
  EXPECT_EQ((*backends)[1].target, "127.0.0.1:7101");
}

TEST(ParseBackendsTest, RejectsMalformedEntries) {
  for (const char* bad : {"", "identity", "=x:1", "Identity=x:1", "a=x:1,a=y:2", "identity="}) {
    EXPECT_FALSE(ParseBackends(bad).ok()) << bad;
  }
}

TEST(LoadGatewayConfigTest, NamesEveryProblem) {
  unsetenv("MINYI_BACKENDS");
  setenv("MINYI_JWT_SECRET", "short", 1);
  auto config = LoadGatewayConfig();
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(std::string(config.status().message()), HasSubstr("MINYI_BACKENDS"));
  EXPECT_THAT(std::string(config.status().message()), HasSubstr("MINYI_JWT_SECRET"));
  unsetenv("MINYI_JWT_SECRET");
}

TEST(LoadGatewayConfigTest, DefaultsAndOverrides) {
  setenv("MINYI_BACKENDS", "deputies=127.0.0.1:7101", 1);
  setenv("MINYI_JWT_SECRET", "0123456789abcdef0123456789abcdef", 1);
  setenv("MINYI_REQUEST_TIMEOUT_MS", "250", 1);
  auto config = LoadGatewayConfig();
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->http_addr, "127.0.0.1:8080");
  EXPECT_EQ(config->jwt_audience, "minyi");
  EXPECT_EQ(config->threads, 2);
  EXPECT_EQ(config->max_body_bytes, 1u << 20);
  EXPECT_EQ(config->request_timeout, absl::Milliseconds(250));
  unsetenv("MINYI_BACKENDS");
  unsetenv("MINYI_JWT_SECRET");
  unsetenv("MINYI_REQUEST_TIMEOUT_MS");
}

TEST(LoadGatewayConfigTest, ConnectionLimits) {
  setenv("MINYI_BACKENDS", "deputies=127.0.0.1:7101", 1);
  setenv("MINYI_JWT_SECRET", "0123456789abcdef0123456789abcdef", 1);
  auto defaults = LoadGatewayConfig();
  ASSERT_TRUE(defaults.ok()) << defaults.status();
  EXPECT_EQ(defaults->max_connections, 4096);
  EXPECT_EQ(defaults->max_connections_per_address, 256);
  EXPECT_EQ(defaults->refusal_slots, 64);
  EXPECT_EQ(defaults->header_timeout, absl::Seconds(10));
  EXPECT_EQ(defaults->body_timeout, absl::Seconds(30));
  EXPECT_EQ(defaults->keepalive_timeout, absl::Seconds(60));
  EXPECT_EQ(defaults->write_timeout, absl::Seconds(30));

  setenv("MINYI_MAX_CONNECTIONS_PER_ADDRESS", "0", 1);
  setenv("MINYI_WRITE_TIMEOUT_MS", "1500", 1);
  setenv("MINYI_HEADER_TIMEOUT_MS", "0", 1);
  auto bad = LoadGatewayConfig();
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("MINYI_HEADER_TIMEOUT_MS"));
  unsetenv("MINYI_HEADER_TIMEOUT_MS");
  auto set = LoadGatewayConfig();
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->max_connections_per_address, 0);
  EXPECT_EQ(set->write_timeout, absl::Milliseconds(1500));
  for (const char* name : {"MINYI_BACKENDS", "MINYI_JWT_SECRET", "MINYI_MAX_CONNECTIONS_PER_ADDRESS",
                           "MINYI_WRITE_TIMEOUT_MS"}) {
    unsetenv(name);
  }
}

}  // namespace
}  // namespace minyi::gateway

#include "gateway_config.h"

#include <cstdlib>
#include <initializer_list>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/platform.h"

namespace minyi::gateway {
namespace {

using ::testing::HasSubstr;

// Sets what the gateway cannot start without: MINYI_BACKENDS, MINYI_REDIS_ADDR and the token keys.
void SetRequiredEnv() {
  setenv("MINYI_BACKENDS", "deputies=127.0.0.1:7101", 1);
  setenv("MINYI_REDIS_ADDR", "127.0.0.1:6379", 1);
  for (const auto& [k, v] : minyi::testing::TestKeys::Shared().GatewayEnv()) {
    setenv(k.c_str(), v.c_str(), 1);
  }
}

void Unset(std::initializer_list<const char*> names) {
  for (const char* name : names) {
    unsetenv(name);
  }
}

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
  unsetenv("MINYI_REDIS_ADDR");
  setenv("MINYI_TOKEN_VERIFY_KEYS", "/nonexistent/token-verify.pem", 1);
  auto config = LoadGatewayConfig();
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(std::string(config.status().message()), HasSubstr("MINYI_BACKENDS"));
  EXPECT_THAT(std::string(config.status().message()), HasSubstr("MINYI_REDIS_ADDR"));
  EXPECT_THAT(std::string(config.status().message()), HasSubstr("MINYI_TOKEN_VERIFY_KEYS"));
  // A private key is not a bundle of public keys.
  setenv("MINYI_TOKEN_VERIFY_KEYS", (minyi::testing::TestKeys::Shared().dir() + "/token-signing.pem").c_str(), 1);
  EXPECT_THAT(std::string(LoadGatewayConfig().status().message()), HasSubstr("MINYI_TOKEN_VERIFY_KEYS"));
  unsetenv("MINYI_TOKEN_VERIFY_KEYS");
}

TEST(LoadGatewayConfigTest, DefaultsAndOverrides) {
  SetRequiredEnv();
  setenv("MINYI_REQUEST_TIMEOUT_MS", "250", 1);
  auto config = LoadGatewayConfig();
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->http_addr, "127.0.0.1:8080");
  EXPECT_EQ(config->jwt_audience, "minyi");
  EXPECT_EQ(config->threads, 2);
  EXPECT_EQ(config->max_body_bytes, 1u << 20);
  EXPECT_EQ(config->request_timeout, absl::Milliseconds(250));
  EXPECT_EQ(config->token_keys.size(), 1u);
  Unset({"MINYI_BACKENDS", "MINYI_REDIS_ADDR", "MINYI_TOKEN_VERIFY_KEYS", "MINYI_REQUEST_TIMEOUT_MS"});
}

TEST(LoadGatewayConfigTest, ConnectionLimits) {
  SetRequiredEnv();
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
  Unset({"MINYI_BACKENDS", "MINYI_REDIS_ADDR", "MINYI_TOKEN_VERIFY_KEYS", "MINYI_MAX_CONNECTIONS_PER_ADDRESS",
         "MINYI_WRITE_TIMEOUT_MS"});
}

TEST(LoadGatewayConfigTest, PublicReads) {
  SetRequiredEnv();
  auto defaults = LoadGatewayConfig();
  ASSERT_TRUE(defaults.ok()) << defaults.status();
  EXPECT_EQ(defaults->public_per_second, 10);
  EXPECT_EQ(defaults->public_burst, 30);
  EXPECT_EQ(defaults->public_max_age, absl::Seconds(60));

  setenv("MINYI_PUBLIC_RATE_PER_SECOND", "0", 1);
  auto bad = LoadGatewayConfig();
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("MINYI_PUBLIC_RATE_PER_SECOND"));
  setenv("MINYI_PUBLIC_RATE_PER_SECOND", "1000000", 1);
  setenv("MINYI_PUBLIC_BURST", "5", 1);
  setenv("MINYI_PUBLIC_MAX_AGE_SECONDS", "0", 1);
  auto set = LoadGatewayConfig();
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->public_per_second, 1000000);
  EXPECT_EQ(set->public_burst, 5);
  EXPECT_EQ(set->public_max_age, absl::ZeroDuration());
  Unset({"MINYI_BACKENDS", "MINYI_REDIS_ADDR", "MINYI_TOKEN_VERIFY_KEYS", "MINYI_PUBLIC_RATE_PER_SECOND",
         "MINYI_PUBLIC_BURST", "MINYI_PUBLIC_MAX_AGE_SECONDS"});
}

}  // namespace
}  // namespace minyi::gateway

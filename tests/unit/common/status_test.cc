#include "common/status.h"

#include <memory>
#include <string>
#include <vector>

#include "common/config.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "support/platform.h"

namespace minyi {
namespace {

TEST(Status, InvalidFieldCarriesBadRequestAndErrorInfo) {
  SetServiceName("deputies");
  grpc::Status st = ToGrpc(InvalidField("deputy.phone", "must be 11 digits"));
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(st.error_message(), "deputy.phone: must be 11 digits");
  google::rpc::Status rpc;
  ASSERT_TRUE(rpc.ParseFromString(st.error_details()));
  EXPECT_EQ(rpc.code(), 3);
  bool saw_field = false;
  bool saw_info = false;
  for (const auto& any : rpc.details()) {
    google::rpc::BadRequest bad;
    google::rpc::ErrorInfo info;
    if (any.UnpackTo(&bad)) {
      ASSERT_EQ(bad.field_violations_size(), 1);
      EXPECT_EQ(bad.field_violations(0).field(), "deputy.phone");
      saw_field = true;
    } else if (any.UnpackTo(&info)) {
      EXPECT_EQ(info.reason(), "INVALID_FIELD");
      EXPECT_EQ(info.domain(), "minyi.deputies");
      saw_info = true;
    }
  }
  EXPECT_TRUE(saw_field);
  EXPECT_TRUE(saw_info);
}

TEST(Status, OkStaysOk) { EXPECT_TRUE(ToGrpc(absl::OkStatus()).ok()); }

// absl visits a status's payloads in an order that varies with where it is allocated; the same error must
// still be the same bytes (a hidden resource answers exactly as a missing one).
TEST(Status, TheSameErrorHasTheSameDetailsInTypeOrderEveryTime) {
  const std::string first = ToGrpc(NotFoundError("votes/7")).error_details();
  google::rpc::Status rpc;
  ASSERT_TRUE(rpc.ParseFromString(first));
  ASSERT_EQ(rpc.details_size(), 2);
  EXPECT_LT(rpc.details(0).type_url(), rpc.details(1).type_url());
  std::vector<std::unique_ptr<absl::Status>> kept;  // alive, so each status lands at another address
  for (int i = 0; i < 64; ++i) {
    kept.push_back(std::make_unique<absl::Status>(NotFoundError("votes/7")));
    EXPECT_EQ(ToGrpc(*kept.back()).error_details(), first) << i;
  }
}

void SetKeys(absl::string_view service) {
  for (const auto& [k, v] : minyi::testing::TestKeys::Shared().ServiceEnv(service)) {
    setenv(k.c_str(), v.c_str(), 1);
  }
}

TEST(Config, RefusesToStartNamingEveryMissingVariable) {
  unsetenv("MINYI_PG_DSN");
  unsetenv("MINYI_REDIS_ADDR");
  unsetenv("MINYI_TOKEN_VERIFY_KEYS");
  unsetenv("MINYI_SERVICE_KEY");
  unsetenv("MINYI_SERVICE_VERIFY_KEYS");
  auto config = LoadServiceConfig("deputies", 7101);
  ASSERT_FALSE(config.ok());
  for (const char* name : {"MINYI_PG_DSN", "MINYI_REDIS_ADDR", "MINYI_TOKEN_VERIFY_KEYS", "MINYI_SERVICE_KEY",
                           "MINYI_SERVICE_VERIFY_KEYS"}) {
    EXPECT_NE(config.status().message().find(name), absl::string_view::npos) << name;
  }

  SetKeys("deputies");
  setenv("MINYI_PG_DSN", "postgresql://minyi:change-me@db/minyi", 1);
  setenv("MINYI_REDIS_ADDR", "127.0.0.1:1", 1);
  auto weak = LoadServiceConfig("deputies", 7101);
  ASSERT_FALSE(weak.ok());
  EXPECT_NE(weak.status().message().find("MINYI_PG_DSN"), absl::string_view::npos);

  setenv("MINYI_PG_DSN", "postgresql://x", 1);
  setenv("MINYI_PG_POOL_SIZE", "lots", 1);
  auto bad_int = LoadServiceConfig("deputies", 7101);
  ASSERT_FALSE(bad_int.ok());
  EXPECT_NE(bad_int.status().message().find("MINYI_PG_POOL_SIZE"), absl::string_view::npos);

  unsetenv("MINYI_PG_POOL_SIZE");
  auto good = LoadServiceConfig("deputies", 7101);
  ASSERT_TRUE(good.ok()) << good.status();
  EXPECT_EQ(good->grpc_listen, "127.0.0.1:7101");
  EXPECT_EQ(good->metrics_listen, "127.0.0.1:9101");
}

TEST(Config, WorkerThreadsDefaultToThePoolSizeUnlessSet) {
  setenv("MINYI_PG_DSN", "postgresql://x", 1);
  setenv("MINYI_REDIS_ADDR", "127.0.0.1:1", 1);
  SetKeys("deputies");
  setenv("MINYI_PG_POOL_SIZE", "6", 1);
  unsetenv("MINYI_WORKER_THREADS");
  EXPECT_EQ(LoadServiceConfig("deputies", 7101)->worker_threads, 6);
  setenv("MINYI_WORKER_THREADS", "10", 1);
  EXPECT_EQ(LoadServiceConfig("deputies", 7101)->worker_threads, 10);
  unsetenv("MINYI_WORKER_THREADS");
  unsetenv("MINYI_PG_POOL_SIZE");
}

}  // namespace
}  // namespace minyi

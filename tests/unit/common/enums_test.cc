#include "common/enums.h"

#include "gtest/gtest.h"
#include "minyi/common/v1/common.pb.h"

namespace minyi {
namespace {

using minyi::common::v1::Role;

TEST(EnumFilter, UnsetIsNoFilter) {
  absl::StatusOr<std::string> filter = EnumFilter<Role>("role", minyi::common::v1::ROLE_UNSPECIFIED, "is unknown");
  ASSERT_TRUE(filter.ok()) << filter.status();
  EXPECT_EQ(*filter, "");
}

TEST(EnumFilter, KnownIsItsName) {
  absl::StatusOr<std::string> filter = EnumFilter<Role>("role", minyi::common::v1::ROLE_STAFF, "is unknown");
  ASSERT_TRUE(filter.ok()) << filter.status();
  EXPECT_EQ(*filter, "ROLE_STAFF");
}

TEST(EnumFilter, UnknownNamesTheField) {
  absl::StatusOr<std::string> filter = EnumFilter<Role>("role", 99, "is not a known role");
  EXPECT_EQ(filter.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(filter.status().message(), "role: is not a known role");
}

TEST(RequireEnum, KnownPasses) {
  EXPECT_TRUE(RequireEnum<Role>("account.role", minyi::common::v1::ROLE_ADMIN, "must be a role").ok());
}

TEST(RequireEnum, UnsetAndUnknownNameTheField) {
  for (int value : {0, 99, -1}) {
    absl::Status st = RequireEnum<Role>("account.role", value, "must be a role");
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << value;
    EXPECT_EQ(st.message(), "account.role: must be a role") << value;
  }
}

}  // namespace
}  // namespace minyi

#include "common/names.h"

#include "gtest/gtest.h"

namespace minyi {
namespace {

// Answers name whoever acted as the contract says ("accounts/{id}"), whatever the table stored.
TEST(AccountName, NamesAnAccountIdAndLeavesNobodyAndServicesAsTheyAre) {
  EXPECT_EQ(AccountName("266"), "accounts/266");
  EXPECT_EQ(AccountName(""), "");
  EXPECT_EQ(AccountName("service:notifications"), "service:notifications");
  EXPECT_EQ(AccountName("accounts/266"), "accounts/266");
}

}  // namespace
}  // namespace minyi

#include "identity/password.h"

#include "gtest/gtest.h"

namespace minyi::identity {
namespace {

TEST(PasswordTest, VerifiesTheRightPasswordOnly) {
  absl::StatusOr<std::string> hash = HashPassword("正确的马电池订书钉");
  ASSERT_TRUE(hash.ok()) << hash.status();
  EXPECT_TRUE(VerifyPassword(*hash, "正确的马电池订书钉"));
  EXPECT_FALSE(VerifyPassword(*hash, "正确的马电池订书"));
  EXPECT_FALSE(VerifyPassword(*hash, ""));
}

TEST(PasswordTest, UsesArgon2idWithTheAgreedParameters) {
  absl::StatusOr<std::string> hash = HashPassword("correct horse");
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(hash->rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u) << *hash;
}

TEST(PasswordTest, SaltsDiffer) {
  absl::StatusOr<std::string> a = HashPassword("same password");
  absl::StatusOr<std::string> b = HashPassword("same password");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
  EXPECT_TRUE(VerifyPassword(*a, "same password"));
  EXPECT_TRUE(VerifyPassword(*b, "same password"));
}

TEST(PasswordTest, MalformedHashIsAMismatch) {
  EXPECT_FALSE(VerifyPassword("", "anything"));
  EXPECT_FALSE(VerifyPassword("$argon2id$garbage", "anything"));
  EXPECT_FALSE(VerifyPassword("plaintext", "plaintext"));
}

}  // namespace
}  // namespace minyi::identity

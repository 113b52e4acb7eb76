#include "identity/account.h"

#include <string>

#include "gtest/gtest.h"

namespace minyi::identity {
namespace {

using ::minyi::identity::v1::CreateAccountRequest;

CreateAccountRequest Valid() {
  CreateAccountRequest r;
  r.mutable_account()->set_username("zhang.san_01");
  r.mutable_account()->set_display_name("张三");
  r.mutable_account()->set_role(minyi::common::v1::ROLE_STAFF);
  r.set_password("0123456789");
  return r;
}

// The error is INVALID_ARGUMENT and its message starts with the field name.
void ExpectField(const CreateAccountRequest& r, const std::string& field) {
  absl::Status st = ValidateNewAccount(r);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << st;
  EXPECT_EQ(std::string(st.message()).rfind(field + ":", 0), 0u) << st;
}

TEST(AccountTest, AcceptsAValidAccount) { EXPECT_TRUE(ValidateNewAccount(Valid()).ok()); }

TEST(AccountTest, Username) {
  for (const char* bad : {"ab", "Zhang", "张三abc", "a b c", "x;drop", ""}) {
    CreateAccountRequest r = Valid();
    r.mutable_account()->set_username(bad);
    ExpectField(r, "account.username");
  }
  CreateAccountRequest r = Valid();
  r.mutable_account()->set_username(std::string(65, 'a'));
  ExpectField(r, "account.username");
  r.mutable_account()->set_username(std::string(64, 'a'));
  EXPECT_TRUE(ValidateNewAccount(r).ok());
}

TEST(AccountTest, DisplayNameCountsCharactersNotBytes) {
  CreateAccountRequest r = Valid();
  std::string name;
  for (int i = 0; i < 32; ++i) {
    name += "人";
  }
  r.mutable_account()->set_display_name(name);
  EXPECT_TRUE(ValidateNewAccount(r).ok());
  r.mutable_account()->set_display_name(name + "大");
  ExpectField(r, "account.display_name");
  r.mutable_account()->set_display_name("");
  ExpectField(r, "account.display_name");
}

TEST(AccountTest, PasswordAtLeastTenCharacters) {
  CreateAccountRequest r = Valid();
  r.set_password("012345678");
  ExpectField(r, "password");
  r.set_password("一二三四五六七八九十");  // ten characters, thirty bytes
  EXPECT_TRUE(ValidateNewAccount(r).ok());
  r.set_password(std::string(kMaxPasswordBytes + 1, 'a'));
  ExpectField(r, "password");
}

TEST(AccountTest, RoleRequired) {
  CreateAccountRequest r = Valid();
  r.mutable_account()->set_role(minyi::common::v1::ROLE_UNSPECIFIED);
  ExpectField(r, "account.role");
  r.mutable_account()->set_role(static_cast<minyi::common::v1::Role>(42));
  ExpectField(r, "account.role");
}

TEST(AccountTest, DeputyAccountsNeedTheirDeputy) {
  CreateAccountRequest r = Valid();
  r.mutable_account()->set_role(minyi::common::v1::ROLE_DEPUTY);
  ExpectField(r, "account.deputy");
  r.mutable_account()->set_deputy("deputies/x");
  ExpectField(r, "account.deputy");
  r.mutable_account()->set_deputy("deputies/12");
  EXPECT_TRUE(ValidateNewAccount(r).ok());
  r.mutable_account()->set_role(minyi::common::v1::ROLE_CITIZEN);
  ExpectField(r, "account.deputy");
}

TEST(AccountTest, DepartmentAccountsNeedTheirDepartment) {
  CreateAccountRequest r = Valid();
  r.mutable_account()->set_role(minyi::common::v1::ROLE_DEPARTMENT);
  ExpectField(r, "account.department");
  r.mutable_account()->set_department("自然资源局");
  EXPECT_TRUE(ValidateNewAccount(r).ok());
  r.mutable_account()->set_role(minyi::common::v1::ROLE_STAFF);
  ExpectField(r, "account.department");
}

TEST(AccountTest, ParsesAccountNames) {
  EXPECT_EQ(*ParseAccountName("accounts/7"), 7);
  EXPECT_EQ(AccountName(7), "accounts/7");
  for (const char* bad :
       {"accounts/", "accounts/0", "accounts/07", "accounts/-1", "accounts/ 1", "deputies/1", "accounts/me"}) {
    EXPECT_EQ(ParseAccountName(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace minyi::identity

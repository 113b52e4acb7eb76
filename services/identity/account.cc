#include "identity/account.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/names.h"
#include "common/status.h"
#include "common/text.h"

namespace minyi::identity {
namespace {

constexpr absl::string_view kAccountsPrefix = "accounts/";
constexpr absl::string_view kDeputiesPrefix = "deputies/";

bool IsUsernameChar(char c) {
  return (c >= 'a' && c <= 'z') || absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '_' || c == '.' ||
         c == '-';
}

absl::Status ValidateUsername(absl::string_view username) {
  if (username.size() < 3 || username.size() > 64) {
    return InvalidField("account.username", "must be 3-64 characters");
  }
  for (char c : username) {
    if (!IsUsernameChar(c)) {
      return InvalidField("account.username", "may contain only a-z, 0-9, '_', '.' and '-'");
    }
  }
  return absl::OkStatus();
}

// The deputy and department links say whom an account acts for; only the matching role may carry one,
// so a citizen account can never be made to look like a deputy's.
absl::Status ValidateLinks(const minyi::identity::v1::Account& account) {
  const bool deputy = account.role() == minyi::common::v1::ROLE_DEPUTY;
  const bool department = account.role() == minyi::common::v1::ROLE_DEPARTMENT;
  if (deputy) {
    if (!ParseResourceId(account.deputy(), kDeputiesPrefix, "account.deputy").ok()) {
      return InvalidField("account.deputy", "a deputy account needs its deputy as \"deputies/{id}\"");
    }
  } else if (!account.deputy().empty()) {
    return InvalidField("account.deputy", "only ROLE_DEPUTY accounts are linked to a deputy");
  }
  if (department) {
    return CheckText("account.department", account.department(), 1, 64);
  }
  if (!account.department().empty()) {
    return InvalidField("account.department", "only ROLE_DEPARTMENT accounts are linked to a department");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidatePassword(absl::string_view field, absl::string_view password) {
  if (password.size() > kMaxPasswordBytes) {
    return InvalidField(field, absl::StrCat("must be at most ", kMaxPasswordBytes, " bytes"));
  }
  if (!IsValidUtf8(password)) {
    return InvalidField(field, "is not valid UTF-8");
  }
  if (Utf8Length(password) < kMinPasswordChars) {
    return InvalidField(field, absl::StrCat("must be at least ", kMinPasswordChars, " characters"));
  }
  return absl::OkStatus();
}

absl::Status ValidateNewAccount(const minyi::identity::v1::CreateAccountRequest& request) {
  const auto& account = request.account();
  if (absl::Status st = ValidateUsername(account.username()); !st.ok()) {
    return st;
  }
  if (absl::Status st = CheckText("account.display_name", account.display_name(), 1, 32); !st.ok()) {
    return st;
  }
  // ROLE_SERVICE is how another service appears to a callee, never an account's role.
  if (account.role() == minyi::common::v1::ROLE_UNSPECIFIED || account.role() == minyi::common::v1::ROLE_SERVICE ||
      !minyi::common::v1::Role_IsValid(account.role())) {
    return InvalidField("account.role", "must be one of the ROLE_* values of an account");
  }
  if (absl::Status st = ValidateLinks(account); !st.ok()) {
    return st;
  }
  return ValidatePassword("password", request.password());
}

absl::StatusOr<int64_t> ParseAccountName(absl::string_view name) {
  return ParseResourceId(name, kAccountsPrefix, "name");
}

std::string AccountName(int64_t id) { return ResourceName(kAccountsPrefix, id); }

}  // namespace minyi::identity

#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "minyi/identity/v1/identity.pb.h"

namespace minyi::identity {

inline constexpr std::size_t kMinPasswordChars = 10;
// Argon2 pre-hashes any length, but an unbounded password is a cheap way to make us work.
inline constexpr std::size_t kMaxPasswordBytes = 1024;

// A new password: 10-1024 characters of UTF-8. The error names `field`.
absl::Status ValidatePassword(absl::string_view field, absl::string_view password);

// Checks a CreateAccount request; the error names the offending field ("account.username", "password").
absl::Status ValidateNewAccount(const minyi::identity::v1::CreateAccountRequest& request);

// "accounts/12" -> 12. "accounts/me" is resolved by the caller, not here.
absl::StatusOr<int64_t> ParseAccountName(absl::string_view name);
std::string AccountName(int64_t id);

}  // namespace minyi::identity

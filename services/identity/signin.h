#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "common/auth.h"
#include "common/call.h"
#include "common/pg.h"
#include "google/protobuf/empty.pb.h"
#include "identity/sessions.h"
#include "identity/store.h"
#include "minyi/identity/v1/identity.pb.h"

namespace minyi::identity {

namespace v1 = ::minyi::identity::v1;

// Sign-in and sessions: tokens (by password or by a one-time code), a citizen's self-registration,
// logout, a user's own password change, the JWK Set.
class SignIn final {
 public:
  SignIn(PgPool& pool, const Authorizer& authorizer, Sessions sessions);

  absl::Status IssueToken(const Call& call, const v1::IssueTokenRequest& request, v1::Token* response);
  absl::Status Register(const Call& call, const v1::RegisterRequest& request, v1::Token* response);
  absl::Status Logout(const Call& call, const v1::LogoutRequest& request, google::protobuf::Empty* response);
  absl::Status GetJwks(const Call& call, const v1::GetJwksRequest& request, v1::Jwks* response);
  absl::Status ChangePassword(const Call& call, const v1::ChangePasswordRequest& request, v1::Token* response);
  absl::Status CloseAccount(const Call& call, const v1::CloseAccountRequest& request, v1::Account* response);

 private:
  // A token for `account` at `version`, into `response`.
  absl::Status FillToken(const StoredAccount& account, int64_t version, v1::Token* response);
  // A hashing slot for checking a password or code of `key` (user name or number) from `address`, unless
  // the sign-in throttle or busy slots turn the call away (RESOURCE_EXHAUSTED).
  absl::StatusOr<std::optional<HashingSlots::Slot>> Gate(const std::string& key, const std::string& address);
  // Signs in with `password` the account `find` reads, throttled under `key` (user name or number).
  absl::Status ByPassword(const Call& call, const std::string& key, const std::string& password,
                          const std::function<std::optional<StoredAccount>(pqxx::transaction_base&)>& find,
                          v1::Token* response);
  // Signs in the account of `phone` (canonical) with a sign-in code.
  absl::Status ByCode(const Call& call, const std::string& phone, const std::string& code, v1::Token* response);
  // The account `id` and a hashing slot, when `password` is its password (INVALID_ARGUMENT naming `field`
  // otherwise), under the sign-in throttle: a stolen session must not become a way around it.
  absl::StatusOr<std::pair<StoredAccount, std::optional<HashingSlots::Slot>>> CheckOwnPassword(
      const Call& call, int64_t id, absl::string_view field, const std::string& password);
  // The token for an account whose credentials were good, unless it is disabled; audited as `action`.
  absl::Status Admit(const Call& call, const StoredAccount& account, absl::string_view action, v1::Token* response);

  PgPool& pool_;
  const Authorizer& authorizer_;
  Sessions sessions_;
};

}  // namespace minyi::identity

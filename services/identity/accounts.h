#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/auth.h"
#include "common/call.h"
#include "common/command.h"
#include "common/pg.h"
#include "identity/sessions.h"
#include "minyi/identity/v1/identity.pb.h"

namespace minyi::identity {

namespace v1 = ::minyi::identity::v1;

// Accounts: created, read and listed, their password reset, disabled and enabled by administrators.
// Disabling or resetting ends the account's sessions.
class Accounts final {
 public:
  Accounts(PgPool& pool, const Authorizer& authorizer, Sessions sessions);

  // When MINYI_BOOTSTRAP_ADMIN_PASSWORD is set and no account "admin" exists, creates it with ROLE_ADMIN
  // and a password that must be changed at the first sign-in, so a fresh installation can be signed into
  // and the start-up password stops working once used. The password is never logged.
  absl::Status BootstrapAdmin(const std::string& password);

  absl::Status Create(const Call& call, const v1::CreateAccountRequest& request, v1::Account* response);
  absl::Status Get(const Call& call, const v1::GetAccountRequest& request, v1::Account* response);
  absl::Status List(const Call& call, const v1::ListAccountsRequest& request, v1::ListAccountsResponse* response);
  absl::Status ResetPassword(const Call& call, const v1::ResetPasswordRequest& request, v1::Account* response);
  absl::Status Disable(const Call& call, const v1::DisableAccountRequest& request, v1::Account* response);
  absl::Status UpdateProfile(const Call& call, const v1::UpdateProfileRequest& request, v1::Account* response);
  absl::Status Enable(const Call& call, const v1::EnableAccountRequest& request, v1::Account* response);

 private:
  absl::Status SetDisabled(const Call& call, absl::string_view name, bool disabled, absl::string_view reason,
                           v1::Account* response);
  // An Argon2id hash of `password`, within a hashing slot (RESOURCE_EXHAUSTED when none is free).
  absl::StatusOr<std::string> Hash(absl::string_view password);

  PgPool& pool_;
  const Authorizer& authorizer_;
  Sessions sessions_;
  const Commands commands_;
};

}  // namespace minyi::identity

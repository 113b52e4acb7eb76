#pragma once

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

// Sign-in and sessions: tokens, logout, a user's own password change, the JWK Set.
class SignIn final {
 public:
  SignIn(PgPool& pool, const Authorizer& authorizer, Sessions sessions);

  absl::Status IssueToken(const Call& call, const v1::IssueTokenRequest& request, v1::Token* response);
  absl::Status Logout(const Call& call, const v1::LogoutRequest& request, google::protobuf::Empty* response);
  absl::Status GetJwks(const Call& call, const v1::GetJwksRequest& request, v1::Jwks* response);
  absl::Status ChangePassword(const Call& call, const v1::ChangePasswordRequest& request, v1::Token* response);

 private:
  // A token for `account` at `version`, into `response`.
  absl::Status FillToken(const StoredAccount& account, int64_t version, v1::Token* response);

  PgPool& pool_;
  const Authorizer& authorizer_;
  Sessions sessions_;
};

}  // namespace minyi::identity

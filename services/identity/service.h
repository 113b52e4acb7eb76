#pragma once

#include <string>

#include "absl/status/status.h"
#include "common/auth.h"
#include "common/pg.h"
#include "identity/password.h"
#include "identity/sessions.h"
#include "identity/store.h"
#include "identity/throttle.h"
#include "minyi/identity/v1/identity.grpc.pb.h"

namespace minyi::identity {

// What sign-in and session calls need besides the database (wired in main.cc).
struct Sessions {
  const TokenIssuer& issuer;
  const TokenVerifier& verifier;  // its keys are the JWK Set
  RevocationMirror& revocations;
  SignInThrottle& throttle;
  HashingSlots& hashing;
};

// Accounts, sign-in and sessions. Each RPC checks the caller, then delegates to an absl::Status method;
// errors are converted to gRPC only at the boundary. Sign-in and session calls are in signin.cc.
class IdentityService final : public minyi::identity::v1::Identity::CallbackService {
 public:
  IdentityService(PgPool& pool, const Authorizer& authorizer, Sessions sessions);

  // When MINYI_BOOTSTRAP_ADMIN_PASSWORD is set and no account "admin" exists, creates it with ROLE_ADMIN
  // and a password that must be changed at the first sign-in, so a fresh installation can be signed into
  // and the start-up password stops working once used. The password is never logged.
  absl::Status BootstrapAdmin(const std::string& password);

  grpc::ServerUnaryReactor* IssueToken(grpc::CallbackServerContext* ctx, const v1::IssueTokenRequest* request,
                                       v1::Token* response) override;
  grpc::ServerUnaryReactor* Logout(grpc::CallbackServerContext* ctx, const v1::LogoutRequest* request,
                                   google::protobuf::Empty* response) override;
  grpc::ServerUnaryReactor* GetJwks(grpc::CallbackServerContext* ctx, const v1::GetJwksRequest* request,
                                    v1::Jwks* response) override;
  grpc::ServerUnaryReactor* ChangePassword(grpc::CallbackServerContext* ctx, const v1::ChangePasswordRequest* request,
                                           v1::Token* response) override;
  grpc::ServerUnaryReactor* ResetPassword(grpc::CallbackServerContext* ctx, const v1::ResetPasswordRequest* request,
                                          v1::Account* response) override;
  grpc::ServerUnaryReactor* DisableAccount(grpc::CallbackServerContext* ctx, const v1::DisableAccountRequest* request,
                                           v1::Account* response) override;
  grpc::ServerUnaryReactor* EnableAccount(grpc::CallbackServerContext* ctx, const v1::EnableAccountRequest* request,
                                          v1::Account* response) override;
  grpc::ServerUnaryReactor* CreateAccount(grpc::CallbackServerContext* ctx, const v1::CreateAccountRequest* request,
                                          v1::Account* response) override;
  grpc::ServerUnaryReactor* GetAccount(grpc::CallbackServerContext* ctx, const v1::GetAccountRequest* request,
                                       v1::Account* response) override;
  grpc::ServerUnaryReactor* ListAccounts(grpc::CallbackServerContext* ctx, const v1::ListAccountsRequest* request,
                                         v1::ListAccountsResponse* response) override;

 private:
  // signin.cc
  absl::Status DoIssueToken(const grpc::ServerContextBase& ctx, const v1::IssueTokenRequest& request,
                            v1::Token* response);
  absl::Status DoLogout(const grpc::ServerContextBase& ctx, const v1::LogoutRequest& request);
  absl::Status DoGetJwks(v1::Jwks* response);
  absl::Status DoChangePassword(const grpc::ServerContextBase& ctx, const v1::ChangePasswordRequest& request,
                                v1::Token* response);
  // A token for `account` at `version`, into `response`.
  absl::Status FillToken(const StoredAccount& account, int64_t version, v1::Token* response);
  // Ends every session of account `id` below `version` (after the transaction that set it commits).
  Revocation EndSessionsBelow(int64_t id, int64_t version) const;

  // service.cc
  absl::Status DoCreateAccount(const grpc::ServerContextBase& ctx, const v1::CreateAccountRequest& request,
                               v1::Account* response);
  absl::Status DoGetAccount(const grpc::ServerContextBase& ctx, const v1::GetAccountRequest& request,
                            v1::Account* response);
  absl::Status DoListAccounts(const grpc::ServerContextBase& ctx, const v1::ListAccountsRequest& request,
                              v1::ListAccountsResponse* response);
  absl::Status DoResetPassword(const grpc::ServerContextBase& ctx, const v1::ResetPasswordRequest& request,
                               v1::Account* response);
  absl::Status DoSetDisabled(const grpc::ServerContextBase& ctx, absl::string_view name, bool disabled,
                             absl::string_view reason, v1::Account* response);
  // An Argon2id hash of `password`, within a hashing slot (RESOURCE_EXHAUSTED when none is free).
  absl::StatusOr<std::string> Hash(absl::string_view password);

  PgPool& pool_;
  const Authorizer& authorizer_;
  Sessions sessions_;
};

// RESOURCE_EXHAUSTED telling the caller to come back in a second: every hashing slot is busy.
absl::Status HashingBusy();

}  // namespace minyi::identity

#pragma once

#include "absl/status/status.h"
#include "common/auth.h"
#include "common/pg.h"
#include "minyi/identity/v1/identity.grpc.pb.h"

namespace minyi::identity {

// Accounts and sign-in. Each RPC checks the caller, then delegates to an absl::Status method; errors are
// converted to gRPC only at the boundary.
class IdentityService final : public minyi::identity::v1::Identity::CallbackService {
 public:
  IdentityService(PgPool& pool, const TokenSigner& signer, const Authorizer& authorizer);

  // When MINYI_BOOTSTRAP_ADMIN_PASSWORD is set and no account "admin" exists, creates it with ROLE_ADMIN,
  // so a fresh installation can be signed into. The password is never logged.
  absl::Status BootstrapAdminFromEnv();

  grpc::ServerUnaryReactor* IssueToken(grpc::CallbackServerContext* ctx, const minyi::identity::v1::IssueTokenRequest* request,
                          minyi::identity::v1::Token* response) override;
  grpc::ServerUnaryReactor* CreateAccount(grpc::CallbackServerContext* ctx,
                             const minyi::identity::v1::CreateAccountRequest* request,
                             minyi::identity::v1::Account* response) override;
  grpc::ServerUnaryReactor* GetAccount(grpc::CallbackServerContext* ctx, const minyi::identity::v1::GetAccountRequest* request,
                          minyi::identity::v1::Account* response) override;
  grpc::ServerUnaryReactor* ListAccounts(grpc::CallbackServerContext* ctx, const minyi::identity::v1::ListAccountsRequest* request,
                            minyi::identity::v1::ListAccountsResponse* response) override;

 private:
  absl::Status DoIssueToken(const grpc::ServerContextBase& ctx,
                            const minyi::identity::v1::IssueTokenRequest& request,
                            minyi::identity::v1::Token* response);
  absl::Status DoCreateAccount(const grpc::ServerContextBase& ctx,
                               const minyi::identity::v1::CreateAccountRequest& request,
                               minyi::identity::v1::Account* response);
  absl::Status DoGetAccount(const grpc::ServerContextBase& ctx,
                            const minyi::identity::v1::GetAccountRequest& request,
                            minyi::identity::v1::Account* response);
  absl::Status DoListAccounts(const grpc::ServerContextBase& ctx,
                              const minyi::identity::v1::ListAccountsRequest& request,
                              minyi::identity::v1::ListAccountsResponse* response);

  PgPool& pool_;
  const TokenSigner& signer_;
  const Authorizer& authorizer_;
};

}  // namespace minyi::identity

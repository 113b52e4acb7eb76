#pragma once

#include "absl/status/status.h"
#include "common/auth.h"
#include "common/pg.h"
#include "minyi/identity/v1/identity.grpc.pb.h"

namespace minyi::identity {

// Accounts and sign-in. Each RPC checks the caller, then delegates to an absl::Status method; errors are
// converted to gRPC only at the boundary.
class IdentityService final : public minyi::identity::v1::Identity::Service {
 public:
  IdentityService(PgPool& pool, const TokenSigner& signer, const Authorizer& authorizer);

  // When MINYI_BOOTSTRAP_ADMIN_PASSWORD is set and no account "admin" exists, creates it with ROLE_ADMIN,
  // so a fresh installation can be signed into. The password is never logged.
  absl::Status BootstrapAdminFromEnv();

  grpc::Status IssueToken(grpc::ServerContext* ctx, const minyi::identity::v1::IssueTokenRequest* request,
                          minyi::identity::v1::Token* response) override;
  grpc::Status CreateAccount(grpc::ServerContext* ctx,
                             const minyi::identity::v1::CreateAccountRequest* request,
                             minyi::identity::v1::Account* response) override;
  grpc::Status GetAccount(grpc::ServerContext* ctx, const minyi::identity::v1::GetAccountRequest* request,
                          minyi::identity::v1::Account* response) override;
  grpc::Status ListAccounts(grpc::ServerContext* ctx, const minyi::identity::v1::ListAccountsRequest* request,
                            minyi::identity::v1::ListAccountsResponse* response) override;

 private:
  absl::Status DoIssueToken(const grpc::ServerContext& ctx,
                            const minyi::identity::v1::IssueTokenRequest& request,
                            minyi::identity::v1::Token* response);
  absl::Status DoCreateAccount(const grpc::ServerContext& ctx,
                               const minyi::identity::v1::CreateAccountRequest& request,
                               minyi::identity::v1::Account* response);
  absl::Status DoGetAccount(const grpc::ServerContext& ctx,
                            const minyi::identity::v1::GetAccountRequest& request,
                            minyi::identity::v1::Account* response);
  absl::Status DoListAccounts(const grpc::ServerContext& ctx,
                              const minyi::identity::v1::ListAccountsRequest& request,
                              minyi::identity::v1::ListAccountsResponse* response);

  PgPool& pool_;
  const TokenSigner& signer_;
  const Authorizer& authorizer_;
};

}  // namespace minyi::identity

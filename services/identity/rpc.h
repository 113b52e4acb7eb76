#pragma once

#include "identity/accounts.h"
#include "identity/signin.h"
#include "minyi/identity/v1/identity.grpc.pb.h"

namespace minyi::identity {

// The gRPC face of identity: each method hands its call to the handler that owns it (rpc.h's Serve).
class IdentityRpc final : public v1::Identity::CallbackService {
 public:
  IdentityRpc(Accounts& accounts, SignIn& sign_in) : accounts_(accounts), sign_in_(sign_in) {}

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
  Accounts& accounts_;
  SignIn& sign_in_;
};

}  // namespace minyi::identity

#include "identity/rpc.h"

#include "common/rpc.h"

namespace minyi::identity {

grpc::ServerUnaryReactor* IdentityRpc::IssueToken(grpc::CallbackServerContext* ctx,
                                                  const v1::IssueTokenRequest* request, v1::Token* response) {
  return Serve(ctx, sign_in_, &SignIn::IssueToken, request, response);
}

grpc::ServerUnaryReactor* IdentityRpc::Logout(grpc::CallbackServerContext* ctx, const v1::LogoutRequest* request,
                                              google::protobuf::Empty* response) {
  return Serve(ctx, sign_in_, &SignIn::Logout, request, response);
}

grpc::ServerUnaryReactor* IdentityRpc::GetJwks(grpc::CallbackServerContext* ctx, const v1::GetJwksRequest* request,
                                               v1::Jwks* response) {
  return Serve(ctx, sign_in_, &SignIn::GetJwks, request, response);
}

grpc::ServerUnaryReactor* IdentityRpc::ChangePassword(grpc::CallbackServerContext* ctx,
                                                      const v1::ChangePasswordRequest* request, v1::Token* response) {
  return Serve(ctx, sign_in_, &SignIn::ChangePassword, request, response);
}

grpc::ServerUnaryReactor* IdentityRpc::ResetPassword(grpc::CallbackServerContext* ctx,
                                                     const v1::ResetPasswordRequest* request, v1::Account* response) {
  return Serve(ctx, accounts_, &Accounts::ResetPassword, request, response);
}

grpc::ServerUnaryReactor* IdentityRpc::DisableAccount(grpc::CallbackServerContext* ctx,
                                                      const v1::DisableAccountRequest* request, v1::Account* response) {
  return Serve(ctx, accounts_, &Accounts::Disable, request, response);
}

grpc::ServerUnaryReactor* IdentityRpc::EnableAccount(grpc::CallbackServerContext* ctx,
                                                     const v1::EnableAccountRequest* request, v1::Account* response) {
  return Serve(ctx, accounts_, &Accounts::Enable, request, response);
}

grpc::ServerUnaryReactor* IdentityRpc::CreateAccount(grpc::CallbackServerContext* ctx,
                                                     const v1::CreateAccountRequest* request, v1::Account* response) {
  return Serve(ctx, accounts_, &Accounts::Create, request, response);
}

grpc::ServerUnaryReactor* IdentityRpc::GetAccount(grpc::CallbackServerContext* ctx,
                                                  const v1::GetAccountRequest* request, v1::Account* response) {
  return Serve(ctx, accounts_, &Accounts::Get, request, response);
}

grpc::ServerUnaryReactor* IdentityRpc::ListAccounts(grpc::CallbackServerContext* ctx,
                                                    const v1::ListAccountsRequest* request,
                                                    v1::ListAccountsResponse* response) {
  return Serve(ctx, accounts_, &Accounts::List, request, response);
}

}  // namespace minyi::identity

#include "identity/rpc.h"

#include "minyi/identity/v1/identity.grpc.pb.h"

namespace minyi::identity {

std::unique_ptr<RpcService> IdentityRpc(Accounts& accounts, SignIn& sign_in, PhoneCodes& codes) {
  auto rpc = std::make_unique<RpcService>(v1::Identity::service_full_name());
  (*rpc)
      .Bind("IssueToken", sign_in, &SignIn::IssueToken)
      .Bind("SendPhoneCode", codes, &PhoneCodes::Send)
      .Bind("Register", sign_in, &SignIn::Register)
      .Bind("Logout", sign_in, &SignIn::Logout)
      .Bind("GetJwks", sign_in, &SignIn::GetJwks)
      .Bind("ChangePassword", sign_in, &SignIn::ChangePassword)
      .Bind("UpdateProfile", accounts, &Accounts::UpdateProfile)
      .Bind("CloseAccount", sign_in, &SignIn::CloseAccount)
      .Bind("ResetPassword", accounts, &Accounts::ResetPassword)
      .Bind("DisableAccount", accounts, &Accounts::Disable)
      .Bind("EnableAccount", accounts, &Accounts::Enable)
      .Bind("CreateAccount", accounts, &Accounts::Create)
      .Bind("GetAccount", accounts, &Accounts::Get)
      .Bind("ListAccounts", accounts, &Accounts::List);
  return rpc;
}

}  // namespace minyi::identity

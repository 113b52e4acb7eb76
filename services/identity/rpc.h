#pragma once

#include <memory>

#include "common/rpc.h"
#include "identity/accounts.h"
#include "identity/codes.h"
#include "identity/signin.h"

namespace minyi::identity {

// The gRPC face of identity: every RPC of its proto service bound to the handler method that owns it.
std::unique_ptr<RpcService> IdentityRpc(Accounts& accounts, SignIn& sign_in, PhoneCodes& codes);

}  // namespace minyi::identity

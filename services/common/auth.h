#pragma once

#include <initializer_list>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "minyi/common/v1/common.pb.h"

namespace grpc {
class ServerContextBase;
}

namespace minyi {

using Caller = minyi::common::v1::Caller;
using Role = minyi::common::v1::Role;

// Issues and verifies access tokens: JWTs signed with HS256 only. The algorithm is pinned: a token whose
// header names any other algorithm ("none", RS256 with the secret as a public key, ...) is refused before
// its signature is looked at. `exp`, `nbf`, `iss` and `aud` are checked on every verification.
class TokenSigner final {
 public:
  TokenSigner(std::string secret, std::string audience, absl::Duration ttl = absl::Minutes(30));

  absl::StatusOr<std::string> Issue(const Caller& caller, absl::Time now) const;
  // UNAUTHENTICATED with a reason (TOKEN_EXPIRED, TOKEN_INVALID, ...) when the token is not good.
  absl::StatusOr<Caller> Verify(absl::string_view token, absl::Time now) const;

  absl::Duration ttl() const { return ttl_; }

 private:
  struct Verified {
    Caller caller;
    absl::Time not_before;
    absl::Time expires;
  };
  // Everything but the time window: encoding, algorithm, signature, issuer, audience, subject and role.
  absl::StatusOr<Verified> Decode(absl::string_view token) const;

  std::string secret_;
  std::string audience_;
  absl::Duration ttl_;
  // Tokens whose signature and claims were already checked, keyed by the whole token (signature
  // included), so only the very same bytes hit. A client sends its token with every request until it
  // expires; this spares the gateway and each service a decode and an HMAC per call. The time window is
  // still checked on every hit.
  mutable absl::Mutex verified_mu_;
  mutable absl::flat_hash_map<std::string, Verified> verified_ ABSL_GUARDED_BY(verified_mu_);
};

// The one helper services use to authorize. The gateway forwards the caller's bearer token in the
// `authorization` metadata; the service verifies it again, so nothing that reaches a service port can
// claim an identity it does not hold a signed token for.
class Authorizer final {
 public:
  explicit Authorizer(const TokenSigner& signer) : signer_(signer) {}

  // The caller, or UNAUTHENTICATED when the call carries no valid token.
  absl::StatusOr<Caller> Authenticate(const grpc::ServerContextBase& ctx) const;
  // The caller when their role is one of `roles`; PERMISSION_DENIED otherwise.
  absl::StatusOr<Caller> Require(const grpc::ServerContextBase& ctx, std::initializer_list<Role> roles) const;

 private:
  const TokenSigner& signer_;
};

bool HasRole(const Caller& caller, std::initializer_list<Role> roles);
// Staff-side roles that administer the platform's records (admin, staff).
bool IsOffice(const Caller& caller);
// OK when the caller is office staff, or is the deputy `deputy_name` ("deputies/{id}") themself.
absl::Status RequireSelfOrOffice(const Caller& caller, absl::string_view deputy_name);

}  // namespace minyi

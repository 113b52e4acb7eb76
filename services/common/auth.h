#pragma once

#include <initializer_list>
#include <map>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/call.h"
#include "common/keys.h"
#include "minyi/common/v1/common.pb.h"

namespace minyi {

using Caller = minyi::common::v1::Caller;
using Role = minyi::common::v1::Role;

class RevocationList;

// The metadata key of a service credential (docs/security.md). The gateway never forwards a client's
// headers as metadata, so only a process holding a service key can send one.
inline constexpr char kServiceCredentialMetadata[] = "x-minyi-service-credential";

// Issues access tokens: ES256 JWTs signed with the identity service's private key. Only the identity
// service holds one; everything else verifies with the public keys (TokenVerifier).
class TokenIssuer final {
 public:
  TokenIssuer(EcPrivateKey key, std::string audience, absl::Duration ttl = absl::Minutes(30));

  struct Options {
    int64_t version = 0;                    // the account's token version (a bump voids older tokens)
    bool password_change_required = false;  // good only for ChangePassword, Logout, GetAccount(me)
  };
  absl::StatusOr<std::string> Issue(const Caller& caller, absl::Time now, const Options& options) const;
  absl::StatusOr<std::string> Issue(const Caller& caller, absl::Time now) const { return Issue(caller, now, {}); }

  absl::Duration ttl() const { return ttl_; }
  const EcPublicKey& public_key() const { return key_.public_key; }

 private:
  EcPrivateKey key_;
  std::string audience_;
  absl::Duration ttl_;
};

// An access token that verified: its caller (with token_id and token_expire_unix set) and what the
// revocation check and the password-change rule need.
struct VerifiedToken {
  Caller caller;
  int64_t version = 0;
  bool password_change_required = false;
  absl::Time not_before;
  absl::Time expires;
};

// Verifies access tokens against a set of public keys — the current signing key and, during a rotation,
// the previous one — chosen by the token's `kid`. ES256 is pinned; `exp`, `nbf`, `iss` and `aud` are
// checked on every verification.
class TokenVerifier final {
 public:
  TokenVerifier(std::vector<EcPublicKey> keys, std::string audience);

  // UNAUTHENTICATED with a reason (TOKEN_EXPIRED, TOKEN_INVALID) when the token is not good. Revocation is
  // not checked here (RevocationList).
  absl::StatusOr<VerifiedToken> Verify(absl::string_view token, absl::Time now) const;

  const std::vector<EcPublicKey>& keys() const { return keys_; }

 private:
  // Everything but the time window: encoding, algorithm, key, signature, issuer, audience, subject, role.
  absl::StatusOr<VerifiedToken> Decode(absl::string_view token) const;

  std::vector<EcPublicKey> keys_;
  std::string audience_;
  // Tokens whose signature and claims were already checked, keyed by the whole token (signature
  // included), so only the very same bytes hit. A client sends its token with every request until it
  // expires; this spares the gateway and each service an ECDSA verification per call. The time window is
  // still checked on every hit.
  mutable absl::Mutex verified_mu_;
  mutable absl::flat_hash_map<std::string, VerifiedToken> verified_ ABSL_GUARDED_BY(verified_mu_);
};

// Verifies the credentials other services send (kServiceCredentialMetadata): short-lived ES256 JWTs that
// each service signs with its own private key, addressed to one callee. A stolen key speaks only as its
// own service, never as a user or another service.
class ServiceVerifier final {
 public:
  // `callers`: the public key of each service by name; `self`: this service's name (the audience).
  ServiceVerifier(std::map<std::string, EcPublicKey> callers, std::string self);

  // The calling service's name; UNAUTHENTICATED (SERVICE_CREDENTIAL_INVALID) otherwise.
  absl::StatusOr<std::string> Verify(absl::string_view credential, absl::Time now) const;

 private:
  struct Verified {
    std::string service;
    absl::Time not_before;
    absl::Time expires;
  };
  absl::StatusOr<Verified> Decode(absl::string_view credential) const;

  std::map<std::string, EcPublicKey> callers_;
  std::string self_;
  // A caller sends the same credential for minutes: verified once, its time window checked on every use.
  mutable absl::Mutex verified_mu_;
  mutable absl::flat_hash_map<std::string, Verified> verified_ ABSL_GUARDED_BY(verified_mu_);
};

// A service credential: `service` speaking to `callee`, signed with the service's own key.
absl::StatusOr<std::string> SignServiceCredential(const EcPrivateKey& key, absl::string_view service,
                                                  absl::string_view callee, absl::Time now, absl::Duration ttl);

// The one helper services use to authorize. The gateway forwards the caller's bearer token in the
// `authorization` metadata; the service verifies it again (signature, time window, revocation), so
// nothing that reaches a service port can claim an identity it does not hold a signed token for. Another
// service calls with its own credential instead, accepted only where a method names that service.
class Authorizer final {
 public:
  // `services` may be null in a process that accepts no calls from other services.
  Authorizer(const TokenVerifier& tokens, const RevocationList& revocations, const ServiceVerifier* services);

  // The user calling, or UNAUTHENTICATED when the call carries no valid, unrevoked token.
  // FAILED_PRECONDITION (PASSWORD_CHANGE_REQUIRED) for a token that is good only to change the password.
  absl::StatusOr<Caller> Authenticate(const Call& call) const;
  // The user when their role is one of `roles`; PERMISSION_DENIED otherwise.
  absl::StatusOr<Caller> Require(const Call& call, std::initializer_list<Role> roles) const;
  // Require for office staff (admin, staff), who keep the platform's records.
  absl::StatusOr<Caller> RequireOffice(const Call& call) const;
  // As Authenticate, or one of `services` calling with its own credential (role ROLE_SERVICE).
  absl::StatusOr<Caller> AuthenticateUserOrService(const Call& call,
                                                   std::initializer_list<absl::string_view> services) const;
  // As Require, or one of `services` calling with its own credential (role ROLE_SERVICE).
  absl::StatusOr<Caller> RequireUserOrService(const Call& call, std::initializer_list<Role> roles,
                                              std::initializer_list<absl::string_view> services) const;
  // As Authenticate, but a token that is good only to change the password is accepted too.
  absl::StatusOr<Caller> AuthenticateForPasswordChange(const Call& call) const;

 private:
  // The user's verified, unrevoked token; refused when the call carries a service credential.
  absl::StatusOr<VerifiedToken> VerifyUser(const Call& call) const;
  // The calling service when the call carries a service credential, an empty name when it carries none.
  absl::StatusOr<std::string> VerifyService(const Call& call) const;

  const TokenVerifier& tokens_;
  const RevocationList& revocations_;
  const ServiceVerifier* services_;
};

// Checks a bearer token as the gateway and the services do: "Bearer <jwt>", signature and time window,
// not revoked. The verified token, or UNAUTHENTICATED.
absl::StatusOr<VerifiedToken> VerifyBearer(absl::string_view authorization, const TokenVerifier& tokens,
                                           const RevocationList& revocations, absl::Time now);

bool HasRole(const Caller& caller, std::initializer_list<Role> roles);
// Staff-side roles that administer the platform's records (admin, staff).
bool IsOffice(const Caller& caller);
// OK when the caller is office staff, or is the deputy `deputy_name` ("deputies/{id}") themself.
absl::Status RequireSelfOrOffice(const Caller& caller, absl::string_view deputy_name);

}  // namespace minyi

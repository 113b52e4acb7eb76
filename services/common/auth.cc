#include "auth.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/jwt.h"
#include "common/revocation.h"
#include "nlohmann/json.hpp"
#include "sodium.h"
#include "status.h"

namespace minyi {
namespace {

constexpr char kIssuer[] = "minyi";
constexpr char kServiceIssuer[] = "minyi-service";
// Tokens are refused when their clocks disagree with ours by more than this.
constexpr long kLeewaySeconds = 30;
// Distinct tokens remembered as verified (a few hundred bytes each): every deputy of a sitting at once.
constexpr size_t kMaxVerifiedTokens = 4096;
constexpr absl::string_view kBearer = "Bearer ";

absl::Status Invalid(absl::string_view why) {
  return Unauthenticated("TOKEN_INVALID", absl::StrCat("access token rejected: ", why));
}

std::string RandomId() {
  unsigned char id[16];
  randombytes_buf(id, sizeof id);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(id), sizeof id));
}

std::string StringClaim(const nlohmann::json& claims, const char* name) {
  auto it = claims.find(name);
  return it != claims.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool IntClaim(const nlohmann::json& claims, const char* name, int64_t* out) {
  auto it = claims.find(name);
  if (it == claims.end() || !it->is_number_integer()) {
    return false;
  }
  *out = it->get<int64_t>();
  return true;
}

// The claims every token of ours carries: issuer, audience and the time window.
nlohmann::json BaseClaims(absl::string_view issuer, absl::string_view audience, absl::string_view subject,
                          absl::Time now, absl::Duration ttl) {
  const int64_t iat = absl::ToUnixSeconds(now);
  return {{"iss", issuer},
          {"aud", audience},
          {"sub", subject},
          {"jti", RandomId()},
          {"iat", iat},
          {"nbf", iat},
          {"exp", iat + absl::ToInt64Seconds(ttl)}};
}

absl::Status InWindow(absl::Time now, absl::Time not_before, absl::Time expires) {
  if (now > expires + absl::Seconds(kLeewaySeconds)) {
    return Unauthenticated("TOKEN_EXPIRED", "access token expired; sign in again");
  }
  if (now + absl::Seconds(kLeewaySeconds) < not_before) {
    return Invalid("not valid yet");
  }
  return absl::OkStatus();
}

Caller ServiceCaller(const std::string& service) {
  Caller caller;
  caller.set_account_id(absl::StrCat("service:", service));
  caller.set_role(minyi::common::v1::ROLE_SERVICE);
  caller.set_service(service);
  return caller;
}

absl::Status RoleDenied(const Caller& caller) {
  return PermissionDenied(
      absl::StrCat("role ", minyi::common::v1::Role_Name(caller.role()), " may not make this call"));
}

}  // namespace

TokenIssuer::TokenIssuer(EcPrivateKey key, std::string audience, absl::Duration ttl)
    : key_(std::move(key)), audience_(std::move(audience)), ttl_(ttl) {}

absl::StatusOr<std::string> TokenIssuer::Issue(const Caller& caller, absl::Time now, const Options& options) const {
  if (caller.role() == minyi::common::v1::ROLE_SERVICE || caller.role() == minyi::common::v1::ROLE_UNSPECIFIED) {
    return absl::InvalidArgumentError("access tokens are for accounts' roles only");
  }
  nlohmann::json claims = BaseClaims(kIssuer, audience_, caller.account_id(), now, ttl_);
  claims["role"] = minyi::common::v1::Role_Name(caller.role());
  claims["ver"] = options.version;
  if (!caller.deputy().empty()) {
    claims["deputy"] = caller.deputy();
  }
  if (!caller.department().empty()) {
    claims["department"] = caller.department();
  }
  if (options.password_change_required) {
    claims["pcr"] = true;
  }
  return SignJwt(key_, key_.public_key.kid, claims);
}

TokenVerifier::TokenVerifier(std::vector<EcPublicKey> keys, std::string audience)
    : keys_(std::move(keys)), audience_(std::move(audience)) {}

absl::StatusOr<VerifiedToken> TokenVerifier::Decode(absl::string_view token) const {
  absl::StatusOr<nlohmann::json> claims = VerifyJwt(token, [this](absl::string_view kid) -> const EcPublicKey* {
    for (const EcPublicKey& key : keys_) {
      if (key.kid == kid) {
        return &key;
      }
    }
    return nullptr;
  });
  if (!claims.ok()) {
    return claims.status();
  }
  int64_t exp = 0;
  int64_t nbf = 0;
  VerifiedToken v;
  if (!IntClaim(*claims, "exp", &exp) || !IntClaim(*claims, "nbf", &nbf) || !IntClaim(*claims, "ver", &v.version)) {
    return Invalid("exp, nbf and ver are required");
  }
  if (StringClaim(*claims, "iss") != kIssuer) {
    return Invalid("wrong issuer");
  }
  if (StringClaim(*claims, "aud") != audience_) {
    return Invalid("wrong audience");
  }
  v.not_before = absl::FromUnixSeconds(nbf);
  v.expires = absl::FromUnixSeconds(exp);
  v.caller.set_account_id(StringClaim(*claims, "sub"));
  Role role = minyi::common::v1::ROLE_UNSPECIFIED;
  if (v.caller.account_id().empty() || !minyi::common::v1::Role_Parse(StringClaim(*claims, "role"), &role) ||
      role == minyi::common::v1::ROLE_UNSPECIFIED || role == minyi::common::v1::ROLE_SERVICE) {
    return Invalid("missing subject or role");
  }
  v.caller.set_role(role);
  v.caller.set_deputy(StringClaim(*claims, "deputy"));
  v.caller.set_department(StringClaim(*claims, "department"));
  v.caller.set_token_id(StringClaim(*claims, "jti"));
  v.caller.set_token_expire_unix(exp);
  if (v.caller.token_id().empty()) {
    return Invalid("jti is required");
  }
  auto pcr = claims->find("pcr");
  v.password_change_required = pcr != claims->end() && pcr->is_boolean() && pcr->get<bool>();
  return v;
}

absl::StatusOr<VerifiedToken> TokenVerifier::Verify(absl::string_view token, absl::Time now) const {
  {
    absl::MutexLock lock(&verified_mu_);
    if (auto it = verified_.find(token); it != verified_.end()) {
      if (absl::Status st = InWindow(now, it->second.not_before, it->second.expires); !st.ok()) {
        return st;
      }
      return it->second;
    }
  }
  absl::StatusOr<VerifiedToken> v = Decode(token);
  if (!v.ok()) {
    return v.status();
  }
  if (absl::Status st = InWindow(now, v->not_before, v->expires); !st.ok()) {
    return st;
  }
  absl::MutexLock lock(&verified_mu_);
  if (verified_.size() >= kMaxVerifiedTokens) {
    verified_.clear();  // simpler than LRU, and a full cache is refilled in one round of requests
  }
  verified_.emplace(std::string(token), *v);
  return v;
}

ServiceVerifier::ServiceVerifier(std::map<std::string, EcPublicKey> callers, std::string self)
    : callers_(std::move(callers)), self_(std::move(self)) {}

namespace {

absl::Status RefuseCredential(absl::string_view why) {
  return Unauthenticated("SERVICE_CREDENTIAL_INVALID", absl::StrCat("service credential rejected: ", why));
}

}  // namespace

absl::StatusOr<ServiceVerifier::Verified> ServiceVerifier::Decode(absl::string_view credential) const {
  std::string service;
  absl::StatusOr<nlohmann::json> claims =
      VerifyJwt(credential, [this, &service](absl::string_view kid) -> const EcPublicKey* {
        auto it = callers_.find(std::string(kid));
        if (it == callers_.end()) {
          return nullptr;
        }
        service = it->first;
        return &it->second;
      });
  if (!claims.ok()) {
    return RefuseCredential(claims.status().message());
  }
  int64_t exp = 0;
  int64_t nbf = 0;
  if (!IntClaim(*claims, "exp", &exp) || !IntClaim(*claims, "nbf", &nbf)) {
    return RefuseCredential("exp and nbf are required");
  }
  // The key id names the signing service, and the subject must agree: one service's key never speaks for
  // another. The audience is this service, so a credential sent to one callee is useless at any other.
  if (StringClaim(*claims, "iss") != kServiceIssuer || StringClaim(*claims, "sub") != service ||
      StringClaim(*claims, "aud") != self_) {
    return RefuseCredential("wrong issuer, subject or audience");
  }
  return Verified{service, absl::FromUnixSeconds(nbf), absl::FromUnixSeconds(exp)};
}

absl::StatusOr<std::string> ServiceVerifier::Verify(absl::string_view credential, absl::Time now) const {
  absl::StatusOr<Verified> v;
  {
    absl::MutexLock lock(&verified_mu_);
    if (auto it = verified_.find(credential); it != verified_.end()) {
      v = it->second;
    }
  }
  const bool remembered = v.ok();
  if (!remembered) {
    v = Decode(credential);
    if (!v.ok()) {
      return v.status();
    }
  }
  if (absl::Status st = InWindow(now, v->not_before, v->expires); !st.ok()) {
    return RefuseCredential(st.message());
  }
  if (!remembered) {
    absl::MutexLock lock(&verified_mu_);
    if (verified_.size() >= kMaxVerifiedTokens) {
      verified_.clear();
    }
    verified_.emplace(std::string(credential), *v);
  }
  return v->service;
}

absl::StatusOr<std::string> SignServiceCredential(const EcPrivateKey& key, absl::string_view service,
                                                  absl::string_view callee, absl::Time now, absl::Duration ttl) {
  return SignJwt(key, service, BaseClaims(kServiceIssuer, callee, service, now, ttl));
}

absl::StatusOr<VerifiedToken> VerifyBearer(absl::string_view authorization, const TokenVerifier& tokens,
                                           const RevocationList& revocations, absl::Time now) {
  if (!absl::StartsWithIgnoreCase(authorization, kBearer)) {
    return Invalid("expected 'Bearer <token>'");
  }
  absl::StatusOr<VerifiedToken> token =
      tokens.Verify(absl::StripAsciiWhitespace(authorization.substr(kBearer.size())), now);
  if (!token.ok()) {
    return token.status();
  }
  if (revocations.IsRevoked(*token, now)) {
    return Unauthenticated("TOKEN_REVOKED", "this session has ended; sign in again");
  }
  return token;
}

Authorizer::Authorizer(const TokenVerifier& tokens, const RevocationList& revocations, const ServiceVerifier* services)
    : tokens_(tokens), revocations_(revocations), services_(services) {}

absl::StatusOr<VerifiedToken> Authorizer::VerifyUser(const Call& call) const {
  // A service credential is never a user's identity, whatever else the call carries.
  if (!call.service_credential.empty()) {
    return PermissionDenied("this call is for users, not services");
  }
  if (call.authorization.empty()) {
    return Unauthenticated("TOKEN_MISSING", "sign in first: this call needs an access token");
  }
  return VerifyBearer(call.authorization, tokens_, revocations_, absl::Now());
}

absl::StatusOr<std::string> Authorizer::VerifyService(const Call& call) const {
  if (call.service_credential.empty()) {
    return std::string();
  }
  if (services_ == nullptr) {
    return Unauthenticated("SERVICE_CREDENTIAL_INVALID", "this process accepts no service credentials");
  }
  return services_->Verify(call.service_credential, absl::Now());
}

absl::StatusOr<Caller> Authorizer::AuthenticateForPasswordChange(const Call& call) const {
  absl::StatusOr<VerifiedToken> token = VerifyUser(call);
  if (!token.ok()) {
    return token.status();
  }
  return token->caller;
}

absl::StatusOr<Caller> Authorizer::Authenticate(const Call& call) const {
  absl::StatusOr<VerifiedToken> token = VerifyUser(call);
  if (token.ok() && token->password_change_required) {
    return FailedPrecondition("PASSWORD_CHANGE_REQUIRED", "this account must change its password first");
  }
  if (!token.ok()) {
    return token.status();
  }
  return token->caller;
}

absl::StatusOr<Caller> Authorizer::Require(const Call& call, std::initializer_list<Role> roles) const {
  absl::StatusOr<Caller> caller = Authenticate(call);
  if (caller.ok() && !HasRole(*caller, roles)) {
    return RoleDenied(*caller);
  }
  return caller;
}

absl::StatusOr<Caller> Authorizer::RequireOffice(const Call& call) const {
  return Require(call, {minyi::common::v1::ROLE_ADMIN, minyi::common::v1::ROLE_STAFF});
}

absl::StatusOr<Caller> Authorizer::AuthenticateUserOrService(const Call& call,
                                                             std::initializer_list<absl::string_view> services) const {
  absl::StatusOr<std::string> service = VerifyService(call);
  if (!service.ok()) {
    return service.status();
  }
  if (service->empty()) {
    return Authenticate(call);
  }
  for (absl::string_view allowed : services) {
    if (*service == allowed) {
      return ServiceCaller(*service);
    }
  }
  return PermissionDenied(absl::StrCat("service ", *service, " may not make this call"));
}

absl::StatusOr<Caller> Authorizer::RequireUserOrService(const Call& call, std::initializer_list<Role> roles,
                                                        std::initializer_list<absl::string_view> services) const {
  absl::StatusOr<Caller> caller = AuthenticateUserOrService(call, services);
  if (caller.ok() && caller->role() != minyi::common::v1::ROLE_SERVICE && !HasRole(*caller, roles)) {
    return RoleDenied(*caller);
  }
  return caller;
}

bool HasRole(const Caller& caller, std::initializer_list<Role> roles) {
  for (Role r : roles) {
    if (caller.role() == r) {
      return true;
    }
  }
  return false;
}

bool IsOffice(const Caller& caller) {
  return HasRole(caller, {minyi::common::v1::ROLE_ADMIN, minyi::common::v1::ROLE_STAFF});
}

absl::Status RequireSelfOrOffice(const Caller& caller, absl::string_view deputy_name) {
  if (IsOffice(caller) || (!caller.deputy().empty() && caller.deputy() == deputy_name)) {
    return absl::OkStatus();
  }
  return PermissionDenied(absl::StrCat("only office staff or ", deputy_name, " may do this"));
}

}  // namespace minyi

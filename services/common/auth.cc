#include "auth.h"

#include <jwt.h>

#include <cerrno>
#include <cstdlib>
#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "grpcpp/server_context.h"
#include "nlohmann/json.hpp"
#include "sodium.h"
#include "status.h"

namespace minyi {
namespace {

constexpr char kIssuer[] = "minyi";
// Tokens are refused when their clocks disagree with ours by more than this.
constexpr long kLeewaySeconds = 30;
// Distinct tokens remembered as verified (a few hundred bytes each): every deputy of a sitting at once.
constexpr size_t kMaxVerifiedTokens = 4096;

struct JwtDeleter {
  void operator()(jwt_t* j) const { jwt_free(j); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtDeleter>;

absl::Status Invalid(absl::string_view why) {
  return Unauthenticated("TOKEN_INVALID", absl::StrCat("access token rejected: ", why));
}

std::string Grant(jwt_t* j, const char* name) {
  const char* v = jwt_get_grant(j, name);
  return v == nullptr ? std::string() : std::string(v);
}

// The algorithm is read from the header and checked before libjwt sees the token, so a token can never
// choose how it is verified.
absl::Status CheckHeader(absl::string_view token) {
  std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3 || parts[2].empty()) {
    return Invalid("malformed");
  }
  std::string header;
  if (!absl::WebSafeBase64Unescape(parts[0], &header)) {
    return Invalid("malformed header");
  }
  auto json = nlohmann::json::parse(header, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json.contains("alg") || json["alg"] != "HS256") {
    return Invalid("algorithm not allowed");
  }
  return absl::OkStatus();
}

}  // namespace

TokenSigner::TokenSigner(std::string secret, std::string audience, absl::Duration ttl)
    : secret_(std::move(secret)), audience_(std::move(audience)), ttl_(ttl) {}

absl::StatusOr<std::string> TokenSigner::Issue(const Caller& caller, absl::Time now) const {
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) {
    return absl::InternalError("jwt_new failed");
  }
  JwtPtr j(raw);
  const long iat = absl::ToUnixSeconds(now);
  unsigned char jti[16];
  randombytes_buf(jti, sizeof jti);
  int rc = 0;
  rc |= jwt_add_grant(j.get(), "iss", kIssuer);
  rc |= jwt_add_grant(j.get(), "aud", audience_.c_str());
  rc |= jwt_add_grant(j.get(), "sub", caller.account_id().c_str());
  rc |= jwt_add_grant(j.get(), "role", minyi::common::v1::Role_Name(caller.role()).c_str());
  if (!caller.deputy().empty()) {
    rc |= jwt_add_grant(j.get(), "deputy", caller.deputy().c_str());
  }
  if (!caller.department().empty()) {
    rc |= jwt_add_grant(j.get(), "department", caller.department().c_str());
  }
  rc |= jwt_add_grant(j.get(), "jti",
                      absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(jti), sizeof jti)).c_str());
  rc |= jwt_add_grant_int(j.get(), "iat", iat);
  rc |= jwt_add_grant_int(j.get(), "nbf", iat);
  rc |= jwt_add_grant_int(j.get(), "exp", iat + absl::ToInt64Seconds(ttl_));
  rc |= jwt_set_alg(j.get(), JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(secret_.data()),
                    static_cast<int>(secret_.size()));
  if (rc != 0) {
    return absl::InternalError("building token failed");
  }
  char* encoded = jwt_encode_str(j.get());
  if (encoded == nullptr) {
    return absl::InternalError("encoding token failed");
  }
  std::string out(encoded);
  std::free(encoded);
  return out;
}

absl::StatusOr<TokenSigner::Verified> TokenSigner::Decode(absl::string_view token) const {
  if (absl::Status st = CheckHeader(token); !st.ok()) {
    return st;
  }
  jwt_t* raw = nullptr;
  std::string tok(token);
  if (jwt_decode(&raw, tok.c_str(), reinterpret_cast<const unsigned char*>(secret_.data()),
                 static_cast<int>(secret_.size())) != 0 ||
      raw == nullptr) {
    return Invalid("bad signature or encoding");
  }
  JwtPtr j(raw);
  if (jwt_get_alg(j.get()) != JWT_ALG_HS256) {
    return Invalid("algorithm not allowed");
  }
  errno = 0;
  const long exp = jwt_get_grant_int(j.get(), "exp");
  const bool has_exp = errno == 0;
  errno = 0;
  const long nbf = jwt_get_grant_int(j.get(), "nbf");
  const bool has_nbf = errno == 0;
  if (!has_exp || !has_nbf) {
    return Invalid("exp and nbf are required");
  }
  if (Grant(j.get(), "iss") != kIssuer) {
    return Invalid("wrong issuer");
  }
  if (Grant(j.get(), "aud") != audience_) {
    return Invalid("wrong audience");
  }
  Verified v;
  v.not_before = absl::FromUnixSeconds(nbf);
  v.expires = absl::FromUnixSeconds(exp);
  v.caller.set_account_id(Grant(j.get(), "sub"));
  Role role = minyi::common::v1::ROLE_UNSPECIFIED;
  if (v.caller.account_id().empty() || !minyi::common::v1::Role_Parse(Grant(j.get(), "role"), &role) ||
      role == minyi::common::v1::ROLE_UNSPECIFIED) {
    return Invalid("missing subject or role");
  }
  v.caller.set_role(role);
  v.caller.set_deputy(Grant(j.get(), "deputy"));
  v.caller.set_department(Grant(j.get(), "department"));
  return v;
}

absl::StatusOr<Caller> TokenSigner::Verify(absl::string_view token, absl::Time now) const {
  const auto in_window = [now](const Verified& v) -> absl::Status {
    if (now > v.expires + absl::Seconds(kLeewaySeconds)) {
      return Unauthenticated("TOKEN_EXPIRED", "access token expired; sign in again");
    }
    if (now + absl::Seconds(kLeewaySeconds) < v.not_before) {
      return Invalid("not valid yet");
    }
    return absl::OkStatus();
  };
  {
    absl::MutexLock lock(&verified_mu_);
    if (auto it = verified_.find(token); it != verified_.end()) {
      if (absl::Status st = in_window(it->second); !st.ok()) {
        return st;
      }
      return it->second.caller;
    }
  }
  absl::StatusOr<Verified> v = Decode(token);
  if (!v.ok()) {
    return v.status();
  }
  if (absl::Status st = in_window(*v); !st.ok()) {
    return st;
  }
  absl::MutexLock lock(&verified_mu_);
  if (verified_.size() >= kMaxVerifiedTokens) {
    verified_.clear();  // simpler than LRU, and a full cache is refilled in one round of requests
  }
  verified_.emplace(std::string(token), *v);
  return v->caller;
}

absl::StatusOr<Caller> Authorizer::Authenticate(const grpc::ServerContextBase& ctx) const {
  const auto& md = ctx.client_metadata();
  auto it = md.find("authorization");
  if (it == md.end()) {
    return Unauthenticated("TOKEN_MISSING", "sign in first: this call needs an access token");
  }
  absl::string_view value(it->second.data(), it->second.size());
  constexpr absl::string_view kBearer = "Bearer ";
  if (!absl::StartsWithIgnoreCase(value, kBearer)) {
    return Invalid("expected 'Bearer <token>'");
  }
  return signer_.Verify(value.substr(kBearer.size()), absl::Now());
}

absl::StatusOr<Caller> Authorizer::Require(const grpc::ServerContextBase& ctx,
                                           std::initializer_list<Role> roles) const {
  absl::StatusOr<Caller> caller = Authenticate(ctx);
  if (!caller.ok()) {
    return caller.status();
  }
  if (!HasRole(*caller, roles)) {
    return PermissionDenied(absl::StrCat("role ", minyi::common::v1::Role_Name(caller->role()),
                                         " may not make this call"));
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

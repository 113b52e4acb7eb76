#include "common/jwt.h"

#include <jwt.h>

#include <cstdlib>
#include <memory>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status.h"

namespace minyi {
namespace {

// A token is a few hundred bytes; anything far larger is not one of ours and is not parsed.
constexpr size_t kMaxTokenBytes = 8192;

struct JwtDeleter {
  void operator()(jwt_t* j) const { jwt_free(j); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtDeleter>;

absl::Status Invalid(absl::string_view why) {
  return Unauthenticated("TOKEN_INVALID", absl::StrCat("access token rejected: ", why));
}

}  // namespace

absl::StatusOr<std::string> SignJwt(const EcPrivateKey& key, absl::string_view kid, const nlohmann::json& claims) {
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) {
    return absl::InternalError("jwt_new failed");
  }
  JwtPtr j(raw);
  const std::string grants = claims.dump();
  const std::string kid_str(kid);
  if (jwt_add_grants_json(j.get(), grants.c_str()) != 0 || jwt_add_header(j.get(), "kid", kid_str.c_str()) != 0 ||
      jwt_set_alg(j.get(), JWT_ALG_ES256, reinterpret_cast<const unsigned char*>(key.pem.data()),
                  static_cast<int>(key.pem.size())) != 0) {
    return absl::InternalError("building token failed");
  }
  char* encoded = jwt_encode_str(j.get());
  if (encoded == nullptr) {
    return absl::InternalError("signing token failed");
  }
  std::string out(encoded);
  std::free(encoded);
  return out;
}

absl::StatusOr<nlohmann::json> VerifyJwt(absl::string_view token,
                                         const std::function<const EcPublicKey*(absl::string_view kid)>& key_for) {
  if (token.size() > kMaxTokenBytes) {
    return Invalid("too long");
  }
  std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3 || parts[2].empty()) {
    return Invalid("malformed");
  }
  std::string header_text;
  if (!absl::WebSafeBase64Unescape(parts[0], &header_text)) {
    return Invalid("malformed header");
  }
  const nlohmann::json header = nlohmann::json::parse(header_text, nullptr, /*allow_exceptions=*/false);
  if (!header.is_object() || header.value("alg", nlohmann::json()) != "ES256") {
    return Invalid("algorithm not allowed");
  }
  const auto kid = header.find("kid");
  if (kid == header.end() || !kid->is_string()) {
    return Invalid("no key id");
  }
  const EcPublicKey* key = key_for(kid->get_ref<const std::string&>());
  if (key == nullptr) {
    return Invalid("unknown signing key");
  }
  jwt_t* raw = nullptr;
  const std::string tok(token);
  if (jwt_decode(&raw, tok.c_str(), reinterpret_cast<const unsigned char*>(key->pem.data()),
                 static_cast<int>(key->pem.size())) != 0 ||
      raw == nullptr) {
    return Invalid("bad signature or encoding");
  }
  JwtPtr j(raw);
  if (jwt_get_alg(j.get()) != JWT_ALG_ES256) {
    return Invalid("algorithm not allowed");
  }
  char* grants = jwt_get_grants_json(j.get(), nullptr);
  if (grants == nullptr) {
    return Invalid("no claims");
  }
  nlohmann::json claims = nlohmann::json::parse(grants, nullptr, /*allow_exceptions=*/false);
  std::free(grants);
  if (!claims.is_object()) {
    return Invalid("claims are not an object");
  }
  return claims;
}

}  // namespace minyi

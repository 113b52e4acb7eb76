#include "common/jwt.h"

#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <memory>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status.h"

// ES256 is done here with OpenSSL directly rather than with libjwt, which decodes the PEM key on every
// signature and verification: under OpenSSL 3 that alone took 0.6-0.8 ms a token, ten times the ECDSA work
// (bench/README.md, "Tokens").
namespace minyi {
namespace {

// A token is a few hundred bytes; anything far larger is not one of ours and is not parsed.
constexpr size_t kMaxTokenBytes = 8192;
// ES256's signature: R and S of P-256, 32 bytes each (RFC 7518, 3.4).
constexpr size_t kCoordinateBytes = 32;

struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct SigFree {
  void operator()(ECDSA_SIG* s) const { ECDSA_SIG_free(s); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
using SigPtr = std::unique_ptr<ECDSA_SIG, SigFree>;

absl::Status Invalid(absl::string_view why) {
  return Unauthenticated("TOKEN_INVALID", absl::StrCat("access token rejected: ", why));
}

std::string Encode(absl::string_view bytes) {
  std::string out;
  absl::WebSafeBase64Escape(bytes, &out);
  return out;
}

// base64url without padding, in its one canonical form: no two token strings carry the same bytes.
bool Decode(absl::string_view text, std::string* out) {
  return absl::WebSafeBase64Unescape(text, out) && Encode(*out) == text;
}

}  // namespace

absl::StatusOr<std::string> SignJwt(const EcPrivateKey& key, absl::string_view kid, const nlohmann::json& claims) {
  const nlohmann::json header = {{"alg", "ES256"}, {"kid", kid}, {"typ", "JWT"}};
  // Claims come from validated accounts; should a byte not be UTF-8 after all, it is replaced, never thrown.
  const auto replace = nlohmann::json::error_handler_t::replace;
  const std::string input =
      absl::StrCat(Encode(header.dump(-1, ' ', false, replace)), ".", Encode(claims.dump(-1, ' ', false, replace)));
  MdCtxPtr ctx(EVP_MD_CTX_new());
  size_t der_size = 0;
  if (key.key == nullptr || ctx == nullptr ||
      EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &der_size, reinterpret_cast<const unsigned char*>(input.data()),
                     input.size()) != 1) {
    return absl::InternalError("signing token failed");
  }
  std::vector<unsigned char> der(der_size);
  if (EVP_DigestSign(ctx.get(), der.data(), &der_size, reinterpret_cast<const unsigned char*>(input.data()),
                     input.size()) != 1) {
    return absl::InternalError("signing token failed");
  }
  const unsigned char* p = der.data();
  SigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der_size)));
  if (sig == nullptr) {
    return absl::InternalError("signing token failed");
  }
  unsigned char raw[2 * kCoordinateBytes];
  if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), raw, kCoordinateBytes) != kCoordinateBytes ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), raw + kCoordinateBytes, kCoordinateBytes) != kCoordinateBytes) {
    return absl::InternalError("signing token failed");
  }
  return absl::StrCat(input, ".", Encode(absl::string_view(reinterpret_cast<const char*>(raw), sizeof raw)));
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
  if (!Decode(parts[0], &header_text)) {
    return Invalid("malformed header");
  }
  // The algorithm is read and pinned before anything else: a token never chooses how it is verified
  // ("none", HS256 with a public key as the secret).
  const nlohmann::json header = nlohmann::json::parse(header_text, nullptr, /*allow_exceptions=*/false);
  if (!header.is_object() || header.value("alg", nlohmann::json()) != "ES256") {
    return Invalid("algorithm not allowed");
  }
  const auto kid = header.find("kid");
  if (kid == header.end() || !kid->is_string()) {
    return Invalid("no key id");
  }
  const EcPublicKey* key = key_for(kid->get_ref<const std::string&>());
  if (key == nullptr || key->key == nullptr) {
    return Invalid("unknown signing key");
  }
  std::string raw;
  if (!Decode(parts[2], &raw) || raw.size() != 2 * kCoordinateBytes) {
    return Invalid("malformed signature");
  }
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  SigPtr sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(bytes, kCoordinateBytes, nullptr);
  BIGNUM* s = BN_bin2bn(bytes + kCoordinateBytes, kCoordinateBytes, nullptr);
  if (sig == nullptr || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return absl::InternalError("cannot read the signature");
  }
  unsigned char* der = nullptr;
  const int der_size = i2d_ECDSA_SIG(sig.get(), &der);
  if (der_size <= 0) {
    return absl::InternalError("cannot read the signature");
  }
  std::unique_ptr<unsigned char, void (*)(void*)> der_owner(der, [](void* d) { OPENSSL_free(d); });
  const absl::string_view input = token.substr(0, parts[0].size() + 1 + parts[1].size());
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (ctx == nullptr || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key->key.get()) != 1 ||
      EVP_DigestVerify(ctx.get(), der, static_cast<size_t>(der_size),
                       reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1) {
    ERR_clear_error();  // a forged token leaves nothing on this thread's OpenSSL error queue
    return Invalid("bad signature");
  }
  std::string payload;
  if (!Decode(parts[1], &payload)) {
    return Invalid("malformed claims");
  }
  nlohmann::json claims = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (!claims.is_object()) {
    return Invalid("claims are not an object");
  }
  return claims;
}

}  // namespace minyi

#include "voting/seal.h"

#include <sodium.h>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace minyi::voting {
namespace {

constexpr std::size_t kMinNonceChars = 22;
constexpr std::size_t kMaxNonceChars = 128;

// Length-prefixed fields, so no two different inputs hash alike.
std::string DomainHash(absl::string_view domain, absl::string_view vote, absl::string_view content,
                       absl::string_view nonce) {
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  for (absl::string_view part : {domain, vote, content, nonce}) {
    const std::string len = absl::StrCat(part.size(), ":");
    crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(len.data()), len.size());
    crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(part.data()), part.size());
  }
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state, digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof digest);
}

}  // namespace

absl::Status CheckNonce(absl::string_view nonce) {
  if (nonce.size() < kMinNonceChars || nonce.size() > kMaxNonceChars) {
    return InvalidField("ballot.nonce", "须为 22-128 个字符的随机串（base64url 或十六进制）");
  }
  for (char c : nonce) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) {
      return InvalidField("ballot.nonce", "只能包含 base64url 字符");
    }
  }
  return absl::OkStatus();
}

std::string Tracker(absl::string_view vote, absl::string_view canonical_content, absl::string_view nonce) {
  return absl::BytesToHexString(DomainHash("minyi.voting.tracker.v1", vote, canonical_content, nonce));
}

std::string ReceiptCheck(absl::string_view vote, absl::string_view canonical_content, absl::string_view nonce) {
  return DomainHash("minyi.voting.receipt-check.v1", vote, canonical_content, nonce);
}

absl::StatusOr<BallotSealer> BallotSealer::FromHex(absl::string_view key_hex) {
  if (key_hex.size() != 2 * crypto_aead_xchacha20poly1305_ietf_KEYBYTES) {
    return absl::InvalidArgumentError("MINYI_VOTING_BALLOT_KEY must be 64 hex characters");
  }
  for (char c : key_hex) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) {
      return absl::InvalidArgumentError("MINYI_VOTING_BALLOT_KEY must be 64 hex characters");
    }
  }
  if (sodium_init() < 0) {
    return absl::InternalError("libsodium failed to initialize");
  }
  return BallotSealer(absl::HexStringToBytes(key_hex));
}

std::string BallotSealer::Seal(absl::string_view vote, absl::string_view plaintext) const {
  std::string out(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + plaintext.size() +
                      crypto_aead_xchacha20poly1305_ietf_ABYTES,
                  '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(out.data());
  randombytes_buf(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &written,
      reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
      reinterpret_cast<const unsigned char*>(vote.data()), vote.size(), nullptr, nonce,
      reinterpret_cast<const unsigned char*>(key_.data()));
  return out;
}

absl::StatusOr<std::string> BallotSealer::Open(absl::string_view vote, absl::string_view sealed) const {
  constexpr std::size_t kOverhead = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES;
  if (sealed.size() < kOverhead) {
    return absl::DataLossError("sealed ballot is truncated");
  }
  const auto* nonce = reinterpret_cast<const unsigned char*>(sealed.data());
  std::string out(sealed.size() - kOverhead, '\0');
  unsigned long long len = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(out.data()), &len, nullptr,
          nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
          sealed.size() - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
          reinterpret_cast<const unsigned char*>(vote.data()), vote.size(), nonce,
          reinterpret_cast<const unsigned char*>(key_.data())) != 0) {
    return absl::DataLossError("sealed ballot does not open under the ballot key");
  }
  out.resize(len);
  return out;
}

}  // namespace minyi::voting

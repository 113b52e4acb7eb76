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

absl::StatusOr<std::string> BallotSealer::Seal(absl::string_view vote, absl::string_view plaintext,
                                               std::size_t max_plaintext) const {
  if (plaintext.size() > max_plaintext) {
    return absl::InternalError("a ballot is longer than the longest its vote allows");
  }
  // One block of max_plaintext + 1 bytes holds any plaintext with at least one byte of padding.
  const std::size_t padded_size = max_plaintext + 1;
  std::string padded(plaintext);
  padded.resize(padded_size);
  std::size_t padded_len = 0;
  if (sodium_pad(&padded_len, reinterpret_cast<unsigned char*>(padded.data()), plaintext.size(), padded_size,
                 padded_size) != 0 ||
      padded_len != padded_size) {
    return absl::InternalError("ballot padding failed");
  }
  std::string out(
      crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + padded_size + crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(out.data());
  randombytes_buf(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &written,
                                             reinterpret_cast<const unsigned char*>(padded.data()), padded.size(),
                                             reinterpret_cast<const unsigned char*>(vote.data()), vote.size(), nullptr,
                                             nonce, reinterpret_cast<const unsigned char*>(key_.data()));
  return out;
}

absl::StatusOr<std::string> BallotSealer::Open(absl::string_view vote, absl::string_view sealed,
                                               std::size_t max_plaintext) const {
  constexpr std::size_t kOverhead =
      crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES;
  const std::size_t padded_size = max_plaintext + 1;
  if (sealed.size() != kOverhead + padded_size) {
    return absl::DataLossError("sealed ballot does not have its vote's length");
  }
  const auto* nonce = reinterpret_cast<const unsigned char*>(sealed.data());
  std::string out(padded_size, '\0');
  unsigned long long len = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<unsigned char*>(out.data()), &len, nullptr,
                                                 nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
                                                 sealed.size() - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
                                                 reinterpret_cast<const unsigned char*>(vote.data()), vote.size(),
                                                 nonce, reinterpret_cast<const unsigned char*>(key_.data())) != 0) {
    return absl::DataLossError("sealed ballot does not open under the ballot key");
  }
  std::size_t unpadded = 0;
  if (len != padded_size ||
      sodium_unpad(&unpadded, reinterpret_cast<const unsigned char*>(out.data()), padded_size, padded_size) != 0) {
    return absl::DataLossError("sealed ballot is not padded as sealed ballots are");
  }
  out.resize(unpadded);
  return out;
}

}  // namespace minyi::voting

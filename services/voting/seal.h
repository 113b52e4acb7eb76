#pragma once

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

// The cryptography of ballot secrecy (docs/voting.md): trackers and receipt checks derived from the
// voter's nonce, and the sealing of ballots while a vote is open. No I/O.
namespace minyi::voting {

// OK when `nonce` is 22-128 characters of base64url or hex (at least 128 bits as a device generates
// them); INVALID_ARGUMENT on "ballot.nonce" otherwise.
absl::Status CheckNonce(absl::string_view nonce);

// The public ballot tracker: lower-case hex SHA-256 over the vote, the canonical content and the nonce.
std::string Tracker(absl::string_view vote, absl::string_view canonical_content, absl::string_view nonce);

// What the voter-side row keeps to recognize a retry: SHA-256 under another domain over the same inputs.
// Without the nonce, which is never stored, it cannot be matched to any tracker or content.
std::string ReceiptCheck(absl::string_view vote, absl::string_view canonical_content, absl::string_view nonce);

// Authenticated encryption (XChaCha20-Poly1305, the vote as associated data) of ballots while the vote is
// open, under a key the service holds and the database never sees. Plaintexts are padded to one length
// per vote before sealing (ISO/IEC 7816-4: 0x80, then zeros), so every box of a vote has the same size
// whatever the ballot says.
class BallotSealer final {
 public:
  // `key_hex` is 64 hex characters (MINYI_VOTING_BALLOT_KEY).
  static absl::StatusOr<BallotSealer> FromHex(absl::string_view key_hex);

  // Seals `plaintext` padded to `max_plaintext` + 1 bytes, under a fresh random nonce; INTERNAL when it is
  // longer than `max_plaintext`.
  absl::StatusOr<std::string> Seal(absl::string_view vote, absl::string_view plaintext,
                                   std::size_t max_plaintext) const;
  // The plaintext of a box that Seal made for this vote, under this key, with the same `max_plaintext`;
  // DATA_LOSS for anything else (another key or vote, altered, another length, malformed padding).
  absl::StatusOr<std::string> Open(absl::string_view vote, absl::string_view sealed, std::size_t max_plaintext) const;

 private:
  explicit BallotSealer(std::string key) : key_(std::move(key)) {}
  std::string key_;
};

}  // namespace minyi::voting

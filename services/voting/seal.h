#pragma once

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
// open, under a key the service holds and the database never sees.
class BallotSealer final {
 public:
  // `key_hex` is 64 hex characters (MINYI_VOTING_BALLOT_KEY).
  static absl::StatusOr<BallotSealer> FromHex(absl::string_view key_hex);

  std::string Seal(absl::string_view vote, absl::string_view plaintext) const;
  // DATA_LOSS when the box was not sealed under this key for this vote.
  absl::StatusOr<std::string> Open(absl::string_view vote, absl::string_view sealed) const;

 private:
  explicit BallotSealer(std::string key) : key_(std::move(key)) {}
  std::string key_;
};

}  // namespace minyi::voting

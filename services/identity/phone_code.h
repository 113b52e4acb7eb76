#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

// One-time codes sent by SMS (docs/security.md): the pure rules, with no I/O. A code is six random
// digits; only a keyed hash of it is stored, with a keyed hash of the number in place of the number, so a
// copy of the database holds neither codes nor the numbers they were sent to, and without the key (never
// in the database) six digits cannot be tried offline against a hash.
namespace minyi::identity {

inline constexpr int kCodeDigits = 6;
// Wrong tries a code survives: past this a guesser has had 5 chances in a million, and must ask again.
inline constexpr int kMaxCodeAttempts = 5;

// A mainland mobile number as 11 digits starting with 1 (second digit 3-9), from what a person types:
// spaces and hyphens are dropped, and a leading +86 or 0086. INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<std::string> CanonicalMobile(absl::string_view field, absl::string_view input);

// Six random digits, from the operating system's random source.
std::string NewCode();

// HMAC-SHA-256 under a key of its own (derived from `secret`), hex-encoded.
class CodeHasher final {
 public:
  explicit CodeHasher(absl::string_view secret);

  // What stands for `phone` in the database and in Redis keys.
  std::string PhoneKey(absl::string_view phone) const;
  // The stored form of `code` sent to `phone` for `purpose`: the same digits are another hash for another
  // number or purpose.
  std::string CodeHash(absl::string_view phone, absl::string_view purpose, absl::string_view code) const;
  // Whether `code` is the one `stored` was made from, compared in constant time.
  bool Matches(absl::string_view stored, absl::string_view phone, absl::string_view purpose,
               absl::string_view code) const;

 private:
  std::string Mac(absl::string_view message) const;

  std::string key_;
};

// A code as stored.
struct StoredCode {
  std::string code_hash;
  absl::Time expire_time;
  int failed_attempts = 0;
  bool used = false;
};

enum class CodeVerdict { kAccepted, kNone, kUsed, kExhausted, kExpired, kWrong };

// What a try of a code meets: `stored` is the code last sent for the number and purpose (nullopt when
// none), `matches` whether the try is that code. A used, exhausted or expired code refuses even the right
// digits.
CodeVerdict JudgeCode(const std::optional<StoredCode>& stored, bool matches, absl::Time now);

// The refusal a verdict other than kAccepted gets: INVALID_ARGUMENT naming `field`.
absl::Status CodeRefusal(absl::string_view field, CodeVerdict verdict);

// A fixed-window counter's rule: at most `limit` in each `period`.
struct SendWindow {
  int64_t limit;
  absl::Duration period;
};

// How long one more send must wait when the window already holds `count` sends (this one included) and
// ends in `remaining`: zero while within the limit.
absl::Duration SendWait(const SendWindow& window, int64_t count, absl::Duration remaining);

}  // namespace minyi::identity

#include "identity/phone_code.h"

#include <sodium.h>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "common/status.h"

namespace minyi::identity {

absl::StatusOr<std::string> CanonicalMobile(absl::string_view field, absl::string_view input) {
  std::string digits;
  absl::string_view rest = absl::StripAsciiWhitespace(input);
  if (!absl::ConsumePrefix(&rest, "+86")) {
    absl::ConsumePrefix(&rest, "0086");
  }
  for (char c : rest) {
    if (c == ' ' || c == '-') {
      continue;
    }
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      return InvalidField(field, "must be a mainland mobile number: 11 digits starting with 1");
    }
    digits.push_back(c);
  }
  if (digits.size() != 11 || digits[0] != '1' || digits[1] < '3') {
    return InvalidField(field, "must be a mainland mobile number: 11 digits starting with 1");
  }
  return digits;
}

std::string NewCode() { return absl::StrFormat("%06u", randombytes_uniform(1000000)); }

CodeHasher::CodeHasher(absl::string_view secret) {
  // A key of its own, so this MAC never equals any other use of the same secret.
  const std::string material = absl::StrCat("minyi phone code key v1\n", secret);
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(material.data()), material.size());
  key_.assign(reinterpret_cast<const char*>(digest), sizeof(digest));
}

std::string CodeHasher::Mac(absl::string_view message) const {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key_.data()), key_.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()), message.size());
  crypto_auth_hmacsha256_final(&state, mac);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(mac), sizeof(mac)));
}

std::string CodeHasher::PhoneKey(absl::string_view phone) const { return Mac(absl::StrCat("phone\n", phone)); }

std::string CodeHasher::CodeHash(absl::string_view phone, absl::string_view purpose, absl::string_view code) const {
  return Mac(absl::StrCat("code\n", phone, "\n", purpose, "\n", code));
}

bool CodeHasher::Matches(absl::string_view stored, absl::string_view phone, absl::string_view purpose,
                         absl::string_view code) const {
  const std::string computed = CodeHash(phone, purpose, code);
  return stored.size() == computed.size() && sodium_memcmp(stored.data(), computed.data(), computed.size()) == 0;
}

CodeVerdict JudgeCode(const std::optional<StoredCode>& stored, bool matches, absl::Time now) {
  if (!stored.has_value()) {
    return CodeVerdict::kNone;
  }
  if (stored->used) {
    return CodeVerdict::kUsed;
  }
  if (stored->failed_attempts >= kMaxCodeAttempts) {
    return CodeVerdict::kExhausted;
  }
  if (now >= stored->expire_time) {
    return CodeVerdict::kExpired;
  }
  return matches ? CodeVerdict::kAccepted : CodeVerdict::kWrong;
}

absl::Status CodeRefusal(absl::string_view field, CodeVerdict verdict) {
  switch (verdict) {
    case CodeVerdict::kAccepted:
      return absl::OkStatus();
    case CodeVerdict::kNone:
    case CodeVerdict::kWrong:
      return InvalidField(field, "is not the code sent to this number");
    case CodeVerdict::kUsed:
      return InvalidField(field, "has been used already; ask for a new one");
    case CodeVerdict::kExhausted:
      return InvalidField(field, "was entered wrongly too many times; ask for a new one");
    case CodeVerdict::kExpired:
      return InvalidField(field, "has expired; ask for a new one");
  }
  return InvalidField(field, "is not the code sent to this number");
}

absl::Duration SendWait(const SendWindow& window, int64_t count, absl::Duration remaining) {
  if (count <= window.limit) {
    return absl::ZeroDuration();
  }
  // A window whose expiry was lost (-1) or has just passed still asks for a whole second.
  return std::max(remaining, absl::Seconds(1));
}

}  // namespace minyi::identity

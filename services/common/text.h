#pragma once

#include <cstddef>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"

namespace minyi {

// Text is UTF-8 and counted in characters (code points), so 张三 is 2 long, not 6.
bool IsValidUtf8(absl::string_view s);
std::size_t Utf8Length(absl::string_view s);
// Decodes the code point at s[i], advancing i; returns -1 for malformed UTF-8 (overlongs, surrogates
// and values past U+10FFFF included), leaving i where it was.
long NextCodePoint(absl::string_view s, std::size_t& i);
// `s` with each byte that does not begin a well-formed character replaced by U+FFFD: for quoting
// untrusted bytes in messages, since protobuf strings and JSON must be UTF-8.
std::string ToValidUtf8(absl::string_view s);

// Validates a user-supplied text field: well-formed UTF-8, no control characters, between min_chars and
// max_chars characters. The error names `field`.
absl::Status CheckText(absl::string_view field, absl::string_view value, std::size_t min_chars, std::size_t max_chars);

// Masks personal data for lists and for callers who may not see it: 138****5678, 520102********1234.
std::string MaskPhone(absl::string_view phone);
std::string MaskIdNumber(absl::string_view id_number);

}  // namespace minyi

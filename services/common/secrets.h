#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

// Refusing secrets that are not secret. A process must not start with a password or key copied from
// deploy/.env.example, the README or docs/, or one a person typed from a pattern.
namespace minyi {

// OK when `value` could be a real secret: at least `min_chars` characters, no placeholder word
// ("change-me", "example", "password", ...), no run of 8 characters a person types from a pattern
// ("aaaaaaaa", "12345678", "abcdefgh"), and at least 64 bits by its own character frequencies.
// FAILED_PRECONDITION naming `variable` (never the value) otherwise.
absl::Status CheckSecret(absl::string_view variable, absl::string_view value, std::size_t min_chars = 12);

// The password a libpq connection string carries (URI `postgresql://user:password@...` or keyword
// `password=...`), percent-decoded; empty when it carries none.
std::string DsnPassword(absl::string_view dsn);

}  // namespace minyi

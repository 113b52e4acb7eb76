#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace minyi::identity {

// Argon2id with OWASP's minimum parameters (t=2, m=19 MiB, p=1) and a random 16-byte salt, in the PHC
// encoded form ("$argon2id$v=19$m=19456,t=2,p=1$salt$hash"), which carries its own parameters so they
// can be raised later without invalidating stored hashes.
absl::StatusOr<std::string> HashPassword(absl::string_view password);

// True when `password` matches `encoded`. A malformed `encoded` is a mismatch, never a crash.
bool VerifyPassword(absl::string_view encoded, absl::string_view password);

}  // namespace minyi::identity

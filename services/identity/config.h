#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "common/keys.h"

namespace minyi::identity {

// Identity's own settings, read before anything else so a missing or placeholder value stops the
// process before migrations (the settings every service shares are common/config.h's).
struct IdentityConfig {
  EcPrivateKey signing_key;        // MINYI_TOKEN_SIGNING_KEY: the only key that can mint access tokens
  std::string bootstrap_password;  // MINYI_BOOTSTRAP_ADMIN_PASSWORD, optional
  int hashing_slots = 2;           // MINYI_SIGNIN_CONCURRENCY, default the number of cores
};

// From the environment; an error names every variable that is missing or wrong.
absl::StatusOr<IdentityConfig> LoadIdentityConfig();

}  // namespace minyi::identity

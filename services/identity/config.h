#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/keys.h"
#include "notifications/provider.h"

namespace minyi::identity {

// Identity's own settings, read before anything else so a missing or placeholder value stops the
// process before migrations (the settings every service shares are common/config.h's).
struct IdentityConfig {
  EcPrivateKey signing_key;        // MINYI_TOKEN_SIGNING_KEY: the only key that can mint access tokens
  std::string bootstrap_password;  // MINYI_BOOTSTRAP_ADMIN_PASSWORD, optional
  int hashing_slots = 2;           // MINYI_SIGNIN_CONCURRENCY, default the number of cores
  // MINYI_NOTIFY_SMS_URL, read as notifications reads it: where one-time codes are sent (a file:// sink
  // by default, notifications/provider.h).
  std::unique_ptr<minyi::notifications::Provider> sms;
  absl::Duration code_ttl = absl::Minutes(5);  // MINYI_PHONE_CODE_TTL_SECONDS, 1-3600
};

// From the environment; an error names every variable that is missing or wrong.
absl::StatusOr<IdentityConfig> LoadIdentityConfig();

}  // namespace minyi::identity

#pragma once

#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "notifications/provider.h"
#include "notifications/schedule.h"

namespace minyi::notifications {

// Notifications' own settings, read before anything else so a missing or wrong value stops the process
// before it touches the database (the settings every service shares are common/config.h's).
struct NotificationsConfig {
  std::string identity_addr;  // MINYI_IDENTITY_ADDR: accounts' contact data for the directory
  std::string deputies_addr;  // MINYI_DEPUTIES_ADDR: deputies and station members for the directory
  // MINYI_NOTIFY_SMS_URL and MINYI_NOTIFY_WEBHOOK_URL: file:// sinks by default (provider.h).
  absl::flat_hash_map<Channel, std::unique_ptr<Provider>> providers;
  absl::Duration provider_timeout = absl::Seconds(5);
  RetryPolicy retry;             // MINYI_NOTIFY_RETRY_BASE_MS, MINYI_NOTIFY_MAX_ATTEMPTS
  int digest_hour = 8;           // MINYI_NOTIFY_DIGEST_HOUR, Beijing time
  absl::Duration directory_ttl;  // MINYI_NOTIFY_DIRECTORY_TTL_SECONDS
  absl::Duration claim_idle;     // MINYI_NOTIFY_CLAIM_IDLE_MS: a consumer's pending events move after this
};

// From the environment; an error names every variable that is missing or wrong.
absl::StatusOr<NotificationsConfig> LoadNotificationsConfig();

}  // namespace minyi::notifications

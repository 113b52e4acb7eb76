#include "notifications/config.h"

#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/config.h"
#include "common/status_macros.h"

namespace minyi::notifications {

absl::StatusOr<NotificationsConfig> LoadNotificationsConfig() {
  EnvReader env;
  NotificationsConfig c;
  c.identity_addr = env.Required("MINYI_IDENTITY_ADDR");
  c.deputies_addr = env.Required("MINYI_DEPUTIES_ADDR");
  for (auto [channel, variable, fallback] :
       {std::tuple{v1::CHANNEL_SMS, "MINYI_NOTIFY_SMS_URL", "file:///tmp/minyi-notifications-sms.jsonl"},
        std::tuple{v1::CHANNEL_WEBHOOK, "MINYI_NOTIFY_WEBHOOK_URL", "file:///tmp/minyi-notifications-webhook.jsonl"}}) {
    absl::StatusOr<std::unique_ptr<Provider>> provider =
        ProviderForUrl(env.Optional(variable, fallback), c.provider_timeout);
    if (provider.ok()) {
      c.providers[channel] = *std::move(provider);
    } else {
      env.Problem(absl::StrCat(variable, ": ", provider.status().message()));
    }
  }
  c.retry.base = absl::Milliseconds(env.Int("MINYI_NOTIFY_RETRY_BASE_MS", 2000, 1, 3600 * 1000));
  c.retry.max_attempts = env.Int("MINYI_NOTIFY_MAX_ATTEMPTS", 8, 1, 100);
  c.digest_hour = env.Int("MINYI_NOTIFY_DIGEST_HOUR", 8, 0, 23);
  c.directory_ttl = absl::Seconds(env.Int("MINYI_NOTIFY_DIRECTORY_TTL_SECONDS", 60, 0, 86400));
  c.claim_idle = absl::Milliseconds(env.Int("MINYI_NOTIFY_CLAIM_IDLE_MS", 30000, 100, 3600 * 1000));
  RETURN_IF_ERROR(env.Finish());
  return c;
}

}  // namespace minyi::notifications

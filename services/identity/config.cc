#include "identity/config.h"

#include <algorithm>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/config.h"
#include "common/status_macros.h"

namespace minyi::identity {

absl::StatusOr<IdentityConfig> LoadIdentityConfig() {
  EnvReader env;
  IdentityConfig c;
  c.signing_key = env.PrivateKey("MINYI_TOKEN_SIGNING_KEY");
  c.bootstrap_password = env.OptionalSecret("MINYI_BOOTSTRAP_ADMIN_PASSWORD");
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  c.hashing_slots = env.Int("MINYI_SIGNIN_CONCURRENCY", cores, 1, 64);
  absl::StatusOr<std::unique_ptr<minyi::notifications::Provider>> sms = minyi::notifications::ProviderForUrl(
      env.Optional("MINYI_NOTIFY_SMS_URL", "file:///tmp/minyi-notifications-sms.jsonl"), absl::Seconds(5));
  if (sms.ok()) {
    c.sms = *std::move(sms);
  } else {
    env.Problem(absl::StrCat("MINYI_NOTIFY_SMS_URL: ", sms.status().message()));
  }
  c.code_ttl = absl::Seconds(env.Int("MINYI_PHONE_CODE_TTL_SECONDS", 300, 1, 3600));
  RETURN_IF_ERROR(env.Finish());
  return c;
}

}  // namespace minyi::identity

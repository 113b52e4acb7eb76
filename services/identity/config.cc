#include "identity/config.h"

#include <algorithm>
#include <thread>

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
  RETURN_IF_ERROR(env.Finish());
  return c;
}

}  // namespace minyi::identity

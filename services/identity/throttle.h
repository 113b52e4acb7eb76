#pragma once

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/redis.h"

// Sign-in throttling (docs/security.md): failed attempts are counted in Redis per user name and per client
// address, and past a few free attempts each further failure locks that name or address for a delay that
// doubles, up to a cap. Unknown user names are counted like known ones, so the throttle tells nothing
// about which accounts exist.
namespace minyi::identity {

struct ThrottlePolicy {
  int64_t free_attempts;  // failures before the first delay
  absl::Duration first_delay;
  absl::Duration max_delay;
};

// A person mistyping stays well inside these; a guesser is down to a few guesses an hour within minutes.
inline constexpr ThrottlePolicy kPerUsername{5, absl::Seconds(1), absl::Minutes(15)};
// Far higher, with a short cap: hundreds of deputies sign in at a sitting from behind the venue's one
// address, and their typos must not lock the hall out. A guesser spraying many names from one address
// still gets a hundred tries, then one a minute.
inline constexpr ThrottlePolicy kPerAddress{100, absl::Seconds(1), absl::Minutes(1)};
// Counters are forgotten this long after the last failure.
inline constexpr absl::Duration kFailureMemory = absl::Hours(1);

// The lock that `failures` consecutive failures earn: zero up to the free attempts, then the first delay
// doubling with each further failure, never above the cap.
absl::Duration LockoutAfter(const ThrottlePolicy& policy, int64_t failures);

class SignInThrottle final {
 public:
  explicit SignInThrottle(std::string redis_addr);

  // How long a sign-in as `username` from `address` must wait; zero when it may go ahead. When Redis
  // cannot be reached the answer is zero: sign-in stays possible, still bounded by HashingSlots.
  absl::Duration Wait(absl::string_view username, absl::string_view address);
  void RecordFailure(absl::string_view username, absl::string_view address);
  // A successful sign-in clears the user name's failures (not the address's: one good password must not
  // buy a guesser at the same address a fresh allowance).
  void RecordSuccess(absl::string_view username);

 private:
  void WarnOnce(const absl::Status& status);

  RedisClient redis_;
  absl::Mutex mu_;
  bool warned_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace minyi::identity

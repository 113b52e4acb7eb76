#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/calendar.h"

// When deliveries go out: quiet hours, retry backoff and the daily digest. Pure: the clock and the
// randomness come in as arguments.
namespace minyi::notifications {

// Minutes since midnight of "HH:MM" (00:00-23:59); the error names `field`.
absl::StatusOr<int> ParseClock(absl::string_view field, absl::string_view hhmm);

// A quiet window in Asia/Shanghai wall-clock minutes; start > end spans midnight (22:00-07:00), and
// start == end is no window.
struct QuietHours {
  bool enabled = false;
  int start_minute = 0;
  int end_minute = 0;
};

// When a delivery may go out: `now` outside the window or for an urgent message, else the window's end.
absl::Time ReleaseTime(absl::Time now, const QuietHours& quiet, bool urgent);

struct RetryPolicy {
  absl::Duration base = absl::Seconds(2);
  absl::Duration cap = absl::Minutes(10);
  int max_attempts = 8;  // the delivery is dead after this many failed attempts
};

// Delay before attempt `failed_attempts + 1`: exponential (base * 2^(failed-1), capped) with "equal
// jitter" — half fixed, half scaled by `jitter` in [0, 1) — so retries of a burst spread out but never
// come sooner than half the backoff.
absl::Duration RetryDelay(const RetryPolicy& policy, int failed_attempts, double jitter);

// Whether the day's digest may go out: Shanghai wall-clock hour of `now` at or past `digest_hour`.
bool DigestDue(absl::Time now, int digest_hour);

}  // namespace minyi::notifications

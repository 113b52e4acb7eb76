#include "notifications/schedule.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "common/status.h"

namespace minyi::notifications {
namespace {

// China has kept UTC+8 without daylight saving since 1991; a fixed zone needs no tzdata in the image.
}  // namespace

absl::StatusOr<int> ParseClock(absl::string_view field, absl::string_view hhmm) {
  int h = 0;
  int m = 0;
  if (hhmm.size() != 5 || hhmm[2] != ':' || !absl::SimpleAtoi(hhmm.substr(0, 2), &h) ||
      !absl::SimpleAtoi(hhmm.substr(3, 2), &m) || h < 0 || h > 23 || m < 0 || m > 59) {
    return InvalidField(field, "must be a time HH:MM between 00:00 and 23:59");
  }
  return h * 60 + m;
}

absl::Time ReleaseTime(absl::Time now, const QuietHours& quiet, bool urgent) {
  if (urgent || !quiet.enabled || quiet.start_minute == quiet.end_minute) {
    return now;
  }
  const absl::TimeZone::CivilInfo local = ShanghaiZone().At(now);
  const int minute = static_cast<int>(local.cs.hour() * 60 + local.cs.minute());
  const bool spans_midnight = quiet.start_minute > quiet.end_minute;
  const bool inside = spans_midnight ? (minute >= quiet.start_minute || minute < quiet.end_minute)
                                     : (minute >= quiet.start_minute && minute < quiet.end_minute);
  if (!inside) {
    return now;
  }
  absl::CivilDay day(local.cs);
  if (spans_midnight && minute >= quiet.start_minute) {
    day += 1;  // the window ends tomorrow morning
  }
  const absl::CivilMinute end(day.year(), day.month(), day.day(), quiet.end_minute / 60, quiet.end_minute % 60);
  return absl::FromCivil(end, ShanghaiZone());
}

absl::Duration RetryDelay(const RetryPolicy& policy, int failed_attempts, double jitter) {
  absl::Duration delay = policy.base;
  for (int i = 1; i < failed_attempts && delay < policy.cap; ++i) {
    delay *= 2;
  }
  delay = std::min(delay, policy.cap);
  jitter = std::clamp(jitter, 0.0, 1.0);
  return delay / 2 + (delay / 2) * jitter;
}

bool DigestDue(absl::Time now, int digest_hour) { return ShanghaiZone().At(now).cs.hour() >= digest_hour; }

}  // namespace minyi::notifications

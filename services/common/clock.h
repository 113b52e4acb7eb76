#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

// The domain clock: the time by which deadlines, periods, sweepers, digests and "no future dates" are
// judged. It reads the system time, shifted by a fixed offset when MINYI_CLOCK_START (tests, rehearsals)
// starts it at a chosen instant; from there it runs forward in real time. Security times (token expiry,
// sign-in throttles, revocations, Redis TTLs, delivery retry backoff) stay on the real clock, absl::Now().
namespace minyi {

class Clock final {
 public:
  // The system time.
  Clock() = default;
  // Reads `start` at the real instant `real_start`, and runs forward in real time from there.
  Clock(absl::Time start, absl::Time real_start) : offset_(start - real_start) {}

  // What this clock reads at the real instant `real`.
  absl::Time At(absl::Time real) const { return real + offset_; }
  absl::Time Now() const;
  // The Asia/Shanghai calendar day now.
  absl::CivilDay Today() const;
  // The real instant at which this clock reads `t`: for times compared with PostgreSQL's now().
  absl::Time RealTime(absl::Time t) const { return t - offset_; }
  bool shifted() const { return offset_ != absl::ZeroDuration(); }

 private:
  absl::Duration offset_;
};

// The process's domain clock: the system time unless SetDomainClock changed it. Set it once, at start,
// before other threads run.
const Clock& DomainClock();
void SetDomainClock(const Clock& clock);
// DomainClock().Now().
absl::Time DomainNow();

// An instant as RFC 3339 with its offset ("2028-02-29T23:59:00+08:00", fractions of a second allowed).
bool ParseInstant(absl::string_view text, absl::Time* t);
// `t` as RFC 3339 in Asia/Shanghai, to the nanosecond.
std::string FormatInstant(absl::Time t);

}  // namespace minyi

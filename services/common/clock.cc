#include "common/clock.h"

#include "absl/time/clock.h"
#include "common/calendar.h"

namespace minyi {
namespace {

Clock& MutableDomainClock() {
  static Clock clock;
  return clock;
}

}  // namespace

absl::Time Clock::Now() const { return At(absl::Now()); }

absl::CivilDay Clock::Today() const { return ShanghaiDay(Now()); }

const Clock& DomainClock() { return MutableDomainClock(); }

void SetDomainClock(const Clock& clock) { MutableDomainClock() = clock; }

absl::Time DomainNow() { return DomainClock().Now(); }

bool ParseInstant(absl::string_view text, absl::Time* t) {
  std::string error;
  absl::Time parsed;
  // ParseTime also reads "infinite-future"; a clock needs a real instant.
  if (!absl::ParseTime(absl::RFC3339_full, std::string(text), &parsed, &error) || parsed == absl::InfiniteFuture() ||
      parsed == absl::InfinitePast()) {
    return false;
  }
  *t = parsed;
  return true;
}

std::string FormatInstant(absl::Time t) { return absl::FormatTime(absl::RFC3339_full, t, ShanghaiZone()); }

}  // namespace minyi

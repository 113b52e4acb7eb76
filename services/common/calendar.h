#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

// Calendar days as the committee counts them: in Asia/Shanghai, written YYYY-MM-DD. Times are stored in
// UTC; deadlines, duty dates and digests are days in this calendar.
namespace minyi {

// China has kept UTC+8 all year since 1991: a fixed zone needs no tzdata in the container.
const absl::TimeZone& ShanghaiZone();
// The Asia/Shanghai calendar day at `t`.
absl::CivilDay ShanghaiDay(absl::Time t);
std::string FormatDay(absl::CivilDay day);  // YYYY-MM-DD
// FormatDay(ShanghaiDay(t)).
std::string ShanghaiDate(absl::Time t);
// Parses YYYY-MM-DD strictly: exactly that shape, and a real date.
bool ParseDay(absl::string_view text, absl::CivilDay* day);
// The same day `months` later, clamped to the month's last day (Jan 31 + 1 month = Feb 28/29).
absl::CivilDay AddCalendarMonths(absl::CivilDay start, int months);

}  // namespace minyi

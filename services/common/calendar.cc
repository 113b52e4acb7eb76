#include "common/calendar.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"

namespace minyi {

const absl::TimeZone& ShanghaiZone() {
  static const absl::TimeZone kZone = absl::FixedTimeZone(8 * 60 * 60);
  return kZone;
}

absl::CivilDay ShanghaiDay(absl::Time t) { return absl::ToCivilDay(t, ShanghaiZone()); }

std::string FormatDay(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

std::string ShanghaiDate(absl::Time t) { return FormatDay(ShanghaiDay(t)); }

bool ParseDay(absl::string_view text, absl::CivilDay* day) {
  int y = 0, m = 0, d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !absl::SimpleAtoi(text.substr(0, 4), &y) ||
      !absl::SimpleAtoi(text.substr(5, 2), &m) || !absl::SimpleAtoi(text.substr(8, 2), &d)) {
    return false;
  }
  const absl::CivilDay parsed(y, m, d);
  if (parsed.year() != y || parsed.month() != m || parsed.day() != d) {
    return false;
  }
  *day = parsed;
  return true;
}

absl::CivilDay AddCalendarMonths(absl::CivilDay start, int months) {
  const absl::CivilMonth target = absl::CivilMonth(start) + months;
  // CivilDay normalises 31 Feb to 3 Mar; the deadline is the target month's last day instead.
  const absl::CivilDay last = absl::CivilDay(target + 1) - 1;
  const absl::CivilDay same(target.year(), target.month(), start.day());
  return absl::CivilMonth(same) == target ? same : last;
}

}  // namespace minyi

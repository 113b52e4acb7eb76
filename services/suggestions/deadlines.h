#pragma once

#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/calendar.h"

// Deadline arithmetic, free of I/O. Deadlines are Asia/Shanghai calendar days. A rule counts either
// calendar months (the same day-of-month, or the month's last day when it has no such day: 31 Jan + 1
// month = 28/29 Feb) or working days on a calendar of public holidays and make-up working days (调休).
namespace minyi::suggestions {

struct DeadlineRule {
  enum class Unit { kMonths, kWorkingDays };
  Unit unit = Unit::kMonths;
  int amount = 0;
};

// The configured rules (MINYI_SUGGESTIONS_DEADLINES). The law's numbers are the defaults: answer within 3
// months of assignment, at most 6 with an approved extension, re-handle within 1 month. Citizens' opinions
// have their own rules (by default the same as deputies').
struct DeadlinePolicy {
  DeadlineRule answer{DeadlineRule::Unit::kMonths, 3};
  DeadlineRule extended_max{DeadlineRule::Unit::kMonths, 6};
  DeadlineRule rehandle{DeadlineRule::Unit::kMonths, 1};
  DeadlineRule opinion_answer{DeadlineRule::Unit::kMonths, 3};
  DeadlineRule opinion_rehandle{DeadlineRule::Unit::kMonths, 1};
  // Due-soon reminders this many days before the deadline, largest first; overdue is always reported.
  std::vector<int> reminder_days{15, 3};
};

// "3m" (calendar months) or "15wd" (working days), amount 1-999.
absl::StatusOr<DeadlineRule> ParseDeadlineRule(absl::string_view text);
// Comma-separated key=value over the defaults: answer, extended, rehandle, opinion_answer,
// opinion_rehandle (rules) and reminders (days, '/'-separated, e.g. 15/3). An empty text is the defaults.
absl::StatusOr<DeadlinePolicy> ParseDeadlinePolicy(absl::string_view text);

// Public holidays and make-up working days; other days are working days Monday to Friday.
class WorkingCalendar final {
 public:
  void AddHoliday(absl::CivilDay day) { holidays_.insert(day); }
  void AddWorkday(absl::CivilDay day) { workdays_.insert(day); }
  bool IsWorkingDay(absl::CivilDay day) const;

 private:
  std::set<absl::CivilDay> holidays_;
  std::set<absl::CivilDay> workdays_;
};

// The `days`-th working day after `start` (start itself does not count).
absl::CivilDay AddWorkingDays(absl::CivilDay start, int days, const WorkingCalendar& calendar);
absl::CivilDay ApplyRule(const DeadlineRule& rule, absl::CivilDay start, const WorkingCalendar& calendar);

// Which alert thresholds have been reached on `today` for `deadline`: each reminder day d with
// days-left <= d, and kOverdueThreshold once the deadline has passed. The sweeper records each
// (item, deadline, threshold) once, so each is reported exactly once.
inline constexpr int kOverdueThreshold = -1;
std::vector<int> ThresholdsReached(absl::CivilDay today, absl::CivilDay deadline, const std::vector<int>& reminders);

// The day office staff give for something done on paper before it is entered (an item received at a
// session, an assignment signed on paper): `value` as YYYY-MM-DD, not after `today` and not before
// `earliest`; the error names `field`.
absl::StatusOr<absl::CivilDay> PaperDay(absl::string_view field, absl::string_view value, absl::CivilDay earliest,
                                        absl::CivilDay today);
// How far back a paper item's received day may be: a year, so a mistyped year is caught.
inline constexpr int kPaperDaysBack = 366;

}  // namespace minyi::suggestions

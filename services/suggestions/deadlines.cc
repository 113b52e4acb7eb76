#include "suggestions/deadlines.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/status.h"
#include "common/status_macros.h"

namespace minyi::suggestions {

absl::StatusOr<DeadlineRule> ParseDeadlineRule(absl::string_view text) {
  DeadlineRule rule;
  absl::string_view number = text;
  if (absl::ConsumeSuffix(&number, "wd")) {
    rule.unit = DeadlineRule::Unit::kWorkingDays;
  } else if (!absl::ConsumeSuffix(&number, "m")) {
    return absl::InvalidArgumentError(absl::StrFormat("deadline rule \"%s\" must end in m or wd", text));
  }
  if (!absl::SimpleAtoi(number, &rule.amount) || rule.amount < 1 || rule.amount > 999) {
    return absl::InvalidArgumentError(absl::StrFormat("deadline rule \"%s\" needs an amount 1-999", text));
  }
  return rule;
}

absl::StatusOr<DeadlinePolicy> ParseDeadlinePolicy(absl::string_view text) {
  DeadlinePolicy policy;
  for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(item, absl::MaxSplits('=', 1));
    const absl::string_view key = absl::StripAsciiWhitespace(kv.first);
    const absl::string_view value = absl::StripAsciiWhitespace(kv.second);
    if (key == "reminders") {
      policy.reminder_days.clear();
      for (absl::string_view d : absl::StrSplit(value, '/')) {
        int days = 0;
        if (!absl::SimpleAtoi(d, &days) || days < 0 || days > 365) {
          return absl::InvalidArgumentError(absl::StrFormat("reminder \"%s\" must be 0-365 days", d));
        }
        policy.reminder_days.push_back(days);
      }
      std::sort(policy.reminder_days.rbegin(), policy.reminder_days.rend());
      continue;
    }
    DeadlineRule* target = key == "answer"             ? &policy.answer
                           : key == "extended"         ? &policy.extended_max
                           : key == "rehandle"         ? &policy.rehandle
                           : key == "opinion_answer"   ? &policy.opinion_answer
                           : key == "opinion_rehandle" ? &policy.opinion_rehandle
                                                       : nullptr;
    if (target == nullptr) {
      return absl::InvalidArgumentError(absl::StrFormat("unknown deadline key \"%s\"", key));
    }
    ASSIGN_OR_RETURN(*target, ParseDeadlineRule(value));
  }
  if (policy.extended_max.unit != policy.answer.unit || policy.extended_max.amount < policy.answer.amount) {
    return absl::InvalidArgumentError("the extended deadline must count like the answer deadline and be longer");
  }
  return policy;
}

bool WorkingCalendar::IsWorkingDay(absl::CivilDay day) const {
  if (workdays_.count(day) > 0) {
    return true;
  }
  if (holidays_.count(day) > 0) {
    return false;
  }
  const absl::Weekday w = absl::GetWeekday(day);
  return w != absl::Weekday::saturday && w != absl::Weekday::sunday;
}

absl::CivilDay AddWorkingDays(absl::CivilDay start, int days, const WorkingCalendar& calendar) {
  absl::CivilDay day = start;
  for (int counted = 0; counted < days;) {
    ++day;
    if (calendar.IsWorkingDay(day)) {
      ++counted;
    }
  }
  return day;
}

absl::CivilDay ApplyRule(const DeadlineRule& rule, absl::CivilDay start, const WorkingCalendar& calendar) {
  return rule.unit == DeadlineRule::Unit::kMonths ? AddCalendarMonths(start, rule.amount)
                                                  : AddWorkingDays(start, rule.amount, calendar);
}

std::vector<int> ThresholdsReached(absl::CivilDay today, absl::CivilDay deadline, const std::vector<int>& reminders) {
  const int64_t days_left = deadline - today;
  std::vector<int> reached;
  for (int d : reminders) {
    if (days_left <= d) {
      reached.push_back(d);
    }
  }
  if (days_left < 0) {
    reached.push_back(kOverdueThreshold);
  }
  return reached;
}

absl::StatusOr<absl::CivilDay> PaperDay(absl::string_view field, absl::string_view value, absl::CivilDay earliest,
                                        absl::CivilDay today) {
  absl::CivilDay day;
  if (!ParseDay(value, &day)) {
    return InvalidField(field, "must be a date as YYYY-MM-DD");
  }
  if (day > today) {
    return InvalidField(field, absl::StrCat("must not be in the future (today is ", FormatDay(today), ")"));
  }
  if (day < earliest) {
    return InvalidField(field, absl::StrCat("must not be before ", FormatDay(earliest)));
  }
  return day;
}

}  // namespace minyi::suggestions

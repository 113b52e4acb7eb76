#include "deputies/points.h"

#include <algorithm>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "common/status.h"

namespace minyi::deputies {
namespace {

constexpr int kMinYear = 1954;  // the first National People's Congress
constexpr int kMaxYear = 9999;

bool ParseNumber(absl::string_view digits, int* out) {
  return !digits.empty() && std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
         absl::SimpleAtoi(digits, out);
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

Period Months(int year, int first_month, int last_month, std::string label) {
  Period p;
  p.label = std::move(label);
  p.first_day = absl::StrFormat("%04d-%02d-01", year, first_month);
  p.last_day = absl::StrFormat("%04d-%02d-%02d", year, last_month, DaysInMonth(year, last_month));
  for (int m = first_month; m <= last_month; ++m) {
    p.months.push_back(absl::StrFormat("%04d-%02d", year, m));
  }
  return p;
}

}  // namespace

absl::StatusOr<Period> ParsePeriod(absl::string_view text, absl::string_view field) {
  const absl::Status bad = InvalidField(field, "must be a month (2026-03), a quarter (2026-Q1) or a year (2026)");
  int year = 0;
  if (text.size() < 4 || !ParseNumber(text.substr(0, 4), &year) || year < kMinYear || year > kMaxYear) {
    return bad;
  }
  const absl::string_view rest = text.substr(4);
  if (rest.empty()) {
    return Months(year, 1, 12, absl::StrFormat("%04d", year));
  }
  int n = 0;
  if (rest.size() == 3 && rest[0] == '-' && rest[1] == 'Q' && ParseNumber(rest.substr(2), &n) && n >= 1 && n <= 4) {
    return Months(year, 3 * n - 2, 3 * n, absl::StrFormat("%04d-Q%d", year, n));
  }
  if (rest.size() == 3 && rest[0] == '-' && ParseNumber(rest.substr(1), &n) && n >= 1 && n <= 12) {
    return Months(year, n, n, absl::StrFormat("%04d-%02d", year, n));
  }
  return bad;
}

PointsTally TallyPoints(const std::vector<DutyFact>& facts, const PointRuleTable& rules, const Period& period) {
  // Raw points per (month, category) first, so the cap applies to each month's sum.
  std::map<std::pair<std::string, DutyCategory>, int64_t> raw;
  PointsTally tally;
  for (const std::string& month : period.months) {
    tally.by_month[month] = 0;
  }
  for (const DutyFact& fact : facts) {
    // ISO dates order as strings.
    if (fact.date < period.first_day || fact.date > period.last_day) {
      continue;
    }
    const auto rule = rules.find(fact.category);
    raw[{fact.date.substr(0, 7), fact.category}] += rule == rules.end() ? 0 : rule->second.points;
    ++tally.by_category[fact.category].records;
  }
  for (const auto& [key, points] : raw) {
    const auto rule = rules.find(key.second);
    const int64_t cap = rule == rules.end() ? 0 : rule->second.monthly_cap;
    const int64_t earned = cap > 0 ? std::min(points, cap) : points;
    tally.by_month[key.first] += earned;
    tally.by_category[key.second].points += earned;
    tally.total += earned;
  }
  return tally;
}

std::vector<RankedEntry> RankByPoints(std::vector<RankedEntry> entries) {
  std::sort(entries.begin(), entries.end(), [](const RankedEntry& a, const RankedEntry& b) {
    return a.points != b.points ? a.points > b.points : a.id < b.id;
  });
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const bool tied = i > 0 && entries[i].points == entries[i - 1].points;
    entries[i].rank = tied ? entries[i - 1].rank : static_cast<int32_t>(i + 1);
  }
  return entries;
}

std::vector<RankedEntry> RankDeputies(const std::vector<int64_t>& deputy_ids,
                                      const std::map<int64_t, std::vector<DutyFact>>& facts,
                                      const PointRuleTable& rules, const Period& period) {
  std::vector<RankedEntry> entries;
  for (int64_t id : deputy_ids) {
    const auto found = facts.find(id);
    entries.push_back({.id = id, .points = found == facts.end() ? 0 : TallyPoints(found->second, rules, period).total});
  }
  return RankByPoints(std::move(entries));
}

}  // namespace minyi::deputies

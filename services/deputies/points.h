#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "minyi/deputies/v1/deputies.pb.h"

// Duty points (履职积分), free of I/O. Points are computed when read, from the duty records and the
// current rules, rather than booked into a monthly ledger: the records are the one source of truth, so a
// late record or a correction in a past month counts without re-booking, and a deputy has at most a few
// hundred records a year, so the tally is cheap. All dates are Asia/Shanghai calendar days as the
// records carry them, so period boundaries are plain date comparisons.
namespace minyi::deputies {

using minyi::deputies::v1::DutyCategory;

// A reporting period: a month "2026-03", a quarter "2026-Q1" or a year "2026".
struct Period {
  std::string label;                // canonical spelling
  std::string first_day;            // YYYY-MM-DD, inclusive
  std::string last_day;             // YYYY-MM-DD, inclusive
  std::vector<std::string> months;  // YYYY-MM, in order
};
// Anything else is INVALID_ARGUMENT naming `field`.
absl::StatusOr<Period> ParsePeriod(absl::string_view text, absl::string_view field = "period");

struct PointRule {
  int32_t points = 0;
  int32_t monthly_cap = 0;  // 0: no cap
};
using PointRuleTable = std::map<DutyCategory, PointRule>;

// What the tally needs of one record.
struct DutyFact {
  std::string date;  // YYYY-MM-DD
  DutyCategory category = minyi::deputies::v1::DUTY_CATEGORY_UNSPECIFIED;
};

struct CategoryTally {
  int32_t records = 0;
  int64_t points = 0;
};

struct PointsTally {
  int64_t total = 0;
  std::map<DutyCategory, CategoryTally> by_category;  // categories with records in the period
  std::map<std::string, int64_t> by_month;            // every month of the period
};

// Each record in the period earns its category's points; within one calendar month a category earns at
// most its cap. Records outside the period and categories without a rule earn nothing.
PointsTally TallyPoints(const std::vector<DutyFact>& facts, const PointRuleTable& rules, const Period& period);

struct RankedEntry {
  int64_t id = 0;  // the deputy id
  int64_t points = 0;
  int32_t rank = 0;
};
// Best first. Equal points share a rank and the next rank skips ("1224" competition ranking), so a rank
// always says how many did better; equal entries are listed by id so the order is stable.
std::vector<RankedEntry> RankByPoints(std::vector<RankedEntry> entries);
// Each of `deputy_ids` with their points in `period` under `rules`, ranked as RankByPoints does; `facts` are
// by deputy id, and a deputy without any earns nothing.
std::vector<RankedEntry> RankDeputies(const std::vector<int64_t>& deputy_ids,
                                      const std::map<int64_t, std::vector<DutyFact>>& facts,
                                      const PointRuleTable& rules, const Period& period);

}  // namespace minyi::deputies

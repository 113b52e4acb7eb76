// The suggestions store's configuration: routing rules, the yearly special funds and the holiday calendar.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/calendar.h"
#include "common/names.h"
#include "common/query.h"
#include "common/settings_revision.h"
#include "google/protobuf/util/time_util.h"
#include "nlohmann/json.hpp"
#include "suggestions/store.h"

namespace minyi::suggestions {

using ::google::protobuf::util::TimeUtil;

const Query kLoadRoutingRules{"suggestions_load_routing_rules",
                              "SELECT keywords::text, department FROM routing_rules ORDER BY position"};

minyi::suggestions::v1::RoutingRules LoadRoutingRules(pqxx::transaction_base& tx) {
  minyi::suggestions::v1::RoutingRules rules;
  for (const pqxx::row& row : tx.exec_prepared(kLoadRoutingRules)) {
    auto* rule = rules.add_rules();
    for (const nlohmann::json& k : nlohmann::json::parse(row[0].as<std::string>())) {
      rule->add_keywords(k.get<std::string>());
    }
    rule->set_department(row[1].as<std::string>());
  }
  ShowSettingsRevision(tx, kRoutingRulesName, &rules);
  return rules;
}

const Query kDeleteRoutingRules{"suggestions_delete_routing_rules", "DELETE FROM routing_rules"};
const Query kInsertRoutingRule{"suggestions_insert_routing_rule",
                               "INSERT INTO routing_rules (position, keywords, department) VALUES ($1, $2::jsonb, $3)"};
void ReplaceRoutingRules(pqxx::work& tx, const minyi::suggestions::v1::RoutingRules& rules) {
  tx.exec_prepared(kDeleteRoutingRules);
  for (int i = 0; i < rules.rules_size(); ++i) {
    const auto& rule = rules.rules(i);
    // The keywords travel as JSON: libpqxx 6 has no array parameters.
    tx.exec_prepared(kInsertRoutingRule, i,
                     nlohmann::json(std::vector<std::string>(rule.keywords().begin(), rule.keywords().end())).dump(),
                     rule.department());
  }
}

const Query kInsertFund{"suggestions_insert_fund",
                        "INSERT INTO funds (year, total_fen, remaining_fen, created_by) VALUES ($1, $2, $2, $3) "
                        "ON CONFLICT DO NOTHING RETURNING year"};

bool InsertFund(pqxx::work& tx, int year, int64_t total_fen, const std::string& actor) {
  return !tx.exec_prepared(kInsertFund, year, total_fen, actor).empty();
}

const Query kLoadFund{"suggestions_load_fund", "SELECT year, total_fen, remaining_fen FROM funds WHERE year = $1"};

std::optional<minyi::suggestions::v1::Fund> LoadFund(pqxx::transaction_base& tx, int year) {
  pqxx::result r = tx.exec_prepared(kLoadFund, year);
  if (r.empty()) {
    return std::nullopt;
  }
  minyi::suggestions::v1::Fund f;
  f.set_name(ResourceName(kFunds, year));
  f.set_year(r[0][0].as<int>());
  f.set_total_fen(r[0][1].as<int64_t>());
  f.set_remaining_fen(r[0][2].as<int64_t>());
  return f;
}

const Query kTakeFromFund{
    "suggestions_take_from_fund",
    "UPDATE funds SET remaining_fen = remaining_fen - $2 WHERE year = $1 AND remaining_fen >= $2 RETURNING year"};
const Query kInsertAllocation{
    "suggestions_insert_allocation",
    "INSERT INTO fund_allocations (year, suggestion_id, amount_fen, note, allocated_by) VALUES ($1, $2, $3, $4, $5)"};

bool AllocateFromFund(pqxx::work& tx, int year, int64_t id, int64_t amount_fen, const std::string& note,
                      const std::string& actor) {
  if (tx.exec_prepared(kTakeFromFund, year, amount_fen).empty()) {
    return false;
  }
  tx.exec_prepared(kInsertAllocation, year, id, amount_fen, note, actor);
  return true;
}

const Query kCalendarRange{
    "suggestions_calendar_range",
    "SELECT to_char(day, 'YYYY-MM-DD'), working FROM calendar_days WHERE day BETWEEN $1::date AND $2::date"};

WorkingCalendar LoadCalendar(pqxx::transaction_base& tx, const std::string& from, const std::string& to) {
  WorkingCalendar calendar;
  for (const pqxx::row& row : tx.exec_prepared(kCalendarRange, from, to)) {
    absl::CivilDay day;
    if (ParseDay(row[0].as<std::string>(), &day)) {
      row[1].as<bool>() ? calendar.AddWorkday(day) : calendar.AddHoliday(day);
    }
  }
  return calendar;
}

minyi::suggestions::v1::HolidayCalendar LoadCalendarYear(pqxx::transaction_base& tx, int year) {
  minyi::suggestions::v1::HolidayCalendar out;
  out.set_name(ResourceName(kHolidayCalendars, year));
  for (const pqxx::row& row :
       tx.exec_prepared(kCalendarRange, absl::StrCat(year, "-01-01"), absl::StrCat(year, "-12-31"))) {
    minyi::suggestions::v1::CalendarDay* d = out.add_days();
    d->set_date(row[0].as<std::string>());
    d->set_working(row[1].as<bool>());
  }
  ShowSettingsRevision(tx, out.name(), &out);
  return out;
}

const Query kDeleteCalendarYear{"suggestions_delete_calendar_year",
                                "DELETE FROM calendar_days WHERE extract(year FROM day) = $1"};
const Query kInsertCalendarDay{"suggestions_insert_calendar_day",
                               "INSERT INTO calendar_days (day, working, note) VALUES ($1::date, $2, $3)"};

void ReplaceCalendarYear(pqxx::work& tx, int year, const std::vector<minyi::suggestions::v1::CalendarDay>& days) {
  tx.exec_prepared(kDeleteCalendarYear, year);
  for (const auto& d : days) {
    tx.exec_prepared(kInsertCalendarDay, d.date(), d.working(), d.note());
  }
}

}  // namespace minyi::suggestions

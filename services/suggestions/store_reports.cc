// The suggestions store's reports: the statistics, the commitments ledger and what the deadline sweeper
// reads and records.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/calendar.h"
#include "common/names.h"
#include "common/query.h"
#include "suggestions/store.h"

namespace minyi::suggestions {
namespace {

using ::minyi::suggestions::v1::Commitment;

// Statistics per group: the key expression and, for deputies, the join that fans out to submitters.
std::string StatsSql(absl::string_view key, absl::string_view join, absl::string_view key_filter) {
  return absl::StrCat(
      "SELECT ", key,
      " AS key, count(*) AS total, count(a1.round) AS answered, "
      "count(*) FILTER (WHERE a1.on_time) AS on_time, "
      "count(*) FILTER (WHERE la.category = 'ANSWER_CATEGORY_A') AS cat_a, "
      "count(*) FILTER (WHERE la.category = 'ANSWER_CATEGORY_B') AS cat_b, "
      "count(*) FILTER (WHERE la.category = 'ANSWER_CATEGORY_C') AS cat_c, "
      "count(*) FILTER (WHERE la.category = 'ANSWER_CATEGORY_D') AS cat_d, "
      "count(lr.attitude) AS rated, "
      "count(*) FILTER (WHERE lr.attitude IN ('SATISFACTION_SATISFIED', 'SATISFACTION_BASIC')) AS attitude_ok, "
      "count(*) FILTER (WHERE lr.result IN ('SATISFACTION_SATISFIED', 'SATISFACTION_BASIC')) AS result_ok, "
      "count(*) FILTER (WHERE a1.on_time = false OR (a1.round IS NULL AND s.deadline < $3::date)) AS overdue "
      "FROM suggestions s ",
      join,
      " LEFT JOIN answers a1 ON a1.suggestion_id = s.id AND a1.round = 1 "
      "LEFT JOIN LATERAL (SELECT category FROM answers WHERE suggestion_id = s.id ORDER BY round DESC LIMIT 1) la "
      "ON true LEFT JOIN LATERAL (SELECT attitude, result FROM ratings WHERE suggestion_id = s.id "
      "ORDER BY round DESC LIMIT 1) lr ON true "
      "WHERE s.submitted_on BETWEEN $1::date AND $2::date "
      "AND s.state NOT IN ('SUGGESTION_STATE_MERGED', 'SUGGESTION_STATE_LINKED') ",
      key_filter, " GROUP BY 1 ORDER BY 1");
}

// One statement per grouping GetSuggestionStats accepts.
const Query kStatsByDepartment{"suggestions_stats_department",
                               StatsSql("s.lead_department", "", "AND s.lead_department <> ''")};
const Query kStatsByDelegation{"suggestions_stats_delegation", StatsSql("s.delegation", "", "AND s.delegation <> ''")};
const Query kStatsByDeputy{
    "suggestions_stats_deputy",
    StatsSql("'deputies/' || sd.deputy_id", "JOIN suggestion_deputies sd ON sd.suggestion_id = s.id", "")};
const Query kStatsByPeriod{"suggestions_stats_period", StatsSql("to_char(s.submitted_on, 'YYYY-MM')", "", "")};

const Query& StatsQuery(absl::string_view group_by) {
  return group_by == "delegation" ? kStatsByDelegation
         : group_by == "deputy"   ? kStatsByDeputy
         : group_by == "period"   ? kStatsByPeriod
                                  : kStatsByDepartment;
}

Commitment CommitmentFromRow(const pqxx::row& row) {
  Commitment c;
  c.set_name(ResourceName(kCommitments, row["id"].as<int64_t>()));
  c.set_suggestion(ResourceName(kSuggestions, row["suggestion_id"].as<int64_t>()));
  c.set_department(row["department"].as<std::string>());
  c.set_text(row["text"].as<std::string>());
  c.set_due_date(row["due_date"].as<std::string>());
  c.set_fulfilled(row["fulfilled"].as<bool>());
  c.set_last_checked_on(row["last_checked_on"].as<std::string>());
  return c;
}

constexpr absl::string_view kCommitmentColumns =
    "c.id, c.suggestion_id, c.department, c.text, to_char(c.due_date, 'YYYY-MM-DD') AS due_date, c.fulfilled, "
    "coalesce(to_char(c.last_checked_on, 'YYYY-MM-DD'), '') AS last_checked_on FROM commitments c";

}  // namespace

std::vector<minyi::suggestions::v1::StatsRow> SelectStats(pqxx::transaction_base& tx, const std::string& group_by,
                                                          const std::string& start_date, const std::string& end_date,
                                                          const std::string& today) {
  std::vector<minyi::suggestions::v1::StatsRow> out;
  for (const pqxx::row& row : tx.exec_prepared(StatsQuery(group_by), start_date, end_date, today)) {
    minyi::suggestions::v1::StatsRow r;
    r.set_key(row["key"].as<std::string>());
    r.set_total(row["total"].as<int64_t>());
    r.set_answered(row["answered"].as<int64_t>());
    r.set_answered_on_time(row["on_time"].as<int64_t>());
    r.set_on_time_rate(r.answered() > 0 ? static_cast<double>(r.answered_on_time()) / r.answered() : 0);
    r.set_category_a(row["cat_a"].as<int64_t>());
    r.set_category_b(row["cat_b"].as<int64_t>());
    r.set_category_c(row["cat_c"].as<int64_t>());
    r.set_category_d(row["cat_d"].as<int64_t>());
    r.set_rated(row["rated"].as<int64_t>());
    if (r.rated() > 0) {
      r.set_attitude_satisfaction_rate(static_cast<double>(row["attitude_ok"].as<int64_t>()) / r.rated());
      r.set_result_satisfaction_rate(static_cast<double>(row["result_ok"].as<int64_t>()) / r.rated());
    }
    r.set_overdue(row["overdue"].as<int64_t>());
    out.push_back(std::move(r));
  }
  return out;
}

const Query kListCommitments{
    "suggestions_list_commitments",
    absl::StrCat("SELECT ", kCommitmentColumns,
                 " WHERE c.id > $1 AND ($2 = '' OR c.department = $2) AND (NOT $3 OR NOT c.fulfilled) "
                 "AND ($4 = '' OR c.due_date < $4::date) ORDER BY c.id LIMIT $5")};

std::vector<Commitment> SelectCommitments(pqxx::transaction_base& tx, const CommitmentQuery& q) {
  return EveryRow(tx, kListCommitments, CommitmentFromRow, q.after_id, q.department, q.open_only, q.due_before,
                  q.limit);
}

const Query kLoadCommitment{"suggestions_load_commitment",
                            absl::StrCat("SELECT ", kCommitmentColumns, " WHERE c.id = $1")};
const Query kLoadCommitmentForUpdate{"suggestions_load_commitment_for_update",
                                     absl::StrCat("SELECT ", kCommitmentColumns, " WHERE c.id = $1 FOR UPDATE")};
const Query kCommitmentChecks{
    "suggestions_commitment_checks",
    "SELECT to_char(checked_on, 'YYYY-MM-DD'), note, fulfilled, checked_by FROM commitment_checks "
    "WHERE commitment_id = $1 ORDER BY id"};

std::optional<Commitment> LoadCommitment(pqxx::transaction_base& tx, int64_t id, bool for_update) {
  pqxx::result r = tx.exec_prepared(for_update ? kLoadCommitmentForUpdate : kLoadCommitment, id);
  if (r.empty()) {
    return std::nullopt;
  }
  Commitment c = CommitmentFromRow(r[0]);
  for (const pqxx::row& row : tx.exec_prepared(kCommitmentChecks, id)) {
    auto* check = c.add_checks();
    check->set_checked_on(row[0].as<std::string>());
    check->set_note(row[1].as<std::string>());
    check->set_fulfilled(row[2].as<bool>());
    check->set_checked_by(AccountName(row[3].as<std::string>()));
  }
  return c;
}

const Query kInsertCommitmentCheck{
    "suggestions_insert_commitment_check",
    "INSERT INTO commitment_checks (commitment_id, checked_on, note, fulfilled, checked_by) "
    "VALUES ($1, $2::date, $3, $4, $5)"};
const Query kUpdateCommitmentAfterCheck{
    "suggestions_update_commitment_after_check",
    "UPDATE commitments SET last_checked_on = $2::date, fulfilled = fulfilled OR $3 WHERE id = $1"};

void InsertCommitmentCheck(pqxx::work& tx, int64_t id, const minyi::suggestions::v1::CommitmentCheck& check,
                           const std::string& today, const std::string& actor) {
  tx.exec_prepared(kInsertCommitmentCheck, id, today, check.note(), check.fulfilled(), actor);
  tx.exec_prepared(kUpdateCommitmentAfterCheck, id, today, check.fulfilled());
}

// $1 today, $2 the reminder days as an array literal ('{15,3}': libpqxx 6 has no array parameters), $3 the
// batch. The threshold computed here is the one ThresholdsReached (deadlines.h) lists last.
const Query kLockDue{
    "suggestions_lock_due",
    "SELECT s.id, s.round, to_char(s.deadline, 'YYYY-MM-DD') FROM suggestions s WHERE s.state IN "
    "('SUGGESTION_STATE_ASSIGNED', 'SUGGESTION_STATE_IN_PROGRESS', 'SUGGESTION_STATE_REOPENED') "
    "AND s.deadline <= $1::date + (SELECT coalesce(max(r), 0) FROM unnest($2::int[]) AS r) "
    "AND NOT EXISTS (SELECT 1 FROM deadline_alerts a WHERE a.suggestion_id = s.id AND a.round = s.round "
    "AND a.deadline = s.deadline AND a.threshold = CASE WHEN s.deadline < $1::date THEN -1 "
    "ELSE (SELECT min(r) FROM unnest($2::int[]) AS r WHERE r >= s.deadline - $1::date) END) "
    "ORDER BY s.deadline, s.id LIMIT $3 FOR UPDATE OF s SKIP LOCKED"};

std::vector<DueItem> LockDueItems(pqxx::work& tx, absl::CivilDay today, const std::vector<int>& reminders, int limit) {
  std::vector<DueItem> out;
  for (const pqxx::row& row :
       tx.exec_prepared(kLockDue, FormatDay(today), absl::StrCat("{", absl::StrJoin(reminders, ","), "}"), limit)) {
    out.push_back({.id = row[0].as<int64_t>(), .round = row[1].as<int>(), .deadline = row[2].as<std::string>()});
  }
  return out;
}

const Query kRecordAlert{
    "suggestions_record_alert",
    "INSERT INTO deadline_alerts (suggestion_id, round, deadline, threshold) VALUES ($1, $2, $3::date, $4) "
    "ON CONFLICT DO NOTHING RETURNING suggestion_id"};

bool RecordAlert(pqxx::work& tx, const DueItem& item, int threshold) {
  return !tx.exec_prepared(kRecordAlert, item.id, item.round, item.deadline, threshold).empty();
}

}  // namespace minyi::suggestions

#include "suggestions/store.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/names.h"
#include "google/protobuf/util/time_util.h"
#include "nlohmann/json.hpp"

namespace minyi::suggestions {
namespace {

using ::google::protobuf::util::TimeUtil;
using ::minyi::suggestions::v1::Answer;
using ::minyi::suggestions::v1::Commitment;
using ::minyi::suggestions::v1::Suggestion;
using ::minyi::suggestions::v1::SuggestionState;
using ::minyi::suggestions::v1::SuggestionState_Name;

constexpr char kInsert[] = "suggestions_insert";
constexpr char kInsertDeputies[] = "suggestions_insert_deputies";
constexpr char kDeleteDeputies[] = "suggestions_delete_deputies";
constexpr char kUpdateDraft[] = "suggestions_update_draft";
constexpr char kLoad[] = "suggestions_load";
constexpr char kLoadForUpdate[] = "suggestions_load_for_update";
constexpr char kLatestAnswer[] = "suggestions_latest_answer";
constexpr char kAnswerCommitments[] = "suggestions_answer_commitments";
constexpr char kCoUnitOpinions[] = "suggestions_co_unit_opinions";
constexpr char kContacts[] = "suggestions_contacts";
constexpr char kLatestRating[] = "suggestions_latest_rating";
constexpr char kMergedItems[] = "suggestions_merged_items";
constexpr char kLinkedOpinions[] = "suggestions_linked_opinions";
constexpr char kLatestExtension[] = "suggestions_latest_extension";
constexpr char kSetState[] = "suggestions_set_state";
constexpr char kMarkSubmitted[] = "suggestions_mark_submitted";
constexpr char kInsertBands[] = "suggestions_insert_bands";
constexpr char kSetRejected[] = "suggestions_set_rejected";
constexpr char kSetMerged[] = "suggestions_set_merged";
constexpr char kAdoptSubmitters[] = "suggestions_adopt_submitters";
constexpr char kSetAssigned[] = "suggestions_set_assigned";
constexpr char kSetDeadline[] = "suggestions_set_deadline";
constexpr char kSetReopened[] = "suggestions_set_reopened";
constexpr char kSetLevel[] = "suggestions_set_level";
constexpr char kSetLinked[] = "suggestions_set_linked";
constexpr char kSetKeySupervision[] = "suggestions_set_key_supervision";
constexpr char kSetShowcased[] = "suggestions_set_showcased";
constexpr char kInsertContact[] = "suggestions_insert_contact";
constexpr char kInsertCoUnitOpinion[] = "suggestions_insert_co_unit_opinion";
constexpr char kInsertAnswer[] = "suggestions_insert_answer";
constexpr char kInsertCommitment[] = "suggestions_insert_commitment";
constexpr char kInsertRating[] = "suggestions_insert_rating";
constexpr char kInsertExtension[] = "suggestions_insert_extension";
constexpr char kDecideExtension[] = "suggestions_decide_extension";
constexpr char kInsertTransition[] = "suggestions_insert_transition";
constexpr char kTimeline[] = "suggestions_timeline";
constexpr char kCandidates[] = "suggestions_candidates";
constexpr char kList[] = "suggestions_list";
constexpr char kStatsPrefix[] = "suggestions_stats_";
constexpr char kListCommitments[] = "suggestions_list_commitments";
constexpr char kLoadCommitment[] = "suggestions_load_commitment";
constexpr char kLoadCommitmentForUpdate[] = "suggestions_load_commitment_for_update";
constexpr char kCommitmentChecks[] = "suggestions_commitment_checks";
constexpr char kInsertCommitmentCheck[] = "suggestions_insert_commitment_check";
constexpr char kUpdateCommitmentAfterCheck[] = "suggestions_update_commitment_after_check";
constexpr char kLoadRoutingRules[] = "suggestions_load_routing_rules";
constexpr char kLoadRoutingMeta[] = "suggestions_load_routing_meta";
constexpr char kDeleteRoutingRules[] = "suggestions_delete_routing_rules";
constexpr char kInsertRoutingRule[] = "suggestions_insert_routing_rule";
constexpr char kTouchRouting[] = "suggestions_touch_routing";
constexpr char kInsertFund[] = "suggestions_insert_fund";
constexpr char kLoadFund[] = "suggestions_load_fund";
constexpr char kTakeFromFund[] = "suggestions_take_from_fund";
constexpr char kInsertAllocation[] = "suggestions_insert_allocation";
constexpr char kCalendarRange[] = "suggestions_calendar_range";
constexpr char kDeleteCalendarYear[] = "suggestions_delete_calendar_year";
constexpr char kInsertCalendarDay[] = "suggestions_insert_calendar_day";
constexpr char kLockDue[] = "suggestions_lock_due";
constexpr char kRecordAlert[] = "suggestions_record_alert";
constexpr char kUnnameCoSigners[] = "suggestions_unname_co_signers";
constexpr char kReinviteCoSigners[] = "suggestions_reinvite_co_signers";
constexpr char kNameCoSigners[] = "suggestions_name_co_signers";
constexpr char kSetCoSignerState[] = "suggestions_set_co_signer_state";
constexpr char kDropUnconfirmedCoSigners[] = "suggestions_drop_unconfirmed_co_signers";
constexpr char kClearCoSigningSubmitters[] = "suggestions_clear_co_signing_submitters";
constexpr char kAddConfirmedSubmitters[] = "suggestions_add_confirmed_submitters";

// Every suggestion read selects these columns; FromRow reads them by name.
constexpr absl::string_view kColumns =
    "s.id, s.kind, s.title, s.body, s.state, s.delegation, s.citizen_account, coalesce(s.station_id, 0) AS "
    "station_id, s.level, s.contact_phone, s.entered_by, s.lead_department, "
    "array_to_json(s.co_departments)::text AS co_departments, "
    "coalesce(to_char(s.assigned_on, 'YYYY-MM-DD'), '') AS assigned_on, "
    "coalesce(to_char(s.deadline, 'YYYY-MM-DD'), '') AS deadline, s.round, s.key_supervision, "
    "coalesce(s.merged_into, 0) AS merged_into, coalesce(s.linked_into, 0) AS linked_into, s.reject_reason, "
    "s.showcased, (extract(epoch FROM s.create_time) * 1000000)::bigint AS create_us, "
    "(extract(epoch FROM s.update_time) * 1000000)::bigint AS update_us, "
    "coalesce((extract(epoch FROM s.submit_time) * 1000000)::bigint, 0) AS submit_us, "
    "array_to_string(ARRAY(SELECT d.deputy_id FROM suggestion_deputies d WHERE d.suggestion_id = s.id "
    "ORDER BY d.position), ',') AS deputy_ids, "
    "(SELECT coalesce(json_agg(json_build_array(c.deputy_id, c.state, (extract(epoch FROM c.update_time) * "
    "1000000)::bigint) ORDER BY c.position), '[]') FROM co_signers c WHERE c.suggestion_id = s.id)::text AS "
    "co_signers, "
    "(SELECT coalesce(sum(f.amount_fen), 0) FROM fund_allocations f WHERE f.suggestion_id = s.id)::bigint AS funded "
    "FROM suggestions s";

constexpr absl::string_view kOpenStates =
    "('SUGGESTION_STATE_SUBMITTED', 'SUGGESTION_STATE_ACCEPTED', 'SUGGESTION_STATE_ASSIGNED', "
    "'SUGGESTION_STATE_IN_PROGRESS', 'SUGGESTION_STATE_ANSWERED', 'SUGGESTION_STATE_REOPENED')";

// libpqxx 6 has no array parameters: bigint[] travels as an array literal, text[] as JSON.
std::string IdArray(const std::vector<int64_t>& ids) { return absl::StrCat("{", absl::StrJoin(ids, ","), "}"); }
std::string JsonStrings(const std::vector<std::string>& values) { return nlohmann::json(values).dump(); }

template <typename Enum>
Enum ParseEnum(const pqxx::field& f, bool (*parse)(const std::string&, Enum*)) {
  Enum value{};
  parse(f.as<std::string>(), &value);
  return value;
}

Record FromRow(const pqxx::row& row) {
  Record r;
  r.id = row["id"].as<int64_t>();
  r.assigned_on = row["assigned_on"].as<std::string>();
  Suggestion& s = r.suggestion;
  s.set_name(ResourceName(kSuggestions, r.id));
  s.set_kind(ParseEnum(row["kind"], &minyi::suggestions::v1::SuggestionKind_Parse));
  s.set_title(row["title"].as<std::string>());
  s.set_body(row["body"].as<std::string>());
  s.set_state(ParseEnum(row["state"], &minyi::suggestions::v1::SuggestionState_Parse));
  for (absl::string_view id : absl::StrSplit(row["deputy_ids"].as<std::string>(), ',', absl::SkipEmpty())) {
    s.add_deputies(absl::StrCat(kDeputies, id));
  }
  for (const nlohmann::json& c : nlohmann::json::parse(row["co_signers"].as<std::string>())) {
    auto* co = s.add_co_signers();
    co->set_deputy(absl::StrCat(kDeputies, c[0].get<int64_t>()));
    minyi::suggestions::v1::CoSignerState state{};
    minyi::suggestions::v1::CoSignerState_Parse(c[1].get<std::string>(), &state);
    co->set_state(state);
    *co->mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(c[2].get<int64_t>());
  }
  s.set_delegation(row["delegation"].as<std::string>());
  s.set_citizen_account(row["citizen_account"].as<std::string>());
  if (const int64_t station = row["station_id"].as<int64_t>(); station > 0) {
    s.set_station(ResourceName(kStations, station));
  }
  s.set_level(ParseEnum(row["level"], &minyi::suggestions::v1::OpinionLevel_Parse));
  s.set_contact_phone(row["contact_phone"].as<std::string>());
  s.set_entered_by(row["entered_by"].as<std::string>());
  s.set_lead_department(row["lead_department"].as<std::string>());
  for (const nlohmann::json& co : nlohmann::json::parse(row["co_departments"].as<std::string>())) {
    s.add_co_departments(co.get<std::string>());
  }
  s.set_deadline(row["deadline"].as<std::string>());
  s.set_round(row["round"].as<int>());
  s.set_key_supervision(row["key_supervision"].as<bool>());
  if (const int64_t into = row["merged_into"].as<int64_t>(); into > 0) {
    s.set_merged_into(ResourceName(kSuggestions, into));
  }
  if (const int64_t into = row["linked_into"].as<int64_t>(); into > 0) {
    s.set_linked_into(ResourceName(kSuggestions, into));
  }
  s.set_reject_reason(row["reject_reason"].as<std::string>());
  s.set_showcased(row["showcased"].as<bool>());
  s.set_funded_fen(row["funded"].as<int64_t>());
  *s.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row["create_us"].as<int64_t>());
  *s.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(row["update_us"].as<int64_t>());
  if (const int64_t us = row["submit_us"].as<int64_t>(); us > 0) {
    *s.mutable_submit_time() = TimeUtil::MicrosecondsToTimestamp(us);
  }
  return r;
}

std::optional<Answer> LatestAnswer(pqxx::transaction_base& tx, int64_t id) {
  pqxx::result r = tx.exec_prepared(kLatestAnswer, id);
  if (r.empty()) {
    return std::nullopt;
  }
  Answer a;
  a.set_category(ParseEnum(r[0]["category"], &minyi::suggestions::v1::AnswerCategory_Parse));
  a.set_text(r[0]["text"].as<std::string>());
  a.set_department(r[0]["department"].as<std::string>());
  a.set_on_time(r[0]["on_time"].as<bool>());
  *a.mutable_answer_time() = TimeUtil::MicrosecondsToTimestamp(r[0]["answer_us"].as<int64_t>());
  for (const pqxx::row& row : tx.exec_prepared(kAnswerCommitments, id, r[0]["round"].as<int>())) {
    Commitment* c = a.add_commitments();
    c->set_name(ResourceName(kCommitments, row[0].as<int64_t>()));
    c->set_suggestion(ResourceName(kSuggestions, id));
    c->set_department(row[1].as<std::string>());
    c->set_text(row[2].as<std::string>());
    c->set_due_date(row[3].as<std::string>());
    c->set_fulfilled(row[4].as<bool>());
    c->set_last_checked_on(row[5].as<std::string>());
  }
  return a;
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

// Statistics per group: the key expression and, for deputies, the join that fans out to submitters.
std::string StatsSql(absl::string_view key, absl::string_view join, absl::string_view key_filter) {
  return absl::StrCat(
      "SELECT ", key, " AS key, count(*) AS total, count(a1.round) AS answered, "
      "count(*) FILTER (WHERE a1.on_time) AS on_time, "
      "count(*) FILTER (WHERE la.category = 'ANSWER_CATEGORY_A') AS cat_a, "
      "count(*) FILTER (WHERE la.category = 'ANSWER_CATEGORY_B') AS cat_b, "
      "count(*) FILTER (WHERE la.category = 'ANSWER_CATEGORY_C') AS cat_c, "
      "count(*) FILTER (WHERE la.category = 'ANSWER_CATEGORY_D') AS cat_d, "
      "count(lr.attitude) AS rated, "
      "count(*) FILTER (WHERE lr.attitude IN ('SATISFACTION_SATISFIED', 'SATISFACTION_BASIC')) AS attitude_ok, "
      "count(*) FILTER (WHERE lr.result IN ('SATISFACTION_SATISFIED', 'SATISFACTION_BASIC')) AS result_ok, "
      "count(*) FILTER (WHERE a1.on_time = false OR (a1.round IS NULL AND s.deadline < $3::date)) AS overdue "
      "FROM suggestions s ", join,
      " LEFT JOIN answers a1 ON a1.suggestion_id = s.id AND a1.round = 1 "
      "LEFT JOIN LATERAL (SELECT category FROM answers WHERE suggestion_id = s.id ORDER BY round DESC LIMIT 1) la "
      "ON true LEFT JOIN LATERAL (SELECT attitude, result FROM ratings WHERE suggestion_id = s.id "
      "ORDER BY round DESC LIMIT 1) lr ON true "
      "WHERE s.submitted_on BETWEEN $1::date AND $2::date "
      "AND s.state NOT IN ('SUGGESTION_STATE_MERGED', 'SUGGESTION_STATE_LINKED') ", key_filter,
      " GROUP BY 1 ORDER BY 1");
}

struct StatsGrouping {
  const char* name;
  const char* key;
  const char* join;
  const char* filter;
};
constexpr StatsGrouping kGroupings[] = {
    {"department", "s.lead_department", "", "AND s.lead_department <> ''"},
    {"delegation", "s.delegation", "", "AND s.delegation <> ''"},
    {"deputy", "'deputies/' || sd.deputy_id", "JOIN suggestion_deputies sd ON sd.suggestion_id = s.id", ""},
    {"period", "to_char(s.submitted_on, 'YYYY-MM')", "", ""},
};

// A joint suggestion's submitters are its lead (position 0) and its confirmed co-signers.
void SyncCoSigningSubmitters(pqxx::work& tx, int64_t id) {
  tx.exec_prepared(kClearCoSigningSubmitters, id);
  tx.exec_prepared(kAddConfirmedSubmitters, id);
}

}  // namespace

std::vector<PreparedStatement> Statements() {
  std::vector<PreparedStatement> out = {
      {kInsert,
       "WITH s AS (INSERT INTO suggestions (kind, title, body, state, delegation, citizen_account, station_id, level, "
       "contact_phone, entered_by, created_by, submit_time, submitted_on) VALUES ($1, $2, $3, CASE WHEN $11 THEN "
       "'SUGGESTION_STATE_SUBMITTED' ELSE 'SUGGESTION_STATE_DRAFT' END, $4, $5, NULLIF($6, 0), $7, $8, $9, $10, "
       "CASE WHEN $11 THEN now() END, CASE WHEN $11 THEN $12::date END) RETURNING id), "
       "d AS (INSERT INTO suggestion_deputies (suggestion_id, deputy_id, position) "
       "SELECT s.id, t.d, t.i - 1 FROM s, unnest($13::bigint[]) WITH ORDINALITY AS t(d, i)), "
       "b AS (INSERT INTO dedup_bands (band_key, suggestion_id) SELECT DISTINCT k, s.id FROM s, "
       "unnest($14::bigint[]) AS k), "
       "t AS (INSERT INTO transitions (suggestion_id, action, from_state, to_state, actor, actor_role) "
       "SELECT s.id, v.action, v.from_state, v.to_state, $10, $15 FROM s, (VALUES "
       "(1, 'CREATE', 'SUGGESTION_STATE_UNSPECIFIED', 'SUGGESTION_STATE_DRAFT'), "
       "(2, 'SUBMIT', 'SUGGESTION_STATE_DRAFT', 'SUGGESTION_STATE_SUBMITTED')) AS v(n, action, from_state, to_state) "
       "WHERE v.n = 1 OR $11 ORDER BY v.n) "
       "SELECT id FROM s"},
      {kInsertDeputies,
       "INSERT INTO suggestion_deputies (suggestion_id, deputy_id, position) "
       "SELECT $1::bigint, d, i - 1 FROM unnest($2::bigint[]) WITH ORDINALITY AS t(d, i)"},
      {kDeleteDeputies, "DELETE FROM suggestion_deputies WHERE suggestion_id = $1"},
      {kUpdateDraft,
       "UPDATE suggestions SET title = $2, body = $3, delegation = $4, update_time = now() WHERE id = $1"},
      {kLoad, absl::StrCat("SELECT ", kColumns, " WHERE s.id = $1")},
      {kLoadForUpdate, absl::StrCat("SELECT ", kColumns, " WHERE s.id = $1 FOR UPDATE OF s")},
      {kLatestAnswer,
       "SELECT round, category, text, department, on_time, "
       "(extract(epoch FROM answer_time) * 1000000)::bigint AS answer_us FROM answers WHERE suggestion_id = $1 "
       "ORDER BY round DESC LIMIT 1"},
      {kAnswerCommitments,
       "SELECT id, department, text, to_char(due_date, 'YYYY-MM-DD'), fulfilled, "
       "coalesce(to_char(last_checked_on, 'YYYY-MM-DD'), '') FROM commitments "
       "WHERE suggestion_id = $1 AND round = $2 ORDER BY id"},
      {kCoUnitOpinions,
       "SELECT department, text, (extract(epoch FROM create_time) * 1000000)::bigint FROM co_unit_opinions "
       "WHERE suggestion_id = $1 AND round = $2 ORDER BY create_time, department"},
      {kContacts,
       "SELECT department, method, summary, to_char(contact_date, 'YYYY-MM-DD') FROM contacts "
       "WHERE suggestion_id = $1 ORDER BY id"},
      {kLatestRating,
       "SELECT attitude, result, comment, rated_by, round FROM ratings WHERE suggestion_id = $1 "
       "ORDER BY round DESC LIMIT 1"},
      {kMergedItems,
       "SELECT s.id, s.title, s.body, s.citizen_account, array_to_string(ARRAY(SELECT d.deputy_id FROM "
       "suggestion_deputies d WHERE d.suggestion_id = s.id ORDER BY d.position), ',') FROM suggestions s "
       "WHERE s.merged_into = $1 ORDER BY s.id"},
      {kLinkedOpinions, "SELECT id FROM suggestions WHERE linked_into = $1 ORDER BY id"},
      {kLatestExtension,
       "SELECT months, reason, status, decision_reason FROM extension_requests WHERE suggestion_id = $1 "
       "ORDER BY id DESC LIMIT 1"},
      {kSetState, "UPDATE suggestions SET state = $2, update_time = now() WHERE id = $1"},
      {kMarkSubmitted,
       "UPDATE suggestions SET state = 'SUGGESTION_STATE_SUBMITTED', submit_time = now(), submitted_on = $2::date, "
       "level = CASE WHEN kind = 'SUGGESTION_KIND_CITIZEN_OPINION' THEN 'OPINION_LEVEL_STATION' ELSE level END, "
       "update_time = now() WHERE id = $1"},
      {kInsertBands,
       "INSERT INTO dedup_bands (band_key, suggestion_id) SELECT DISTINCT k, $1::bigint FROM unnest($2::bigint[]) AS k "
       "ON CONFLICT DO NOTHING"},
      {kSetRejected,
       "UPDATE suggestions SET state = 'SUGGESTION_STATE_NOT_ACCEPTED', reject_reason = $2, update_time = now() "
       "WHERE id = $1"},
      {kSetMerged,
       "UPDATE suggestions SET state = 'SUGGESTION_STATE_MERGED', merged_into = $2, update_time = now() "
       "WHERE id = $1"},
      {kAdoptSubmitters,
       "INSERT INTO suggestion_deputies (suggestion_id, deputy_id, position) "
       "SELECT $2, d.deputy_id, (SELECT coalesce(max(position), -1) FROM suggestion_deputies WHERE "
       "suggestion_id = $2) + row_number() OVER (ORDER BY d.position) FROM suggestion_deputies d "
       "WHERE d.suggestion_id = $1 AND NOT EXISTS (SELECT 1 FROM suggestion_deputies x WHERE "
       "x.suggestion_id = $2 AND x.deputy_id = d.deputy_id)"},
      {kSetAssigned,
       absl::StrCat("UPDATE suggestions SET state = 'SUGGESTION_STATE_ASSIGNED', lead_department = $2, "
                    "co_departments = ARRAY(SELECT jsonb_array_elements_text($3::jsonb)), assigned_on = $4::date, deadline = $5::date, update_time = now() WHERE id = $1")},
      {kSetDeadline, "UPDATE suggestions SET deadline = $2::date, update_time = now() WHERE id = $1"},
      {kSetReopened,
       "UPDATE suggestions SET state = 'SUGGESTION_STATE_REOPENED', round = $2, deadline = $3::date, "
       "update_time = now() WHERE id = $1"},
      {kSetLevel, "UPDATE suggestions SET level = $2, update_time = now() WHERE id = $1"},
      {kSetLinked,
       "UPDATE suggestions SET state = 'SUGGESTION_STATE_LINKED', linked_into = $2, update_time = now() "
       "WHERE id = $1"},
      {kSetKeySupervision, "UPDATE suggestions SET key_supervision = $2, update_time = now() WHERE id = $1"},
      {kSetShowcased, "UPDATE suggestions SET showcased = true, update_time = now() WHERE id = $1"},
      {kInsertContact,
       "INSERT INTO contacts (suggestion_id, round, department, method, summary, contact_date, recorded_by) "
       "VALUES ($1, $2, $3, $4, $5, $6::date, $7)"},
      {kInsertCoUnitOpinion,
       "INSERT INTO co_unit_opinions (suggestion_id, round, department, text, created_by) "
       "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING"},
      {kInsertAnswer,
       "INSERT INTO answers (suggestion_id, round, category, text, department, on_time, answered_on, answered_by) "
       "VALUES ($1, $2, $3, $4, $5, $6, $7::date, $8)"},
      {kInsertCommitment,
       "INSERT INTO commitments (suggestion_id, round, department, text, due_date) VALUES ($1, $2, $3, $4, $5::date)"},
      {kInsertRating,
       "INSERT INTO ratings (suggestion_id, round, attitude, result, comment, rated_by) "
       "VALUES ($1, $2, $3, $4, $5, $6)"},
      {kInsertExtension,
       "INSERT INTO extension_requests (suggestion_id, months, reason, status, requested_by) "
       "VALUES ($1, $2, $3, 'PENDING', $4) ON CONFLICT DO NOTHING RETURNING id"},
      {kDecideExtension,
       "UPDATE extension_requests SET status = CASE WHEN $2 THEN 'APPROVED' ELSE 'REJECTED' END, "
       "decision_reason = $3, decided_by = $4 WHERE suggestion_id = $1 AND status = 'PENDING' RETURNING months"},
      {kInsertTransition,
       "INSERT INTO transitions (suggestion_id, action, from_state, to_state, actor, actor_role, reason, detail) "
       "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"},
      {kTimeline,
       "SELECT action, from_state, to_state, actor, actor_role, reason, detail, "
       "(extract(epoch FROM at) * 1000000)::bigint FROM transitions WHERE suggestion_id = $1 ORDER BY id"},
      {kCandidates,
       absl::StrCat("SELECT s.title || ' ' || s.body AS dedup_text, ", kColumns,
                    " JOIN (SELECT suggestion_id, count(*) AS shared FROM dedup_bands WHERE band_key = "
                    "ANY($1::bigint[]) AND suggestion_id <> $2 GROUP BY suggestion_id ORDER BY shared DESC, "
                    "suggestion_id LIMIT $3) m ON m.suggestion_id = s.id WHERE s.state IN ",
                    kOpenStates, " ORDER BY m.shared DESC, s.id")},
      {kList,
       absl::StrCat("SELECT ", kColumns,
                    " WHERE s.id > $1 AND ($2 = '' OR s.state = $2) AND ($3 = '' OR s.kind = $3) "
                    "AND ($4 = '' OR s.lead_department = $4 OR s.co_departments @> ARRAY[$4]) "
                    "AND ($5 = 0 OR EXISTS (SELECT 1 FROM suggestion_deputies d WHERE d.suggestion_id = s.id "
                    "AND d.deputy_id = $5) OR s.entered_by = 'deputies/' || $5::text "
                    "OR EXISTS (SELECT 1 FROM co_signers c WHERE c.suggestion_id = s.id AND c.deputy_id = $5) "
                    "OR (s.kind = 'SUGGESTION_KIND_CITIZEN_OPINION' AND s.state <> 'SUGGESTION_STATE_DRAFT' "
                    "AND s.station_id = ANY($10::bigint[]))) AND ($6 = '' OR s.citizen_account = $6) "
                    "AND (NOT $7 OR s.key_supervision) AND (NOT $8 OR s.showcased) ORDER BY s.id LIMIT $9")},
      {kListCommitments,
       absl::StrCat("SELECT ", kCommitmentColumns,
                    " WHERE c.id > $1 AND ($2 = '' OR c.department = $2) AND (NOT $3 OR NOT c.fulfilled) "
                    "AND ($4 = '' OR c.due_date < $4::date) ORDER BY c.id LIMIT $5")},
      {kLoadCommitment, absl::StrCat("SELECT ", kCommitmentColumns, " WHERE c.id = $1")},
      {kLoadCommitmentForUpdate, absl::StrCat("SELECT ", kCommitmentColumns, " WHERE c.id = $1 FOR UPDATE")},
      {kCommitmentChecks,
       "SELECT to_char(checked_on, 'YYYY-MM-DD'), note, fulfilled, checked_by FROM commitment_checks "
       "WHERE commitment_id = $1 ORDER BY id"},
      {kInsertCommitmentCheck,
       "INSERT INTO commitment_checks (commitment_id, checked_on, note, fulfilled, checked_by) "
       "VALUES ($1, $2::date, $3, $4, $5)"},
      {kUpdateCommitmentAfterCheck,
       "UPDATE commitments SET last_checked_on = $2::date, fulfilled = fulfilled OR $3 WHERE id = $1"},
      {kLoadRoutingRules, "SELECT keywords::text, department FROM routing_rules ORDER BY position"},
      {kLoadRoutingMeta,
       "SELECT (extract(epoch FROM update_time) * 1000000)::bigint FROM routing_rules_meta"},
      {kDeleteRoutingRules, "DELETE FROM routing_rules"},
      {kInsertRoutingRule, "INSERT INTO routing_rules (position, keywords, department) VALUES ($1, $2::jsonb, $3)"},
      {kTouchRouting, "UPDATE routing_rules_meta SET update_time = now(), updated_by = $1"},
      {kInsertFund,
       "INSERT INTO funds (year, total_fen, remaining_fen, created_by) VALUES ($1, $2, $2, $3) "
       "ON CONFLICT DO NOTHING RETURNING year"},
      {kLoadFund, "SELECT year, total_fen, remaining_fen FROM funds WHERE year = $1"},
      {kTakeFromFund,
       "UPDATE funds SET remaining_fen = remaining_fen - $2 WHERE year = $1 AND remaining_fen >= $2 RETURNING year"},
      {kInsertAllocation,
       "INSERT INTO fund_allocations (year, suggestion_id, amount_fen, note, allocated_by) VALUES ($1, $2, $3, $4, $5)"},
      {kCalendarRange,
       "SELECT to_char(day, 'YYYY-MM-DD'), working FROM calendar_days WHERE day BETWEEN $1::date AND $2::date"},
      {kDeleteCalendarYear, "DELETE FROM calendar_days WHERE extract(year FROM day) = $1"},
      {kInsertCalendarDay, "INSERT INTO calendar_days (day, working, note) VALUES ($1::date, $2, $3)"},
      {kLockDue,
       "SELECT id, round, to_char(deadline, 'YYYY-MM-DD') FROM suggestions WHERE state IN "
       "('SUGGESTION_STATE_ASSIGNED', 'SUGGESTION_STATE_IN_PROGRESS', 'SUGGESTION_STATE_REOPENED') "
       "AND deadline <= $1::date ORDER BY deadline, id LIMIT $2 FOR UPDATE SKIP LOCKED"},
      {kRecordAlert,
       "INSERT INTO deadline_alerts (suggestion_id, round, deadline, threshold) VALUES ($1, $2, $3::date, $4) "
       "ON CONFLICT DO NOTHING RETURNING suggestion_id"},
      {kUnnameCoSigners, "DELETE FROM co_signers WHERE suggestion_id = $1 AND deputy_id <> ALL($2::bigint[])"},
      {kReinviteCoSigners,
       "UPDATE co_signers SET state = 'CO_SIGNER_STATE_INVITED', update_time = now() "
       "WHERE suggestion_id = $1 AND state <> 'CO_SIGNER_STATE_INVITED'"},
      {kNameCoSigners,
       "INSERT INTO co_signers (suggestion_id, deputy_id, position, state) "
       "SELECT $1::bigint, d, i::integer, 'CO_SIGNER_STATE_INVITED' FROM unnest($2::bigint[]) WITH ORDINALITY AS t(d, i) "
       "ON CONFLICT (suggestion_id, deputy_id) DO UPDATE SET position = excluded.position"},
      {kSetCoSignerState,
       "UPDATE co_signers SET state = $3, update_time = now() WHERE suggestion_id = $1 AND deputy_id = $2"},
      {kDropUnconfirmedCoSigners,
       "DELETE FROM co_signers WHERE suggestion_id = $1 AND state <> 'CO_SIGNER_STATE_CONFIRMED' RETURNING deputy_id"},
      {kClearCoSigningSubmitters, "DELETE FROM suggestion_deputies WHERE suggestion_id = $1 AND position > 0"},
      {kAddConfirmedSubmitters,
       "INSERT INTO suggestion_deputies (suggestion_id, deputy_id, position) SELECT suggestion_id, deputy_id, "
       "position FROM co_signers WHERE suggestion_id = $1 AND state = 'CO_SIGNER_STATE_CONFIRMED'"},
  };
  for (const StatsGrouping& g : kGroupings) {
    out.push_back({absl::StrCat(kStatsPrefix, g.name), StatsSql(g.key, g.join, g.filter)});
  }
  return out;
}

int64_t InsertSuggestion(pqxx::work& tx, const Suggestion& s, const std::vector<int64_t>& deputy_ids,
                         const NewItem& item) {
  const int64_t station = s.station().empty() ? 0 : *ParseResourceId(s.station(), kStations, "station");
  pqxx::result r = tx.exec_prepared(
      kInsert, minyi::suggestions::v1::SuggestionKind_Name(s.kind()), s.title(), s.body(), s.delegation(),
      s.citizen_account(), station, minyi::suggestions::v1::OpinionLevel_Name(s.level()), s.contact_phone(),
      s.entered_by(), item.actor, item.submit, item.submit ? item.today : "1970-01-01", IdArray(deputy_ids),
      IdArray(item.submit ? item.band_keys : std::vector<int64_t>{}), item.actor_role);
  return r[0][0].as<int64_t>();
}

void UpdateDraft(pqxx::work& tx, int64_t id, const Suggestion& s, const std::vector<int64_t>& deputy_ids) {
  tx.exec_prepared(kUpdateDraft, id, s.title(), s.body(), s.delegation());
  tx.exec_prepared(kDeleteDeputies, id);
  if (!deputy_ids.empty()) {
    tx.exec_prepared(kInsertDeputies, id, IdArray(deputy_ids));
  }
}

std::optional<Record> LoadSuggestion(pqxx::transaction_base& tx, int64_t id, bool for_update, bool details) {
  pqxx::result r = tx.exec_prepared(for_update ? kLoadForUpdate : kLoad, id);
  if (r.empty()) {
    return std::nullopt;
  }
  Record rec = FromRow(r[0]);
  if (!details) {
    return rec;
  }
  Suggestion& s = rec.suggestion;
  if (std::optional<Answer> answer = LatestAnswer(tx, id)) {
    *s.mutable_answer() = std::move(*answer);
  }
  for (const pqxx::row& row : tx.exec_prepared(kCoUnitOpinions, id, s.round())) {
    auto* o = s.add_co_unit_opinions();
    o->set_department(row[0].as<std::string>());
    o->set_text(row[1].as<std::string>());
    *o->mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row[2].as<int64_t>());
  }
  for (const pqxx::row& row : tx.exec_prepared(kContacts, id)) {
    auto* c = s.add_contacts();
    c->set_department(row[0].as<std::string>());
    c->set_method(row[1].as<std::string>());
    c->set_summary(row[2].as<std::string>());
    c->set_contact_date(row[3].as<std::string>());
  }
  if (pqxx::result rating = tx.exec_prepared(kLatestRating, id); !rating.empty()) {
    auto* out = s.mutable_rating();
    out->set_attitude(ParseEnum(rating[0][0], &minyi::suggestions::v1::Satisfaction_Parse));
    out->set_result(ParseEnum(rating[0][1], &minyi::suggestions::v1::Satisfaction_Parse));
    out->set_comment(rating[0][2].as<std::string>());
    out->set_rated_by(rating[0][3].as<std::string>());
    out->set_round(rating[0][4].as<int>());
  }
  for (const pqxx::row& row : tx.exec_prepared(kMergedItems, id)) {
    auto* m = s.add_merged();
    m->set_name(ResourceName(kSuggestions, row[0].as<int64_t>()));
    m->set_title(row[1].as<std::string>());
    m->set_body(row[2].as<std::string>());
    m->set_citizen_account(row[3].as<std::string>());
    for (absl::string_view d : absl::StrSplit(row[4].as<std::string>(), ',', absl::SkipEmpty())) {
      m->add_deputies(absl::StrCat(kDeputies, d));
    }
  }
  for (const pqxx::row& row : tx.exec_prepared(kLinkedOpinions, id)) {
    s.add_linked_opinions(ResourceName(kSuggestions, row[0].as<int64_t>()));
  }
  if (!s.linked_into().empty()) {
    if (std::optional<Answer> answer = LatestAnswer(tx, *ParseResourceId(s.linked_into(), kSuggestions, "linked_into"))) {
      *s.mutable_linked_answer() = std::move(*answer);
    }
  }
  if (pqxx::result ext = tx.exec_prepared(kLatestExtension, id); !ext.empty()) {
    auto* e = s.mutable_extension();
    e->set_months(ext[0][0].as<int>());
    e->set_reason(ext[0][1].as<std::string>());
    e->set_status(ext[0][2].as<std::string>());
    e->set_decision_reason(ext[0][3].as<std::string>());
  }
  return rec;
}

void SetCoSigners(pqxx::work& tx, int64_t id, const std::vector<int64_t>& deputy_ids, bool reinvite) {
  tx.exec_prepared(kUnnameCoSigners, id, IdArray(deputy_ids));
  if (reinvite) {
    tx.exec_prepared(kReinviteCoSigners, id);
  }
  tx.exec_prepared(kNameCoSigners, id, IdArray(deputy_ids));
  SyncCoSigningSubmitters(tx, id);
}

void SetCoSignerState(pqxx::work& tx, int64_t id, int64_t deputy_id, minyi::suggestions::v1::CoSignerState state) {
  tx.exec_prepared(kSetCoSignerState, id, deputy_id, minyi::suggestions::v1::CoSignerState_Name(state));
  SyncCoSigningSubmitters(tx, id);
}

std::vector<std::string> DropUnconfirmedCoSigners(pqxx::work& tx, int64_t id) {
  std::vector<int64_t> ids;
  for (const pqxx::row& row : tx.exec_prepared(kDropUnconfirmedCoSigners, id)) {
    ids.push_back(row[0].as<int64_t>());
  }
  std::sort(ids.begin(), ids.end());
  std::vector<std::string> names;
  for (int64_t d : ids) {
    names.push_back(ResourceName(kDeputies, d));
  }
  return names;
}

void SetState(pqxx::work& tx, int64_t id, SuggestionState state) {
  tx.exec_prepared(kSetState, id, SuggestionState_Name(state));
}

void MarkSubmitted(pqxx::work& tx, int64_t id, const std::string& today, const std::vector<int64_t>& band_keys) {
  tx.exec_prepared(kMarkSubmitted, id, today);
  if (!band_keys.empty()) {
    tx.exec_prepared(kInsertBands, id, IdArray(band_keys));
  }
}

void SetRejected(pqxx::work& tx, int64_t id, const std::string& reason) { tx.exec_prepared(kSetRejected, id, reason); }

void SetMerged(pqxx::work& tx, int64_t id, int64_t into) {
  tx.exec_prepared(kSetMerged, id, into);
  tx.exec_prepared(kAdoptSubmitters, id, into);
}

void SetAssigned(pqxx::work& tx, int64_t id, const std::string& lead, const std::vector<std::string>& co_units,
                 const std::string& assigned_on, const std::string& deadline) {
  tx.exec_prepared(kSetAssigned, id, lead, JsonStrings(co_units), assigned_on, deadline);
}

void SetDeadline(pqxx::work& tx, int64_t id, const std::string& deadline) {
  tx.exec_prepared(kSetDeadline, id, deadline);
}

void SetReopened(pqxx::work& tx, int64_t id, int round, const std::string& deadline) {
  tx.exec_prepared(kSetReopened, id, round, deadline);
}

void SetLevel(pqxx::work& tx, int64_t id, minyi::suggestions::v1::OpinionLevel level) {
  tx.exec_prepared(kSetLevel, id, minyi::suggestions::v1::OpinionLevel_Name(level));
}

void SetLinked(pqxx::work& tx, int64_t opinion_id, int64_t into) { tx.exec_prepared(kSetLinked, opinion_id, into); }

void SetKeySupervision(pqxx::work& tx, int64_t id, bool on) { tx.exec_prepared(kSetKeySupervision, id, on); }

void SetShowcased(pqxx::work& tx, int64_t id) { tx.exec_prepared(kSetShowcased, id); }

void InsertContact(pqxx::work& tx, int64_t id, int round, const std::string& department,
                   const minyi::suggestions::v1::ContactRecord& c, const std::string& actor) {
  tx.exec_prepared(kInsertContact, id, round, department, c.method(), c.summary(), c.contact_date(), actor);
}

bool InsertCoUnitOpinion(pqxx::work& tx, int64_t id, int round, const std::string& department,
                         const std::string& text, const std::string& actor) {
  return tx.exec_prepared(kInsertCoUnitOpinion, id, round, department, text, actor).affected_rows() == 1;
}

void InsertAnswer(pqxx::work& tx, int64_t id, int round, const Answer& answer, const std::string& department,
                  bool on_time, const std::string& today, const std::string& actor) {
  tx.exec_prepared(kInsertAnswer, id, round, minyi::suggestions::v1::AnswerCategory_Name(answer.category()),
                   answer.text(), department, on_time, today, actor);
  for (const Commitment& c : answer.commitments()) {
    tx.exec_prepared(kInsertCommitment, id, round, department, c.text(), c.due_date());
  }
}

void InsertRating(pqxx::work& tx, int64_t id, int round, const minyi::suggestions::v1::Rating& rating,
                  const std::string& actor) {
  tx.exec_prepared(kInsertRating, id, round, minyi::suggestions::v1::Satisfaction_Name(rating.attitude()),
                   minyi::suggestions::v1::Satisfaction_Name(rating.result()), rating.comment(), actor);
}

bool InsertExtensionRequest(pqxx::work& tx, int64_t id, int months, const std::string& reason,
                            const std::string& actor) {
  return !tx.exec_prepared(kInsertExtension, id, months, reason, actor).empty();
}

std::optional<int> ResolveExtensionRequest(pqxx::work& tx, int64_t id, bool approve, const std::string& reason,
                                          const std::string& actor) {
  pqxx::result r = tx.exec_prepared(kDecideExtension, id, approve, reason, actor);
  if (r.empty()) {
    return std::nullopt;
  }
  return r[0][0].as<int>();
}

void AppendTransition(pqxx::work& tx, const TransitionRow& t) {
  tx.exec_prepared(kInsertTransition, t.suggestion_id, t.action, SuggestionState_Name(t.from),
                   SuggestionState_Name(t.to), t.actor, t.actor_role, t.reason, t.detail);
}

std::vector<minyi::suggestions::v1::TimelineEntry> SelectTimeline(pqxx::transaction_base& tx, int64_t id) {
  std::vector<minyi::suggestions::v1::TimelineEntry> out;
  for (const pqxx::row& row : tx.exec_prepared(kTimeline, id)) {
    minyi::suggestions::v1::TimelineEntry e;
    e.set_action(row[0].as<std::string>());
    e.set_from_state(ParseEnum(row[1], &minyi::suggestions::v1::SuggestionState_Parse));
    e.set_to_state(ParseEnum(row[2], &minyi::suggestions::v1::SuggestionState_Parse));
    e.set_actor(row[3].as<std::string>());
    e.set_actor_role(row[4].as<std::string>());
    e.set_reason(row[5].as<std::string>());
    e.set_detail(row[6].as<std::string>());
    *e.mutable_time() = TimeUtil::MicrosecondsToTimestamp(row[7].as<int64_t>());
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<Candidate> SelectCandidates(pqxx::transaction_base& tx, const std::vector<int64_t>& band_keys,
                                        int64_t exclude_id, int limit) {
  std::vector<Candidate> out;
  if (band_keys.empty()) {
    return out;
  }
  for (const pqxx::row& row : tx.exec_prepared(kCandidates, IdArray(band_keys), exclude_id, limit)) {
    out.push_back({.record = FromRow(row), .text = row["dedup_text"].as<std::string>()});
  }
  return out;
}

std::vector<Record> SelectSuggestions(pqxx::transaction_base& tx, const ListQuery& q) {
  std::vector<Record> out;
  for (const pqxx::row& row : tx.exec_prepared(kList, q.after_id, q.state, q.kind, q.department, q.deputy_id,
                                               q.citizen_account, q.key_supervision_only, q.showcased_only,
                                               q.limit, IdArray(q.stations))) {
    out.push_back(FromRow(row));
  }
  return out;
}

std::vector<minyi::suggestions::v1::StatsRow> SelectStats(pqxx::transaction_base& tx, const std::string& group_by,
                                                         const std::string& start_date, const std::string& end_date,
                                                         const std::string& today) {
  std::vector<minyi::suggestions::v1::StatsRow> out;
  for (const pqxx::row& row :
       tx.exec_prepared(absl::StrCat(kStatsPrefix, group_by), start_date, end_date, today)) {
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

std::vector<Commitment> SelectCommitments(pqxx::transaction_base& tx, const CommitmentQuery& q) {
  std::vector<Commitment> out;
  for (const pqxx::row& row :
       tx.exec_prepared(kListCommitments, q.after_id, q.department, q.open_only, q.due_before, q.limit)) {
    out.push_back(CommitmentFromRow(row));
  }
  return out;
}

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
    check->set_checked_by(row[3].as<std::string>());
  }
  return c;
}

void InsertCommitmentCheck(pqxx::work& tx, int64_t id, const minyi::suggestions::v1::CommitmentCheck& check,
                           const std::string& today, const std::string& actor) {
  tx.exec_prepared(kInsertCommitmentCheck, id, today, check.note(), check.fulfilled(), actor);
  tx.exec_prepared(kUpdateCommitmentAfterCheck, id, today, check.fulfilled());
}

minyi::suggestions::v1::RoutingRules LoadRoutingRules(pqxx::transaction_base& tx) {
  minyi::suggestions::v1::RoutingRules rules;
  for (const pqxx::row& row : tx.exec_prepared(kLoadRoutingRules)) {
    auto* rule = rules.add_rules();
    for (const nlohmann::json& k : nlohmann::json::parse(row[0].as<std::string>())) {
      rule->add_keywords(k.get<std::string>());
    }
    rule->set_department(row[1].as<std::string>());
  }
  *rules.mutable_update_time() =
      TimeUtil::MicrosecondsToTimestamp(tx.exec_prepared(kLoadRoutingMeta)[0][0].as<int64_t>());
  return rules;
}

void ReplaceRoutingRules(pqxx::work& tx, const minyi::suggestions::v1::RoutingRules& rules, const std::string& actor) {
  tx.exec_prepared(kDeleteRoutingRules);
  for (int i = 0; i < rules.rules_size(); ++i) {
    const auto& rule = rules.rules(i);
    tx.exec_prepared(kInsertRoutingRule, i,
                     JsonStrings(std::vector<std::string>(rule.keywords().begin(), rule.keywords().end())),
                     rule.department());
  }
  tx.exec_prepared(kTouchRouting, actor);
}

bool InsertFund(pqxx::work& tx, int year, int64_t total_fen, const std::string& actor) {
  return !tx.exec_prepared(kInsertFund, year, total_fen, actor).empty();
}

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

bool AllocateFromFund(pqxx::work& tx, int year, int64_t id, int64_t amount_fen, const std::string& note,
                      const std::string& actor) {
  if (tx.exec_prepared(kTakeFromFund, year, amount_fen).empty()) {
    return false;
  }
  tx.exec_prepared(kInsertAllocation, year, id, amount_fen, note, actor);
  return true;
}

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

std::vector<minyi::suggestions::v1::CalendarDay> SelectCalendarYear(pqxx::transaction_base& tx, int year) {
  std::vector<minyi::suggestions::v1::CalendarDay> out;
  for (const pqxx::row& row : tx.exec_prepared(kCalendarRange, absl::StrCat(year, "-01-01"), absl::StrCat(year, "-12-31"))) {
    minyi::suggestions::v1::CalendarDay d;
    d.set_date(row[0].as<std::string>());
    d.set_working(row[1].as<bool>());
    out.push_back(std::move(d));
  }
  return out;
}

void ReplaceCalendarYear(pqxx::work& tx, int year, const std::vector<minyi::suggestions::v1::CalendarDay>& days) {
  tx.exec_prepared(kDeleteCalendarYear, year);
  for (const auto& d : days) {
    tx.exec_prepared(kInsertCalendarDay, d.date(), d.working(), d.note());
  }
}

std::vector<DueItem> LockDueItems(pqxx::work& tx, const std::string& horizon, int limit) {
  std::vector<DueItem> out;
  for (const pqxx::row& row : tx.exec_prepared(kLockDue, horizon, limit)) {
    out.push_back({.id = row[0].as<int64_t>(), .round = row[1].as<int>(), .deadline = row[2].as<std::string>()});
  }
  return out;
}

bool RecordAlert(pqxx::work& tx, const DueItem& item, int threshold) {
  return !tx.exec_prepared(kRecordAlert, item.id, item.round, item.deadline, threshold).empty();
}

}  // namespace minyi::suggestions

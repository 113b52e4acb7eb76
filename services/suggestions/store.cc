#include "suggestions/store.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/names.h"
#include "common/query.h"
#include "google/protobuf/util/time_util.h"
#include "nlohmann/json.hpp"
#include "suggestions/search.h"
#include "suggestions/store_rows.h"

namespace minyi::suggestions {
namespace {

using ::google::protobuf::util::TimeUtil;
using ::minyi::suggestions::v1::Answer;
using ::minyi::suggestions::v1::Commitment;
using ::minyi::suggestions::v1::Suggestion;
using ::minyi::suggestions::v1::SuggestionState;
using ::minyi::suggestions::v1::SuggestionState_Name;

constexpr absl::string_view kOpenStates =
    "('SUGGESTION_STATE_SUBMITTED', 'SUGGESTION_STATE_ACCEPTED', 'SUGGESTION_STATE_ASSIGNED', "
    "'SUGGESTION_STATE_IN_PROGRESS', 'SUGGESTION_STATE_ANSWERED', 'SUGGESTION_STATE_REOPENED')";

const Query kLatestAnswer{
    "suggestions_latest_answer",
    "SELECT round, category, text, department, on_time, "
    "(extract(epoch FROM answer_time) * 1000000)::bigint AS answer_us FROM answers WHERE suggestion_id = $1 "
    "ORDER BY round DESC LIMIT 1"};
const Query kAnswerCommitments{"suggestions_answer_commitments",
                               "SELECT id, department, text, to_char(due_date, 'YYYY-MM-DD'), fulfilled, "
                               "coalesce(to_char(last_checked_on, 'YYYY-MM-DD'), '') FROM commitments "
                               "WHERE suggestion_id = $1 AND round = $2 ORDER BY id"};

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

const Query kClearCoSigningSubmitters{"suggestions_clear_co_signing_submitters",
                                      "DELETE FROM suggestion_deputies WHERE suggestion_id = $1 AND position > 0"};
const Query kAddConfirmedSubmitters{
    "suggestions_add_confirmed_submitters",
    "INSERT INTO suggestion_deputies (suggestion_id, deputy_id, position) SELECT suggestion_id, deputy_id, "
    "position FROM co_signers WHERE suggestion_id = $1 AND state = 'CO_SIGNER_STATE_CONFIRMED'"};

// A joint suggestion's submitters are its lead (position 0) and its confirmed co-signers.
void SyncCoSigningSubmitters(pqxx::work& tx, int64_t id) {
  tx.exec_prepared(kClearCoSigningSubmitters, id);
  tx.exec_prepared(kAddConfirmedSubmitters, id);
}

}  // namespace

std::string JsonStrings(const std::vector<std::string>& values) { return nlohmann::json(values).dump(); }

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
  s.set_received_date(row["submitted_on"].as<std::string>());
  s.set_assigned_date(r.assigned_on);
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

std::vector<PreparedStatement> Statements() { return QueriesOf("suggestions_"); }

const Query kInsert{
    "suggestions_insert",
    "WITH s AS (INSERT INTO suggestions (kind, title, body, state, delegation, citizen_account, station_id, level, "
    "contact_phone, entered_by, created_by, submit_time, submitted_on, search_title, search_text) VALUES ($1, $2, "
    "$3, CASE WHEN $11 THEN 'SUGGESTION_STATE_SUBMITTED' ELSE 'SUGGESTION_STATE_DRAFT' END, $4, $5, NULLIF($6, 0), "
    "$7, $8, $9, $10, CASE WHEN $11 THEN now() END, CASE WHEN $11 THEN $12::date END, $16::tsvector, "
    "$17::tsvector) RETURNING id), "
    "d AS (INSERT INTO suggestion_deputies (suggestion_id, deputy_id, position) "
    "SELECT s.id, t.d, t.i - 1 FROM s, unnest($13::bigint[]) WITH ORDINALITY AS t(d, i)), "
    "b AS (INSERT INTO dedup_bands (band_key, suggestion_id) SELECT DISTINCT k, s.id FROM s, "
    "unnest($14::bigint[]) AS k), "
    "t AS (INSERT INTO transitions (suggestion_id, action, from_state, to_state, actor, actor_role, detail) "
    "SELECT s.id, v.action, v.from_state, v.to_state, $10, $15, CASE WHEN v.n = 2 THEN $18 ELSE '' END "
    "FROM s, (VALUES "
    "(1, 'CREATE', 'SUGGESTION_STATE_UNSPECIFIED', 'SUGGESTION_STATE_DRAFT'), "
    "(2, 'SUBMIT', 'SUGGESTION_STATE_DRAFT', 'SUGGESTION_STATE_SUBMITTED')) AS v(n, action, from_state, to_state) "
    "WHERE v.n = 1 OR $11 ORDER BY v.n) "
    "SELECT id FROM s"};

int64_t InsertSuggestion(pqxx::work& tx, const Suggestion& s, const std::vector<int64_t>& deputy_ids,
                         const NewItem& item) {
  const int64_t station = s.station().empty() ? 0 : *ParseResourceId(s.station(), kStations, "station");
  const SearchVectors search = SearchVectorsOf(s.title(), s.body());
  return InsertedId(tx, kInsert, minyi::suggestions::v1::SuggestionKind_Name(s.kind()), s.title(), s.body(),
                    s.delegation(), s.citizen_account(), station, minyi::suggestions::v1::OpinionLevel_Name(s.level()),
                    s.contact_phone(), s.entered_by(), item.actor, item.submit, item.submit ? item.today : "1970-01-01",
                    IdArray(deputy_ids), IdArray(item.submit ? item.band_keys : std::vector<int64_t>{}),
                    item.actor_role, search.title, search.text, item.detail);
}

const Query kInsertDeputies{"suggestions_insert_deputies",
                            "INSERT INTO suggestion_deputies (suggestion_id, deputy_id, position) "
                            "SELECT $1::bigint, d, i - 1 FROM unnest($2::bigint[]) WITH ORDINALITY AS t(d, i)"};
const Query kDeleteDeputies{"suggestions_delete_deputies", "DELETE FROM suggestion_deputies WHERE suggestion_id = $1"};
const Query kUpdateDraft{"suggestions_update_draft",
                         "UPDATE suggestions SET title = $2, body = $3, delegation = $4, search_title = $5::tsvector, "
                         "search_text = $6::tsvector, update_time = now() WHERE id = $1"};

void UpdateDraft(pqxx::work& tx, int64_t id, const Suggestion& s, const std::vector<int64_t>& deputy_ids) {
  const SearchVectors search = SearchVectorsOf(s.title(), s.body());
  tx.exec_prepared(kUpdateDraft, id, s.title(), s.body(), s.delegation(), search.title, search.text);
  tx.exec_prepared(kDeleteDeputies, id);
  if (!deputy_ids.empty()) {
    tx.exec_prepared(kInsertDeputies, id, IdArray(deputy_ids));
  }
}

const Query kLoad{"suggestions_load", absl::StrCat("SELECT ", kColumns, " WHERE s.id = $1")};
const Query kLoadForUpdate{"suggestions_load_for_update",
                           absl::StrCat("SELECT ", kColumns, " WHERE s.id = $1 FOR UPDATE OF s")};
const Query kCoUnitOpinions{
    "suggestions_co_unit_opinions",
    "SELECT department, text, (extract(epoch FROM create_time) * 1000000)::bigint FROM co_unit_opinions "
    "WHERE suggestion_id = $1 AND round = $2 ORDER BY create_time, department"};
const Query kContacts{"suggestions_contacts",
                      "SELECT department, method, summary, to_char(contact_date, 'YYYY-MM-DD') FROM contacts "
                      "WHERE suggestion_id = $1 ORDER BY id"};
const Query kLatestRating{"suggestions_latest_rating",
                          "SELECT attitude, result, comment, rated_by, round FROM ratings WHERE suggestion_id = $1 "
                          "ORDER BY round DESC LIMIT 1"};
const Query kMergedItems{
    "suggestions_merged_items",
    "SELECT s.id, s.title, s.body, s.citizen_account, array_to_string(ARRAY(SELECT d.deputy_id FROM "
    "suggestion_deputies d WHERE d.suggestion_id = s.id ORDER BY d.position), ',') FROM suggestions s "
    "WHERE s.merged_into = $1 ORDER BY s.id"};
const Query kLinkedOpinions{"suggestions_linked_opinions",
                            "SELECT id FROM suggestions WHERE linked_into = $1 ORDER BY id"};
const Query kLatestExtension{
    "suggestions_latest_extension",
    "SELECT months, reason, status, decision_reason FROM extension_requests WHERE suggestion_id = $1 "
    "ORDER BY id DESC LIMIT 1"};

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
    out->set_rated_by(AccountName(rating[0][3].as<std::string>()));
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
    if (std::optional<Answer> answer =
            LatestAnswer(tx, *ParseResourceId(s.linked_into(), kSuggestions, "linked_into"))) {
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

const Query kUnnameCoSigners{"suggestions_unname_co_signers",
                             "DELETE FROM co_signers WHERE suggestion_id = $1 AND deputy_id <> ALL($2::bigint[])"};
const Query kReinviteCoSigners{"suggestions_reinvite_co_signers",
                               "UPDATE co_signers SET state = 'CO_SIGNER_STATE_INVITED', update_time = now() "
                               "WHERE suggestion_id = $1 AND state <> 'CO_SIGNER_STATE_INVITED'"};
const Query kNameCoSigners{
    "suggestions_name_co_signers",
    "INSERT INTO co_signers (suggestion_id, deputy_id, position, state) "
    "SELECT $1::bigint, d, i::integer, 'CO_SIGNER_STATE_INVITED' FROM unnest($2::bigint[]) WITH ORDINALITY AS t(d, i) "
    "ON CONFLICT (suggestion_id, deputy_id) DO UPDATE SET position = excluded.position"};

void SetCoSigners(pqxx::work& tx, int64_t id, const std::vector<int64_t>& deputy_ids, bool reinvite) {
  tx.exec_prepared(kUnnameCoSigners, id, IdArray(deputy_ids));
  if (reinvite) {
    tx.exec_prepared(kReinviteCoSigners, id);
  }
  tx.exec_prepared(kNameCoSigners, id, IdArray(deputy_ids));
  SyncCoSigningSubmitters(tx, id);
}

const Query kSetCoSignerState{
    "suggestions_set_co_signer_state",
    "UPDATE co_signers SET state = $3, update_time = now() WHERE suggestion_id = $1 AND deputy_id = $2"};

void SetCoSignerState(pqxx::work& tx, int64_t id, int64_t deputy_id, minyi::suggestions::v1::CoSignerState state) {
  tx.exec_prepared(kSetCoSignerState, id, deputy_id, minyi::suggestions::v1::CoSignerState_Name(state));
  SyncCoSigningSubmitters(tx, id);
}

const Query kDropUnconfirmedCoSigners{
    "suggestions_drop_unconfirmed_co_signers",
    "DELETE FROM co_signers WHERE suggestion_id = $1 AND state <> 'CO_SIGNER_STATE_CONFIRMED' RETURNING deputy_id"};

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

const Query kSetState{"suggestions_set_state", "UPDATE suggestions SET state = $2, update_time = now() WHERE id = $1"};

void SetState(pqxx::work& tx, int64_t id, SuggestionState state) {
  tx.exec_prepared(kSetState, id, SuggestionState_Name(state));
}

const Query kMarkSubmitted{
    "suggestions_mark_submitted",
    "UPDATE suggestions SET state = 'SUGGESTION_STATE_SUBMITTED', submit_time = now(), submitted_on = $2::date, "
    "level = CASE WHEN kind = 'SUGGESTION_KIND_CITIZEN_OPINION' THEN 'OPINION_LEVEL_STATION' ELSE level END, "
    "update_time = now() WHERE id = $1"};
const Query kInsertBands{
    "suggestions_insert_bands",
    "INSERT INTO dedup_bands (band_key, suggestion_id) SELECT DISTINCT k, $1::bigint FROM unnest($2::bigint[]) AS k "
    "ON CONFLICT DO NOTHING"};

void MarkSubmitted(pqxx::work& tx, int64_t id, const std::string& today, const std::vector<int64_t>& band_keys) {
  tx.exec_prepared(kMarkSubmitted, id, today);
  if (!band_keys.empty()) {
    InsertBands(tx, id, band_keys);
  }
}

// A batch claimed off the queue in one statement; SKIP LOCKED lets replicas share the work.
const Query kClaimReindex{
    "suggestions_claim_reindex",
    "WITH q AS (DELETE FROM dedup_reindex WHERE suggestion_id IN (SELECT suggestion_id FROM dedup_reindex "
    "ORDER BY suggestion_id LIMIT $1 FOR UPDATE SKIP LOCKED) RETURNING suggestion_id) "
    "SELECT s.id, s.title, s.body FROM suggestions s JOIN q ON q.suggestion_id = s.id ORDER BY s.id"};

std::vector<ReindexItem> ClaimReindex(pqxx::work& tx, int limit) {
  std::vector<ReindexItem> out;
  for (const pqxx::row& row : tx.exec_prepared(kClaimReindex, limit)) {
    out.push_back({row[0].as<int64_t>(), row[1].as<std::string>(), row[2].as<std::string>()});
  }
  return out;
}

void InsertBands(pqxx::work& tx, int64_t id, const std::vector<int64_t>& band_keys) {
  tx.exec_prepared(kInsertBands, id, IdArray(band_keys));
}

const Query kSetRejected{
    "suggestions_set_rejected",
    "UPDATE suggestions SET state = 'SUGGESTION_STATE_NOT_ACCEPTED', reject_reason = $2, update_time = now() "
    "WHERE id = $1"};

void SetRejected(pqxx::work& tx, int64_t id, const std::string& reason) { tx.exec_prepared(kSetRejected, id, reason); }

const Query kSetMerged{
    "suggestions_set_merged",
    "UPDATE suggestions SET state = 'SUGGESTION_STATE_MERGED', merged_into = $2, update_time = now() "
    "WHERE id = $1"};
const Query kAdoptSubmitters{
    "suggestions_adopt_submitters",
    "INSERT INTO suggestion_deputies (suggestion_id, deputy_id, position) "
    "SELECT $2, d.deputy_id, (SELECT coalesce(max(position), -1) FROM suggestion_deputies WHERE "
    "suggestion_id = $2) + row_number() OVER (ORDER BY d.position) FROM suggestion_deputies d "
    "WHERE d.suggestion_id = $1 AND NOT EXISTS (SELECT 1 FROM suggestion_deputies x WHERE "
    "x.suggestion_id = $2 AND x.deputy_id = d.deputy_id)"};

void SetMerged(pqxx::work& tx, int64_t id, int64_t into) {
  tx.exec_prepared(kSetMerged, id, into);
  tx.exec_prepared(kAdoptSubmitters, id, into);
}

const Query kSetAssigned{"suggestions_set_assigned",
                         "UPDATE suggestions SET state = 'SUGGESTION_STATE_ASSIGNED', lead_department = $2, "
                         "co_departments = ARRAY(SELECT jsonb_array_elements_text($3::jsonb)), assigned_on = $4::date, "
                         "deadline = $5::date, update_time = now() WHERE id = $1"};

void SetAssigned(pqxx::work& tx, int64_t id, const std::string& lead, const std::vector<std::string>& co_units,
                 const std::string& assigned_on, const std::string& deadline) {
  tx.exec_prepared(kSetAssigned, id, lead, JsonStrings(co_units), assigned_on, deadline);
}

const Query kSetDeadline{"suggestions_set_deadline",
                         "UPDATE suggestions SET deadline = $2::date, update_time = now() WHERE id = $1"};

void SetDeadline(pqxx::work& tx, int64_t id, const std::string& deadline) {
  tx.exec_prepared(kSetDeadline, id, deadline);
}

const Query kSetReopened{"suggestions_set_reopened",
                         "UPDATE suggestions SET state = 'SUGGESTION_STATE_REOPENED', round = $2, deadline = $3::date, "
                         "update_time = now() WHERE id = $1"};

void SetReopened(pqxx::work& tx, int64_t id, int round, const std::string& deadline) {
  tx.exec_prepared(kSetReopened, id, round, deadline);
}

const Query kSetLevel{"suggestions_set_level", "UPDATE suggestions SET level = $2, update_time = now() WHERE id = $1"};

void SetLevel(pqxx::work& tx, int64_t id, minyi::suggestions::v1::OpinionLevel level) {
  tx.exec_prepared(kSetLevel, id, minyi::suggestions::v1::OpinionLevel_Name(level));
}

const Query kSetLinked{
    "suggestions_set_linked",
    "UPDATE suggestions SET state = 'SUGGESTION_STATE_LINKED', linked_into = $2, update_time = now() "
    "WHERE id = $1"};

void SetLinked(pqxx::work& tx, int64_t opinion_id, int64_t into) { tx.exec_prepared(kSetLinked, opinion_id, into); }

const Query kSetKeySupervision{"suggestions_set_key_supervision",
                               "UPDATE suggestions SET key_supervision = $2, update_time = now() WHERE id = $1"};

void SetKeySupervision(pqxx::work& tx, int64_t id, bool on) { tx.exec_prepared(kSetKeySupervision, id, on); }

const Query kSetShowcased{"suggestions_set_showcased",
                          "UPDATE suggestions SET showcased = true, update_time = now() WHERE id = $1"};

void SetShowcased(pqxx::work& tx, int64_t id) { tx.exec_prepared(kSetShowcased, id); }

const Query kInsertContact{
    "suggestions_insert_contact",
    "INSERT INTO contacts (suggestion_id, round, department, method, summary, contact_date, recorded_by) "
    "VALUES ($1, $2, $3, $4, $5, $6::date, $7)"};

void InsertContact(pqxx::work& tx, int64_t id, int round, const std::string& department,
                   const minyi::suggestions::v1::ContactRecord& c, const std::string& actor) {
  tx.exec_prepared(kInsertContact, id, round, department, c.method(), c.summary(), c.contact_date(), actor);
}

const Query kInsertCoUnitOpinion{"suggestions_insert_co_unit_opinion",
                                 "INSERT INTO co_unit_opinions (suggestion_id, round, department, text, created_by) "
                                 "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING"};

bool InsertCoUnitOpinion(pqxx::work& tx, int64_t id, int round, const std::string& department, const std::string& text,
                         const std::string& actor) {
  return tx.exec_prepared(kInsertCoUnitOpinion, id, round, department, text, actor).affected_rows() == 1;
}

const Query kInsertAnswer{
    "suggestions_insert_answer",
    "INSERT INTO answers (suggestion_id, round, category, text, department, on_time, answered_on, answered_by) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7::date, $8)"};
const Query kInsertCommitment{
    "suggestions_insert_commitment",
    "INSERT INTO commitments (suggestion_id, round, department, text, due_date) VALUES ($1, $2, $3, $4, $5::date)"};

void InsertAnswer(pqxx::work& tx, int64_t id, int round, const Answer& answer, const std::string& department,
                  bool on_time, const std::string& today, const std::string& actor) {
  tx.exec_prepared(kInsertAnswer, id, round, minyi::suggestions::v1::AnswerCategory_Name(answer.category()),
                   answer.text(), department, on_time, today, actor);
  for (const Commitment& c : answer.commitments()) {
    tx.exec_prepared(kInsertCommitment, id, round, department, c.text(), c.due_date());
  }
}

const Query kInsertRating{"suggestions_insert_rating",
                          "INSERT INTO ratings (suggestion_id, round, attitude, result, comment, rated_by) "
                          "VALUES ($1, $2, $3, $4, $5, $6)"};

void InsertRating(pqxx::work& tx, int64_t id, int round, const minyi::suggestions::v1::Rating& rating,
                  const std::string& actor) {
  tx.exec_prepared(kInsertRating, id, round, minyi::suggestions::v1::Satisfaction_Name(rating.attitude()),
                   minyi::suggestions::v1::Satisfaction_Name(rating.result()), rating.comment(), actor);
}

const Query kInsertExtension{"suggestions_insert_extension",
                             "INSERT INTO extension_requests (suggestion_id, months, reason, status, requested_by) "
                             "VALUES ($1, $2, $3, 'PENDING', $4) ON CONFLICT DO NOTHING RETURNING id"};

bool InsertExtensionRequest(pqxx::work& tx, int64_t id, int months, const std::string& reason,
                            const std::string& actor) {
  return !tx.exec_prepared(kInsertExtension, id, months, reason, actor).empty();
}

const Query kDecideExtension{
    "suggestions_decide_extension",
    "UPDATE extension_requests SET status = CASE WHEN $2 THEN 'APPROVED' ELSE 'REJECTED' END, "
    "decision_reason = $3, decided_by = $4 WHERE suggestion_id = $1 AND status = 'PENDING' RETURNING months"};

std::optional<int> ResolveExtensionRequest(pqxx::work& tx, int64_t id, bool approve, const std::string& reason,
                                           const std::string& actor) {
  pqxx::result r = tx.exec_prepared(kDecideExtension, id, approve, reason, actor);
  if (r.empty()) {
    return std::nullopt;
  }
  return r[0][0].as<int>();
}

const Query kInsertTransition{
    "suggestions_insert_transition",
    "INSERT INTO transitions (suggestion_id, action, from_state, to_state, actor, actor_role, reason, detail) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"};

void AppendTransition(pqxx::work& tx, const TransitionRow& t) {
  tx.exec_prepared(kInsertTransition, t.suggestion_id, t.action, SuggestionState_Name(t.from),
                   SuggestionState_Name(t.to), t.actor, t.actor_role, t.reason, t.detail);
}

const Query kTimeline{
    "suggestions_timeline",
    "SELECT action, from_state, to_state, actor, actor_role, reason, detail, "
    "(extract(epoch FROM at) * 1000000)::bigint FROM transitions WHERE suggestion_id = $1 ORDER BY id"};

std::vector<minyi::suggestions::v1::TimelineEntry> SelectTimeline(pqxx::transaction_base& tx, int64_t id) {
  std::vector<minyi::suggestions::v1::TimelineEntry> out;
  for (const pqxx::row& row : tx.exec_prepared(kTimeline, id)) {
    minyi::suggestions::v1::TimelineEntry e;
    e.set_action(row[0].as<std::string>());
    e.set_from_state(ParseEnum(row[1], &minyi::suggestions::v1::SuggestionState_Parse));
    e.set_to_state(ParseEnum(row[2], &minyi::suggestions::v1::SuggestionState_Parse));
    e.set_actor(AccountName(row[3].as<std::string>()));
    e.set_actor_role(row[4].as<std::string>());
    e.set_reason(row[5].as<std::string>());
    e.set_detail(row[6].as<std::string>());
    *e.mutable_time() = TimeUtil::MicrosecondsToTimestamp(row[7].as<int64_t>());
    out.push_back(std::move(e));
  }
  return out;
}

const Query kCandidates{
    "suggestions_candidates",
    absl::StrCat("SELECT ", kColumns,
                 " JOIN (SELECT suggestion_id, count(*) AS shared FROM dedup_bands WHERE band_key = "
                 "ANY($1::bigint[]) AND suggestion_id <> $2 GROUP BY suggestion_id ORDER BY shared DESC, "
                 "suggestion_id LIMIT $3) m ON m.suggestion_id = s.id WHERE s.state IN ",
                 kOpenStates, " ORDER BY m.shared DESC, s.id")};

std::vector<Candidate> SelectCandidates(pqxx::transaction_base& tx, const std::vector<int64_t>& band_keys,
                                        int64_t exclude_id, int limit) {
  std::vector<Candidate> out;
  if (band_keys.empty()) {
    return out;
  }
  for (const pqxx::row& row : tx.exec_prepared(kCandidates, IdArray(band_keys), exclude_id, limit)) {
    out.push_back({.record = FromRow(row)});
  }
  return out;
}

const Query kEraseCitizenContact{
    "suggestions_erase_citizen_contact",
    "UPDATE suggestions SET contact_phone = '' WHERE citizen_account = $1 AND contact_phone <> ''"};

int EraseCitizenContact(pqxx::work& tx, const std::string& citizen_account) {
  return static_cast<int>(tx.exec_prepared(kEraseCitizenContact, citizen_account).affected_rows());
}

}  // namespace minyi::suggestions

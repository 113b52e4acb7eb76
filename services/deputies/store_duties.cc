// The duty file's SQL (store.h): duty records and their revisions, point rules and evaluation results.
#include "deputies/store.h"

#include "absl/strings/str_cat.h"
#include "common/names.h"
#include "common/query.h"
#include "common/settings_revision.h"
#include "deputies/duties.h"
#include "deputies/registry.h"
#include "deputies/shortlist.h"
#include "deputies/store_rows.h"

namespace minyi::deputies {
namespace {

using ::minyi::deputies::v1::DutyRecord;

// A duty record read joins the record with one of its revisions (v); DutyFromRow reads these by name.
constexpr absl::string_view kDutyColumns =
    "r.id, r.deputy_id, to_char(v.occurred_on, 'YYYY-MM-DD') AS occurred_on, v.category, v.description, "
    "coalesce(v.station_id, 0) AS station_id, v.evidence::text AS evidence, r.source, "
    "coalesce(r.source_event_id::text, '') AS source_event_id, v.recorded_by, v.revision, v.reason, "
    "(extract(epoch FROM r.create_time) * 1000000)::bigint AS create_us, "
    "(extract(epoch FROM v.create_time) * 1000000)::bigint AS revision_us "
    "FROM duty_records r JOIN duty_record_revisions v ON v.record_id = r.id";
// Copies the record's current content into its history, with who made this revision and why.
constexpr absl::string_view kSnapshotRevisionSql =
    "INSERT INTO duty_record_revisions (record_id, revision, occurred_on, category, description, station_id, "
    "evidence, recorded_by, reason) SELECT id, revision, occurred_on, category, description, station_id, "
    "evidence, $2, $3 FROM duty_records WHERE id = $1";

DutyRecord DutyFromRow(const pqxx::row& row) {
  DutyRecord d;
  d.set_name(DutyName(row["deputy_id"].as<int64_t>(), row["id"].as<int64_t>()));
  d.set_date(row["occurred_on"].as<std::string>());
  d.set_category(ParseEnum(row["category"], &minyi::deputies::v1::DutyCategory_Parse));
  d.set_description(row["description"].as<std::string>());
  if (const int64_t station = row["station_id"].as<int64_t>(); station != 0) {
    d.set_station(ResourceName(kStations, station));
  }
  for (const auto& element : nlohmann::json::parse(row["evidence"].as<std::string>())) {
    d.add_evidence(element.get<std::string>());
  }
  d.set_source(ParseEnum(row["source"], &minyi::deputies::v1::DutySource_Parse));
  d.set_source_event(row["source_event_id"].as<std::string>());
  d.set_recorded_by(AccountName(row["recorded_by"].as<std::string>()));
  d.set_revision(row["revision"].as<int32_t>());
  d.set_correction_reason(row["reason"].as<std::string>());
  *d.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row["create_us"].as<int64_t>());
  *d.mutable_revision_create_time() = TimeUtil::MicrosecondsToTimestamp(row["revision_us"].as<int64_t>());
  return d;
}

// A station id of 0 stands for "none" (NULLIF in SQL): libpqxx 6 has no optional parameters.
int64_t StationIdOrZero(const DutyRecord& d) {
  return d.station().empty() ? 0 : *ParseResourceId(d.station(), kStations, "station");
}

}  // namespace

// The records and their first revisions in one statement; the revision rows join the new records
// back to their input rows by (deputy, event), which the unique index makes a key.
const Query kInsertEventDuties{
    "deputies_insert_event_duties",
    "WITH r AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(i int, deputy_id bigint, occurred_on date, "
    "category text, description text, evidence jsonb, event_id uuid, recorded_by text)), "
    "ins AS (INSERT INTO duty_records (deputy_id, occurred_on, category, description, evidence, source, "
    "source_event_id) SELECT deputy_id, occurred_on, category, description, evidence, 'DUTY_SOURCE_EVENT', "
    "event_id FROM r ORDER BY i ON CONFLICT (deputy_id, source_event_id) WHERE source_event_id IS NOT NULL "
    "DO NOTHING RETURNING id, revision, deputy_id, source_event_id, occurred_on, category, description, "
    "evidence), "
    "rev AS (INSERT INTO duty_record_revisions (record_id, revision, occurred_on, category, description, "
    "evidence, recorded_by) SELECT ins.id, ins.revision, ins.occurred_on, ins.category, ins.description, "
    "ins.evidence, r.recorded_by FROM ins JOIN r ON r.deputy_id = ins.deputy_id AND r.event_id = "
    "ins.source_event_id) "
    "SELECT id, deputy_id, source_event_id::text FROM ins"};

std::map<std::pair<int64_t, std::string>, int64_t> InsertEventDuties(pqxx::work& tx,
                                                                     const std::vector<EventDuty>& duties) {
  nlohmann::json rows = nlohmann::json::array();
  for (size_t i = 0; i < duties.size(); ++i) {
    const DutyRecord& content = *duties[i].content;
    rows.push_back({{"i", i},
                    {"deputy_id", duties[i].deputy_id},
                    {"occurred_on", content.date()},
                    {"category", minyi::deputies::v1::DutyCategory_Name(content.category())},
                    {"description", content.description()},
                    {"evidence", std::vector<std::string>(content.evidence().begin(), content.evidence().end())},
                    {"event_id", duties[i].event_id},
                    {"recorded_by", duties[i].recorded_by}});
  }
  std::map<std::pair<int64_t, std::string>, int64_t> out;
  for (const pqxx::row& row : tx.exec_prepared(kInsertEventDuties, rows.dump())) {
    out[{row[1].as<int64_t>(), row[2].as<std::string>()}] = row[0].as<int64_t>();
  }
  return out;
}

const Query kInsertDuty{
    "deputies_insert_duty",
    "INSERT INTO duty_records (deputy_id, occurred_on, category, description, station_id, evidence, source, "
    "source_event_id) VALUES ($1, $2::date, $3, $4, NULLIF($5::bigint, 0), $6::jsonb, $7, "
    "NULLIF($8, '')::uuid) ON CONFLICT (deputy_id, source_event_id) WHERE source_event_id IS NOT NULL "
    "DO NOTHING RETURNING id"};
const Query kSnapshotDutyRevision{"deputies_snapshot_duty_revision", std::string(kSnapshotRevisionSql)};

std::optional<int64_t> InsertDutyRecord(pqxx::work& tx, const NewDuty& duty, const DutyRecord& content) {
  pqxx::result r = tx.exec_prepared(kInsertDuty, duty.deputy_id, content.date(),
                                    minyi::deputies::v1::DutyCategory_Name(content.category()), content.description(),
                                    StationIdOrZero(content), JsonStrings(content.evidence()),
                                    minyi::deputies::v1::DutySource_Name(duty.source), duty.source_event_id);
  if (r.empty()) {
    return std::nullopt;
  }
  const int64_t id = r[0][0].as<int64_t>();
  tx.exec_prepared(kSnapshotDutyRevision, id, duty.recorded_by, "");
  return id;
}

const Query kReviseDuty{
    "deputies_revise_duty",
    "UPDATE duty_records SET occurred_on = $2::date, category = $3, description = $4, "
    "station_id = NULLIF($5::bigint, 0), evidence = $6::jsonb, revision = revision + 1 WHERE id = $1 "
    "RETURNING revision"};

int32_t ReviseDutyRecord(pqxx::work& tx, int64_t id, const DutyRecord& content, const std::string& recorded_by,
                         const std::string& reason) {
  pqxx::result r =
      tx.exec_prepared(kReviseDuty, id, content.date(), minyi::deputies::v1::DutyCategory_Name(content.category()),
                       content.description(), StationIdOrZero(content), JsonStrings(content.evidence()));
  tx.exec_prepared(kSnapshotDutyRevision, id, recorded_by, reason);
  return r[0][0].as<int32_t>();
}

const Query kLoadDuty{"deputies_load_duty",
                      absl::StrCat("SELECT ", kDutyColumns,
                                   " AND v.revision = CASE WHEN $2::int = 0 THEN r.revision ELSE $2::int END"
                                   " WHERE r.id = $1")};
const Query kLoadDutyForUpdate{"deputies_load_duty_for_update",
                               absl::StrCat("SELECT ", kDutyColumns,
                                            " AND v.revision = CASE WHEN $2::int = 0 THEN r.revision ELSE $2::int END"
                                            " WHERE r.id = $1 FOR UPDATE OF r")};

std::optional<DutyRecord> LoadDutyRecord(pqxx::transaction_base& tx, int64_t id, int32_t revision, bool for_update) {
  return FirstRow(tx, for_update ? kLoadDutyForUpdate : kLoadDuty, DutyFromRow, id, revision);
}

// An empty bound is open: NULLIF makes it NULL and coalesce an infinite date.
const Query kListDuties{"deputies_list_duties",
                        absl::StrCat("SELECT ", kDutyColumns,
                                     " AND v.revision = r.revision WHERE r.deputy_id = $1 AND r.id > $2"
                                     " AND ($3::text = '' OR r.category = $3::text)"
                                     " AND r.occurred_on >= coalesce(NULLIF($4::text, '')::date, '-infinity'::date)"
                                     " AND r.occurred_on <= coalesce(NULLIF($5::text, '')::date, 'infinity'::date)"
                                     " ORDER BY r.id LIMIT $6")};

std::vector<DutyRecord> SelectDutyRecords(pqxx::transaction_base& tx, const DutyQuery& q) {
  return EveryRow(tx, kListDuties, DutyFromRow, q.deputy_id, q.after_id, q.category, q.start_date, q.end_date, q.limit);
}

const Query kDutyFacts{"deputies_duty_facts",
                       "SELECT deputy_id, to_char(occurred_on, 'YYYY-MM-DD'), category FROM duty_records "
                       "WHERE deputy_id = ANY($1::bigint[]) AND occurred_on BETWEEN $2::date AND $3::date"};

std::map<int64_t, std::vector<DutyFact>> SelectDutyFacts(pqxx::transaction_base& tx,
                                                         const std::vector<int64_t>& deputy_ids,
                                                         const std::string& first_day, const std::string& last_day) {
  std::map<int64_t, std::vector<DutyFact>> out;
  if (deputy_ids.empty()) {
    return out;
  }
  for (const pqxx::row& row : tx.exec_prepared(kDutyFacts, IdArray(deputy_ids), first_day, last_day)) {
    out[row[0].as<int64_t>()].push_back(
        {.date = row[1].as<std::string>(), .category = ParseEnum(row[2], &minyi::deputies::v1::DutyCategory_Parse)});
  }
  return out;
}

const Query kLoadPointRules{"deputies_load_point_rules",
                            "SELECT category, points, coalesce(monthly_cap, 0) FROM point_rules"};

minyi::deputies::v1::PointRules LoadPointRules(pqxx::transaction_base& tx) {
  std::vector<minyi::deputies::v1::PointRule> rules;
  for (const pqxx::row& row : tx.exec_prepared(kLoadPointRules)) {
    minyi::deputies::v1::PointRule& rule = rules.emplace_back();
    rule.set_category(ParseEnum(row[0], &minyi::deputies::v1::DutyCategory_Parse));
    rule.set_points(row[1].as<int32_t>());
    rule.set_monthly_cap(row[2].as<int32_t>());
  }
  std::sort(rules.begin(), rules.end(), [](const auto& a, const auto& b) { return a.category() < b.category(); });
  minyi::deputies::v1::PointRules out;
  out.set_name(std::string(kPointRulesName));
  for (auto& rule : rules) {
    *out.add_rules() = std::move(rule);
  }
  ShowSettingsRevision(tx, kPointRulesName, &out);
  return out;
}

const Query kDeletePointRules{"deputies_delete_point_rules", "DELETE FROM point_rules"};
const Query kInsertPointRule{
    "deputies_insert_point_rule",
    "INSERT INTO point_rules (category, points, monthly_cap) VALUES ($1, $2, NULLIF($3::int, 0))"};

void ReplacePointRules(pqxx::work& tx, const minyi::deputies::v1::PointRules& rules) {
  tx.exec_prepared(kDeletePointRules);
  for (const minyi::deputies::v1::PointRule& rule : rules.rules()) {
    tx.exec_prepared(kInsertPointRule, minyi::deputies::v1::DutyCategory_Name(rule.category()), rule.points(),
                     rule.monthly_cap());
  }
}

const Query kUpsertEvaluationResult{
    "deputies_upsert_evaluation_result",
    "INSERT INTO evaluation_results (deputy_id, year, score, recorded_by) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (deputy_id, year) DO UPDATE SET score = excluded.score, recorded_by = excluded.recorded_by, "
    "record_time = now()"};

void UpsertEvaluationResult(pqxx::work& tx, int64_t deputy_id, int32_t year, int32_t score, const std::string& actor) {
  tx.exec_prepared(kUpsertEvaluationResult, deputy_id, year, score, actor);
}

const Query kLoadEvaluationResult{
    "deputies_load_evaluation_result",
    "SELECT score, recorded_by, (extract(epoch FROM record_time) * 1000000)::bigint FROM evaluation_results "
    "WHERE deputy_id = $1 AND year = $2"};

std::optional<minyi::deputies::v1::EvaluationResult> LoadEvaluationResult(pqxx::transaction_base& tx, int64_t deputy_id,
                                                                          int32_t year) {
  pqxx::result r = tx.exec_prepared(kLoadEvaluationResult, deputy_id, year);
  if (r.empty()) {
    return std::nullopt;
  }
  minyi::deputies::v1::EvaluationResult out;
  out.set_name(EvaluationResultName(deputy_id, year));
  out.set_score(r[0][0].as<int32_t>());
  out.set_recorded_by(AccountName(r[0][1].as<std::string>()));
  *out.mutable_record_time() = TimeUtil::MicrosecondsToTimestamp(r[0][2].as<int64_t>());
  return out;
}

const Query kEvaluationScores{"deputies_evaluation_scores",
                              "SELECT deputy_id, score FROM evaluation_results WHERE year = $1"};

std::map<int64_t, int32_t> SelectEvaluationScores(pqxx::transaction_base& tx, int32_t year) {
  std::map<int64_t, int32_t> out;
  for (const pqxx::row& row : tx.exec_prepared(kEvaluationScores, year)) {
    out[row[0].as<int64_t>()] = row[1].as<int32_t>();
  }
  return out;
}

}  // namespace minyi::deputies

#include "deputies/store.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/names.h"
#include "common/query.h"
#include "deputies/checklist.h"
#include "deputies/duties.h"
#include "deputies/registry.h"
#include "deputies/rota.h"
#include "deputies/shortlist.h"
#include "google/protobuf/util/time_util.h"

namespace minyi::deputies {
namespace {

using ::google::protobuf::util::TimeUtil;
using ::minyi::deputies::v1::Deputy;
using ::minyi::deputies::v1::DutyRecord;
using ::minyi::deputies::v1::Station;

// Every deputy read selects these columns; DeputyFromRow reads them by name. The current stations come
// along as a comma-separated id list, in the order the memberships were opened.
constexpr absl::string_view kDeputyColumns =
    "d.id, d.display_name, d.gender, d.level, d.term, d.delegation, d.electoral_district, d.sector, "
    "d.phone, d.id_number, d.status, "
    "coalesce(to_char(d.term_start_date, 'YYYY-MM-DD'), '') AS term_start_date, "
    "coalesce(to_char(d.term_end_date, 'YYYY-MM-DD'), '') AS term_end_date, "
    "(extract(epoch FROM d.create_time) * 1000000)::bigint AS create_us, "
    "(extract(epoch FROM d.update_time) * 1000000)::bigint AS update_us, "
    "array_to_string(ARRAY(SELECT m.station_id FROM memberships m "
    "WHERE m.deputy_id = d.id AND m.end_date IS NULL ORDER BY m.id), ',') AS station_ids";

// region_path travels as JSON both ways: libpqxx 6 has no text[] parameter conversion, and JSON needs no
// hand-written quoting.
constexpr absl::string_view kStationColumns =
    "s.id, s.display_name, s.kind, array_to_json(s.region_path)::text AS region_path, s.address, "
    "(extract(epoch FROM s.create_time) * 1000000)::bigint AS create_us, "
    "(extract(epoch FROM s.update_time) * 1000000)::bigint AS update_us";
constexpr absl::string_view kRegionPathFromJson =
    "ARRAY(SELECT e FROM jsonb_array_elements_text($3::jsonb) WITH ORDINALITY AS t(e, i) ORDER BY i)";

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

// A rota read joins the entry with its deputy's name; RotaFromRow reads these by name.
constexpr absl::string_view kRotaColumns =
    "e.id, e.station_id, e.deputy_id, to_char(e.duty_date, 'YYYY-MM-DD') AS duty_date, e.note, "
    "d.display_name, e.created_by, (extract(epoch FROM e.create_time) * 1000000)::bigint AS create_us "
    "FROM rota_entries e JOIN deputies d ON d.id = e.deputy_id";

// A supervision group read; SupervisionGroupFromRow reads these by name. Members come along as a
// comma-separated id list in their listed order.
constexpr absl::string_view kSupervisionGroupColumns =
    "g.id, g.display_name, g.target_kind, g.target_name, g.target_keywords::text AS target_keywords, "
    "g.created_by, (extract(epoch FROM g.create_time) * 1000000)::bigint AS create_us, g.updated_by, "
    "(extract(epoch FROM g.update_time) * 1000000)::bigint AS update_us, "
    "array_to_string(ARRAY(SELECT m.deputy_id FROM supervision_group_members m "
    "WHERE m.group_id = g.id ORDER BY m.position), ',') AS member_ids "
    "FROM supervision_groups g";

// Membership dates are calendar days in Asia/Shanghai, whatever the session time zone.
constexpr absl::string_view kToday = "(now() AT TIME ZONE 'Asia/Shanghai')::date";

template <typename Enum>
Enum ParseEnum(const pqxx::field& f, bool (*parse)(const std::string&, Enum*)) {
  Enum value{};
  parse(f.as<std::string>(), &value);
  return value;
}

Deputy DeputyFromRow(const pqxx::row& row) {
  Deputy d;
  d.set_name(ResourceName(kDeputies, row["id"].as<int64_t>()));
  d.set_display_name(row["display_name"].as<std::string>());
  d.set_gender(ParseEnum(row["gender"], &minyi::deputies::v1::Gender_Parse));
  d.set_level(ParseEnum(row["level"], &minyi::deputies::v1::Level_Parse));
  d.set_term(row["term"].as<int>());
  d.set_delegation(row["delegation"].as<std::string>());
  d.set_electoral_district(row["electoral_district"].as<std::string>());
  d.set_sector(row["sector"].as<std::string>());
  d.set_phone(row["phone"].as<std::string>());
  d.set_id_number(row["id_number"].as<std::string>());
  d.set_status(ParseEnum(row["status"], &minyi::deputies::v1::DeputyStatus_Parse));
  for (absl::string_view id : absl::StrSplit(row["station_ids"].as<std::string>(), ',', absl::SkipEmpty())) {
    d.add_stations(absl::StrCat(kStations, id));
  }
  d.set_term_start_date(row["term_start_date"].as<std::string>());
  d.set_term_end_date(row["term_end_date"].as<std::string>());
  *d.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row["create_us"].as<int64_t>());
  *d.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(row["update_us"].as<int64_t>());
  return d;
}

Station StationFromRow(const pqxx::row& row) {
  Station s;
  s.set_name(ResourceName(kStations, row["id"].as<int64_t>()));
  s.set_display_name(row["display_name"].as<std::string>());
  s.set_kind(ParseEnum(row["kind"], &minyi::deputies::v1::StationKind_Parse));
  for (const auto& element : nlohmann::json::parse(row["region_path"].as<std::string>())) {
    s.add_region_path(element.get<std::string>());
  }
  s.set_address(row["address"].as<std::string>());
  *s.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row["create_us"].as<int64_t>());
  *s.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(row["update_us"].as<int64_t>());
  return s;
}

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
  d.set_recorded_by(row["recorded_by"].as<std::string>());
  d.set_revision(row["revision"].as<int32_t>());
  d.set_correction_reason(row["reason"].as<std::string>());
  *d.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row["create_us"].as<int64_t>());
  *d.mutable_revision_create_time() = TimeUtil::MicrosecondsToTimestamp(row["revision_us"].as<int64_t>());
  return d;
}

minyi::deputies::v1::RotaEntry RotaFromRow(const pqxx::row& row) {
  minyi::deputies::v1::RotaEntry e;
  e.set_name(RotaEntryName(row["station_id"].as<int64_t>(), row["id"].as<int64_t>()));
  e.set_deputy(ResourceName(kDeputies, row["deputy_id"].as<int64_t>()));
  e.set_date(row["duty_date"].as<std::string>());
  e.set_note(row["note"].as<std::string>());
  e.set_display_name(row["display_name"].as<std::string>());
  e.set_created_by(row["created_by"].as<std::string>());
  *e.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row["create_us"].as<int64_t>());
  return e;
}

minyi::deputies::v1::SupervisionGroup SupervisionGroupFromRow(const pqxx::row& row) {
  minyi::deputies::v1::SupervisionGroup g;
  g.set_name(ResourceName(kSupervisionGroups, row["id"].as<int64_t>()));
  g.set_display_name(row["display_name"].as<std::string>());
  minyi::deputies::v1::SupervisionTarget* target = g.mutable_target();
  target->set_kind(ParseEnum(row["target_kind"], &minyi::deputies::v1::SupervisionTargetKind_Parse));
  target->set_name(row["target_name"].as<std::string>());
  for (const auto& element : nlohmann::json::parse(row["target_keywords"].as<std::string>())) {
    target->add_keywords(element.get<std::string>());
  }
  for (absl::string_view id : absl::StrSplit(row["member_ids"].as<std::string>(), ',', absl::SkipEmpty())) {
    g.add_members(absl::StrCat(kDeputies, id));
  }
  g.set_created_by(row["created_by"].as<std::string>());
  *g.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row["create_us"].as<int64_t>());
  g.set_updated_by(row["updated_by"].as<std::string>());
  *g.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(row["update_us"].as<int64_t>());
  return g;
}

// A bigint[] parameter as PostgreSQL's array literal: libpqxx 6 has no array parameter conversion.
std::string IdArray(const std::vector<int64_t>& ids) { return absl::StrCat("{", absl::StrJoin(ids, ","), "}"); }

const Query kInsertSupervisionMembers{"deputies_insert_supervision_members",
                "INSERT INTO supervision_group_members (group_id, deputy_id, position) "
                "SELECT $1::bigint, m, i FROM unnest($2::bigint[]) WITH ORDINALITY AS t(m, i)"};

void InsertSupervisionMembers(pqxx::work& tx, int64_t group_id, const minyi::deputies::v1::SupervisionGroup& group) {
  tx.exec_prepared(kInsertSupervisionMembers, group_id, IdArray(MemberIds(group)));
}

// A station id of 0 stands for "none" (NULLIF in SQL): libpqxx 6 has no optional parameters.
int64_t StationIdOrZero(const DutyRecord& d) {
  return d.station().empty() ? 0 : *ParseResourceId(d.station(), kStations, "station");
}

// Lists of strings (evidence, keywords) are stored as JSON arrays.
std::string JsonStrings(const google::protobuf::RepeatedPtrField<std::string>& values) {
  return nlohmann::json(std::vector<std::string>(values.begin(), values.end())).dump();
}

std::string RegionPathJson(const Station& s) {
  return nlohmann::json(std::vector<std::string>(s.region_path().begin(), s.region_path().end())).dump();
}

}  // namespace

std::vector<PreparedStatement> Statements() { return QueriesOf("deputies_"); }

const Query kInsertDeputy{"deputies_insert_deputy",
                "INSERT INTO deputies (display_name, gender, level, term, delegation, electoral_district, sector, "
                "phone, id_number, status, term_start_date, term_end_date, created_by, updated_by) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULLIF($11, '')::date, NULLIF($12, '')::date, "
                "$13, $13) RETURNING id"};

int64_t InsertDeputy(pqxx::work& tx, const Deputy& d, const std::string& actor) {
  pqxx::result r = tx.exec_prepared(
      kInsertDeputy, d.display_name(), minyi::deputies::v1::Gender_Name(d.gender()),
      minyi::deputies::v1::Level_Name(d.level()), d.term(), d.delegation(), d.electoral_district(),
      d.sector(), d.phone(), d.id_number(), minyi::deputies::v1::DeputyStatus_Name(d.status()),
      d.term_start_date(), d.term_end_date(), actor);
  return r[0][0].as<int64_t>();
}

const Query kUpdateDeputy{"deputies_update_deputy",
                "UPDATE deputies SET display_name = $2, gender = $3, level = $4, term = $5, delegation = $6, "
                "electoral_district = $7, sector = $8, phone = $9, id_number = $10, status = $11, "
                "term_start_date = NULLIF($12, '')::date, term_end_date = NULLIF($13, '')::date, "
                "update_time = now(), updated_by = $14 WHERE id = $1"};

void UpdateDeputyRow(pqxx::work& tx, int64_t id, const Deputy& d, const std::string& actor) {
  tx.exec_prepared(kUpdateDeputy, id, d.display_name(), minyi::deputies::v1::Gender_Name(d.gender()),
                   minyi::deputies::v1::Level_Name(d.level()), d.term(), d.delegation(),
                   d.electoral_district(), d.sector(), d.phone(), d.id_number(),
                   minyi::deputies::v1::DeputyStatus_Name(d.status()), d.term_start_date(), d.term_end_date(),
                   actor);
}

const Query kLoadDeputy{"deputies_load_deputy",
                absl::StrCat("SELECT ", kDeputyColumns, " FROM deputies d WHERE d.id = $1")};
const Query kLoadDeputyForUpdate{"deputies_load_deputy_for_update",
                absl::StrCat("SELECT ", kDeputyColumns, " FROM deputies d WHERE d.id = $1 FOR UPDATE OF d")};

std::optional<Deputy> LoadDeputy(pqxx::transaction_base& tx, int64_t id, bool for_update) {
  pqxx::result r = tx.exec_prepared(for_update ? kLoadDeputyForUpdate : kLoadDeputy, id);
  if (r.empty()) {
    return std::nullopt;
  }
  return DeputyFromRow(r[0]);
}

// strpos, not LIKE: a query's % and _ are plain characters, and CJK substrings match as text.
const Query kListDeputies{"deputies_list_deputies",
                absl::StrCat("SELECT ", kDeputyColumns,
                " FROM deputies d WHERE d.id > $1"
                " AND ($2::bigint = 0 OR EXISTS (SELECT 1 FROM memberships m WHERE m.deputy_id = d.id"
                " AND m.station_id = $2::bigint AND m.end_date IS NULL))"
                " AND ($3::text = '' OR d.status = $3::text)"
                " AND ($4::text = '' OR strpos(d.display_name, $4::text) > 0"
                " OR strpos(d.delegation, $4::text) > 0 OR strpos(d.sector, $4::text) > 0)"
                " ORDER BY d.id LIMIT $5")};

std::vector<Deputy> SelectDeputies(pqxx::transaction_base& tx, const DeputyQuery& q) {
  std::vector<Deputy> out;
  for (const pqxx::row& row :
       tx.exec_prepared(kListDeputies, q.after_id, q.station_id, q.status, q.text, q.limit)) {
    out.push_back(DeputyFromRow(row));
  }
  return out;
}

const Query kCurrentStations{"deputies_current_stations",
                "SELECT station_id FROM memberships WHERE deputy_id = $1 AND end_date IS NULL ORDER BY id"};

std::vector<int64_t> CurrentStationIds(pqxx::transaction_base& tx, int64_t deputy_id) {
  std::vector<int64_t> ids;
  for (const pqxx::row& row : tx.exec_prepared(kCurrentStations, deputy_id)) {
    ids.push_back(row[0].as<int64_t>());
  }
  return ids;
}

const Query kOpenMembership{"deputies_open_membership",
                absl::StrCat("INSERT INTO memberships (deputy_id, station_id, start_date) VALUES ($1, $2, ", kToday,
                ")")};

void OpenMembership(pqxx::work& tx, int64_t deputy_id, int64_t station_id) {
  tx.exec_prepared(kOpenMembership, deputy_id, station_id);
}

const Query kCloseMembership{"deputies_close_membership",
                absl::StrCat("UPDATE memberships SET end_date = ", kToday,
                " WHERE deputy_id = $1 AND station_id = $2 AND end_date IS NULL")};

void CloseMembership(pqxx::work& tx, int64_t deputy_id, int64_t station_id) {
  tx.exec_prepared(kCloseMembership, deputy_id, station_id);
}

const Query kStationExists{"deputies_station_exists", "SELECT 1 FROM stations WHERE id = $1"};

bool StationExists(pqxx::transaction_base& tx, int64_t id) { return !tx.exec_prepared(kStationExists, id).empty(); }

const Query kInsertStation{"deputies_insert_station",
                absl::StrCat("INSERT INTO stations (display_name, kind, region_path, address, created_by, updated_by) "
                "VALUES ($1, $2, ",
                kRegionPathFromJson, ", $4, $5, $5) RETURNING id")};

int64_t InsertStation(pqxx::work& tx, const Station& s, const std::string& actor) {
  pqxx::result r =
      tx.exec_prepared(kInsertStation, s.display_name(), minyi::deputies::v1::StationKind_Name(s.kind()),
                       RegionPathJson(s), s.address(), actor);
  return r[0][0].as<int64_t>();
}

const Query kUpdateStation{"deputies_update_station",
                absl::StrCat("UPDATE stations SET display_name = $2, kind = $4, region_path = ", kRegionPathFromJson,
                ", address = $5, update_time = now(), updated_by = $6 WHERE id = $1")};

void UpdateStationRow(pqxx::work& tx, int64_t id, const Station& s, const std::string& actor) {
  // $3 is the region path, as in the insert, so both share kRegionPathFromJson.
  tx.exec_prepared(kUpdateStation, id, s.display_name(), RegionPathJson(s),
                   minyi::deputies::v1::StationKind_Name(s.kind()), s.address(), actor);
}

const Query kLoadStation{"deputies_load_station",
                absl::StrCat("SELECT ", kStationColumns, " FROM stations s WHERE s.id = $1")};
const Query kLoadStationForUpdate{"deputies_load_station_for_update",
                absl::StrCat("SELECT ", kStationColumns, " FROM stations s WHERE s.id = $1 FOR UPDATE")};

std::optional<Station> LoadStation(pqxx::transaction_base& tx, int64_t id, bool for_update) {
  pqxx::result r = tx.exec_prepared(for_update ? kLoadStationForUpdate : kLoadStation, id);
  if (r.empty()) {
    return std::nullopt;
  }
  return StationFromRow(r[0]);
}

// The containment operator lets the GIN index on region_path serve the region filter.
const Query kListStations{"deputies_list_stations",
                absl::StrCat("SELECT ", kStationColumns,
                " FROM stations s WHERE s.id > $1 AND ($2::text = '' OR s.kind = $2::text)"
                " AND ($3::text = '' OR s.region_path @> ARRAY[$3::text]) ORDER BY s.id LIMIT $4")};

std::vector<Station> SelectStations(pqxx::transaction_base& tx, const StationQuery& q) {
  std::vector<Station> out;
  for (const pqxx::row& row : tx.exec_prepared(kListStations, q.after_id, q.kind, q.region, q.limit)) {
    out.push_back(StationFromRow(row));
  }
  return out;
}

const Query kDeputyExists{"deputies_deputy_exists", "SELECT 1 FROM deputies WHERE id = $1"};

bool DeputyExists(pqxx::transaction_base& tx, int64_t id) { return !tx.exec_prepared(kDeputyExists, id).empty(); }

const Query kExistingDeputies{"deputies_existing_deputies", "SELECT id FROM deputies WHERE id = ANY($1::bigint[])"};

std::set<int64_t> ExistingDeputies(pqxx::transaction_base& tx, const std::vector<int64_t>& ids) {
  std::set<int64_t> out;
  for (const pqxx::row& row : tx.exec_prepared(kExistingDeputies, absl::StrCat("{", absl::StrJoin(ids, ","), "}"))) {
    out.insert(row[0].as<int64_t>());
  }
  return out;
}

// The records and their first revisions in one statement; the revision rows join the new records
// back to their input rows by (deputy, event), which the unique index makes a key.
const Query kInsertEventDuties{"deputies_insert_event_duties",
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

const Query kInsertDuty{"deputies_insert_duty",
                "INSERT INTO duty_records (deputy_id, occurred_on, category, description, station_id, evidence, source, "
                "source_event_id) VALUES ($1, $2::date, $3, $4, NULLIF($5::bigint, 0), $6::jsonb, $7, "
                "NULLIF($8, '')::uuid) ON CONFLICT (deputy_id, source_event_id) WHERE source_event_id IS NOT NULL "
                "DO NOTHING RETURNING id"};
const Query kSnapshotDutyRevision{"deputies_snapshot_duty_revision", std::string(kSnapshotRevisionSql)};

std::optional<int64_t> InsertDutyRecord(pqxx::work& tx, const NewDuty& duty, const DutyRecord& content) {
  pqxx::result r = tx.exec_prepared(
      kInsertDuty, duty.deputy_id, content.date(), minyi::deputies::v1::DutyCategory_Name(content.category()),
      content.description(), StationIdOrZero(content), JsonStrings(content.evidence()),
      minyi::deputies::v1::DutySource_Name(duty.source), duty.source_event_id);
  if (r.empty()) {
    return std::nullopt;
  }
  const int64_t id = r[0][0].as<int64_t>();
  tx.exec_prepared(kSnapshotDutyRevision, id, duty.recorded_by, "");
  return id;
}

const Query kReviseDuty{"deputies_revise_duty",
                "UPDATE duty_records SET occurred_on = $2::date, category = $3, description = $4, "
                "station_id = NULLIF($5::bigint, 0), evidence = $6::jsonb, revision = revision + 1 WHERE id = $1 "
                "RETURNING revision"};

int32_t ReviseDutyRecord(pqxx::work& tx, int64_t id, const DutyRecord& content, const std::string& recorded_by,
                         const std::string& reason) {
  pqxx::result r = tx.exec_prepared(kReviseDuty, id, content.date(),
                                    minyi::deputies::v1::DutyCategory_Name(content.category()),
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

std::optional<DutyRecord> LoadDutyRecord(pqxx::transaction_base& tx, int64_t id, int32_t revision,
                                         bool for_update) {
  pqxx::result r = tx.exec_prepared(for_update ? kLoadDutyForUpdate : kLoadDuty, id, revision);
  if (r.empty()) {
    return std::nullopt;
  }
  return DutyFromRow(r[0]);
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
  std::vector<DutyRecord> out;
  for (const pqxx::row& row : tx.exec_prepared(kListDuties, q.deputy_id, q.after_id, q.category, q.start_date,
                                               q.end_date, q.limit)) {
    out.push_back(DutyFromRow(row));
  }
  return out;
}

const Query kDutyFacts{"deputies_duty_facts",
                "SELECT deputy_id, to_char(occurred_on, 'YYYY-MM-DD'), category FROM duty_records "
                "WHERE deputy_id = ANY($1::bigint[]) AND occurred_on BETWEEN $2::date AND $3::date"};

std::map<int64_t, std::vector<DutyFact>> SelectDutyFacts(pqxx::transaction_base& tx,
                                                         const std::vector<int64_t>& deputy_ids,
                                                         const std::string& first_day,
                                                         const std::string& last_day) {
  std::map<int64_t, std::vector<DutyFact>> out;
  if (deputy_ids.empty()) {
    return out;
  }
  for (const pqxx::row& row : tx.exec_prepared(kDutyFacts, IdArray(deputy_ids), first_day, last_day)) {
    out[row[0].as<int64_t>()].push_back(
        {.date = row[1].as<std::string>(),
         .category = ParseEnum(row[2], &minyi::deputies::v1::DutyCategory_Parse)});
  }
  return out;
}

const Query kCurrentMembers{"deputies_current_members",
                "SELECT d.id, d.display_name FROM memberships m JOIN deputies d ON d.id = m.deputy_id "
                "WHERE m.station_id = $1 AND m.end_date IS NULL ORDER BY d.id"};

std::vector<Member> CurrentMembers(pqxx::transaction_base& tx, int64_t station_id) {
  std::vector<Member> out;
  for (const pqxx::row& row : tx.exec_prepared(kCurrentMembers, station_id)) {
    out.push_back({.deputy_id = row[0].as<int64_t>(), .display_name = row[1].as<std::string>()});
  }
  return out;
}

const Query kLoadPointRules{"deputies_load_point_rules",
                "SELECT category, points, coalesce(monthly_cap, 0) FROM point_rules"};
const Query kLoadPointRulesMeta{"deputies_load_point_rules_meta",
                "SELECT (extract(epoch FROM update_time) * 1000000)::bigint, updated_by FROM point_rules_meta"};

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
  pqxx::result meta = tx.exec_prepared(kLoadPointRulesMeta);
  *out.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(meta[0][0].as<int64_t>());
  out.set_updated_by(meta[0][1].as<std::string>());
  return out;
}

// Taken first in a replacement: the row lock serialises concurrent replacements.
const Query kTouchPointRules{"deputies_touch_point_rules",
                "UPDATE point_rules_meta SET update_time = now(), updated_by = $1"};
const Query kDeletePointRules{"deputies_delete_point_rules", "DELETE FROM point_rules"};
const Query kInsertPointRule{"deputies_insert_point_rule",
                "INSERT INTO point_rules (category, points, monthly_cap) VALUES ($1, $2, NULLIF($3::int, 0))"};

void ReplacePointRules(pqxx::work& tx, const minyi::deputies::v1::PointRules& rules, const std::string& actor) {
  tx.exec_prepared(kTouchPointRules, actor);
  tx.exec_prepared(kDeletePointRules);
  for (const minyi::deputies::v1::PointRule& rule : rules.rules()) {
    tx.exec_prepared(kInsertPointRule, minyi::deputies::v1::DutyCategory_Name(rule.category()), rule.points(),
                     rule.monthly_cap());
  }
}

const Query kStationActivity{"deputies_station_activity",
                "SELECT s.id, s.display_name, "
                "(SELECT count(*) FROM memberships m WHERE m.station_id = s.id AND m.end_date IS NULL) AS members, "
                "(SELECT count(*) FROM memberships m JOIN duty_records r ON r.deputy_id = m.deputy_id "
                "WHERE m.station_id = s.id AND m.end_date IS NULL AND r.occurred_on BETWEEN $2::date AND $3::date) "
                "AS duty_records, "
                "(SELECT count(*) FROM station_checklist c JOIN checklist_items i ON i.item = c.item "
                "WHERE c.station_id = s.id AND c.met) AS checklist_items_met "
                "FROM stations s WHERE s.region_path @> ARRAY[$1::text] ORDER BY s.id"};

std::vector<StationActivity> SelectStationActivity(pqxx::transaction_base& tx, const std::string& region,
                                                   const std::string& first_day, const std::string& last_day) {
  std::vector<StationActivity> out;
  for (const pqxx::row& row : tx.exec_prepared(kStationActivity, region, first_day, last_day)) {
    out.push_back({.station_id = row["id"].as<int64_t>(),
                   .display_name = row["display_name"].as<std::string>(),
                   .members = row["members"].as<int32_t>(),
                   .duty_records = row["duty_records"].as<int64_t>(),
                   .checklist_items_met = row["checklist_items_met"].as<int32_t>()});
  }
  return out;
}

const Query kLoadChecklistItems{"deputies_load_checklist_items", "SELECT item FROM checklist_items ORDER BY position"};
const Query kLoadChecklistMeta{"deputies_load_checklist_meta",
                "SELECT (extract(epoch FROM update_time) * 1000000)::bigint, updated_by FROM checklist_meta"};

minyi::deputies::v1::ChecklistDefinition LoadChecklistDefinition(pqxx::transaction_base& tx) {
  minyi::deputies::v1::ChecklistDefinition out;
  out.set_name(std::string(kChecklistDefinitionName));
  for (const pqxx::row& row : tx.exec_prepared(kLoadChecklistItems)) {
    out.add_items(row[0].as<std::string>());
  }
  pqxx::result meta = tx.exec_prepared(kLoadChecklistMeta);
  *out.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(meta[0][0].as<int64_t>());
  out.set_updated_by(meta[0][1].as<std::string>());
  return out;
}

// Taken first in a replacement: the row lock serialises concurrent replacements.
const Query kTouchChecklist{"deputies_touch_checklist",
                "UPDATE checklist_meta SET update_time = now(), updated_by = $1"};
const Query kDeleteChecklistItems{"deputies_delete_checklist_items", "DELETE FROM checklist_items"};
const Query kInsertChecklistItem{"deputies_insert_checklist_item",
                "INSERT INTO checklist_items (item, position) VALUES ($1, $2)"};

void ReplaceChecklistDefinition(pqxx::work& tx, const minyi::deputies::v1::ChecklistDefinition& definition,
                                const std::string& actor) {
  tx.exec_prepared(kTouchChecklist, actor);
  tx.exec_prepared(kDeleteChecklistItems);
  for (int i = 0; i < definition.items_size(); ++i) {
    tx.exec_prepared(kInsertChecklistItem, definition.items(i), i + 1);
  }
}

const Query kLoadChecklistAssessments{"deputies_load_checklist_assessments",
                "SELECT item, met, evidence::text, assessed_by, (extract(epoch FROM assess_time) * 1000000)::bigint "
                "FROM station_checklist WHERE station_id = $1"};

std::map<std::string, minyi::deputies::v1::ChecklistItem> LoadChecklistAssessments(pqxx::transaction_base& tx,
                                                                                  int64_t station_id) {
  std::map<std::string, minyi::deputies::v1::ChecklistItem> out;
  for (const pqxx::row& row : tx.exec_prepared(kLoadChecklistAssessments, station_id)) {
    minyi::deputies::v1::ChecklistItem& item = out[row[0].as<std::string>()];
    item.set_item(row[0].as<std::string>());
    item.set_met(row[1].as<bool>());
    for (const auto& element : nlohmann::json::parse(row[2].as<std::string>())) {
      item.add_evidence(element.get<std::string>());
    }
    item.set_assessed_by(row[3].as<std::string>());
    *item.mutable_assess_time() = TimeUtil::MicrosecondsToTimestamp(row[4].as<int64_t>());
  }
  return out;
}

const Query kUpsertChecklistAssessment{"deputies_upsert_checklist_assessment",
                "INSERT INTO station_checklist (station_id, item, met, evidence, assessed_by) "
                "VALUES ($1, $2, $3, $4::jsonb, $5) ON CONFLICT (station_id, item) DO UPDATE SET met = excluded.met, "
                "evidence = excluded.evidence, assessed_by = excluded.assessed_by, assess_time = now()"};

void UpsertChecklistAssessment(pqxx::work& tx, int64_t station_id, const minyi::deputies::v1::ChecklistItem& item,
                               const std::string& actor) {
  tx.exec_prepared(kUpsertChecklistAssessment, station_id, item.item(), item.met(), JsonStrings(item.evidence()),
                   actor);
}

const Query kInsertRotaEntry{"deputies_insert_rota_entry",
                "INSERT INTO rota_entries (station_id, deputy_id, duty_date, note, created_by) "
                "VALUES ($1, $2, $3::date, $4, $5) ON CONFLICT (station_id, duty_date, deputy_id) DO NOTHING RETURNING id"};

std::optional<int64_t> InsertRotaEntry(pqxx::work& tx, int64_t station_id, int64_t deputy_id,
                                       const minyi::deputies::v1::RotaEntry& entry, const std::string& actor) {
  pqxx::result r = tx.exec_prepared(kInsertRotaEntry, station_id, deputy_id, entry.date(), entry.note(), actor);
  if (r.empty()) {
    return std::nullopt;
  }
  return r[0][0].as<int64_t>();
}

const Query kLoadRotaEntry{"deputies_load_rota_entry", absl::StrCat("SELECT ", kRotaColumns, " WHERE e.id = $1")};

std::optional<minyi::deputies::v1::RotaEntry> LoadRotaEntry(pqxx::transaction_base& tx, int64_t id) {
  pqxx::result r = tx.exec_prepared(kLoadRotaEntry, id);
  if (r.empty()) {
    return std::nullopt;
  }
  return RotaFromRow(r[0]);
}

const Query kListRotaEntries{"deputies_list_rota_entries",
                absl::StrCat("SELECT ", kRotaColumns,
                " WHERE e.station_id = $1 AND e.duty_date BETWEEN $2::date AND $3::date"
                " ORDER BY e.duty_date, e.deputy_id")};

std::vector<minyi::deputies::v1::RotaEntry> SelectRotaEntries(pqxx::transaction_base& tx, int64_t station_id,
                                                              const std::string& start_date,
                                                              const std::string& end_date) {
  std::vector<minyi::deputies::v1::RotaEntry> out;
  for (const pqxx::row& row : tx.exec_prepared(kListRotaEntries, station_id, start_date, end_date)) {
    out.push_back(RotaFromRow(row));
  }
  return out;
}

const Query kUpsertEvaluationResult{"deputies_upsert_evaluation_result",
                "INSERT INTO evaluation_results (deputy_id, year, score, recorded_by) VALUES ($1, $2, $3, $4) "
                "ON CONFLICT (deputy_id, year) DO UPDATE SET score = excluded.score, recorded_by = excluded.recorded_by, "
                "record_time = now()"};

void UpsertEvaluationResult(pqxx::work& tx, int64_t deputy_id, int32_t year, int32_t score, const std::string& actor) {
  tx.exec_prepared(kUpsertEvaluationResult, deputy_id, year, score, actor);
}

const Query kLoadEvaluationResult{"deputies_load_evaluation_result",
                "SELECT score, recorded_by, (extract(epoch FROM record_time) * 1000000)::bigint FROM evaluation_results "
                "WHERE deputy_id = $1 AND year = $2"};

std::optional<minyi::deputies::v1::EvaluationResult> LoadEvaluationResult(pqxx::transaction_base& tx,
                                                                          int64_t deputy_id, int32_t year) {
  pqxx::result r = tx.exec_prepared(kLoadEvaluationResult, deputy_id, year);
  if (r.empty()) {
    return std::nullopt;
  }
  minyi::deputies::v1::EvaluationResult out;
  out.set_name(EvaluationResultName(deputy_id, year));
  out.set_score(r[0][0].as<int32_t>());
  out.set_recorded_by(r[0][1].as<std::string>());
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

const Query kServingDeputies{"deputies_serving_deputies",
                "SELECT id, display_name FROM deputies WHERE status = 'DEPUTY_STATUS_SERVING' ORDER BY id"};

std::vector<Member> SelectServingDeputies(pqxx::transaction_base& tx) {
  std::vector<Member> out;
  for (const pqxx::row& row : tx.exec_prepared(kServingDeputies)) {
    out.push_back({.deputy_id = row[0].as<int64_t>(), .display_name = row[1].as<std::string>()});
  }
  return out;
}

const Query kDeputyStatuses{"deputies_deputy_statuses", "SELECT id, status FROM deputies WHERE id = ANY($1::bigint[])"};

std::map<int64_t, minyi::deputies::v1::DeputyStatus> SelectDeputyStatuses(pqxx::transaction_base& tx,
                                                                          const std::vector<int64_t>& ids) {
  std::map<int64_t, minyi::deputies::v1::DeputyStatus> out;
  for (const pqxx::row& row : tx.exec_prepared(kDeputyStatuses, IdArray(ids))) {
    out.emplace(row["id"].as<int64_t>(), ParseEnum(row["status"], &minyi::deputies::v1::DeputyStatus_Parse));
  }
  return out;
}

const Query kServingProfiles{"deputies_serving_profiles",
                "SELECT id, display_name, sector, delegation FROM deputies WHERE status = 'DEPUTY_STATUS_SERVING' "
                "ORDER BY id"};

std::vector<DeputyProfile> SelectServingProfiles(pqxx::transaction_base& tx) {
  std::vector<DeputyProfile> out;
  for (const pqxx::row& row : tx.exec_prepared(kServingProfiles)) {
    out.push_back({.deputy_id = row[0].as<int64_t>(),
                   .display_name = row[1].as<std::string>(),
                   .sector = row[2].as<std::string>(),
                   .delegation = row[3].as<std::string>()});
  }
  return out;
}

// In id order, so concurrent lockers of overlapping sets queue rather than deadlock.
const Query kLockServingDeputies{"deputies_lock_serving_deputies",
                "SELECT id FROM deputies WHERE id = ANY($1::bigint[]) AND status = 'DEPUTY_STATUS_SERVING' "
                "ORDER BY id FOR SHARE"};

std::set<int64_t> LockServingDeputies(pqxx::work& tx, const std::vector<int64_t>& ids) {
  std::set<int64_t> out;
  for (const pqxx::row& row : tx.exec_prepared(kLockServingDeputies, IdArray(ids))) {
    out.insert(row[0].as<int64_t>());
  }
  return out;
}

const Query kInsertSupervisionGroup{"deputies_insert_supervision_group",
                "INSERT INTO supervision_groups (display_name, target_kind, target_name, target_keywords, created_by, "
                "updated_by) VALUES ($1, $2, $3, $4::jsonb, $5, $5) RETURNING id"};

int64_t InsertSupervisionGroup(pqxx::work& tx, const minyi::deputies::v1::SupervisionGroup& group,
                               const std::string& actor) {
  const minyi::deputies::v1::SupervisionTarget& target = group.target();
  pqxx::result r = tx.exec_prepared(kInsertSupervisionGroup, group.display_name(),
                                    minyi::deputies::v1::SupervisionTargetKind_Name(target.kind()), target.name(),
                                    JsonStrings(target.keywords()), actor);
  const int64_t id = r[0][0].as<int64_t>();
  InsertSupervisionMembers(tx, id, group);
  return id;
}

const Query kUpdateSupervisionGroup{"deputies_update_supervision_group",
                "UPDATE supervision_groups SET display_name = $2, update_time = now(), updated_by = $3 WHERE id = $1"};
const Query kDeleteSupervisionMembers{"deputies_delete_supervision_members",
                "DELETE FROM supervision_group_members WHERE group_id = $1"};

void UpdateSupervisionGroupRow(pqxx::work& tx, int64_t id, const minyi::deputies::v1::SupervisionGroup& group,
                               const std::string& actor) {
  tx.exec_prepared(kUpdateSupervisionGroup, id, group.display_name(), actor);
  tx.exec_prepared(kDeleteSupervisionMembers, id);
  InsertSupervisionMembers(tx, id, group);
}

const Query kLoadSupervisionGroup{"deputies_load_supervision_group",
                absl::StrCat("SELECT ", kSupervisionGroupColumns, " WHERE g.id = $1")};
const Query kLoadSupervisionGroupForUpdate{"deputies_load_supervision_group_for_update",
                absl::StrCat("SELECT ", kSupervisionGroupColumns, " WHERE g.id = $1 FOR UPDATE OF g")};

std::optional<minyi::deputies::v1::SupervisionGroup> LoadSupervisionGroup(pqxx::transaction_base& tx, int64_t id,
                                                                          bool for_update) {
  pqxx::result r = tx.exec_prepared(for_update ? kLoadSupervisionGroupForUpdate : kLoadSupervisionGroup, id);
  if (r.empty()) {
    return std::nullopt;
  }
  return SupervisionGroupFromRow(r[0]);
}

const Query kListSupervisionGroups{"deputies_list_supervision_groups",
                absl::StrCat("SELECT ", kSupervisionGroupColumns,
                " WHERE g.id > $1 AND ($2::text = '' OR g.target_kind = $2::text)"
                " AND ($3::bigint = 0 OR EXISTS (SELECT 1 FROM supervision_group_members m"
                " WHERE m.group_id = g.id AND m.deputy_id = $3::bigint))"
                " ORDER BY g.id LIMIT $4")};

std::vector<minyi::deputies::v1::SupervisionGroup> SelectSupervisionGroups(pqxx::transaction_base& tx,
                                                                           const SupervisionGroupQuery& q) {
  std::vector<minyi::deputies::v1::SupervisionGroup> out;
  for (const pqxx::row& row :
       tx.exec_prepared(kListSupervisionGroups, q.after_id, q.target_kind, q.member_id, q.limit)) {
    out.push_back(SupervisionGroupFromRow(row));
  }
  return out;
}

}  // namespace minyi::deputies

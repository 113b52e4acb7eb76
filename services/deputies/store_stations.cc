// The stations' SQL (store.h): stations, their nine-haves checklist, rota and activity for the star rating.
#include "deputies/store.h"

#include "absl/strings/str_cat.h"
#include "common/names.h"
#include "common/query.h"
#include "common/settings_revision.h"
#include "deputies/checklist.h"
#include "deputies/registry.h"
#include "deputies/rota.h"
#include "deputies/store_rows.h"

namespace minyi::deputies {
namespace {

using ::minyi::deputies::v1::Station;

// region_path travels as JSON both ways: libpqxx 6 has no text[] parameter conversion, and JSON needs no
// hand-written quoting.
constexpr absl::string_view kStationColumns =
    "s.id, s.display_name, s.kind, array_to_json(s.region_path)::text AS region_path, s.address, "
    "(extract(epoch FROM s.create_time) * 1000000)::bigint AS create_us, "
    "(extract(epoch FROM s.update_time) * 1000000)::bigint AS update_us";
constexpr absl::string_view kRegionPathFromJson =
    "ARRAY(SELECT e FROM jsonb_array_elements_text($3::jsonb) WITH ORDINALITY AS t(e, i) ORDER BY i)";

// A rota read joins the entry with its deputy's name; RotaFromRow reads these by name.
constexpr absl::string_view kRotaColumns =
    "e.id, e.station_id, e.deputy_id, to_char(e.duty_date, 'YYYY-MM-DD') AS duty_date, e.note, "
    "d.display_name, e.created_by, (extract(epoch FROM e.create_time) * 1000000)::bigint AS create_us "
    "FROM rota_entries e JOIN deputies d ON d.id = e.deputy_id";

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

minyi::deputies::v1::RotaEntry RotaFromRow(const pqxx::row& row) {
  minyi::deputies::v1::RotaEntry e;
  e.set_name(RotaEntryName(row["station_id"].as<int64_t>(), row["id"].as<int64_t>()));
  e.set_deputy(ResourceName(kDeputies, row["deputy_id"].as<int64_t>()));
  e.set_date(row["duty_date"].as<std::string>());
  e.set_note(row["note"].as<std::string>());
  e.set_display_name(row["display_name"].as<std::string>());
  e.set_created_by(AccountName(row["created_by"].as<std::string>()));
  *e.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row["create_us"].as<int64_t>());
  return e;
}

std::string RegionPathJson(const Station& s) {
  return nlohmann::json(std::vector<std::string>(s.region_path().begin(), s.region_path().end())).dump();
}

}  // namespace

const Query kStationExists{"deputies_station_exists", "SELECT 1 FROM stations WHERE id = $1"};

bool StationExists(pqxx::transaction_base& tx, int64_t id) { return !tx.exec_prepared(kStationExists, id).empty(); }

const Query kInsertStation{
    "deputies_insert_station",
    absl::StrCat("INSERT INTO stations (display_name, kind, region_path, address, created_by, updated_by) "
                 "VALUES ($1, $2, ",
                 kRegionPathFromJson, ", $4, $5, $5) RETURNING id")};

int64_t InsertStation(pqxx::work& tx, const Station& s, const std::string& actor) {
  return InsertedId(tx, kInsertStation, s.display_name(), minyi::deputies::v1::StationKind_Name(s.kind()),
                    RegionPathJson(s), s.address(), actor);
}

const Query kUpdateStation{
    "deputies_update_station",
    absl::StrCat("UPDATE stations SET display_name = $2, kind = $4, region_path = ", kRegionPathFromJson,
                 ", address = $5, update_time = now(), updated_by = $6 WHERE id = $1")};

void UpdateStationRow(pqxx::work& tx, int64_t id, const Station& s, const std::string& actor) {
  // $3 is the region path, as in the insert, so both share kRegionPathFromJson.
  tx.exec_prepared(kUpdateStation, id, s.display_name(), RegionPathJson(s),
                   minyi::deputies::v1::StationKind_Name(s.kind()), s.address(), actor);
}

const Query kLoadStation{"deputies_load_station",
                         absl::StrCat("SELECT ", kStationColumns, " FROM stations s WHERE s.id = $1")};
const Query kLoadStationForUpdate{
    "deputies_load_station_for_update",
    absl::StrCat("SELECT ", kStationColumns, " FROM stations s WHERE s.id = $1 FOR UPDATE")};

std::optional<Station> LoadStation(pqxx::transaction_base& tx, int64_t id, bool for_update) {
  return FirstRow(tx, for_update ? kLoadStationForUpdate : kLoadStation, StationFromRow, id);
}

// The containment operator lets the GIN index on region_path serve the region filter.
const Query kListStations{
    "deputies_list_stations",
    absl::StrCat("SELECT ", kStationColumns,
                 " FROM stations s WHERE s.id > $1 AND ($2::text = '' OR s.kind = $2::text)"
                 " AND ($3::text = '' OR s.region_path @> ARRAY[$3::text]) ORDER BY s.id LIMIT $4")};

std::vector<Station> SelectStations(pqxx::transaction_base& tx, const StationQuery& q) {
  return EveryRow(tx, kListStations, StationFromRow, q.after_id, q.kind, q.region, q.limit);
}

const Query kStationActivity{
    "deputies_station_activity",
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

minyi::deputies::v1::ChecklistDefinition LoadChecklistDefinition(pqxx::transaction_base& tx) {
  minyi::deputies::v1::ChecklistDefinition out;
  out.set_name(std::string(kChecklistDefinitionName));
  for (const pqxx::row& row : tx.exec_prepared(kLoadChecklistItems)) {
    out.add_items(row[0].as<std::string>());
  }
  ShowSettingsRevision(tx, kChecklistDefinitionName, &out);
  return out;
}

const Query kDeleteChecklistItems{"deputies_delete_checklist_items", "DELETE FROM checklist_items"};
const Query kInsertChecklistItem{"deputies_insert_checklist_item",
                                 "INSERT INTO checklist_items (item, position) VALUES ($1, $2)"};

void ReplaceChecklistDefinition(pqxx::work& tx, const minyi::deputies::v1::ChecklistDefinition& definition) {
  tx.exec_prepared(kDeleteChecklistItems);
  for (int i = 0; i < definition.items_size(); ++i) {
    tx.exec_prepared(kInsertChecklistItem, definition.items(i), i + 1);
  }
}

const Query kLoadChecklistAssessments{
    "deputies_load_checklist_assessments",
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
    item.set_assessed_by(AccountName(row[3].as<std::string>()));
    *item.mutable_assess_time() = TimeUtil::MicrosecondsToTimestamp(row[4].as<int64_t>());
  }
  return out;
}

const Query kUpsertChecklistAssessment{
    "deputies_upsert_checklist_assessment",
    "INSERT INTO station_checklist (station_id, item, met, evidence, assessed_by) "
    "VALUES ($1, $2, $3, $4::jsonb, $5) ON CONFLICT (station_id, item) DO UPDATE SET met = excluded.met, "
    "evidence = excluded.evidence, assessed_by = excluded.assessed_by, assess_time = now()"};

void UpsertChecklistAssessment(pqxx::work& tx, int64_t station_id, const minyi::deputies::v1::ChecklistItem& item,
                               const std::string& actor) {
  tx.exec_prepared(kUpsertChecklistAssessment, station_id, item.item(), item.met(), JsonStrings(item.evidence()),
                   actor);
}

const Query kInsertRotaEntry{
    "deputies_insert_rota_entry",
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
  return FirstRow(tx, kLoadRotaEntry, RotaFromRow, id);
}

const Query kListRotaEntries{"deputies_list_rota_entries",
                             absl::StrCat("SELECT ", kRotaColumns,
                                          " WHERE e.station_id = $1 AND e.duty_date BETWEEN $2::date AND $3::date"
                                          " ORDER BY e.duty_date, e.deputy_id")};

std::vector<minyi::deputies::v1::RotaEntry> SelectRotaEntries(pqxx::transaction_base& tx, int64_t station_id,
                                                              const std::string& start_date,
                                                              const std::string& end_date) {
  return EveryRow(tx, kListRotaEntries, RotaFromRow, station_id, start_date, end_date);
}

}  // namespace minyi::deputies

#include "deputies/store.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/names.h"
#include "deputies/registry.h"
#include "google/protobuf/util/time_util.h"

namespace minyi::deputies {
namespace {

using ::google::protobuf::util::TimeUtil;
using ::minyi::deputies::v1::Deputy;
using ::minyi::deputies::v1::Station;

constexpr char kInsertDeputy[] = "deputies_insert_deputy";
constexpr char kUpdateDeputy[] = "deputies_update_deputy";
constexpr char kLoadDeputy[] = "deputies_load_deputy";
constexpr char kLoadDeputyForUpdate[] = "deputies_load_deputy_for_update";
constexpr char kListDeputies[] = "deputies_list_deputies";
constexpr char kCurrentStations[] = "deputies_current_stations";
constexpr char kOpenMembership[] = "deputies_open_membership";
constexpr char kCloseMembership[] = "deputies_close_membership";
constexpr char kStationExists[] = "deputies_station_exists";
constexpr char kInsertStation[] = "deputies_insert_station";
constexpr char kUpdateStation[] = "deputies_update_station";
constexpr char kLoadStation[] = "deputies_load_station";
constexpr char kLoadStationForUpdate[] = "deputies_load_station_for_update";
constexpr char kListStations[] = "deputies_list_stations";

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

std::string RegionPathJson(const Station& s) {
  return nlohmann::json(std::vector<std::string>(s.region_path().begin(), s.region_path().end())).dump();
}

}  // namespace

std::vector<PreparedStatement> Statements() {
  return {
      {kInsertDeputy,
       "INSERT INTO deputies (display_name, gender, level, term, delegation, electoral_district, sector, "
       "phone, "
       "id_number, status, term_start_date, term_end_date, created_by, updated_by) "
       "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULLIF($11, '')::date, NULLIF($12, '')::date, $13, "
       "$13) "
       "RETURNING id"},
      {kUpdateDeputy,
       "UPDATE deputies SET display_name = $2, gender = $3, level = $4, term = $5, delegation = $6, "
       "electoral_district = $7, sector = $8, phone = $9, id_number = $10, status = $11, "
       "term_start_date = NULLIF($12, '')::date, term_end_date = NULLIF($13, '')::date, "
       "update_time = now(), updated_by = $14 WHERE id = $1"},
      {kLoadDeputy, absl::StrCat("SELECT ", kDeputyColumns, " FROM deputies d WHERE d.id = $1")},
      {kLoadDeputyForUpdate,
       absl::StrCat("SELECT ", kDeputyColumns, " FROM deputies d WHERE d.id = $1 FOR UPDATE OF d")},
      // strpos, not LIKE: a query's % and _ are plain characters, and CJK substrings match as text.
      {kListDeputies,
       absl::StrCat("SELECT ", kDeputyColumns,
                    " FROM deputies d WHERE d.id > $1"
                    " AND ($2::bigint = 0 OR EXISTS (SELECT 1 FROM memberships m WHERE m.deputy_id = d.id"
                    " AND m.station_id = $2::bigint AND m.end_date IS NULL))"
                    " AND ($3::text = '' OR d.status = $3::text)"
                    " AND ($4::text = '' OR strpos(d.display_name, $4::text) > 0"
                    " OR strpos(d.delegation, $4::text) > 0 OR strpos(d.sector, $4::text) > 0)"
                    " ORDER BY d.id LIMIT $5")},
      {kCurrentStations,
       "SELECT station_id FROM memberships WHERE deputy_id = $1 AND end_date IS NULL ORDER BY id"},
      {kOpenMembership,
       absl::StrCat("INSERT INTO memberships (deputy_id, station_id, start_date) VALUES ($1, $2, ", kToday,
                    ")")},
      {kCloseMembership, absl::StrCat("UPDATE memberships SET end_date = ", kToday,
                                      " WHERE deputy_id = $1 AND station_id = $2 AND end_date IS NULL")},
      {kStationExists, "SELECT 1 FROM stations WHERE id = $1"},
      {kInsertStation,
       absl::StrCat("INSERT INTO stations (display_name, kind, region_path, address, created_by, updated_by) "
                    "VALUES ($1, $2, ",
                    kRegionPathFromJson, ", $4, $5, $5) RETURNING id")},
      {kUpdateStation,
       absl::StrCat("UPDATE stations SET display_name = $2, kind = $4, region_path = ", kRegionPathFromJson,
                    ", address = $5, update_time = now(), updated_by = $6 WHERE id = $1")},
      {kLoadStation, absl::StrCat("SELECT ", kStationColumns, " FROM stations s WHERE s.id = $1")},
      {kLoadStationForUpdate,
       absl::StrCat("SELECT ", kStationColumns, " FROM stations s WHERE s.id = $1 FOR UPDATE")},
      // The containment operator lets the GIN index on region_path serve the region filter.
      {kListStations,
       absl::StrCat("SELECT ", kStationColumns,
                    " FROM stations s WHERE s.id > $1 AND ($2::text = '' OR s.kind = $2::text)"
                    " AND ($3::text = '' OR s.region_path @> ARRAY[$3::text]) ORDER BY s.id LIMIT $4")},
  };
}

int64_t InsertDeputy(pqxx::work& tx, const Deputy& d, const std::string& actor) {
  pqxx::result r = tx.exec_prepared(
      kInsertDeputy, d.display_name(), minyi::deputies::v1::Gender_Name(d.gender()),
      minyi::deputies::v1::Level_Name(d.level()), d.term(), d.delegation(), d.electoral_district(),
      d.sector(), d.phone(), d.id_number(), minyi::deputies::v1::DeputyStatus_Name(d.status()),
      d.term_start_date(), d.term_end_date(), actor);
  return r[0][0].as<int64_t>();
}

void UpdateDeputyRow(pqxx::work& tx, int64_t id, const Deputy& d, const std::string& actor) {
  tx.exec_prepared(kUpdateDeputy, id, d.display_name(), minyi::deputies::v1::Gender_Name(d.gender()),
                   minyi::deputies::v1::Level_Name(d.level()), d.term(), d.delegation(),
                   d.electoral_district(), d.sector(), d.phone(), d.id_number(),
                   minyi::deputies::v1::DeputyStatus_Name(d.status()), d.term_start_date(), d.term_end_date(),
                   actor);
}

std::optional<Deputy> LoadDeputy(pqxx::transaction_base& tx, int64_t id, bool for_update) {
  pqxx::result r = tx.exec_prepared(for_update ? kLoadDeputyForUpdate : kLoadDeputy, id);
  if (r.empty()) {
    return std::nullopt;
  }
  return DeputyFromRow(r[0]);
}

std::vector<Deputy> SelectDeputies(pqxx::transaction_base& tx, const DeputyQuery& q) {
  std::vector<Deputy> out;
  for (const pqxx::row& row :
       tx.exec_prepared(kListDeputies, q.after_id, q.station_id, q.status, q.text, q.limit)) {
    out.push_back(DeputyFromRow(row));
  }
  return out;
}

std::vector<int64_t> CurrentStationIds(pqxx::transaction_base& tx, int64_t deputy_id) {
  std::vector<int64_t> ids;
  for (const pqxx::row& row : tx.exec_prepared(kCurrentStations, deputy_id)) {
    ids.push_back(row[0].as<int64_t>());
  }
  return ids;
}

void OpenMembership(pqxx::work& tx, int64_t deputy_id, int64_t station_id) {
  tx.exec_prepared(kOpenMembership, deputy_id, station_id);
}

void CloseMembership(pqxx::work& tx, int64_t deputy_id, int64_t station_id) {
  tx.exec_prepared(kCloseMembership, deputy_id, station_id);
}

bool StationExists(pqxx::transaction_base& tx, int64_t id) { return !tx.exec_prepared(kStationExists, id).empty(); }

int64_t InsertStation(pqxx::work& tx, const Station& s, const std::string& actor) {
  pqxx::result r =
      tx.exec_prepared(kInsertStation, s.display_name(), minyi::deputies::v1::StationKind_Name(s.kind()),
                       RegionPathJson(s), s.address(), actor);
  return r[0][0].as<int64_t>();
}

void UpdateStationRow(pqxx::work& tx, int64_t id, const Station& s, const std::string& actor) {
  // $3 is the region path, as in the insert, so both share kRegionPathFromJson.
  tx.exec_prepared(kUpdateStation, id, s.display_name(), RegionPathJson(s),
                   minyi::deputies::v1::StationKind_Name(s.kind()), s.address(), actor);
}

std::optional<Station> LoadStation(pqxx::transaction_base& tx, int64_t id, bool for_update) {
  pqxx::result r = tx.exec_prepared(for_update ? kLoadStationForUpdate : kLoadStation, id);
  if (r.empty()) {
    return std::nullopt;
  }
  return StationFromRow(r[0]);
}

std::vector<Station> SelectStations(pqxx::transaction_base& tx, const StationQuery& q) {
  std::vector<Station> out;
  for (const pqxx::row& row : tx.exec_prepared(kListStations, q.after_id, q.kind, q.region, q.limit)) {
    out.push_back(StationFromRow(row));
  }
  return out;
}

}  // namespace minyi::deputies

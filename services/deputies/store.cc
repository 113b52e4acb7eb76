// The registry's SQL: deputies and their memberships of stations (store.h; the stations', the duty file's
// and the supervision groups' are in store_stations.cc, store_duties.cc and store_supervision.cc).
#include "deputies/store.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/calendar.h"
#include "common/clock.h"
#include "common/names.h"
#include "common/query.h"
#include "deputies/registry.h"
#include "deputies/store_rows.h"

namespace minyi::deputies {
namespace {

using ::minyi::deputies::v1::Deputy;

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

}  // namespace

std::vector<PreparedStatement> Statements() { return QueriesOf("deputies_"); }

const Query kInsertDeputy{
    "deputies_insert_deputy",
    "INSERT INTO deputies (display_name, gender, level, term, delegation, electoral_district, sector, "
    "phone, id_number, status, term_start_date, term_end_date, created_by, updated_by) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULLIF($11, '')::date, NULLIF($12, '')::date, "
    "$13, $13) RETURNING id"};

int64_t InsertDeputy(pqxx::work& tx, const Deputy& d, const std::string& actor) {
  return InsertedId(tx, kInsertDeputy, d.display_name(), minyi::deputies::v1::Gender_Name(d.gender()),
                    minyi::deputies::v1::Level_Name(d.level()), d.term(), d.delegation(), d.electoral_district(),
                    d.sector(), d.phone(), d.id_number(), minyi::deputies::v1::DeputyStatus_Name(d.status()),
                    d.term_start_date(), d.term_end_date(), actor);
}

const Query kUpdateDeputy{"deputies_update_deputy",
                          "UPDATE deputies SET display_name = $2, gender = $3, level = $4, term = $5, delegation = $6, "
                          "electoral_district = $7, sector = $8, phone = $9, id_number = $10, status = $11, "
                          "term_start_date = NULLIF($12, '')::date, term_end_date = NULLIF($13, '')::date, "
                          "update_time = now(), updated_by = $14 WHERE id = $1"};

void UpdateDeputyRow(pqxx::work& tx, int64_t id, const Deputy& d, const std::string& actor) {
  tx.exec_prepared(kUpdateDeputy, id, d.display_name(), minyi::deputies::v1::Gender_Name(d.gender()),
                   minyi::deputies::v1::Level_Name(d.level()), d.term(), d.delegation(), d.electoral_district(),
                   d.sector(), d.phone(), d.id_number(), minyi::deputies::v1::DeputyStatus_Name(d.status()),
                   d.term_start_date(), d.term_end_date(), actor);
}

const Query kLoadDeputy{"deputies_load_deputy",
                        absl::StrCat("SELECT ", kDeputyColumns, " FROM deputies d WHERE d.id = $1")};
const Query kLoadDeputyForUpdate{
    "deputies_load_deputy_for_update",
    absl::StrCat("SELECT ", kDeputyColumns, " FROM deputies d WHERE d.id = $1 FOR UPDATE OF d")};

std::optional<Deputy> LoadDeputy(pqxx::transaction_base& tx, int64_t id, bool for_update) {
  return FirstRow(tx, for_update ? kLoadDeputyForUpdate : kLoadDeputy, DeputyFromRow, id);
}

// strpos, not LIKE: a query's % and _ are plain characters, and CJK substrings match as text.
const Query kListDeputies{
    "deputies_list_deputies",
    absl::StrCat("SELECT ", kDeputyColumns,
                 " FROM deputies d WHERE d.id > $1"
                 " AND ($2::bigint = 0 OR EXISTS (SELECT 1 FROM memberships m WHERE m.deputy_id = d.id"
                 " AND m.station_id = $2::bigint AND m.end_date IS NULL))"
                 " AND ($3::text = '' OR d.status = $3::text)"
                 " AND ($4::text = '' OR strpos(d.display_name, $4::text) > 0"
                 " OR strpos(d.delegation, $4::text) > 0 OR strpos(d.sector, $4::text) > 0)"
                 " ORDER BY d.id LIMIT $5")};

std::vector<Deputy> SelectDeputies(pqxx::transaction_base& tx, const DeputyQuery& q) {
  return EveryRow(tx, kListDeputies, DeputyFromRow, q.after_id, q.station_id, q.status, q.text, q.limit);
}

const Query kCurrentStations{
    "deputies_current_stations",
    "SELECT station_id FROM memberships WHERE deputy_id = $1 AND end_date IS NULL ORDER BY id"};

std::vector<int64_t> CurrentStationIds(pqxx::transaction_base& tx, int64_t deputy_id) {
  std::vector<int64_t> ids;
  for (const pqxx::row& row : tx.exec_prepared(kCurrentStations, deputy_id)) {
    ids.push_back(row[0].as<int64_t>());
  }
  return ids;
}

const Query kOpenMembership{"deputies_open_membership",
                            "INSERT INTO memberships (deputy_id, station_id, start_date) VALUES ($1, $2, $3::date)"};

void OpenMembership(pqxx::work& tx, int64_t deputy_id, int64_t station_id) {
  // Membership dates are days of the domain calendar (Asia/Shanghai).
  tx.exec_prepared(kOpenMembership, deputy_id, station_id, ShanghaiDate(DomainNow()));
}

const Query kCloseMembership{
    "deputies_close_membership",
    "UPDATE memberships SET end_date = $3::date WHERE deputy_id = $1 AND station_id = $2 AND end_date IS NULL"};

void CloseMembership(pqxx::work& tx, int64_t deputy_id, int64_t station_id) {
  tx.exec_prepared(kCloseMembership, deputy_id, station_id, ShanghaiDate(DomainNow()));
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

const Query kDeputyExists{"deputies_deputy_exists", "SELECT 1 FROM deputies WHERE id = $1"};

bool DeputyExists(pqxx::transaction_base& tx, int64_t id) { return !tx.exec_prepared(kDeputyExists, id).empty(); }

const Query kExistingDeputies{"deputies_existing_deputies", "SELECT id FROM deputies WHERE id = ANY($1::bigint[])"};

std::set<int64_t> ExistingDeputies(pqxx::transaction_base& tx, const std::vector<int64_t>& ids) {
  std::set<int64_t> out;
  for (const pqxx::row& row : tx.exec_prepared(kExistingDeputies, IdArray(ids))) {
    out.insert(row[0].as<int64_t>());
  }
  return out;
}

const Query kServingDeputies{
    "deputies_serving_deputies",
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

}  // namespace minyi::deputies

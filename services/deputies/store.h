#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/migrate.h"
#include "common/pg.h"
#include "minyi/deputies/v1/deputies.pb.h"
#include "nlohmann/json.hpp"
#include "pqxx/pqxx"

// The deputies schema's SQL. Every function runs inside the caller's transaction and lets libpqxx
// exceptions through, so PgPool::Transact maps database failures in one place.
namespace minyi::deputies {

const std::vector<Migration>& Migrations();
std::vector<PreparedStatement> Statements();

// Deputies. A loaded deputy carries its current stations.
int64_t InsertDeputy(pqxx::work& tx, const minyi::deputies::v1::Deputy& deputy, const std::string& actor);
void UpdateDeputyRow(pqxx::work& tx, int64_t id, const minyi::deputies::v1::Deputy& deputy,
                     const std::string& actor);
// `for_update` locks the row until the transaction ends.
std::optional<minyi::deputies::v1::Deputy> LoadDeputy(pqxx::transaction_base& tx, int64_t id, bool for_update = false);

struct DeputyQuery {
  int64_t after_id = 0;
  int limit = 50;
  int64_t station_id = 0;   // 0: any station
  std::string status = "";  // enum name, "" for any
  std::string text = "";    // substring of display_name, delegation or sector; "" for any
};
std::vector<minyi::deputies::v1::Deputy> SelectDeputies(pqxx::transaction_base& tx, const DeputyQuery& query);

// Memberships.
std::vector<int64_t> CurrentStationIds(pqxx::transaction_base& tx, int64_t deputy_id);
void OpenMembership(pqxx::work& tx, int64_t deputy_id, int64_t station_id);
void CloseMembership(pqxx::work& tx, int64_t deputy_id, int64_t station_id);

// Stations.
bool StationExists(pqxx::transaction_base& tx, int64_t id);
int64_t InsertStation(pqxx::work& tx, const minyi::deputies::v1::Station& station, const std::string& actor);
void UpdateStationRow(pqxx::work& tx, int64_t id, const minyi::deputies::v1::Station& station,
                      const std::string& actor);
std::optional<minyi::deputies::v1::Station> LoadStation(pqxx::transaction_base& tx, int64_t id, bool for_update = false);

struct StationQuery {
  int64_t after_id = 0;
  int limit = 50;
  std::string kind = "";    // enum name, "" for any
  std::string region = "";  // an element of region_path, "" for any
};
std::vector<minyi::deputies::v1::Station> SelectStations(pqxx::transaction_base& tx, const StationQuery& query);

}  // namespace minyi::deputies

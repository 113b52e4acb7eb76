#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/migrate.h"
#include "common/pg.h"
#include "deputies/points.h"
#include "deputies/supervision.h"
#include "minyi/deputies/v1/deputies.pb.h"
#include "nlohmann/json.hpp"
#include "pqxx/pqxx"

// The deputies schema's SQL, in store.cc (registry), store_stations.cc, store_duties.cc and
// store_supervision.cc. Every function runs inside the caller's transaction and lets libpqxx exceptions
// through, so PgPool::Transact maps database failures in one place.
namespace minyi::deputies {

const std::vector<Migration>& Migrations();
std::vector<PreparedStatement> Statements();

// Deputies. A loaded deputy carries its current stations.
int64_t InsertDeputy(pqxx::work& tx, const minyi::deputies::v1::Deputy& deputy, const std::string& actor);
void UpdateDeputyRow(pqxx::work& tx, int64_t id, const minyi::deputies::v1::Deputy& deputy, const std::string& actor);
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
std::optional<minyi::deputies::v1::Station> LoadStation(pqxx::transaction_base& tx, int64_t id,
                                                        bool for_update = false);

struct StationQuery {
  int64_t after_id = 0;
  int limit = 50;
  std::string kind = "";    // enum name, "" for any
  std::string region = "";  // an element of region_path, "" for any
};
std::vector<minyi::deputies::v1::Station> SelectStations(pqxx::transaction_base& tx, const StationQuery& query);

// Duty records. Content (date, category, description, station, evidence) is versioned: every revision
// is kept, and the record row carries the current one.
bool DeputyExists(pqxx::transaction_base& tx, int64_t id);
struct NewDuty {
  int64_t deputy_id = 0;
  minyi::deputies::v1::DutySource source = minyi::deputies::v1::DUTY_SOURCE_MANUAL;
  std::string source_event_id = "";  // the event's UUID when source is EVENT
  std::string recorded_by = "";
};
// Inserts revision 1. Returns the new id, or nullopt when the deputy already has a record from this
// source_event_id.
std::optional<int64_t> InsertDutyRecord(pqxx::work& tx, const NewDuty& duty,
                                        const minyi::deputies::v1::DutyRecord& content);
// Which of `ids` are deputies.
std::set<int64_t> ExistingDeputies(pqxx::transaction_base& tx, const std::vector<int64_t>& ids);
// A record an event implies for one deputy; at most one per (deputy, event).
struct EventDuty {
  int64_t deputy_id = 0;
  std::string event_id = "";  // UUID
  std::string recorded_by = "";
  const minyi::deputies::v1::DutyRecord* content = nullptr;  // no station
};
// Inserts the records with their revision 1, all in one statement (a consumer's batch of events). Returns
// the new ids by (deputy, event id); a pair that already has its record is left out.
std::map<std::pair<int64_t, std::string>, int64_t> InsertEventDuties(pqxx::work& tx,
                                                                     const std::vector<EventDuty>& duties);
// Makes `content` the record's next revision. Returns that revision number.
int32_t ReviseDutyRecord(pqxx::work& tx, int64_t id, const minyi::deputies::v1::DutyRecord& content,
                         const std::string& recorded_by, const std::string& reason);
// `revision` 0 is the current one. `for_update` locks the record until the transaction ends.
std::optional<minyi::deputies::v1::DutyRecord> LoadDutyRecord(pqxx::transaction_base& tx, int64_t id,
                                                              int32_t revision = 0, bool for_update = false);

struct DutyQuery {
  int64_t deputy_id = 0;
  int64_t after_id = 0;
  int limit = 50;
  std::string category = "";    // enum name, "" for any
  std::string start_date = "";  // inclusive, "" for open
  std::string end_date = "";    // inclusive, "" for open
};
std::vector<minyi::deputies::v1::DutyRecord> SelectDutyRecords(pqxx::transaction_base& tx, const DutyQuery& query);

// The facts the points tally needs, per deputy, for records dated first_day..last_day.
std::map<int64_t, std::vector<DutyFact>> SelectDutyFacts(pqxx::transaction_base& tx,
                                                         const std::vector<int64_t>& deputy_ids,
                                                         const std::string& first_day, const std::string& last_day);

struct Member {
  int64_t deputy_id = 0;
  std::string display_name;
};
std::vector<Member> CurrentMembers(pqxx::transaction_base& tx, int64_t station_id);

// Point rules.
minyi::deputies::v1::PointRules LoadPointRules(pqxx::transaction_base& tx);
void ReplacePointRules(pqxx::work& tx, const minyi::deputies::v1::PointRules& rules);

// The nine-haves checklist (九有).
minyi::deputies::v1::ChecklistDefinition LoadChecklistDefinition(pqxx::transaction_base& tx);
void ReplaceChecklistDefinition(pqxx::work& tx, const minyi::deputies::v1::ChecklistDefinition& definition);
// The station's stored assessments by item, including items no longer defined.
std::map<std::string, minyi::deputies::v1::ChecklistItem> LoadChecklistAssessments(pqxx::transaction_base& tx,
                                                                                   int64_t station_id);
void UpsertChecklistAssessment(pqxx::work& tx, int64_t station_id, const minyi::deputies::v1::ChecklistItem& item,
                               const std::string& actor);

// The duty rota. Returns the new id, or nullopt when the deputy is on the station's rota that day already.
std::optional<int64_t> InsertRotaEntry(pqxx::work& tx, int64_t station_id, int64_t deputy_id,
                                       const minyi::deputies::v1::RotaEntry& entry, const std::string& actor);
std::optional<minyi::deputies::v1::RotaEntry> LoadRotaEntry(pqxx::transaction_base& tx, int64_t id);
// Entries dated start_date..end_date (inclusive), by date, then deputy id.
std::vector<minyi::deputies::v1::RotaEntry> SelectRotaEntries(pqxx::transaction_base& tx, int64_t station_id,
                                                              const std::string& start_date,
                                                              const std::string& end_date);

// Evaluation results and the shortlist's candidates.
void UpsertEvaluationResult(pqxx::work& tx, int64_t deputy_id, int32_t year, int32_t score, const std::string& actor);
std::optional<minyi::deputies::v1::EvaluationResult> LoadEvaluationResult(pqxx::transaction_base& tx, int64_t deputy_id,
                                                                          int32_t year);
// Scores by deputy id for the year.
std::map<int64_t, int32_t> SelectEvaluationScores(pqxx::transaction_base& tx, int32_t year);
// Every serving deputy, in id order.
std::vector<Member> SelectServingDeputies(pqxx::transaction_base& tx);
// The status of each of `ids` that exists, by id.
std::map<int64_t, minyi::deputies::v1::DeputyStatus> SelectDeputyStatuses(pqxx::transaction_base& tx,
                                                                          const std::vector<int64_t>& ids);

// Every station whose region path contains `region`, with its current member count, the number of
// records its current members have dated first_day..last_day and the defined checklist items it meets, in
// id order.
struct StationActivity {
  int64_t station_id = 0;
  std::string display_name;
  int32_t members = 0;
  int64_t duty_records = 0;
  int32_t checklist_items_met = 0;
};
std::vector<StationActivity> SelectStationActivity(pqxx::transaction_base& tx, const std::string& region,
                                                   const std::string& first_day, const std::string& last_day);

// Supervision groups.
// Every serving deputy as the matcher sees them, in id order.
std::vector<DeputyProfile> SelectServingProfiles(pqxx::transaction_base& tx);
// The serving deputies among `ids`, share-locked until the transaction ends, so a concurrent change of
// their status waits for the group that names them.
std::set<int64_t> LockServingDeputies(pqxx::work& tx, const std::vector<int64_t>& ids);
int64_t InsertSupervisionGroup(pqxx::work& tx, const minyi::deputies::v1::SupervisionGroup& group,
                               const std::string& actor);
// Replaces display name and members; the target never changes.
void UpdateSupervisionGroupRow(pqxx::work& tx, int64_t id, const minyi::deputies::v1::SupervisionGroup& group,
                               const std::string& actor);
std::optional<minyi::deputies::v1::SupervisionGroup> LoadSupervisionGroup(pqxx::transaction_base& tx, int64_t id,
                                                                          bool for_update = false);
struct SupervisionGroupQuery {
  int64_t after_id = 0;
  int limit = 50;
  std::string target_kind = "";  // enum name, "" for any
  int64_t member_id = 0;         // 0: any member
};
std::vector<minyi::deputies::v1::SupervisionGroup> SelectSupervisionGroups(pqxx::transaction_base& tx,
                                                                           const SupervisionGroupQuery& query);

}  // namespace minyi::deputies

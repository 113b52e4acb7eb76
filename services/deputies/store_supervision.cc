// The supervision groups' SQL (store.h), and the serving deputies they are formed from.
#include "deputies/store.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/names.h"
#include "common/query.h"
#include "deputies/registry.h"
#include "deputies/store_rows.h"
#include "deputies/supervision.h"

namespace minyi::deputies {
namespace {

// A supervision group read; SupervisionGroupFromRow reads these by name. Members come along as a
// comma-separated id list in their listed order.
constexpr absl::string_view kSupervisionGroupColumns =
    "g.id, g.display_name, g.target_kind, g.target_name, g.target_keywords::text AS target_keywords, "
    "g.created_by, (extract(epoch FROM g.create_time) * 1000000)::bigint AS create_us, g.updated_by, "
    "(extract(epoch FROM g.update_time) * 1000000)::bigint AS update_us, "
    "array_to_string(ARRAY(SELECT m.deputy_id FROM supervision_group_members m "
    "WHERE m.group_id = g.id ORDER BY m.position), ',') AS member_ids "
    "FROM supervision_groups g";

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
  g.set_created_by(AccountName(row["created_by"].as<std::string>()));
  *g.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row["create_us"].as<int64_t>());
  g.set_updated_by(AccountName(row["updated_by"].as<std::string>()));
  *g.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(row["update_us"].as<int64_t>());
  return g;
}

const Query kInsertSupervisionMembers{"deputies_insert_supervision_members",
                                      "INSERT INTO supervision_group_members (group_id, deputy_id, position) "
                                      "SELECT $1::bigint, m, i FROM unnest($2::bigint[]) WITH ORDINALITY AS t(m, i)"};

void InsertSupervisionMembers(pqxx::work& tx, int64_t group_id, const minyi::deputies::v1::SupervisionGroup& group) {
  tx.exec_prepared(kInsertSupervisionMembers, group_id, IdArray(MemberIds(group)));
}

}  // namespace

const Query kServingProfiles{
    "deputies_serving_profiles",
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
const Query kLockServingDeputies{
    "deputies_lock_serving_deputies",
    "SELECT id FROM deputies WHERE id = ANY($1::bigint[]) AND status = 'DEPUTY_STATUS_SERVING' "
    "ORDER BY id FOR SHARE"};

std::set<int64_t> LockServingDeputies(pqxx::work& tx, const std::vector<int64_t>& ids) {
  std::set<int64_t> out;
  for (const pqxx::row& row : tx.exec_prepared(kLockServingDeputies, IdArray(ids))) {
    out.insert(row[0].as<int64_t>());
  }
  return out;
}

const Query kInsertSupervisionGroup{
    "deputies_insert_supervision_group",
    "INSERT INTO supervision_groups (display_name, target_kind, target_name, target_keywords, created_by, "
    "updated_by) VALUES ($1, $2, $3, $4::jsonb, $5, $5) RETURNING id"};

int64_t InsertSupervisionGroup(pqxx::work& tx, const minyi::deputies::v1::SupervisionGroup& group,
                               const std::string& actor) {
  const minyi::deputies::v1::SupervisionTarget& target = group.target();
  const int64_t id = InsertedId(tx, kInsertSupervisionGroup, group.display_name(),
                                minyi::deputies::v1::SupervisionTargetKind_Name(target.kind()), target.name(),
                                JsonStrings(target.keywords()), actor);
  InsertSupervisionMembers(tx, id, group);
  return id;
}

const Query kUpdateSupervisionGroup{
    "deputies_update_supervision_group",
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
const Query kLoadSupervisionGroupForUpdate{
    "deputies_load_supervision_group_for_update",
    absl::StrCat("SELECT ", kSupervisionGroupColumns, " WHERE g.id = $1 FOR UPDATE OF g")};

std::optional<minyi::deputies::v1::SupervisionGroup> LoadSupervisionGroup(pqxx::transaction_base& tx, int64_t id,
                                                                          bool for_update) {
  return FirstRow(tx, for_update ? kLoadSupervisionGroupForUpdate : kLoadSupervisionGroup, SupervisionGroupFromRow, id);
}

const Query kListSupervisionGroups{
    "deputies_list_supervision_groups",
    absl::StrCat("SELECT ", kSupervisionGroupColumns,
                 " WHERE g.id > $1 AND ($2::text = '' OR g.target_kind = $2::text)"
                 " AND ($3::bigint = 0 OR EXISTS (SELECT 1 FROM supervision_group_members m"
                 " WHERE m.group_id = g.id AND m.deputy_id = $3::bigint))"
                 " ORDER BY g.id LIMIT $4")};

std::vector<minyi::deputies::v1::SupervisionGroup> SelectSupervisionGroups(pqxx::transaction_base& tx,
                                                                           const SupervisionGroupQuery& q) {
  return EveryRow(tx, kListSupervisionGroups, SupervisionGroupFromRow, q.after_id, q.target_kind, q.member_id, q.limit);
}

}  // namespace minyi::deputies

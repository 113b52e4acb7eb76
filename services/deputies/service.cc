#include "deputies/service.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/audit.h"
#include "common/clock.h"
#include "common/idempotency.h"
#include "common/log.h"
#include "common/names.h"
#include "common/outbox.h"
#include "common/paging.h"
#include "common/status.h"
#include "common/rpc.h"
#include "common/target.h"
#include "common/text.h"
#include "deputies/checklist.h"
#include "deputies/duties.h"
#include "deputies/field_mask.h"
#include "deputies/points.h"
#include "deputies/privacy.h"
#include "deputies/registry.h"
#include "deputies/rota.h"
#include "deputies/shortlist.h"
#include "deputies/stars.h"
#include "deputies/store.h"
#include "deputies/supervision.h"
#include "grpcpp/server_context.h"

namespace minyi::deputies {
namespace {

using ::minyi::deputies::v1::BatchGetDeputyStatusesRequest;
using ::minyi::deputies::v1::BatchGetDeputyStatusesResponse;
using ::minyi::deputies::v1::CreateDeputyRequest;
using ::minyi::deputies::v1::CreateStationRequest;
using ::minyi::deputies::v1::Deputy;
using ::minyi::deputies::v1::GetDeputyRequest;
using ::minyi::deputies::v1::GetStationRequest;
using ::minyi::deputies::v1::ListDeputiesRequest;
using ::minyi::deputies::v1::ListDeputiesResponse;
using ::minyi::deputies::v1::ListStationsRequest;
using ::minyi::deputies::v1::ListStationsResponse;
using ::minyi::deputies::v1::Station;
using ::minyi::deputies::v1::UpdateDeputyRequest;
using ::minyi::deputies::v1::UpdateStationRequest;
using ::minyi::deputies::v1::CorrectDutyRecordRequest;
using ::minyi::deputies::v1::CreateDutyRecordRequest;
using ::minyi::deputies::v1::DeputyPoints;
using ::minyi::deputies::v1::DutyRecord;
using ::minyi::deputies::v1::GetDeputyPointsRequest;
using ::minyi::deputies::v1::GetDutyRecordRequest;
using ::minyi::deputies::v1::GetPointRulesRequest;
using ::minyi::deputies::v1::GetStationRankingRequest;
using ::minyi::deputies::v1::ListDutyRecordsRequest;
using ::minyi::deputies::v1::ListDutyRecordsResponse;
using ::minyi::deputies::v1::PointRules;
using ::minyi::deputies::v1::PublishStationRankingRequest;
using ::minyi::deputies::v1::RateStationsRequest;
using ::minyi::deputies::v1::RateStationsResponse;
using ::minyi::deputies::v1::StationRanking;
using ::minyi::deputies::v1::UpdatePointRulesRequest;
using ::minyi::deputies::v1::ChecklistDefinition;
using ::minyi::deputies::v1::GetChecklistDefinitionRequest;
using ::minyi::deputies::v1::GetStationChecklistRequest;
using ::minyi::deputies::v1::StationChecklist;
using ::minyi::deputies::v1::UpdateChecklistDefinitionRequest;
using ::minyi::deputies::v1::UpdateStationChecklistRequest;
using ::minyi::deputies::v1::CreateRotaEntryRequest;
using ::minyi::deputies::v1::ListRotaEntriesRequest;
using ::minyi::deputies::v1::ListRotaEntriesResponse;
using ::minyi::deputies::v1::RotaEntry;
using ::minyi::deputies::v1::EvaluationResult;
using ::minyi::deputies::v1::GetShortlistRequest;
using ::minyi::deputies::v1::SetEvaluationResultRequest;
using ::minyi::deputies::v1::Shortlist;
using ::minyi::deputies::v1::CreateSupervisionGroupRequest;
using ::minyi::deputies::v1::GetSupervisionGroupRequest;
using ::minyi::deputies::v1::ListSupervisionGroupsRequest;
using ::minyi::deputies::v1::ListSupervisionGroupsResponse;
using ::minyi::deputies::v1::ProposeSupervisionGroupRequest;
using ::minyi::deputies::v1::ProposeSupervisionGroupResponse;
using ::minyi::deputies::v1::SupervisionGroup;
using ::minyi::deputies::v1::UpdateSupervisionGroupRequest;

constexpr std::size_t kMaxFilterChars = 64;
// As many as a vote's electorate may name.
constexpr int kMaxStatusNames = 5000;

absl::StatusOr<Caller> RequireOffice(const Authorizer& authorizer, const Call& call) {
  return authorizer.Require(call, {minyi::common::v1::ROLE_ADMIN, minyi::common::v1::ROLE_STAFF});
}

// The shortlist and supervision-group proposals prepare decisions that office staff and leaders take.
absl::StatusOr<Caller> RequireOfficeOrLeader(const Authorizer& authorizer, const Call& call) {
  return authorizer.Require(call, {minyi::common::v1::ROLE_ADMIN, minyi::common::v1::ROLE_STAFF,
                                  minyi::common::v1::ROLE_LEADER});
}

// Singleton tables are replaced whole: their update mask may only name the one list field (or nothing).
absl::Status CheckOnlyPath(const google::protobuf::FieldMask& mask, absl::string_view allowed) {
  for (const std::string& path : mask.paths()) {
    if (path != allowed) {
      return InvalidField("update_mask", absl::StrCat("\"", path, "\" cannot be updated; only \"", allowed, "\""));
    }
  }
  return absl::OkStatus();
}

nlohmann::json JsonList(const google::protobuf::RepeatedPtrField<std::string>& values) {
  return nlohmann::json(std::vector<std::string>(values.begin(), values.end()));
}

// Station references in a request body are checked here, inside the transaction whose foreign keys then
// hold them, so the error can name the offending element.
absl::Status CheckStationsExist(pqxx::work& tx, const Deputy& deputy) {
  const std::vector<int64_t> ids = StationIds(deputy);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (!StationExists(tx, ids[i])) {
      return InvalidField(absl::StrCat("deputy.stations[", i, "]"),
                          absl::StrCat(deputy.stations(static_cast<int>(i)), " does not exist"));
    }
  }
  return absl::OkStatus();
}

// A duty file (records and points) is read by the deputy themself, office staff and leaders; citizens and
// departments never see it.
absl::Status RequireDutyFileReader(const Caller& caller, absl::string_view deputy) {
  if (HasRole(caller, {minyi::common::v1::ROLE_LEADER})) {
    return absl::OkStatus();
  }
  return RequireSelfOrOffice(caller, deputy);
}

// Rankings are announced to the deputies (每季度通报) and supervision groups are the deputies' own work, so
// any deputy may read them, as may office staff and leaders; citizens and departments may not.
absl::StatusOr<Caller> RequireOfficeLeaderOrDeputy(const Authorizer& authorizer,
                                                   const Call& call) {
  return authorizer.Require(call, {minyi::common::v1::ROLE_ADMIN, minyi::common::v1::ROLE_STAFF,
                                  minyi::common::v1::ROLE_LEADER, minyi::common::v1::ROLE_DEPUTY});
}

absl::Status CheckDutyStationExists(pqxx::work& tx, const DutyRecord& duty) {
  if (duty.station().empty() || StationExists(tx, *ParseResourceId(duty.station(), kStations, "duty.station"))) {
    return absl::OkStatus();
  }
  return InvalidField("duty.station", absl::StrCat(duty.station(), " does not exist"));
}

// Members are checked inside the transaction that stores them, with their rows share-locked, so a deputy
// cannot leave office between the check and the commit; the error names the offending element.
absl::Status CheckMembersServing(pqxx::work& tx, const SupervisionGroup& group) {
  const std::vector<int64_t> ids = MemberIds(group);
  const std::set<int64_t> serving = LockServingDeputies(tx, ids);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (serving.count(ids[i]) == 0) {
      return InvalidField(absl::StrCat("supervision_group.members[", i, "]"),
                          absl::StrCat(group.members(static_cast<int>(i)), " is not a serving deputy"));
    }
  }
  return absl::OkStatus();
}

// A target as an audit row records it.
nlohmann::json AuditTarget(const minyi::deputies::v1::SupervisionTarget& target) {
  return {{"kind", minyi::deputies::v1::SupervisionTargetKind_Name(target.kind())},
          {"name", target.name()},
          {"keywords", JsonList(target.keywords())}};
}

// The station's current members ranked by their points in `period` under the current rules.
absl::Status RankStation(pqxx::transaction_base& tx, int64_t station_id, const Period& period,
                         StationRanking* out) {
  const std::string station = ResourceName(kStations, station_id);
  if (!StationExists(tx, station_id)) {
    return NotFoundError(station);
  }
  const std::vector<Member> members = CurrentMembers(tx, station_id);
  std::vector<int64_t> ids;
  std::map<int64_t, std::string> names;
  for (const Member& m : members) {
    ids.push_back(m.deputy_id);
    names[m.deputy_id] = m.display_name;
  }
  const PointRuleTable rules = ToRuleTable(LoadPointRules(tx));
  std::map<int64_t, std::vector<DutyFact>> facts = SelectDutyFacts(tx, ids, period.first_day, period.last_day);
  std::vector<RankedEntry> entries;
  for (int64_t id : ids) {
    entries.push_back({.id = id, .points = TallyPoints(facts[id], rules, period).total});
  }
  out->set_name(absl::StrCat(station, "/ranking"));
  out->set_period(period.label);
  for (const RankedEntry& e : RankByPoints(std::move(entries))) {
    minyi::deputies::v1::RankingEntry* entry = out->add_entries();
    entry->set_deputy(ResourceName(kDeputies, e.id));
    entry->set_display_name(names[e.id]);
    entry->set_points(e.points);
    entry->set_rank(e.rank);
  }
  return absl::OkStatus();
}

}  // namespace

DeputiesService::DeputiesService(PgPool& pool, const Authorizer& authorizer)
    : pool_(pool), authorizer_(authorizer) {}

grpc::ServerUnaryReactor* DeputiesService::CreateDeputy(grpc::CallbackServerContext* ctx, const CreateDeputyRequest* request,
                                           Deputy* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoCreateDeputy(call, *request, response); });
}

grpc::ServerUnaryReactor* DeputiesService::GetDeputy(grpc::CallbackServerContext* ctx, const GetDeputyRequest* request,
                                        Deputy* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoGetDeputy(call, *request, response); });
}

grpc::ServerUnaryReactor* DeputiesService::ListDeputies(grpc::CallbackServerContext* ctx, const ListDeputiesRequest* request,
                                           ListDeputiesResponse* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoListDeputies(call, *request, response); });
}

grpc::ServerUnaryReactor* DeputiesService::UpdateDeputy(grpc::CallbackServerContext* ctx, const UpdateDeputyRequest* request,
                                           Deputy* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoUpdateDeputy(call, *request, response); });
}

grpc::ServerUnaryReactor* DeputiesService::BatchGetDeputyStatuses(grpc::CallbackServerContext* ctx,
                                                     const BatchGetDeputyStatusesRequest* request,
                                                     BatchGetDeputyStatusesResponse* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoBatchGetDeputyStatuses(call, *request, response); });
}

grpc::ServerUnaryReactor* DeputiesService::CreateStation(grpc::CallbackServerContext* ctx, const CreateStationRequest* request,
                                            Station* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoCreateStation(call, *request, response); });
}

grpc::ServerUnaryReactor* DeputiesService::GetStation(grpc::CallbackServerContext* ctx, const GetStationRequest* request,
                                         Station* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoGetStation(call, *request, response); });
}

grpc::ServerUnaryReactor* DeputiesService::ListStations(grpc::CallbackServerContext* ctx, const ListStationsRequest* request,
                                           ListStationsResponse* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoListStations(call, *request, response); });
}

grpc::ServerUnaryReactor* DeputiesService::UpdateStation(grpc::CallbackServerContext* ctx, const UpdateStationRequest* request,
                                            Station* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoUpdateStation(call, *request, response); });
}

grpc::ServerUnaryReactor* DeputiesService::CreateDutyRecord(grpc::CallbackServerContext* ctx, const CreateDutyRecordRequest* request,
                                               DutyRecord* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoCreateDutyRecord(call, *request, response); });
}

grpc::ServerUnaryReactor* DeputiesService::GetDutyRecord(grpc::CallbackServerContext* ctx, const GetDutyRecordRequest* request,
                                            DutyRecord* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoGetDutyRecord(call, *request, response); });
}

grpc::ServerUnaryReactor* DeputiesService::ListDutyRecords(grpc::CallbackServerContext* ctx, const ListDutyRecordsRequest* request,
                                              ListDutyRecordsResponse* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoListDutyRecords(call, *request, response); });
}

grpc::ServerUnaryReactor* DeputiesService::CorrectDutyRecord(grpc::CallbackServerContext* ctx, const CorrectDutyRecordRequest* request,
                                                DutyRecord* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoCorrectDutyRecord(call, *request, response); });
}

grpc::ServerUnaryReactor* DeputiesService::GetPointRules(grpc::CallbackServerContext* ctx, const GetPointRulesRequest* request,
                                            PointRules* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoGetPointRules(call, *request, response); });
}

grpc::ServerUnaryReactor* DeputiesService::UpdatePointRules(grpc::CallbackServerContext* ctx, const UpdatePointRulesRequest* request,
                                               PointRules* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoUpdatePointRules(call, *request, response); });
}

grpc::ServerUnaryReactor* DeputiesService::GetDeputyPoints(grpc::CallbackServerContext* ctx, const GetDeputyPointsRequest* request,
                                              DeputyPoints* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoGetDeputyPoints(call, *request, response); });
}

grpc::ServerUnaryReactor* DeputiesService::GetStationRanking(grpc::CallbackServerContext* ctx, const GetStationRankingRequest* request,
                                                StationRanking* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoGetStationRanking(call, *request, response); });
}

grpc::ServerUnaryReactor* DeputiesService::PublishStationRanking(grpc::CallbackServerContext* ctx,
                                                    const PublishStationRankingRequest* request,
                                                    StationRanking* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoPublishStationRanking(call, *request, response); });
}

grpc::ServerUnaryReactor* DeputiesService::RateStations(grpc::CallbackServerContext* ctx, const RateStationsRequest* request,
                                           RateStationsResponse* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoRateStations(call, *request, response); });
}

grpc::ServerUnaryReactor* DeputiesService::GetChecklistDefinition(grpc::CallbackServerContext* ctx,
                                                     const GetChecklistDefinitionRequest* request,
                                                     ChecklistDefinition* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoGetChecklistDefinition(call, *request, response); });
}

grpc::ServerUnaryReactor* DeputiesService::UpdateChecklistDefinition(grpc::CallbackServerContext* ctx,
                                                        const UpdateChecklistDefinitionRequest* request,
                                                        ChecklistDefinition* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoUpdateChecklistDefinition(call, *request, response); });
}

grpc::ServerUnaryReactor* DeputiesService::GetStationChecklist(grpc::CallbackServerContext* ctx, const GetStationChecklistRequest* request,
                                                  StationChecklist* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoGetStationChecklist(call, *request, response); });
}

grpc::ServerUnaryReactor* DeputiesService::UpdateStationChecklist(grpc::CallbackServerContext* ctx,
                                                     const UpdateStationChecklistRequest* request,
                                                     StationChecklist* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoUpdateStationChecklist(call, *request, response); });
}

grpc::ServerUnaryReactor* DeputiesService::CreateRotaEntry(grpc::CallbackServerContext* ctx, const CreateRotaEntryRequest* request,
                                              RotaEntry* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoCreateRotaEntry(call, *request, response); });
}

grpc::ServerUnaryReactor* DeputiesService::ListRotaEntries(grpc::CallbackServerContext* ctx, const ListRotaEntriesRequest* request,
                                              ListRotaEntriesResponse* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoListRotaEntries(call, *request, response); });
}

grpc::ServerUnaryReactor* DeputiesService::SetEvaluationResult(grpc::CallbackServerContext* ctx, const SetEvaluationResultRequest* request,
                                                  EvaluationResult* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoSetEvaluationResult(call, *request, response); });
}

grpc::ServerUnaryReactor* DeputiesService::GetShortlist(grpc::CallbackServerContext* ctx, const GetShortlistRequest* request,
                                           Shortlist* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoGetShortlist(call, *request, response); });
}

grpc::ServerUnaryReactor* DeputiesService::ProposeSupervisionGroup(grpc::CallbackServerContext* ctx,
                                                      const ProposeSupervisionGroupRequest* request,
                                                      ProposeSupervisionGroupResponse* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoProposeSupervisionGroup(call, *request, response); });
}

grpc::ServerUnaryReactor* DeputiesService::CreateSupervisionGroup(grpc::CallbackServerContext* ctx,
                                                     const CreateSupervisionGroupRequest* request,
                                                     SupervisionGroup* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoCreateSupervisionGroup(call, *request, response); });
}

grpc::ServerUnaryReactor* DeputiesService::GetSupervisionGroup(grpc::CallbackServerContext* ctx, const GetSupervisionGroupRequest* request,
                                                  SupervisionGroup* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoGetSupervisionGroup(call, *request, response); });
}

grpc::ServerUnaryReactor* DeputiesService::ListSupervisionGroups(grpc::CallbackServerContext* ctx,
                                                    const ListSupervisionGroupsRequest* request,
                                                    ListSupervisionGroupsResponse* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoListSupervisionGroups(call, *request, response); });
}

grpc::ServerUnaryReactor* DeputiesService::UpdateSupervisionGroup(grpc::CallbackServerContext* ctx,
                                                     const UpdateSupervisionGroupRequest* request,
                                                     SupervisionGroup* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoUpdateSupervisionGroup(call, *request, response); });
}

absl::Status DeputiesService::DoCreateDeputy(const Call& call,
                                             const CreateDeputyRequest& request, Deputy* response) {
  absl::StatusOr<Caller> caller = RequireOffice(authorizer_, call);
  if (!caller.ok()) {
    return caller.status();
  }
  Deputy deputy = request.deputy();
  PrepareNewDeputy(&deputy);
  if (absl::Status st = ValidateDeputy(deputy); !st.ok()) {
    return st;
  }
  return RunIdempotent(pool_, call, *caller, "deputies.CreateDeputy", request, response,
                       [&](pqxx::work& tx) -> absl::Status {
                         if (absl::Status st = CheckStationsExist(tx, deputy); !st.ok()) {
                           return st;
                         }
                         const int64_t id = InsertDeputy(tx, deputy, caller->account_id());
                         for (int64_t station : StationIds(deputy)) {
                           OpenMembership(tx, id, station);
                         }
                         const std::string name = ResourceName(kDeputies, id);
                         minyi::deputies::v1::DeputyCreated event;
                         event.set_deputy(name);
                         event.set_display_name(deputy.display_name());
                         *event.mutable_stations() = deputy.stations();
                         EmitEvent(tx, event, name, caller->account_id());
                         AppendAudit(tx, {.actor = caller->account_id(),
                                          .action = "CreateDeputy",
                                          .resource = name,
                                          .request_id = call.request_id,
                                          .detail = {{"stations", JsonList(deputy.stations())}}});
                         *response = *LoadDeputy(tx, id);
                         return absl::OkStatus();
                       });
}

absl::Status DeputiesService::DoGetDeputy(const Call& call, const GetDeputyRequest& request,
                                          Deputy* response) {
  // The suggestions service reads a deputy's stations to check where they may enter citizens' opinions.
  absl::StatusOr<Target> target = ResolveTarget(authorizer_.AuthenticateUserOrService(call, {"suggestions"}),
                                                ParseResourceId(request.name(), kDeputies, "name"));
  if (!target.ok()) {
    return target.status();
  }
  const auto& [caller, id] = *target;
  std::optional<Deputy> deputy;
  absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) {
    deputy = LoadDeputy(tx, id);
    return absl::OkStatus();
  });
  if (!st.ok()) {
    return st;
  }
  if (!deputy.has_value()) {
    return NotFoundError(ResourceName(kDeputies, id));
  }
  if (!MaySeePersonalData(caller, deputy->name())) {
    MaskPersonalData(&*deputy);
  }
  *response = *std::move(deputy);
  return absl::OkStatus();
}

absl::Status DeputiesService::DoListDeputies(const Call& call,
                                             const ListDeputiesRequest& request,
                                             ListDeputiesResponse* response) {
  // The notifications service lists a station's members to reach them.
  absl::StatusOr<Caller> caller = authorizer_.AuthenticateUserOrService(call, {"notifications"});
  if (!caller.ok()) {
    return caller.status();
  }
  absl::StatusOr<PageRequest> page =
      ReadPageRequest(request.page_size(), request.page_token(),
                      {"deputies", request.station(), absl::StrCat(request.status()), request.query()});
  if (!page.ok()) {
    return page.status();
  }
  // One row past the page tells whether another page follows.
  DeputyQuery query{.after_id = page->after_id, .limit = page->size + 1};
  if (!request.station().empty()) {
    absl::StatusOr<int64_t> station = ParseResourceId(request.station(), kStations, "station");
    if (!station.ok()) {
      return station.status();
    }
    query.station_id = *station;
  }
  if (request.status() != minyi::deputies::v1::DEPUTY_STATUS_UNSPECIFIED) {
    if (!minyi::deputies::v1::DeputyStatus_IsValid(request.status())) {
      return InvalidField("status", "is not a known status");
    }
    query.status = minyi::deputies::v1::DeputyStatus_Name(request.status());
  }
  if (absl::Status st = CheckText("query", request.query(), 0, kMaxFilterChars); !st.ok()) {
    return st;
  }
  query.text = request.query();
  std::vector<Deputy> deputies;
  absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) {
    deputies = SelectDeputies(tx, query);
    return absl::OkStatus();
  });
  if (!st.ok()) {
    return st;
  }
  response->set_next_page_token(TrimToPage(deputies, page->size, page->fingerprint, [](const Deputy& r) {
    return *ParseResourceId(r.name(), kDeputies, "name");
  }));
  for (Deputy& deputy : deputies) {
    MaskPersonalData(&deputy);
    *response->add_deputies() = std::move(deputy);
  }
  return absl::OkStatus();
}

absl::Status DeputiesService::DoUpdateDeputy(const Call& call,
                                             const UpdateDeputyRequest& request, Deputy* response) {
  absl::StatusOr<Caller> caller = RequireOffice(authorizer_, call);
  if (!caller.ok()) {
    return caller.status();
  }
  absl::StatusOr<int64_t> id = ParseResourceId(request.deputy().name(), kDeputies, "deputy.name");
  if (!id.ok()) {
    return id.status();
  }
  const std::string name = ResourceName(kDeputies, *id);
  return RunIdempotent(
      pool_, call, *caller, "deputies.UpdateDeputy", request, response, [&](pqxx::work& tx) -> absl::Status {
        std::optional<Deputy> current = LoadDeputy(tx, *id, /*for_update=*/true);
        if (!current.has_value()) {
          return NotFoundError(name);
        }
        Deputy updated = *current;
        absl::StatusOr<std::vector<std::string>> paths =
            ApplyFieldMask(request.deputy(), request.update_mask(), kDeputyUpdatableFields, &updated);
        if (!paths.ok()) {
          return paths.status();
        }
        NormalizeDeputy(&updated);
        if (absl::Status st = ValidateDeputy(updated); !st.ok()) {
          return st;
        }
        if (absl::Status st = CheckStationsExist(tx, updated); !st.ok()) {
          return st;
        }
        // A deputy who leaves leaves their stations too; the closed memberships remain as history.
        const bool left = HasLeft(current->status(), updated.status());
        if (left) {
          updated.clear_stations();
        }
        const MembershipChanges changes = DiffMemberships(CurrentStationIds(tx, *id), StationIds(updated));
        for (int64_t station : changes.close) {
          CloseMembership(tx, *id, station);
        }
        for (int64_t station : changes.open) {
          OpenMembership(tx, *id, station);
        }
        UpdateDeputyRow(tx, *id, updated, caller->account_id());
        minyi::deputies::v1::DeputyUpdated event;
        event.set_deputy(name);
        for (const std::string& path : *paths) {
          event.add_changed_fields(path);
        }
        event.set_status(updated.status());
        EmitEvent(tx, event, name, caller->account_id());
        if (left) {
          minyi::deputies::v1::DeputyLeft event_left;
          event_left.set_deputy(name);
          event_left.set_status(updated.status());
          *event_left.mutable_stations() = current->stations();
          event_left.set_term_end_date(updated.term_end_date());
          EmitEvent(tx, event_left, name, caller->account_id());
        }
        AppendAudit(tx, {.actor = caller->account_id(),
                         .action = "UpdateDeputy",
                         .resource = name,
                         .request_id = call.request_id,
                         .detail = {{"changed_fields", JsonList(event.changed_fields())}}});
        *response = *LoadDeputy(tx, *id);
        return absl::OkStatus();
      });
}

absl::Status DeputiesService::DoBatchGetDeputyStatuses(const Call& call,
                                                       const BatchGetDeputyStatusesRequest& request,
                                                       BatchGetDeputyStatusesResponse* response) {
  if (absl::Status st = authorizer_
                            .RequireUserOrService(call, {minyi::common::v1::ROLE_ADMIN, minyi::common::v1::ROLE_STAFF},
                                                  {"voting"})
                            .status();
      !st.ok()) {
    return st;
  }
  if (request.names_size() < 1 || request.names_size() > kMaxStatusNames) {
    return InvalidField("names", absl::StrCat("must name 1-", kMaxStatusNames, " deputies"));
  }
  std::vector<int64_t> ids;
  for (int i = 0; i < request.names_size(); ++i) {
    absl::StatusOr<int64_t> id = ParseResourceId(request.names(i), kDeputies, absl::StrCat("names[", i, "]"));
    if (!id.ok()) {
      return id.status();
    }
    ids.push_back(*id);
  }
  return pool_.Read([&](pqxx::transaction_base& tx) {
    for (const auto& [id, status] : SelectDeputyStatuses(tx, ids)) {
      auto* entry = response->add_deputies();
      entry->set_name(ResourceName(kDeputies, id));
      entry->set_status(status);
    }
    return absl::OkStatus();
  });
}

absl::Status DeputiesService::DoCreateStation(const Call& call,
                                              const CreateStationRequest& request, Station* response) {
  absl::StatusOr<Caller> caller = RequireOffice(authorizer_, call);
  if (!caller.ok()) {
    return caller.status();
  }
  Station station = request.station();
  PrepareNewStation(&station);
  if (absl::Status st = ValidateStation(station); !st.ok()) {
    return st;
  }
  return RunIdempotent(pool_, call, *caller, "deputies.CreateStation", request, response,
                       [&](pqxx::work& tx) -> absl::Status {
                         const int64_t id = InsertStation(tx, station, caller->account_id());
                         const std::string name = ResourceName(kStations, id);
                         minyi::deputies::v1::StationCreated event;
                         event.set_station(name);
                         event.set_display_name(station.display_name());
                         EmitEvent(tx, event, name, caller->account_id());
                         AppendAudit(tx, {.actor = caller->account_id(),
                                          .action = "CreateStation",
                                          .resource = name,
                                          .request_id = call.request_id});
                         *response = *LoadStation(tx, id);
                         return absl::OkStatus();
                       });
}

absl::Status DeputiesService::DoGetStation(const Call& call, const GetStationRequest& request,
                                           Station* response) {
  absl::StatusOr<Target> target =
      ResolveTarget(authorizer_.Authenticate(call), ParseResourceId(request.name(), kStations, "name"));
  if (!target.ok()) {
    return target.status();
  }
  const int64_t id = target->id;
  std::optional<Station> station;
  absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) {
    station = LoadStation(tx, id);
    return absl::OkStatus();
  });
  if (!st.ok()) {
    return st;
  }
  if (!station.has_value()) {
    return NotFoundError(ResourceName(kStations, id));
  }
  *response = *std::move(station);
  return absl::OkStatus();
}

absl::Status DeputiesService::DoListStations(const Call& call,
                                             const ListStationsRequest& request,
                                             ListStationsResponse* response) {
  absl::StatusOr<Caller> caller = authorizer_.Authenticate(call);
  if (!caller.ok()) {
    return caller.status();
  }
  absl::StatusOr<PageRequest> page = ReadPageRequest(request.page_size(), request.page_token(),
                                                     {"stations", absl::StrCat(request.kind()), request.region()});
  if (!page.ok()) {
    return page.status();
  }
  StationQuery query{.after_id = page->after_id, .limit = page->size + 1};
  if (request.kind() != minyi::deputies::v1::STATION_KIND_UNSPECIFIED) {
    if (!minyi::deputies::v1::StationKind_IsValid(request.kind())) {
      return InvalidField("kind", "is not a known station kind");
    }
    query.kind = minyi::deputies::v1::StationKind_Name(request.kind());
  }
  if (absl::Status st = CheckText("region", request.region(), 0, kMaxFilterChars); !st.ok()) {
    return st;
  }
  query.region = request.region();
  std::vector<Station> stations;
  absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) {
    stations = SelectStations(tx, query);
    return absl::OkStatus();
  });
  if (!st.ok()) {
    return st;
  }
  response->set_next_page_token(TrimToPage(stations, page->size, page->fingerprint, [](const Station& r) {
    return *ParseResourceId(r.name(), kStations, "name");
  }));
  for (Station& station : stations) {
    *response->add_stations() = std::move(station);
  }
  return absl::OkStatus();
}

absl::Status DeputiesService::DoUpdateStation(const Call& call,
                                              const UpdateStationRequest& request, Station* response) {
  absl::StatusOr<Caller> caller = RequireOffice(authorizer_, call);
  if (!caller.ok()) {
    return caller.status();
  }
  absl::StatusOr<int64_t> id = ParseResourceId(request.station().name(), kStations, "station.name");
  if (!id.ok()) {
    return id.status();
  }
  const std::string name = ResourceName(kStations, *id);
  return RunIdempotent(
      pool_, call, *caller, "deputies.UpdateStation", request, response, [&](pqxx::work& tx) -> absl::Status {
        std::optional<Station> current = LoadStation(tx, *id, /*for_update=*/true);
        if (!current.has_value()) {
          return NotFoundError(name);
        }
        Station updated = *current;
        absl::StatusOr<std::vector<std::string>> paths =
            ApplyFieldMask(request.station(), request.update_mask(), kStationUpdatableFields, &updated);
        if (!paths.ok()) {
          return paths.status();
        }
        if (absl::Status st = ValidateStation(updated); !st.ok()) {
          return st;
        }
        UpdateStationRow(tx, *id, updated, caller->account_id());
        minyi::deputies::v1::StationUpdated event;
        event.set_station(name);
        for (const std::string& path : *paths) {
          event.add_changed_fields(path);
        }
        EmitEvent(tx, event, name, caller->account_id());
        AppendAudit(tx, {.actor = caller->account_id(),
                         .action = "UpdateStation",
                         .resource = name,
                         .request_id = call.request_id,
                         .detail = {{"changed_fields", nlohmann::json(*paths)}}});
        *response = *LoadStation(tx, *id);
        return absl::OkStatus();
      });
}

absl::Status DeputiesService::DoCreateDutyRecord(const Call& call,
                                                 const CreateDutyRecordRequest& request, DutyRecord* response) {
  absl::StatusOr<Target> target =
      ResolveTarget(authorizer_.Authenticate(call), ParseResourceId(request.parent(), kDeputies, "parent"));
  if (!target.ok()) {
    return target.status();
  }
  const auto& [caller, deputy_id] = *target;
  const std::string parent = ResourceName(kDeputies, deputy_id);
  if (absl::Status st = RequireSelfOrOffice(caller, parent); !st.ok()) {
    return st;
  }
  DutyRecord content = request.duty();
  KeepDutyContent(&content);
  if (absl::Status st = ValidateDutyContent(content, ShanghaiDate(DomainNow()), "duty"); !st.ok()) {
    return st;
  }
  return RunIdempotent(pool_, call, caller, "deputies.CreateDutyRecord", request, response,
                       [&](pqxx::work& tx) -> absl::Status {
                         if (!DeputyExists(tx, deputy_id)) {
                           return NotFoundError(parent);
                         }
                         if (absl::Status st = CheckDutyStationExists(tx, content); !st.ok()) {
                           return st;
                         }
                         const int64_t id = *InsertDutyRecord(tx,
                                                              {.deputy_id = deputy_id,
                                                               .source = minyi::deputies::v1::DUTY_SOURCE_MANUAL,
                                                               .recorded_by = caller.account_id()},
                                                              content);
                         const std::string name = DutyName(deputy_id, id);
                         minyi::deputies::v1::DutyRecorded event;
                         event.set_duty(name);
                         event.set_category(content.category());
                         event.set_source(minyi::deputies::v1::DUTY_SOURCE_MANUAL);
                         EmitEvent(tx, event, name, caller.account_id());
                         AppendAudit(tx, {.actor = caller.account_id(),
                                          .action = "CreateDutyRecord",
                                          .resource = name,
                                          .request_id = call.request_id,
                                          .detail = {{"category", DutyCategory_Name(content.category())}}});
                         *response = *LoadDutyRecord(tx, id);
                         return absl::OkStatus();
                       });
}

absl::Status DeputiesService::DoGetDutyRecord(const Call& call, const GetDutyRecordRequest& request,
                                              DutyRecord* response) {
  absl::StatusOr<Caller> caller = authorizer_.Authenticate(call);
  if (!caller.ok()) {
    return caller.status();
  }
  absl::StatusOr<DutyKey> key = ParseDutyName(request.name(), "name");
  if (!key.ok()) {
    return key.status();
  }
  if (absl::Status st = RequireDutyFileReader(*caller, ResourceName(kDeputies, key->deputy_id)); !st.ok()) {
    return st;
  }
  if (request.revision() < 0) {
    return InvalidField("revision", "must not be negative (0 is the current revision)");
  }
  std::optional<DutyRecord> duty;
  absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) {
    duty = LoadDutyRecord(tx, key->id, request.revision());
    return absl::OkStatus();
  });
  if (!st.ok()) {
    return st;
  }
  const std::string name = DutyName(key->deputy_id, key->id);
  // A record named under another deputy does not exist under this name.
  if (!duty.has_value() || duty->name() != name) {
    return NotFoundError(request.revision() == 0 ? name : absl::StrCat(name, " revision ", request.revision()));
  }
  *response = *std::move(duty);
  return absl::OkStatus();
}

absl::Status DeputiesService::DoListDutyRecords(const Call& call,
                                                const ListDutyRecordsRequest& request,
                                                ListDutyRecordsResponse* response) {
  absl::StatusOr<Target> target =
      ResolveTarget(authorizer_.Authenticate(call), ParseResourceId(request.parent(), kDeputies, "parent"));
  if (!target.ok()) {
    return target.status();
  }
  const auto& [caller, deputy_id] = *target;
  const std::string parent = ResourceName(kDeputies, deputy_id);
  if (absl::Status st = RequireDutyFileReader(caller, parent); !st.ok()) {
    return st;
  }
  absl::StatusOr<PageRequest> page = ReadPageRequest(
      request.page_size(), request.page_token(),
      {"duties", request.parent(), absl::StrCat(request.category()), request.start_date(), request.end_date()});
  if (!page.ok()) {
    return page.status();
  }
  DutyQuery query{.deputy_id = deputy_id, .after_id = page->after_id, .limit = page->size + 1};
  if (request.category() != minyi::deputies::v1::DUTY_CATEGORY_UNSPECIFIED) {
    if (!minyi::deputies::v1::DutyCategory_IsValid(request.category())) {
      return InvalidField("category", "is not a known duty category");
    }
    query.category = DutyCategory_Name(request.category());
  }
  if (!request.start_date().empty() && !IsValidDate(request.start_date())) {
    return InvalidField("start_date", "must be a date as YYYY-MM-DD");
  }
  if (!request.end_date().empty() && !IsValidDate(request.end_date())) {
    return InvalidField("end_date", "must be a date as YYYY-MM-DD");
  }
  if (!request.start_date().empty() && !request.end_date().empty() && request.end_date() < request.start_date()) {
    return InvalidField("end_date", "must not be before start_date");
  }
  query.start_date = request.start_date();
  query.end_date = request.end_date();
  std::vector<DutyRecord> duties;
  absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    if (!DeputyExists(tx, deputy_id)) {
      return NotFoundError(parent);
    }
    duties = SelectDutyRecords(tx, query);
    return absl::OkStatus();
  });
  if (!st.ok()) {
    return st;
  }
  response->set_next_page_token(TrimToPage(duties, page->size, page->fingerprint,
                                           [](const DutyRecord& r) { return ParseDutyName(r.name(), "name")->id; }));
  for (DutyRecord& duty : duties) {
    *response->add_duties() = std::move(duty);
  }
  return absl::OkStatus();
}

absl::Status DeputiesService::DoCorrectDutyRecord(const Call& call,
                                                  const CorrectDutyRecordRequest& request, DutyRecord* response) {
  absl::StatusOr<Caller> caller = RequireOffice(authorizer_, call);
  if (!caller.ok()) {
    return caller.status();
  }
  absl::StatusOr<DutyKey> key = ParseDutyName(request.name(), "name");
  if (!key.ok()) {
    return key.status();
  }
  DutyRecord content = request.duty();
  KeepDutyContent(&content);
  if (absl::Status st = ValidateDutyContent(content, ShanghaiDate(DomainNow()), "duty"); !st.ok()) {
    return st;
  }
  if (absl::Status st = CheckText("reason", request.reason(), 1, kMaxReasonChars); !st.ok()) {
    return st;
  }
  const std::string name = DutyName(key->deputy_id, key->id);
  return RunIdempotent(
      pool_, call, *caller, "deputies.CorrectDutyRecord", request, response, [&](pqxx::work& tx) -> absl::Status {
        std::optional<DutyRecord> current = LoadDutyRecord(tx, key->id, 0, /*for_update=*/true);
        if (!current.has_value() || current->name() != name) {
          return NotFoundError(name);
        }
        if (absl::Status st = CheckDutyStationExists(tx, content); !st.ok()) {
          return st;
        }
        const int32_t revision = ReviseDutyRecord(tx, key->id, content, caller->account_id(), request.reason());
        minyi::deputies::v1::DutyRecordCorrected event;
        event.set_duty(name);
        event.set_revision(revision);
        EmitEvent(tx, event, name, caller->account_id());
        // The reason is free text and stays in the revision, not in the audit detail.
        AppendAudit(tx, {.actor = caller->account_id(),
                         .action = "CorrectDutyRecord",
                         .resource = name,
                         .request_id = call.request_id,
                         .detail = {{"revision", revision}}});
        *response = *LoadDutyRecord(tx, key->id);
        return absl::OkStatus();
      });
}

absl::Status DeputiesService::DoGetPointRules(const Call& call, const GetPointRulesRequest&,
                                              PointRules* response) {
  absl::StatusOr<Caller> caller = authorizer_.Authenticate(call);
  if (!caller.ok()) {
    return caller.status();
  }
  return pool_.Read([&](pqxx::transaction_base& tx) {
    *response = LoadPointRules(tx);
    return absl::OkStatus();
  });
}

absl::Status DeputiesService::DoUpdatePointRules(const Call& call,
                                                 const UpdatePointRulesRequest& request, PointRules* response) {
  absl::StatusOr<Caller> caller = RequireOffice(authorizer_, call);
  if (!caller.ok()) {
    return caller.status();
  }
  if (absl::Status st = CheckOnlyPath(request.update_mask(), "rules"); !st.ok()) {
    return st;
  }
  if (absl::Status st = ValidatePointRules(request.point_rules()); !st.ok()) {
    return st;
  }
  return RunIdempotent(pool_, call, *caller, "deputies.UpdatePointRules", request, response,
                       [&](pqxx::work& tx) -> absl::Status {
                         ReplacePointRules(tx, request.point_rules(), caller->account_id());
                         minyi::deputies::v1::PointRulesUpdated event;
                         event.set_rule_count(request.point_rules().rules_size());
                         EmitEvent(tx, event, std::string(kPointRulesName), caller->account_id());
                         AppendAudit(tx, {.actor = caller->account_id(),
                                          .action = "UpdatePointRules",
                                          .resource = std::string(kPointRulesName),
                                          .request_id = call.request_id,
                                          .detail = {{"rule_count", event.rule_count()}}});
                         *response = LoadPointRules(tx);
                         return absl::OkStatus();
                       });
}

absl::Status DeputiesService::DoGetDeputyPoints(const Call& call,
                                                const GetDeputyPointsRequest& request, DeputyPoints* response) {
  absl::StatusOr<Target> target =
      ResolveTarget(authorizer_.Authenticate(call), ParseChildOfResource(request.name(), kDeputies, "/points", "name"));
  if (!target.ok()) {
    return target.status();
  }
  const auto& [caller, deputy_id] = *target;
  const std::string deputy = ResourceName(kDeputies, deputy_id);
  if (absl::Status st = RequireDutyFileReader(caller, deputy); !st.ok()) {
    return st;
  }
  absl::StatusOr<Period> period = ParsePeriod(request.period());
  if (!period.ok()) {
    return period.status();
  }
  PointsTally tally;
  absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    if (!DeputyExists(tx, deputy_id)) {
      return NotFoundError(deputy);
    }
    const PointRuleTable rules = ToRuleTable(LoadPointRules(tx));
    tally =
        TallyPoints(SelectDutyFacts(tx, {deputy_id}, period->first_day, period->last_day)[deputy_id], rules, *period);
    return absl::OkStatus();
  });
  if (!st.ok()) {
    return st;
  }
  response->set_name(absl::StrCat(deputy, "/points"));
  response->set_period(period->label);
  response->set_total(tally.total);
  for (const auto& [category, counted] : tally.by_category) {
    minyi::deputies::v1::CategoryPoints* out = response->add_by_category();
    out->set_category(category);
    out->set_records(counted.records);
    out->set_points(counted.points);
  }
  for (const auto& [month, points] : tally.by_month) {
    minyi::deputies::v1::MonthPoints* out = response->add_by_month();
    out->set_month(month);
    out->set_points(points);
  }
  return absl::OkStatus();
}

absl::Status DeputiesService::DoGetStationRanking(const Call& call,
                                                  const GetStationRankingRequest& request,
                                                  StationRanking* response) {
  absl::StatusOr<Caller> caller = RequireOfficeLeaderOrDeputy(authorizer_, call);
  if (!caller.ok()) {
    return caller.status();
  }
  absl::StatusOr<int64_t> station_id = ParseChildOfResource(request.name(), kStations, "/ranking", "name");
  if (!station_id.ok()) {
    return station_id.status();
  }
  absl::StatusOr<Period> period = ParsePeriod(request.period());
  if (!period.ok()) {
    return period.status();
  }
  return pool_.Read([&](pqxx::transaction_base& tx) { return RankStation(tx, *station_id, *period, response); });
}

absl::Status DeputiesService::DoPublishStationRanking(const Call& call,
                                                      const PublishStationRankingRequest& request,
                                                      StationRanking* response) {
  absl::StatusOr<Caller> caller = RequireOffice(authorizer_, call);
  if (!caller.ok()) {
    return caller.status();
  }
  absl::StatusOr<int64_t> station_id = ParseChildOfResource(request.name(), kStations, "/ranking", "name");
  if (!station_id.ok()) {
    return station_id.status();
  }
  absl::StatusOr<Period> period = ParsePeriod(request.period());
  if (!period.ok()) {
    return period.status();
  }
  return RunIdempotent(pool_, call, *caller, "deputies.PublishStationRanking", request, response,
                       [&](pqxx::work& tx) -> absl::Status {
                         if (absl::Status st = RankStation(tx, *station_id, *period, response); !st.ok()) {
                           return st;
                         }
                         const std::string station = ResourceName(kStations, *station_id);
                         minyi::deputies::v1::StationRankingPublished event;
                         event.set_station(station);
                         event.set_period(response->period());
                         *event.mutable_entries() = response->entries();
                         EmitEvent(tx, event, response->name(), caller->account_id());
                         AppendAudit(tx, {.actor = caller->account_id(),
                                          .action = "PublishStationRanking",
                                          .resource = response->name(),
                                          .request_id = call.request_id,
                                          .detail = {{"period", response->period()}}});
                         return absl::OkStatus();
                       });
}

absl::Status DeputiesService::DoRateStations(const Call& call, const RateStationsRequest& request,
                                             RateStationsResponse* response) {
  absl::StatusOr<Caller> caller = RequireOffice(authorizer_, call);
  if (!caller.ok()) {
    return caller.status();
  }
  if (absl::Status st = CheckText("region", request.region(), 1, kMaxFilterChars); !st.ok()) {
    return st;
  }
  absl::StatusOr<Period> period = ParsePeriod(request.period());
  if (!period.ok()) {
    return period.status();
  }
  const minyi::deputies::v1::StarQuotas quotas = EffectiveQuotas(request);
  if (absl::Status st = ValidateQuotas(quotas); !st.ok()) {
    return st;
  }
  std::vector<StationActivity> activity;
  absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) {
    activity = SelectStationActivity(tx, request.region(), period->first_day, period->last_day);
    return absl::OkStatus();
  });
  if (!st.ok()) {
    return st;
  }
  std::map<int64_t, const StationActivity*> by_id;
  std::vector<StationScore> scores;
  for (const StationActivity& a : activity) {
    by_id[a.station_id] = &a;
    scores.push_back({.station_id = a.station_id, .score = ActivityScore(a.duty_records, a.checklist_items_met)});
  }
  response->set_region(request.region());
  response->set_period(period->label);
  *response->mutable_quotas() = quotas;
  for (const StarResult& result : AssignStars(std::move(scores), quotas)) {
    const StationActivity& a = *by_id.at(result.station_id);
    minyi::deputies::v1::StationRating* rating = response->add_ratings();
    rating->set_station(ResourceName(kStations, a.station_id));
    rating->set_display_name(a.display_name);
    rating->set_members(a.members);
    rating->set_duty_records(a.duty_records);
    rating->set_checklist_items_met(a.checklist_items_met);
    rating->set_activity_score(result.score);
    rating->set_rank(result.rank);
    rating->set_stars(result.stars);
  }
  return absl::OkStatus();
}

absl::Status DeputiesService::DoGetChecklistDefinition(const Call& call,
                                                       const GetChecklistDefinitionRequest&,
                                                       ChecklistDefinition* response) {
  absl::StatusOr<Caller> caller = authorizer_.Authenticate(call);
  if (!caller.ok()) {
    return caller.status();
  }
  return pool_.Read([&](pqxx::transaction_base& tx) {
    *response = LoadChecklistDefinition(tx);
    return absl::OkStatus();
  });
}

absl::Status DeputiesService::DoUpdateChecklistDefinition(const Call& call,
                                                          const UpdateChecklistDefinitionRequest& request,
                                                          ChecklistDefinition* response) {
  absl::StatusOr<Caller> caller = RequireOffice(authorizer_, call);
  if (!caller.ok()) {
    return caller.status();
  }
  if (absl::Status st = CheckOnlyPath(request.update_mask(), "items"); !st.ok()) {
    return st;
  }
  if (absl::Status st = ValidateChecklistDefinition(request.checklist_definition()); !st.ok()) {
    return st;
  }
  const std::string name(kChecklistDefinitionName);
  return RunIdempotent(pool_, call, *caller, "deputies.UpdateChecklistDefinition", request, response,
                       [&](pqxx::work& tx) -> absl::Status {
                         ReplaceChecklistDefinition(tx, request.checklist_definition(), caller->account_id());
                         minyi::deputies::v1::ChecklistDefinitionUpdated event;
                         *event.mutable_items() = request.checklist_definition().items();
                         EmitEvent(tx, event, name, caller->account_id());
                         AppendAudit(tx, {.actor = caller->account_id(),
                                          .action = "UpdateChecklistDefinition",
                                          .resource = name,
                                          .request_id = call.request_id,
                                          .detail = {{"items", JsonList(event.items())}}});
                         *response = LoadChecklistDefinition(tx);
                         return absl::OkStatus();
                       });
}

absl::Status DeputiesService::DoGetStationChecklist(const Call& call,
                                                    const GetStationChecklistRequest& request,
                                                    StationChecklist* response) {
  absl::StatusOr<Target> target = ResolveTarget(
      authorizer_.Authenticate(call), ParseChildOfResource(request.name(), kStations, kChecklistSuffix, "name"));
  if (!target.ok()) {
    return target.status();
  }
  const int64_t station_id = target->id;
  const std::string station = ResourceName(kStations, station_id);
  return pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    if (!StationExists(tx, station_id)) {
      return NotFoundError(station);
    }
    const ChecklistDefinition definition = LoadChecklistDefinition(tx);
    *response = ComposeChecklist(absl::StrCat(station, kChecklistSuffix),
                                 {definition.items().begin(), definition.items().end()},
                                 LoadChecklistAssessments(tx, station_id));
    return absl::OkStatus();
  });
}

absl::Status DeputiesService::DoUpdateStationChecklist(const Call& call,
                                                       const UpdateStationChecklistRequest& request,
                                                       StationChecklist* response) {
  absl::StatusOr<Caller> caller = RequireOffice(authorizer_, call);
  if (!caller.ok()) {
    return caller.status();
  }
  absl::StatusOr<int64_t> station_id =
      ParseChildOfResource(request.checklist().name(), kStations, kChecklistSuffix, "checklist.name");
  if (!station_id.ok()) {
    return station_id.status();
  }
  if (absl::Status st = CheckOnlyPath(request.update_mask(), "items"); !st.ok()) {
    return st;
  }
  const std::string station = ResourceName(kStations, *station_id);
  const std::string name = absl::StrCat(station, kChecklistSuffix);
  return RunIdempotent(
      pool_, call, *caller, "deputies.UpdateStationChecklist", request, response, [&](pqxx::work& tx) -> absl::Status {
        if (!LoadStation(tx, *station_id, /*for_update=*/true).has_value()) {
          return NotFoundError(station);
        }
        // Checked against the definition inside the transaction, so a concurrent replacement cannot slip
        // an undefined item in.
        const ChecklistDefinition definition = LoadChecklistDefinition(tx);
        const std::vector<std::string> defined(definition.items().begin(), definition.items().end());
        if (absl::Status st = ValidateChecklistAssessment(request.checklist(), defined); !st.ok()) {
          return st;
        }
        minyi::deputies::v1::StationChecklistUpdated event;
        event.set_station(station);
        for (const minyi::deputies::v1::ChecklistItem& item : request.checklist().items()) {
          UpsertChecklistAssessment(tx, *station_id, item, caller->account_id());
          event.add_items(item.item());
        }
        *response = ComposeChecklist(name, defined, LoadChecklistAssessments(tx, *station_id));
        event.set_items_met(response->items_met());
        EmitEvent(tx, event, name, caller->account_id());
        AppendAudit(tx, {.actor = caller->account_id(),
                         .action = "UpdateStationChecklist",
                         .resource = name,
                         .request_id = call.request_id,
                         .detail = {{"items", JsonList(event.items())}, {"items_met", event.items_met()}}});
        return absl::OkStatus();
      });
}

absl::Status DeputiesService::DoCreateRotaEntry(const Call& call, const CreateRotaEntryRequest& request,
                                                RotaEntry* response) {
  absl::StatusOr<Caller> caller = RequireOffice(authorizer_, call);
  if (!caller.ok()) {
    return caller.status();
  }
  absl::StatusOr<int64_t> station_id = ParseResourceId(request.parent(), kStations, "parent");
  if (!station_id.ok()) {
    return station_id.status();
  }
  RotaEntry content = request.rota_entry();
  KeepRotaContent(&content);
  if (absl::Status st = ValidateRotaEntry(content); !st.ok()) {
    return st;
  }
  const int64_t deputy_id = *ParseResourceId(content.deputy(), kDeputies, "rota_entry.deputy");
  const std::string station = ResourceName(kStations, *station_id);
  return RunIdempotent(
      pool_, call, *caller, "deputies.CreateRotaEntry", request, response, [&](pqxx::work& tx) -> absl::Status {
        if (!StationExists(tx, *station_id)) {
          return NotFoundError(station);
        }
        // Locking the deputy serialises this check with a concurrent change of their stations.
        std::optional<Deputy> deputy = LoadDeputy(tx, deputy_id, /*for_update=*/true);
        if (!deputy.has_value()) {
          return InvalidField("rota_entry.deputy", absl::StrCat(content.deputy(), " does not exist"));
        }
        if (deputy->status() != minyi::deputies::v1::DEPUTY_STATUS_SERVING) {
          return InvalidField("rota_entry.deputy", absl::StrCat(content.deputy(), " is not serving"));
        }
        const auto& stations = deputy->stations();
        if (std::find(stations.begin(), stations.end(), station) == stations.end()) {
          return InvalidField("rota_entry.deputy",
                              absl::StrCat(content.deputy(), " is not a current member of ", station));
        }
        const std::optional<int64_t> id = InsertRotaEntry(tx, *station_id, deputy_id, content, caller->account_id());
        if (!id.has_value()) {
          return AlreadyExists("ROTA_ENTRY_EXISTS", absl::StrCat(content.deputy(), " is on the rota of ", station,
                                                                 " on ", content.date(), " already"));
        }
        const std::string name = RotaEntryName(*station_id, *id);
        minyi::deputies::v1::RotaEntryCreated event;
        event.set_rota_entry(name);
        event.set_deputy(content.deputy());
        event.set_date(content.date());
        EmitEvent(tx, event, name, caller->account_id());
        AppendAudit(tx, {.actor = caller->account_id(),
                         .action = "CreateRotaEntry",
                         .resource = name,
                         .request_id = call.request_id,
                         .detail = {{"deputy", content.deputy()}, {"date", content.date()}}});
        *response = *LoadRotaEntry(tx, *id);
        return absl::OkStatus();
      });
}

absl::Status DeputiesService::DoListRotaEntries(const Call& call, const ListRotaEntriesRequest& request,
                                                ListRotaEntriesResponse* response) {
  // The suggestions service reads who is on duty at a station today.
  absl::StatusOr<Target> target = ResolveTarget(authorizer_.AuthenticateUserOrService(call, {"suggestions"}),
                                                ParseResourceId(request.parent(), kStations, "parent"));
  if (!target.ok()) {
    return target.status();
  }
  const int64_t station_id = target->id;
  if (absl::Status st = ValidateRotaRange(request.start_date(), request.end_date()); !st.ok()) {
    return st;
  }
  return pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    if (!StationExists(tx, station_id)) {
      return NotFoundError(ResourceName(kStations, station_id));
    }
    for (RotaEntry& entry : SelectRotaEntries(tx, station_id, request.start_date(), request.end_date())) {
      *response->add_rota_entries() = std::move(entry);
    }
    return absl::OkStatus();
  });
}

absl::Status DeputiesService::DoSetEvaluationResult(const Call& call,
                                                    const SetEvaluationResultRequest& request,
                                                    EvaluationResult* response) {
  absl::StatusOr<Caller> caller = RequireOffice(authorizer_, call);
  if (!caller.ok()) {
    return caller.status();
  }
  absl::StatusOr<EvaluationKey> key =
      ParseEvaluationResultName(request.evaluation_result().name(), "evaluation_result.name");
  if (!key.ok()) {
    return key.status();
  }
  const int32_t score = request.evaluation_result().score();
  if (score < 0 || score > kMaxEvaluationScore) {
    return InvalidField("evaluation_result.score", absl::StrCat("must be between 0 and ", kMaxEvaluationScore));
  }
  const std::string name = EvaluationResultName(key->deputy_id, key->year);
  return RunIdempotent(pool_, call, *caller, "deputies.SetEvaluationResult", request, response,
                       [&](pqxx::work& tx) -> absl::Status {
                         if (!DeputyExists(tx, key->deputy_id)) {
                           return NotFoundError(ResourceName(kDeputies, key->deputy_id));
                         }
                         UpsertEvaluationResult(tx, key->deputy_id, key->year, score, caller->account_id());
                         minyi::deputies::v1::EvaluationResultRecorded event;
                         event.set_evaluation_result(name);
                         EmitEvent(tx, event, name, caller->account_id());
                         AppendAudit(tx, {.actor = caller->account_id(),
                                          .action = "SetEvaluationResult",
                                          .resource = name,
                                          .request_id = call.request_id,
                                          .detail = {{"score", score}}});
                         *response = *LoadEvaluationResult(tx, key->deputy_id, key->year);
                         return absl::OkStatus();
                       });
}

absl::Status DeputiesService::DoGetShortlist(const Call& call, const GetShortlistRequest& request,
                                             Shortlist* response) {
  absl::StatusOr<Caller> caller = RequireOfficeOrLeader(authorizer_, call);
  if (!caller.ok()) {
    return caller.status();
  }
  absl::StatusOr<Period> year = ParsePeriod(absl::StrCat(request.year()), "year");
  if (!year.ok()) {
    return InvalidField("year", "must be a year such as 2026");
  }
  if (request.size() < 0 || request.size() > kMaxShortlistSize) {
    return InvalidField("size", absl::StrCat("must be between 1 and ", kMaxShortlistSize, " (0: ",
                                             kDefaultShortlistSize, ")"));
  }
  const int size = request.size() == 0 ? kDefaultShortlistSize : request.size();
  std::vector<Member> serving;
  std::vector<ShortlistCandidate> candidates;
  absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    serving = SelectServingDeputies(tx);
    std::vector<int64_t> ids;
    for (const Member& m : serving) {
      ids.push_back(m.deputy_id);
    }
    const PointRuleTable rules = ToRuleTable(LoadPointRules(tx));
    std::map<int64_t, std::vector<DutyFact>> facts = SelectDutyFacts(tx, ids, year->first_day, year->last_day);
    const std::map<int64_t, int32_t> scores = SelectEvaluationScores(tx, request.year());
    for (int64_t id : ids) {
      const PointsTally tally = TallyPoints(facts[id], rules, *year);
      int64_t records = 0;
      for (const auto& [category, counted] : tally.by_category) {
        records += counted.records;
      }
      const auto score = scores.find(id);
      candidates.push_back({.deputy_id = id,
                            .points = tally.total,
                            .duty_records = records,
                            .evaluation_score = score == scores.end() ? std::nullopt
                                                                      : std::optional<int32_t>(score->second)});
    }
    return absl::OkStatus();
  });
  if (!st.ok()) {
    return st;
  }
  std::map<int64_t, std::string> names;
  for (const Member& m : serving) {
    names[m.deputy_id] = m.display_name;
  }
  const ShortlistResult result = MakeShortlist(std::move(candidates), size);
  response->set_year(request.year());
  response->set_evaluation_weight(kEvaluationWeight);
  response->set_tied_beyond_cut(result.tied_beyond_cut);
  for (const ShortlistPlace& place : result.places) {
    minyi::deputies::v1::ShortlistEntry* entry = response->add_entries();
    entry->set_deputy(ResourceName(kDeputies, place.candidate.deputy_id));
    entry->set_display_name(names[place.candidate.deputy_id]);
    entry->set_points(place.candidate.points);
    entry->set_duty_records(place.candidate.duty_records);
    entry->set_evaluated(place.candidate.evaluation_score.has_value());
    entry->set_evaluation_score(place.candidate.evaluation_score.value_or(0));
    entry->set_final_score(place.final_score);
    entry->set_rank(place.rank);
    entry->set_tie_break(place.tie_break);
  }
  return absl::OkStatus();
}

absl::Status DeputiesService::DoProposeSupervisionGroup(const Call& call,
                                                        const ProposeSupervisionGroupRequest& request,
                                                        ProposeSupervisionGroupResponse* response) {
  absl::StatusOr<Caller> caller = RequireOfficeOrLeader(authorizer_, call);
  if (!caller.ok()) {
    return caller.status();
  }
  std::vector<DeputyProfile> serving;
  absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) {
    serving = SelectServingProfiles(tx);
    return absl::OkStatus();
  });
  if (!st.ok()) {
    return st;
  }
  absl::StatusOr<std::vector<minyi::deputies::v1::SupervisionCandidate>> candidates =
      ProposeCandidates(request.target(), serving, request.size());
  if (!candidates.ok()) {
    return candidates.status();
  }
  *response->mutable_target() = request.target();
  for (minyi::deputies::v1::SupervisionCandidate& candidate : *candidates) {
    *response->add_candidates() = std::move(candidate);
  }
  return absl::OkStatus();
}

absl::Status DeputiesService::DoCreateSupervisionGroup(const Call& call,
                                                       const CreateSupervisionGroupRequest& request,
                                                       SupervisionGroup* response) {
  absl::StatusOr<Caller> caller = RequireOffice(authorizer_, call);
  if (!caller.ok()) {
    return caller.status();
  }
  SupervisionGroup group = request.supervision_group();
  PrepareNewSupervisionGroup(&group);
  if (absl::Status st = ValidateSupervisionTarget(group.target(), "supervision_group.target"); !st.ok()) {
    return st;
  }
  if (absl::Status st = ValidateSupervisionGroup(group); !st.ok()) {
    return st;
  }
  return RunIdempotent(pool_, call, *caller, "deputies.CreateSupervisionGroup", request, response,
                       [&](pqxx::work& tx) -> absl::Status {
                         if (absl::Status st = CheckMembersServing(tx, group); !st.ok()) {
                           return st;
                         }
                         const int64_t id = InsertSupervisionGroup(tx, group, caller->account_id());
                         const std::string name = ResourceName(kSupervisionGroups, id);
                         minyi::deputies::v1::SupervisionGroupCreated event;
                         event.set_supervision_group(name);
                         *event.mutable_target() = group.target();
                         *event.mutable_members() = group.members();
                         EmitEvent(tx, event, name, caller->account_id());
                         AppendAudit(tx, {.actor = caller->account_id(),
                                          .action = "CreateSupervisionGroup",
                                          .resource = name,
                                          .request_id = call.request_id,
                                          .detail = {{"target", AuditTarget(group.target())},
                                                     {"members", JsonList(group.members())}}});
                         *response = *LoadSupervisionGroup(tx, id);
                         return absl::OkStatus();
                       });
}

absl::Status DeputiesService::DoGetSupervisionGroup(const Call& call,
                                                    const GetSupervisionGroupRequest& request,
                                                    SupervisionGroup* response) {
  // The voting service reads a group's members when one is attached to a livelihood project.
  absl::StatusOr<Caller> caller = authorizer_.RequireUserOrService(
      call, {minyi::common::v1::ROLE_ADMIN, minyi::common::v1::ROLE_STAFF, minyi::common::v1::ROLE_LEADER,
            minyi::common::v1::ROLE_DEPUTY},
      {"voting"});
  if (!caller.ok()) {
    return caller.status();
  }
  absl::StatusOr<int64_t> id = ParseResourceId(request.name(), kSupervisionGroups, "name");
  if (!id.ok()) {
    return id.status();
  }
  return pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    std::optional<SupervisionGroup> group = LoadSupervisionGroup(tx, *id);
    if (!group.has_value()) {
      return NotFoundError(ResourceName(kSupervisionGroups, *id));
    }
    *response = *std::move(group);
    return absl::OkStatus();
  });
}

absl::Status DeputiesService::DoListSupervisionGroups(const Call& call,
                                                      const ListSupervisionGroupsRequest& request,
                                                      ListSupervisionGroupsResponse* response) {
  absl::StatusOr<Caller> caller = RequireOfficeLeaderOrDeputy(authorizer_, call);
  if (!caller.ok()) {
    return caller.status();
  }
  absl::StatusOr<PageRequest> page =
      ReadPageRequest(request.page_size(), request.page_token(),
                      {"supervisionGroups", absl::StrCat(request.target_kind()), request.member()});
  if (!page.ok()) {
    return page.status();
  }
  // One row past the page tells whether another page follows.
  SupervisionGroupQuery query{.after_id = page->after_id, .limit = page->size + 1};
  if (request.target_kind() != minyi::deputies::v1::SUPERVISION_TARGET_KIND_UNSPECIFIED) {
    if (!minyi::deputies::v1::SupervisionTargetKind_IsValid(request.target_kind())) {
      return InvalidField("target_kind", "is not a known target kind");
    }
    query.target_kind = minyi::deputies::v1::SupervisionTargetKind_Name(request.target_kind());
  }
  if (!request.member().empty()) {
    absl::StatusOr<int64_t> member = ParseResourceId(request.member(), kDeputies, "member");
    if (!member.ok()) {
      return member.status();
    }
    query.member_id = *member;
  }
  std::vector<SupervisionGroup> groups;
  absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) {
    groups = SelectSupervisionGroups(tx, query);
    return absl::OkStatus();
  });
  if (!st.ok()) {
    return st;
  }
  response->set_next_page_token(TrimToPage(groups, page->size, page->fingerprint, [](const SupervisionGroup& r) {
    return *ParseResourceId(r.name(), kSupervisionGroups, "name");
  }));
  for (SupervisionGroup& group : groups) {
    *response->add_supervision_groups() = std::move(group);
  }
  return absl::OkStatus();
}

absl::Status DeputiesService::DoUpdateSupervisionGroup(const Call& call,
                                                       const UpdateSupervisionGroupRequest& request,
                                                       SupervisionGroup* response) {
  absl::StatusOr<Caller> caller = RequireOffice(authorizer_, call);
  if (!caller.ok()) {
    return caller.status();
  }
  absl::StatusOr<int64_t> id =
      ParseResourceId(request.supervision_group().name(), kSupervisionGroups, "supervision_group.name");
  if (!id.ok()) {
    return id.status();
  }
  const std::string name = ResourceName(kSupervisionGroups, *id);
  return RunIdempotent(
      pool_, call, *caller, "deputies.UpdateSupervisionGroup", request, response, [&](pqxx::work& tx) -> absl::Status {
        std::optional<SupervisionGroup> current = LoadSupervisionGroup(tx, *id, /*for_update=*/true);
        if (!current.has_value()) {
          return NotFoundError(name);
        }
        SupervisionGroup updated = *current;
        absl::StatusOr<std::vector<std::string>> paths = ApplyFieldMask(
            request.supervision_group(), request.update_mask(), kSupervisionGroupUpdatableFields, &updated);
        if (!paths.ok()) {
          return paths.status();
        }
        if (absl::Status st = ValidateSupervisionGroup(updated); !st.ok()) {
          return st;
        }
        if (absl::Status st = CheckMembersServing(tx, updated); !st.ok()) {
          return st;
        }
        UpdateSupervisionGroupRow(tx, *id, updated, caller->account_id());
        minyi::deputies::v1::SupervisionGroupUpdated event;
        event.set_supervision_group(name);
        for (const std::string& path : *paths) {
          event.add_changed_fields(path);
        }
        *event.mutable_target() = updated.target();
        *event.mutable_members() = updated.members();
        EmitEvent(tx, event, name, caller->account_id());
        AppendAudit(tx, {.actor = caller->account_id(),
                         .action = "UpdateSupervisionGroup",
                         .resource = name,
                         .request_id = call.request_id,
                         .detail = {{"changed_fields", nlohmann::json(*paths)},
                                    {"members", JsonList(updated.members())}}});
        *response = *LoadSupervisionGroup(tx, *id);
        return absl::OkStatus();
      });
}

}  // namespace minyi::deputies

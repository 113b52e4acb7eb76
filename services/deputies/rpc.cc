#include "deputies/rpc.h"

#include "minyi/deputies/v1/deputies.grpc.pb.h"

namespace minyi::deputies {

std::unique_ptr<RpcService> DeputiesRpc(DeputyRegistry& registry, Stations& stations, DutyFile& duty_file,
                                        SupervisionGroups& supervision_groups, DeadEvents& dead_events) {
  auto rpc = std::make_unique<RpcService>(v1::Deputies::service_full_name());
  (*rpc)
      .Bind("CreateDeputy", registry, &DeputyRegistry::Create)
      .Bind("GetDeputy", registry, &DeputyRegistry::Get)
      .Bind("ListDeputies", registry, &DeputyRegistry::List)
      .Bind("UpdateDeputy", registry, &DeputyRegistry::Update)
      .Bind("BatchGetDeputyStatuses", registry, &DeputyRegistry::BatchGetStatuses)
      .Bind("CreateStation", stations, &Stations::Create)
      .Bind("GetStation", stations, &Stations::Get)
      .Bind("ListStations", stations, &Stations::List)
      .Bind("UpdateStation", stations, &Stations::Update)
      .Bind("CreateDutyRecord", duty_file, &DutyFile::CreateRecord)
      .Bind("GetDutyRecord", duty_file, &DutyFile::GetRecord)
      .Bind("ListDutyRecords", duty_file, &DutyFile::ListRecords)
      .Bind("CorrectDutyRecord", duty_file, &DutyFile::CorrectRecord)
      .Bind("GetPointRules", duty_file, &DutyFile::GetPointRules)
      .Bind("UpdatePointRules", duty_file, &DutyFile::UpdatePointRules)
      .Bind("GetDeputyPoints", duty_file, &DutyFile::GetPoints)
      .Bind("GetStationRanking", duty_file, &DutyFile::GetStationRanking)
      .Bind("PublishStationRanking", duty_file, &DutyFile::PublishStationRanking)
      .Bind("RateStations", stations, &Stations::Rate)
      .Bind("GetChecklistDefinition", stations, &Stations::GetChecklistDefinition)
      .Bind("UpdateChecklistDefinition", stations, &Stations::UpdateChecklistDefinition)
      .Bind("GetStationChecklist", stations, &Stations::GetChecklist)
      .Bind("UpdateStationChecklist", stations, &Stations::UpdateChecklist)
      .Bind("CreateRotaEntry", stations, &Stations::CreateRotaEntry)
      .Bind("ListRotaEntries", stations, &Stations::ListRotaEntries)
      .Bind("SetEvaluationResult", duty_file, &DutyFile::SetEvaluationResult)
      .Bind("GetShortlist", duty_file, &DutyFile::GetShortlist)
      .Bind("ProposeSupervisionGroup", supervision_groups, &SupervisionGroups::Propose)
      .Bind("CreateSupervisionGroup", supervision_groups, &SupervisionGroups::Create)
      .Bind("GetSupervisionGroup", supervision_groups, &SupervisionGroups::Get)
      .Bind("ListSupervisionGroups", supervision_groups, &SupervisionGroups::List)
      .Bind("UpdateSupervisionGroup", supervision_groups, &SupervisionGroups::Update)
      .Bind("ListDeadEvents", dead_events, &DeadEvents::List)
      .Bind("ReplayDeadEvent", dead_events, &DeadEvents::Replay);
  return rpc;
}

std::unique_ptr<RpcService> PublicDeputiesRpc(PublicDirectory& directory) {
  auto rpc = std::make_unique<RpcService>(v1::PublicDeputies::service_full_name());
  (*rpc)
      .Bind("ListPublicStations", directory, &PublicDirectory::ListStations)
      .Bind("GetPublicStation", directory, &PublicDirectory::GetStation)
      .Bind("ListPublicDeputies", directory, &PublicDirectory::ListDeputies)
      .Bind("GetPublicDeputy", directory, &PublicDirectory::GetDeputy);
  return rpc;
}

}  // namespace minyi::deputies

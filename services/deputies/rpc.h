#pragma once

#include "deputies/deputy_registry.h"
#include "deputies/duty_file.h"
#include "deputies/stations.h"
#include "deputies/supervision_groups.h"
#include "minyi/deputies/v1/deputies.grpc.pb.h"

namespace minyi::deputies {

// The gRPC face of deputies: each method hands its call to the handler that owns it (rpc.h's Serve).
class DeputiesRpc final : public v1::Deputies::CallbackService {
 public:
  DeputiesRpc(DeputyRegistry& registry, Stations& stations, DutyFile& duty_file, SupervisionGroups& supervision_groups)
      : registry_(registry), stations_(stations), duty_file_(duty_file), supervision_groups_(supervision_groups) {}

  grpc::ServerUnaryReactor* CreateDeputy(grpc::CallbackServerContext* ctx, const v1::CreateDeputyRequest* request,
                                         v1::Deputy* response) override;
  grpc::ServerUnaryReactor* GetDeputy(grpc::CallbackServerContext* ctx, const v1::GetDeputyRequest* request,
                                      v1::Deputy* response) override;
  grpc::ServerUnaryReactor* ListDeputies(grpc::CallbackServerContext* ctx, const v1::ListDeputiesRequest* request,
                                         v1::ListDeputiesResponse* response) override;
  grpc::ServerUnaryReactor* UpdateDeputy(grpc::CallbackServerContext* ctx, const v1::UpdateDeputyRequest* request,
                                         v1::Deputy* response) override;
  grpc::ServerUnaryReactor* BatchGetDeputyStatuses(grpc::CallbackServerContext* ctx,
                                                   const v1::BatchGetDeputyStatusesRequest* request,
                                                   v1::BatchGetDeputyStatusesResponse* response) override;
  grpc::ServerUnaryReactor* CreateStation(grpc::CallbackServerContext* ctx, const v1::CreateStationRequest* request,
                                          v1::Station* response) override;
  grpc::ServerUnaryReactor* GetStation(grpc::CallbackServerContext* ctx, const v1::GetStationRequest* request,
                                       v1::Station* response) override;
  grpc::ServerUnaryReactor* ListStations(grpc::CallbackServerContext* ctx, const v1::ListStationsRequest* request,
                                         v1::ListStationsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateStation(grpc::CallbackServerContext* ctx, const v1::UpdateStationRequest* request,
                                          v1::Station* response) override;
  grpc::ServerUnaryReactor* CreateDutyRecord(grpc::CallbackServerContext* ctx,
                                             const v1::CreateDutyRecordRequest* request,
                                             v1::DutyRecord* response) override;
  grpc::ServerUnaryReactor* GetDutyRecord(grpc::CallbackServerContext* ctx, const v1::GetDutyRecordRequest* request,
                                          v1::DutyRecord* response) override;
  grpc::ServerUnaryReactor* ListDutyRecords(grpc::CallbackServerContext* ctx,
                                            const v1::ListDutyRecordsRequest* request,
                                            v1::ListDutyRecordsResponse* response) override;
  grpc::ServerUnaryReactor* CorrectDutyRecord(grpc::CallbackServerContext* ctx,
                                              const v1::CorrectDutyRecordRequest* request,
                                              v1::DutyRecord* response) override;
  grpc::ServerUnaryReactor* GetPointRules(grpc::CallbackServerContext* ctx, const v1::GetPointRulesRequest* request,
                                          v1::PointRules* response) override;
  grpc::ServerUnaryReactor* UpdatePointRules(grpc::CallbackServerContext* ctx,
                                             const v1::UpdatePointRulesRequest* request,
                                             v1::PointRules* response) override;
  grpc::ServerUnaryReactor* GetDeputyPoints(grpc::CallbackServerContext* ctx,
                                            const v1::GetDeputyPointsRequest* request,
                                            v1::DeputyPoints* response) override;
  grpc::ServerUnaryReactor* GetStationRanking(grpc::CallbackServerContext* ctx,
                                              const v1::GetStationRankingRequest* request,
                                              v1::StationRanking* response) override;
  grpc::ServerUnaryReactor* PublishStationRanking(grpc::CallbackServerContext* ctx,
                                                  const v1::PublishStationRankingRequest* request,
                                                  v1::StationRanking* response) override;
  grpc::ServerUnaryReactor* RateStations(grpc::CallbackServerContext* ctx, const v1::RateStationsRequest* request,
                                         v1::RateStationsResponse* response) override;
  grpc::ServerUnaryReactor* GetChecklistDefinition(grpc::CallbackServerContext* ctx,
                                                   const v1::GetChecklistDefinitionRequest* request,
                                                   v1::ChecklistDefinition* response) override;
  grpc::ServerUnaryReactor* UpdateChecklistDefinition(grpc::CallbackServerContext* ctx,
                                                      const v1::UpdateChecklistDefinitionRequest* request,
                                                      v1::ChecklistDefinition* response) override;
  grpc::ServerUnaryReactor* GetStationChecklist(grpc::CallbackServerContext* ctx,
                                                const v1::GetStationChecklistRequest* request,
                                                v1::StationChecklist* response) override;
  grpc::ServerUnaryReactor* UpdateStationChecklist(grpc::CallbackServerContext* ctx,
                                                   const v1::UpdateStationChecklistRequest* request,
                                                   v1::StationChecklist* response) override;
  grpc::ServerUnaryReactor* CreateRotaEntry(grpc::CallbackServerContext* ctx,
                                            const v1::CreateRotaEntryRequest* request,
                                            v1::RotaEntry* response) override;
  grpc::ServerUnaryReactor* ListRotaEntries(grpc::CallbackServerContext* ctx,
                                            const v1::ListRotaEntriesRequest* request,
                                            v1::ListRotaEntriesResponse* response) override;
  grpc::ServerUnaryReactor* SetEvaluationResult(grpc::CallbackServerContext* ctx,
                                                const v1::SetEvaluationResultRequest* request,
                                                v1::EvaluationResult* response) override;
  grpc::ServerUnaryReactor* GetShortlist(grpc::CallbackServerContext* ctx, const v1::GetShortlistRequest* request,
                                         v1::Shortlist* response) override;
  grpc::ServerUnaryReactor* ProposeSupervisionGroup(grpc::CallbackServerContext* ctx,
                                                    const v1::ProposeSupervisionGroupRequest* request,
                                                    v1::ProposeSupervisionGroupResponse* response) override;
  grpc::ServerUnaryReactor* CreateSupervisionGroup(grpc::CallbackServerContext* ctx,
                                                   const v1::CreateSupervisionGroupRequest* request,
                                                   v1::SupervisionGroup* response) override;
  grpc::ServerUnaryReactor* GetSupervisionGroup(grpc::CallbackServerContext* ctx,
                                                const v1::GetSupervisionGroupRequest* request,
                                                v1::SupervisionGroup* response) override;
  grpc::ServerUnaryReactor* ListSupervisionGroups(grpc::CallbackServerContext* ctx,
                                                  const v1::ListSupervisionGroupsRequest* request,
                                                  v1::ListSupervisionGroupsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateSupervisionGroup(grpc::CallbackServerContext* ctx,
                                                   const v1::UpdateSupervisionGroupRequest* request,
                                                   v1::SupervisionGroup* response) override;

 private:
  DeputyRegistry& registry_;
  Stations& stations_;
  DutyFile& duty_file_;
  SupervisionGroups& supervision_groups_;
};

}  // namespace minyi::deputies

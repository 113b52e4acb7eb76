#include "deputies/rpc.h"

#include "common/rpc.h"

namespace minyi::deputies {

grpc::ServerUnaryReactor* DeputiesRpc::CreateDeputy(grpc::CallbackServerContext* ctx,
                                                    const v1::CreateDeputyRequest* request, v1::Deputy* response) {
  return Serve(ctx, registry_, &DeputyRegistry::Create, request, response);
}

grpc::ServerUnaryReactor* DeputiesRpc::GetDeputy(grpc::CallbackServerContext* ctx,
                                                 const v1::GetDeputyRequest* request, v1::Deputy* response) {
  return Serve(ctx, registry_, &DeputyRegistry::Get, request, response);
}

grpc::ServerUnaryReactor* DeputiesRpc::ListDeputies(grpc::CallbackServerContext* ctx,
                                                    const v1::ListDeputiesRequest* request,
                                                    v1::ListDeputiesResponse* response) {
  return Serve(ctx, registry_, &DeputyRegistry::List, request, response);
}

grpc::ServerUnaryReactor* DeputiesRpc::UpdateDeputy(grpc::CallbackServerContext* ctx,
                                                    const v1::UpdateDeputyRequest* request, v1::Deputy* response) {
  return Serve(ctx, registry_, &DeputyRegistry::Update, request, response);
}

grpc::ServerUnaryReactor* DeputiesRpc::BatchGetDeputyStatuses(grpc::CallbackServerContext* ctx,
                                                              const v1::BatchGetDeputyStatusesRequest* request,
                                                              v1::BatchGetDeputyStatusesResponse* response) {
  return Serve(ctx, registry_, &DeputyRegistry::BatchGetStatuses, request, response);
}

grpc::ServerUnaryReactor* DeputiesRpc::CreateStation(grpc::CallbackServerContext* ctx,
                                                     const v1::CreateStationRequest* request, v1::Station* response) {
  return Serve(ctx, stations_, &Stations::Create, request, response);
}

grpc::ServerUnaryReactor* DeputiesRpc::GetStation(grpc::CallbackServerContext* ctx,
                                                  const v1::GetStationRequest* request, v1::Station* response) {
  return Serve(ctx, stations_, &Stations::Get, request, response);
}

grpc::ServerUnaryReactor* DeputiesRpc::ListStations(grpc::CallbackServerContext* ctx,
                                                    const v1::ListStationsRequest* request,
                                                    v1::ListStationsResponse* response) {
  return Serve(ctx, stations_, &Stations::List, request, response);
}

grpc::ServerUnaryReactor* DeputiesRpc::UpdateStation(grpc::CallbackServerContext* ctx,
                                                     const v1::UpdateStationRequest* request, v1::Station* response) {
  return Serve(ctx, stations_, &Stations::Update, request, response);
}

grpc::ServerUnaryReactor* DeputiesRpc::CreateDutyRecord(grpc::CallbackServerContext* ctx,
                                                        const v1::CreateDutyRecordRequest* request,
                                                        v1::DutyRecord* response) {
  return Serve(ctx, duty_file_, &DutyFile::CreateRecord, request, response);
}

grpc::ServerUnaryReactor* DeputiesRpc::GetDutyRecord(grpc::CallbackServerContext* ctx,
                                                     const v1::GetDutyRecordRequest* request,
                                                     v1::DutyRecord* response) {
  return Serve(ctx, duty_file_, &DutyFile::GetRecord, request, response);
}

grpc::ServerUnaryReactor* DeputiesRpc::ListDutyRecords(grpc::CallbackServerContext* ctx,
                                                       const v1::ListDutyRecordsRequest* request,
                                                       v1::ListDutyRecordsResponse* response) {
  return Serve(ctx, duty_file_, &DutyFile::ListRecords, request, response);
}

grpc::ServerUnaryReactor* DeputiesRpc::CorrectDutyRecord(grpc::CallbackServerContext* ctx,
                                                         const v1::CorrectDutyRecordRequest* request,
                                                         v1::DutyRecord* response) {
  return Serve(ctx, duty_file_, &DutyFile::CorrectRecord, request, response);
}

grpc::ServerUnaryReactor* DeputiesRpc::GetPointRules(grpc::CallbackServerContext* ctx,
                                                     const v1::GetPointRulesRequest* request,
                                                     v1::PointRules* response) {
  return Serve(ctx, duty_file_, &DutyFile::GetPointRules, request, response);
}

grpc::ServerUnaryReactor* DeputiesRpc::UpdatePointRules(grpc::CallbackServerContext* ctx,
                                                        const v1::UpdatePointRulesRequest* request,
                                                        v1::PointRules* response) {
  return Serve(ctx, duty_file_, &DutyFile::UpdatePointRules, request, response);
}

grpc::ServerUnaryReactor* DeputiesRpc::GetDeputyPoints(grpc::CallbackServerContext* ctx,
                                                       const v1::GetDeputyPointsRequest* request,
                                                       v1::DeputyPoints* response) {
  return Serve(ctx, duty_file_, &DutyFile::GetPoints, request, response);
}

grpc::ServerUnaryReactor* DeputiesRpc::GetStationRanking(grpc::CallbackServerContext* ctx,
                                                         const v1::GetStationRankingRequest* request,
                                                         v1::StationRanking* response) {
  return Serve(ctx, duty_file_, &DutyFile::GetStationRanking, request, response);
}

grpc::ServerUnaryReactor* DeputiesRpc::PublishStationRanking(grpc::CallbackServerContext* ctx,
                                                             const v1::PublishStationRankingRequest* request,
                                                             v1::StationRanking* response) {
  return Serve(ctx, duty_file_, &DutyFile::PublishStationRanking, request, response);
}

grpc::ServerUnaryReactor* DeputiesRpc::RateStations(grpc::CallbackServerContext* ctx,
                                                    const v1::RateStationsRequest* request,
                                                    v1::RateStationsResponse* response) {
  return Serve(ctx, stations_, &Stations::Rate, request, response);
}

grpc::ServerUnaryReactor* DeputiesRpc::GetChecklistDefinition(grpc::CallbackServerContext* ctx,
                                                              const v1::GetChecklistDefinitionRequest* request,
                                                              v1::ChecklistDefinition* response) {
  return Serve(ctx, stations_, &Stations::GetChecklistDefinition, request, response);
}

grpc::ServerUnaryReactor* DeputiesRpc::UpdateChecklistDefinition(grpc::CallbackServerContext* ctx,
                                                                 const v1::UpdateChecklistDefinitionRequest* request,
                                                                 v1::ChecklistDefinition* response) {
  return Serve(ctx, stations_, &Stations::UpdateChecklistDefinition, request, response);
}

grpc::ServerUnaryReactor* DeputiesRpc::GetStationChecklist(grpc::CallbackServerContext* ctx,
                                                           const v1::GetStationChecklistRequest* request,
                                                           v1::StationChecklist* response) {
  return Serve(ctx, stations_, &Stations::GetChecklist, request, response);
}

grpc::ServerUnaryReactor* DeputiesRpc::UpdateStationChecklist(grpc::CallbackServerContext* ctx,
                                                              const v1::UpdateStationChecklistRequest* request,
                                                              v1::StationChecklist* response) {
  return Serve(ctx, stations_, &Stations::UpdateChecklist, request, response);
}

grpc::ServerUnaryReactor* DeputiesRpc::CreateRotaEntry(grpc::CallbackServerContext* ctx,
                                                       const v1::CreateRotaEntryRequest* request,
                                                       v1::RotaEntry* response) {
  return Serve(ctx, stations_, &Stations::CreateRotaEntry, request, response);
}

grpc::ServerUnaryReactor* DeputiesRpc::ListRotaEntries(grpc::CallbackServerContext* ctx,
                                                       const v1::ListRotaEntriesRequest* request,
                                                       v1::ListRotaEntriesResponse* response) {
  return Serve(ctx, stations_, &Stations::ListRotaEntries, request, response);
}

grpc::ServerUnaryReactor* DeputiesRpc::SetEvaluationResult(grpc::CallbackServerContext* ctx,
                                                           const v1::SetEvaluationResultRequest* request,
                                                           v1::EvaluationResult* response) {
  return Serve(ctx, duty_file_, &DutyFile::SetEvaluationResult, request, response);
}

grpc::ServerUnaryReactor* DeputiesRpc::GetShortlist(grpc::CallbackServerContext* ctx,
                                                    const v1::GetShortlistRequest* request, v1::Shortlist* response) {
  return Serve(ctx, duty_file_, &DutyFile::GetShortlist, request, response);
}

grpc::ServerUnaryReactor* DeputiesRpc::ProposeSupervisionGroup(grpc::CallbackServerContext* ctx,
                                                               const v1::ProposeSupervisionGroupRequest* request,
                                                               v1::ProposeSupervisionGroupResponse* response) {
  return Serve(ctx, supervision_groups_, &SupervisionGroups::Propose, request, response);
}

grpc::ServerUnaryReactor* DeputiesRpc::CreateSupervisionGroup(grpc::CallbackServerContext* ctx,
                                                              const v1::CreateSupervisionGroupRequest* request,
                                                              v1::SupervisionGroup* response) {
  return Serve(ctx, supervision_groups_, &SupervisionGroups::Create, request, response);
}

grpc::ServerUnaryReactor* DeputiesRpc::GetSupervisionGroup(grpc::CallbackServerContext* ctx,
                                                           const v1::GetSupervisionGroupRequest* request,
                                                           v1::SupervisionGroup* response) {
  return Serve(ctx, supervision_groups_, &SupervisionGroups::Get, request, response);
}

grpc::ServerUnaryReactor* DeputiesRpc::ListSupervisionGroups(grpc::CallbackServerContext* ctx,
                                                             const v1::ListSupervisionGroupsRequest* request,
                                                             v1::ListSupervisionGroupsResponse* response) {
  return Serve(ctx, supervision_groups_, &SupervisionGroups::List, request, response);
}

grpc::ServerUnaryReactor* DeputiesRpc::UpdateSupervisionGroup(grpc::CallbackServerContext* ctx,
                                                              const v1::UpdateSupervisionGroupRequest* request,
                                                              v1::SupervisionGroup* response) {
  return Serve(ctx, supervision_groups_, &SupervisionGroups::Update, request, response);
}
}  // namespace minyi::deputies

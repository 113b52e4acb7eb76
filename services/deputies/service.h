#pragma once

#include "absl/status/status.h"
#include "common/auth.h"
#include "common/pg.h"
#include "minyi/deputies/v1/deputies.grpc.pb.h"

namespace minyi::deputies {

// The deputies registry, liaison stations (with their nine-haves checklist and duty rota), duty records,
// duty points, station rankings, star ratings, the excellent-deputy shortlist and supervision groups. Each
// RPC delegates to an absl::Status method; errors are converted to gRPC only at the boundary. Mutations are
// idempotent with an Idempotency-Key and write their event and audit row in the same transaction as the
// change.
class DeputiesService final : public minyi::deputies::v1::Deputies::CallbackService {
 public:
  DeputiesService(PgPool& pool, const Authorizer& authorizer);

  grpc::ServerUnaryReactor* CreateDeputy(grpc::CallbackServerContext* ctx, const minyi::deputies::v1::CreateDeputyRequest* request,
                            minyi::deputies::v1::Deputy* response) override;
  grpc::ServerUnaryReactor* GetDeputy(grpc::CallbackServerContext* ctx, const minyi::deputies::v1::GetDeputyRequest* request,
                         minyi::deputies::v1::Deputy* response) override;
  grpc::ServerUnaryReactor* ListDeputies(grpc::CallbackServerContext* ctx, const minyi::deputies::v1::ListDeputiesRequest* request,
                            minyi::deputies::v1::ListDeputiesResponse* response) override;
  grpc::ServerUnaryReactor* UpdateDeputy(grpc::CallbackServerContext* ctx, const minyi::deputies::v1::UpdateDeputyRequest* request,
                            minyi::deputies::v1::Deputy* response) override;
  grpc::ServerUnaryReactor* BatchGetDeputyStatuses(grpc::CallbackServerContext* ctx,
                                      const minyi::deputies::v1::BatchGetDeputyStatusesRequest* request,
                                      minyi::deputies::v1::BatchGetDeputyStatusesResponse* response) override;
  grpc::ServerUnaryReactor* CreateStation(grpc::CallbackServerContext* ctx,
                             const minyi::deputies::v1::CreateStationRequest* request,
                             minyi::deputies::v1::Station* response) override;
  grpc::ServerUnaryReactor* GetStation(grpc::CallbackServerContext* ctx, const minyi::deputies::v1::GetStationRequest* request,
                          minyi::deputies::v1::Station* response) override;
  grpc::ServerUnaryReactor* ListStations(grpc::CallbackServerContext* ctx, const minyi::deputies::v1::ListStationsRequest* request,
                            minyi::deputies::v1::ListStationsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateStation(grpc::CallbackServerContext* ctx,
                             const minyi::deputies::v1::UpdateStationRequest* request,
                             minyi::deputies::v1::Station* response) override;
  grpc::ServerUnaryReactor* CreateDutyRecord(grpc::CallbackServerContext* ctx,
                                const minyi::deputies::v1::CreateDutyRecordRequest* request,
                                minyi::deputies::v1::DutyRecord* response) override;
  grpc::ServerUnaryReactor* GetDutyRecord(grpc::CallbackServerContext* ctx,
                             const minyi::deputies::v1::GetDutyRecordRequest* request,
                             minyi::deputies::v1::DutyRecord* response) override;
  grpc::ServerUnaryReactor* ListDutyRecords(grpc::CallbackServerContext* ctx,
                               const minyi::deputies::v1::ListDutyRecordsRequest* request,
                               minyi::deputies::v1::ListDutyRecordsResponse* response) override;
  grpc::ServerUnaryReactor* CorrectDutyRecord(grpc::CallbackServerContext* ctx,
                                 const minyi::deputies::v1::CorrectDutyRecordRequest* request,
                                 minyi::deputies::v1::DutyRecord* response) override;
  grpc::ServerUnaryReactor* GetPointRules(grpc::CallbackServerContext* ctx,
                             const minyi::deputies::v1::GetPointRulesRequest* request,
                             minyi::deputies::v1::PointRules* response) override;
  grpc::ServerUnaryReactor* UpdatePointRules(grpc::CallbackServerContext* ctx,
                                const minyi::deputies::v1::UpdatePointRulesRequest* request,
                                minyi::deputies::v1::PointRules* response) override;
  grpc::ServerUnaryReactor* GetDeputyPoints(grpc::CallbackServerContext* ctx,
                               const minyi::deputies::v1::GetDeputyPointsRequest* request,
                               minyi::deputies::v1::DeputyPoints* response) override;
  grpc::ServerUnaryReactor* GetStationRanking(grpc::CallbackServerContext* ctx,
                                 const minyi::deputies::v1::GetStationRankingRequest* request,
                                 minyi::deputies::v1::StationRanking* response) override;
  grpc::ServerUnaryReactor* PublishStationRanking(grpc::CallbackServerContext* ctx,
                                     const minyi::deputies::v1::PublishStationRankingRequest* request,
                                     minyi::deputies::v1::StationRanking* response) override;
  grpc::ServerUnaryReactor* RateStations(grpc::CallbackServerContext* ctx,
                            const minyi::deputies::v1::RateStationsRequest* request,
                            minyi::deputies::v1::RateStationsResponse* response) override;
  grpc::ServerUnaryReactor* GetChecklistDefinition(grpc::CallbackServerContext* ctx,
                                      const minyi::deputies::v1::GetChecklistDefinitionRequest* request,
                                      minyi::deputies::v1::ChecklistDefinition* response) override;
  grpc::ServerUnaryReactor* UpdateChecklistDefinition(grpc::CallbackServerContext* ctx,
                                         const minyi::deputies::v1::UpdateChecklistDefinitionRequest* request,
                                         minyi::deputies::v1::ChecklistDefinition* response) override;
  grpc::ServerUnaryReactor* GetStationChecklist(grpc::CallbackServerContext* ctx,
                                   const minyi::deputies::v1::GetStationChecklistRequest* request,
                                   minyi::deputies::v1::StationChecklist* response) override;
  grpc::ServerUnaryReactor* UpdateStationChecklist(grpc::CallbackServerContext* ctx,
                                      const minyi::deputies::v1::UpdateStationChecklistRequest* request,
                                      minyi::deputies::v1::StationChecklist* response) override;
  grpc::ServerUnaryReactor* CreateRotaEntry(grpc::CallbackServerContext* ctx,
                               const minyi::deputies::v1::CreateRotaEntryRequest* request,
                               minyi::deputies::v1::RotaEntry* response) override;
  grpc::ServerUnaryReactor* ListRotaEntries(grpc::CallbackServerContext* ctx,
                               const minyi::deputies::v1::ListRotaEntriesRequest* request,
                               minyi::deputies::v1::ListRotaEntriesResponse* response) override;
  grpc::ServerUnaryReactor* SetEvaluationResult(grpc::CallbackServerContext* ctx,
                                   const minyi::deputies::v1::SetEvaluationResultRequest* request,
                                   minyi::deputies::v1::EvaluationResult* response) override;
  grpc::ServerUnaryReactor* GetShortlist(grpc::CallbackServerContext* ctx,
                            const minyi::deputies::v1::GetShortlistRequest* request,
                            minyi::deputies::v1::Shortlist* response) override;
  grpc::ServerUnaryReactor* ProposeSupervisionGroup(grpc::CallbackServerContext* ctx,
                                       const minyi::deputies::v1::ProposeSupervisionGroupRequest* request,
                                       minyi::deputies::v1::ProposeSupervisionGroupResponse* response) override;
  grpc::ServerUnaryReactor* CreateSupervisionGroup(grpc::CallbackServerContext* ctx,
                                      const minyi::deputies::v1::CreateSupervisionGroupRequest* request,
                                      minyi::deputies::v1::SupervisionGroup* response) override;
  grpc::ServerUnaryReactor* GetSupervisionGroup(grpc::CallbackServerContext* ctx,
                                   const minyi::deputies::v1::GetSupervisionGroupRequest* request,
                                   minyi::deputies::v1::SupervisionGroup* response) override;
  grpc::ServerUnaryReactor* ListSupervisionGroups(grpc::CallbackServerContext* ctx,
                                     const minyi::deputies::v1::ListSupervisionGroupsRequest* request,
                                     minyi::deputies::v1::ListSupervisionGroupsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateSupervisionGroup(grpc::CallbackServerContext* ctx,
                                      const minyi::deputies::v1::UpdateSupervisionGroupRequest* request,
                                      minyi::deputies::v1::SupervisionGroup* response) override;

 private:
  absl::Status DoCreateDeputy(const Call& call,
                              const minyi::deputies::v1::CreateDeputyRequest& request,
                              minyi::deputies::v1::Deputy* response);
  absl::Status DoGetDeputy(const Call& call,
                           const minyi::deputies::v1::GetDeputyRequest& request,
                           minyi::deputies::v1::Deputy* response);
  absl::Status DoListDeputies(const Call& call,
                              const minyi::deputies::v1::ListDeputiesRequest& request,
                              minyi::deputies::v1::ListDeputiesResponse* response);
  absl::Status DoUpdateDeputy(const Call& call,
                              const minyi::deputies::v1::UpdateDeputyRequest& request,
                              minyi::deputies::v1::Deputy* response);
  absl::Status DoBatchGetDeputyStatuses(const Call& call,
                                       const minyi::deputies::v1::BatchGetDeputyStatusesRequest& request,
                                       minyi::deputies::v1::BatchGetDeputyStatusesResponse* response);
  absl::Status DoCreateStation(const Call& call,
                               const minyi::deputies::v1::CreateStationRequest& request,
                               minyi::deputies::v1::Station* response);
  absl::Status DoGetStation(const Call& call,
                            const minyi::deputies::v1::GetStationRequest& request,
                            minyi::deputies::v1::Station* response);
  absl::Status DoListStations(const Call& call,
                              const minyi::deputies::v1::ListStationsRequest& request,
                              minyi::deputies::v1::ListStationsResponse* response);
  absl::Status DoUpdateStation(const Call& call,
                               const minyi::deputies::v1::UpdateStationRequest& request,
                               minyi::deputies::v1::Station* response);

  absl::Status DoCreateDutyRecord(const Call& call,
                                  const minyi::deputies::v1::CreateDutyRecordRequest& request,
                                  minyi::deputies::v1::DutyRecord* response);
  absl::Status DoGetDutyRecord(const Call& call,
                               const minyi::deputies::v1::GetDutyRecordRequest& request,
                               minyi::deputies::v1::DutyRecord* response);
  absl::Status DoListDutyRecords(const Call& call,
                                 const minyi::deputies::v1::ListDutyRecordsRequest& request,
                                 minyi::deputies::v1::ListDutyRecordsResponse* response);
  absl::Status DoCorrectDutyRecord(const Call& call,
                                   const minyi::deputies::v1::CorrectDutyRecordRequest& request,
                                   minyi::deputies::v1::DutyRecord* response);
  absl::Status DoGetPointRules(const Call& call,
                               const minyi::deputies::v1::GetPointRulesRequest& request,
                               minyi::deputies::v1::PointRules* response);
  absl::Status DoUpdatePointRules(const Call& call,
                                  const minyi::deputies::v1::UpdatePointRulesRequest& request,
                                  minyi::deputies::v1::PointRules* response);
  absl::Status DoGetDeputyPoints(const Call& call,
                                 const minyi::deputies::v1::GetDeputyPointsRequest& request,
                                 minyi::deputies::v1::DeputyPoints* response);
  absl::Status DoGetStationRanking(const Call& call,
                                   const minyi::deputies::v1::GetStationRankingRequest& request,
                                   minyi::deputies::v1::StationRanking* response);
  absl::Status DoPublishStationRanking(const Call& call,
                                       const minyi::deputies::v1::PublishStationRankingRequest& request,
                                       minyi::deputies::v1::StationRanking* response);
  absl::Status DoRateStations(const Call& call, const minyi::deputies::v1::RateStationsRequest& request,
                      minyi::deputies::v1::RateStationsResponse* response);
  absl::Status DoGetChecklistDefinition(const Call& call,
                                        const minyi::deputies::v1::GetChecklistDefinitionRequest& request,
                                        minyi::deputies::v1::ChecklistDefinition* response);
  absl::Status DoUpdateChecklistDefinition(const Call& call,
                                           const minyi::deputies::v1::UpdateChecklistDefinitionRequest& request,
                                           minyi::deputies::v1::ChecklistDefinition* response);
  absl::Status DoGetStationChecklist(const Call& call,
                                     const minyi::deputies::v1::GetStationChecklistRequest& request,
                                     minyi::deputies::v1::StationChecklist* response);
  absl::Status DoUpdateStationChecklist(const Call& call,
                                        const minyi::deputies::v1::UpdateStationChecklistRequest& request,
                                        minyi::deputies::v1::StationChecklist* response);
  absl::Status DoCreateRotaEntry(const Call& call,
                                 const minyi::deputies::v1::CreateRotaEntryRequest& request,
                                 minyi::deputies::v1::RotaEntry* response);
  absl::Status DoListRotaEntries(const Call& call,
                                 const minyi::deputies::v1::ListRotaEntriesRequest& request,
                                 minyi::deputies::v1::ListRotaEntriesResponse* response);
  absl::Status DoSetEvaluationResult(const Call& call,
                                     const minyi::deputies::v1::SetEvaluationResultRequest& request,
                                     minyi::deputies::v1::EvaluationResult* response);
  absl::Status DoGetShortlist(const Call& call,
                              const minyi::deputies::v1::GetShortlistRequest& request,
                              minyi::deputies::v1::Shortlist* response);
  absl::Status DoProposeSupervisionGroup(const Call& call,
                                         const minyi::deputies::v1::ProposeSupervisionGroupRequest& request,
                                         minyi::deputies::v1::ProposeSupervisionGroupResponse* response);
  absl::Status DoCreateSupervisionGroup(const Call& call,
                                        const minyi::deputies::v1::CreateSupervisionGroupRequest& request,
                                        minyi::deputies::v1::SupervisionGroup* response);
  absl::Status DoGetSupervisionGroup(const Call& call,
                                     const minyi::deputies::v1::GetSupervisionGroupRequest& request,
                                     minyi::deputies::v1::SupervisionGroup* response);
  absl::Status DoListSupervisionGroups(const Call& call,
                                       const minyi::deputies::v1::ListSupervisionGroupsRequest& request,
                                       minyi::deputies::v1::ListSupervisionGroupsResponse* response);
  absl::Status DoUpdateSupervisionGroup(const Call& call,
                                        const minyi::deputies::v1::UpdateSupervisionGroupRequest& request,
                                        minyi::deputies::v1::SupervisionGroup* response);

  PgPool& pool_;
  const Authorizer& authorizer_;
};

}  // namespace minyi::deputies

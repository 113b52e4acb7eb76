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
class DeputiesService final : public minyi::deputies::v1::Deputies::Service {
 public:
  DeputiesService(PgPool& pool, const Authorizer& authorizer);

  grpc::Status CreateDeputy(grpc::ServerContext* ctx, const minyi::deputies::v1::CreateDeputyRequest* request,
                            minyi::deputies::v1::Deputy* response) override;
  grpc::Status GetDeputy(grpc::ServerContext* ctx, const minyi::deputies::v1::GetDeputyRequest* request,
                         minyi::deputies::v1::Deputy* response) override;
  grpc::Status ListDeputies(grpc::ServerContext* ctx, const minyi::deputies::v1::ListDeputiesRequest* request,
                            minyi::deputies::v1::ListDeputiesResponse* response) override;
  grpc::Status UpdateDeputy(grpc::ServerContext* ctx, const minyi::deputies::v1::UpdateDeputyRequest* request,
                            minyi::deputies::v1::Deputy* response) override;
  grpc::Status CreateStation(grpc::ServerContext* ctx,
                             const minyi::deputies::v1::CreateStationRequest* request,
                             minyi::deputies::v1::Station* response) override;
  grpc::Status GetStation(grpc::ServerContext* ctx, const minyi::deputies::v1::GetStationRequest* request,
                          minyi::deputies::v1::Station* response) override;
  grpc::Status ListStations(grpc::ServerContext* ctx, const minyi::deputies::v1::ListStationsRequest* request,
                            minyi::deputies::v1::ListStationsResponse* response) override;
  grpc::Status UpdateStation(grpc::ServerContext* ctx,
                             const minyi::deputies::v1::UpdateStationRequest* request,
                             minyi::deputies::v1::Station* response) override;
  grpc::Status CreateDutyRecord(grpc::ServerContext* ctx,
                                const minyi::deputies::v1::CreateDutyRecordRequest* request,
                                minyi::deputies::v1::DutyRecord* response) override;
  grpc::Status GetDutyRecord(grpc::ServerContext* ctx,
                             const minyi::deputies::v1::GetDutyRecordRequest* request,
                             minyi::deputies::v1::DutyRecord* response) override;
  grpc::Status ListDutyRecords(grpc::ServerContext* ctx,
                               const minyi::deputies::v1::ListDutyRecordsRequest* request,
                               minyi::deputies::v1::ListDutyRecordsResponse* response) override;
  grpc::Status CorrectDutyRecord(grpc::ServerContext* ctx,
                                 const minyi::deputies::v1::CorrectDutyRecordRequest* request,
                                 minyi::deputies::v1::DutyRecord* response) override;
  grpc::Status GetPointRules(grpc::ServerContext* ctx,
                             const minyi::deputies::v1::GetPointRulesRequest* request,
                             minyi::deputies::v1::PointRules* response) override;
  grpc::Status UpdatePointRules(grpc::ServerContext* ctx,
                                const minyi::deputies::v1::UpdatePointRulesRequest* request,
                                minyi::deputies::v1::PointRules* response) override;
  grpc::Status GetDeputyPoints(grpc::ServerContext* ctx,
                               const minyi::deputies::v1::GetDeputyPointsRequest* request,
                               minyi::deputies::v1::DeputyPoints* response) override;
  grpc::Status GetStationRanking(grpc::ServerContext* ctx,
                                 const minyi::deputies::v1::GetStationRankingRequest* request,
                                 minyi::deputies::v1::StationRanking* response) override;
  grpc::Status PublishStationRanking(grpc::ServerContext* ctx,
                                     const minyi::deputies::v1::PublishStationRankingRequest* request,
                                     minyi::deputies::v1::StationRanking* response) override;
  grpc::Status RateStations(grpc::ServerContext* ctx,
                            const minyi::deputies::v1::RateStationsRequest* request,
                            minyi::deputies::v1::RateStationsResponse* response) override;
  grpc::Status GetChecklistDefinition(grpc::ServerContext* ctx,
                                      const minyi::deputies::v1::GetChecklistDefinitionRequest* request,
                                      minyi::deputies::v1::ChecklistDefinition* response) override;
  grpc::Status UpdateChecklistDefinition(grpc::ServerContext* ctx,
                                         const minyi::deputies::v1::UpdateChecklistDefinitionRequest* request,
                                         minyi::deputies::v1::ChecklistDefinition* response) override;
  grpc::Status GetStationChecklist(grpc::ServerContext* ctx,
                                   const minyi::deputies::v1::GetStationChecklistRequest* request,
                                   minyi::deputies::v1::StationChecklist* response) override;
  grpc::Status UpdateStationChecklist(grpc::ServerContext* ctx,
                                      const minyi::deputies::v1::UpdateStationChecklistRequest* request,
                                      minyi::deputies::v1::StationChecklist* response) override;
  grpc::Status CreateRotaEntry(grpc::ServerContext* ctx,
                               const minyi::deputies::v1::CreateRotaEntryRequest* request,
                               minyi::deputies::v1::RotaEntry* response) override;
  grpc::Status ListRotaEntries(grpc::ServerContext* ctx,
                               const minyi::deputies::v1::ListRotaEntriesRequest* request,
                               minyi::deputies::v1::ListRotaEntriesResponse* response) override;
  grpc::Status SetEvaluationResult(grpc::ServerContext* ctx,
                                   const minyi::deputies::v1::SetEvaluationResultRequest* request,
                                   minyi::deputies::v1::EvaluationResult* response) override;
  grpc::Status GetShortlist(grpc::ServerContext* ctx,
                            const minyi::deputies::v1::GetShortlistRequest* request,
                            minyi::deputies::v1::Shortlist* response) override;
  grpc::Status ProposeSupervisionGroup(grpc::ServerContext* ctx,
                                       const minyi::deputies::v1::ProposeSupervisionGroupRequest* request,
                                       minyi::deputies::v1::ProposeSupervisionGroupResponse* response) override;
  grpc::Status CreateSupervisionGroup(grpc::ServerContext* ctx,
                                      const minyi::deputies::v1::CreateSupervisionGroupRequest* request,
                                      minyi::deputies::v1::SupervisionGroup* response) override;
  grpc::Status GetSupervisionGroup(grpc::ServerContext* ctx,
                                   const minyi::deputies::v1::GetSupervisionGroupRequest* request,
                                   minyi::deputies::v1::SupervisionGroup* response) override;
  grpc::Status ListSupervisionGroups(grpc::ServerContext* ctx,
                                     const minyi::deputies::v1::ListSupervisionGroupsRequest* request,
                                     minyi::deputies::v1::ListSupervisionGroupsResponse* response) override;
  grpc::Status UpdateSupervisionGroup(grpc::ServerContext* ctx,
                                      const minyi::deputies::v1::UpdateSupervisionGroupRequest* request,
                                      minyi::deputies::v1::SupervisionGroup* response) override;

 private:
  absl::Status DoCreateDeputy(const grpc::ServerContext& ctx,
                              const minyi::deputies::v1::CreateDeputyRequest& request,
                              minyi::deputies::v1::Deputy* response);
  absl::Status DoGetDeputy(const grpc::ServerContext& ctx,
                           const minyi::deputies::v1::GetDeputyRequest& request,
                           minyi::deputies::v1::Deputy* response);
  absl::Status DoListDeputies(const grpc::ServerContext& ctx,
                              const minyi::deputies::v1::ListDeputiesRequest& request,
                              minyi::deputies::v1::ListDeputiesResponse* response);
  absl::Status DoUpdateDeputy(const grpc::ServerContext& ctx,
                              const minyi::deputies::v1::UpdateDeputyRequest& request,
                              minyi::deputies::v1::Deputy* response);
  absl::Status DoCreateStation(const grpc::ServerContext& ctx,
                               const minyi::deputies::v1::CreateStationRequest& request,
                               minyi::deputies::v1::Station* response);
  absl::Status DoGetStation(const grpc::ServerContext& ctx,
                            const minyi::deputies::v1::GetStationRequest& request,
                            minyi::deputies::v1::Station* response);
  absl::Status DoListStations(const grpc::ServerContext& ctx,
                              const minyi::deputies::v1::ListStationsRequest& request,
                              minyi::deputies::v1::ListStationsResponse* response);
  absl::Status DoUpdateStation(const grpc::ServerContext& ctx,
                               const minyi::deputies::v1::UpdateStationRequest& request,
                               minyi::deputies::v1::Station* response);

  absl::Status DoCreateDutyRecord(const grpc::ServerContext& ctx,
                                  const minyi::deputies::v1::CreateDutyRecordRequest& request,
                                  minyi::deputies::v1::DutyRecord* response);
  absl::Status DoGetDutyRecord(const grpc::ServerContext& ctx,
                               const minyi::deputies::v1::GetDutyRecordRequest& request,
                               minyi::deputies::v1::DutyRecord* response);
  absl::Status DoListDutyRecords(const grpc::ServerContext& ctx,
                                 const minyi::deputies::v1::ListDutyRecordsRequest& request,
                                 minyi::deputies::v1::ListDutyRecordsResponse* response);
  absl::Status DoCorrectDutyRecord(const grpc::ServerContext& ctx,
                                   const minyi::deputies::v1::CorrectDutyRecordRequest& request,
                                   minyi::deputies::v1::DutyRecord* response);
  absl::Status DoGetPointRules(const grpc::ServerContext& ctx,
                               const minyi::deputies::v1::GetPointRulesRequest& request,
                               minyi::deputies::v1::PointRules* response);
  absl::Status DoUpdatePointRules(const grpc::ServerContext& ctx,
                                  const minyi::deputies::v1::UpdatePointRulesRequest& request,
                                  minyi::deputies::v1::PointRules* response);
  absl::Status DoGetDeputyPoints(const grpc::ServerContext& ctx,
                                 const minyi::deputies::v1::GetDeputyPointsRequest& request,
                                 minyi::deputies::v1::DeputyPoints* response);
  absl::Status DoGetStationRanking(const grpc::ServerContext& ctx,
                                   const minyi::deputies::v1::GetStationRankingRequest& request,
                                   minyi::deputies::v1::StationRanking* response);
  absl::Status DoPublishStationRanking(const grpc::ServerContext& ctx,
                                       const minyi::deputies::v1::PublishStationRankingRequest& request,
                                       minyi::deputies::v1::StationRanking* response);
  absl::Status DoRateStations(const grpc::ServerContext& ctx, const minyi::deputies::v1::RateStationsRequest& request,
                      minyi::deputies::v1::RateStationsResponse* response);
  absl::Status DoGetChecklistDefinition(const grpc::ServerContext& ctx,
                                        const minyi::deputies::v1::GetChecklistDefinitionRequest& request,
                                        minyi::deputies::v1::ChecklistDefinition* response);
  absl::Status DoUpdateChecklistDefinition(const grpc::ServerContext& ctx,
                                           const minyi::deputies::v1::UpdateChecklistDefinitionRequest& request,
                                           minyi::deputies::v1::ChecklistDefinition* response);
  absl::Status DoGetStationChecklist(const grpc::ServerContext& ctx,
                                     const minyi::deputies::v1::GetStationChecklistRequest& request,
                                     minyi::deputies::v1::StationChecklist* response);
  absl::Status DoUpdateStationChecklist(const grpc::ServerContext& ctx,
                                        const minyi::deputies::v1::UpdateStationChecklistRequest& request,
                                        minyi::deputies::v1::StationChecklist* response);
  absl::Status DoCreateRotaEntry(const grpc::ServerContext& ctx,
                                 const minyi::deputies::v1::CreateRotaEntryRequest& request,
                                 minyi::deputies::v1::RotaEntry* response);
  absl::Status DoListRotaEntries(const grpc::ServerContext& ctx,
                                 const minyi::deputies::v1::ListRotaEntriesRequest& request,
                                 minyi::deputies::v1::ListRotaEntriesResponse* response);
  absl::Status DoSetEvaluationResult(const grpc::ServerContext& ctx,
                                     const minyi::deputies::v1::SetEvaluationResultRequest& request,
                                     minyi::deputies::v1::EvaluationResult* response);
  absl::Status DoGetShortlist(const grpc::ServerContext& ctx,
                              const minyi::deputies::v1::GetShortlistRequest& request,
                              minyi::deputies::v1::Shortlist* response);
  absl::Status DoProposeSupervisionGroup(const grpc::ServerContext& ctx,
                                         const minyi::deputies::v1::ProposeSupervisionGroupRequest& request,
                                         minyi::deputies::v1::ProposeSupervisionGroupResponse* response);
  absl::Status DoCreateSupervisionGroup(const grpc::ServerContext& ctx,
                                        const minyi::deputies::v1::CreateSupervisionGroupRequest& request,
                                        minyi::deputies::v1::SupervisionGroup* response);
  absl::Status DoGetSupervisionGroup(const grpc::ServerContext& ctx,
                                     const minyi::deputies::v1::GetSupervisionGroupRequest& request,
                                     minyi::deputies::v1::SupervisionGroup* response);
  absl::Status DoListSupervisionGroups(const grpc::ServerContext& ctx,
                                       const minyi::deputies::v1::ListSupervisionGroupsRequest& request,
                                       minyi::deputies::v1::ListSupervisionGroupsResponse* response);
  absl::Status DoUpdateSupervisionGroup(const grpc::ServerContext& ctx,
                                        const minyi::deputies::v1::UpdateSupervisionGroupRequest& request,
                                        minyi::deputies::v1::SupervisionGroup* response);

  PgPool& pool_;
  const Authorizer& authorizer_;
};

}  // namespace minyi::deputies

#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "common/auth.h"
#include "common/pg.h"
#include "minyi/evaluation/v1/evaluation.grpc.pb.h"
#include "pqxx/pqxx"

namespace minyi::evaluation {

namespace v1 = ::minyi::evaluation::v1;

// Evaluation campaigns from set-up to follow-up. Each RPC delegates to an absl::Status method; errors are
// converted to gRPC only at the boundary. Mutations are idempotent with an Idempotency-Key and write their
// event and audit row in the same transaction as the change. The arithmetic is scoring.h's, the
// follow-up follow_up.h's, the SQL store.h's.
class EvaluationService final : public v1::Evaluation::CallbackService {
 public:
  EvaluationService(PgPool& pool, const Authorizer& authorizer);
  grpc::ServerUnaryReactor* CreateEvaluation(grpc::CallbackServerContext* ctx, const v1::CreateEvaluationRequest* request,
                                v1::Campaign* response) override;
  grpc::ServerUnaryReactor* GetEvaluation(grpc::CallbackServerContext* ctx, const v1::GetEvaluationRequest* request,
                             v1::Campaign* response) override;
  grpc::ServerUnaryReactor* ListEvaluations(grpc::CallbackServerContext* ctx, const v1::ListEvaluationsRequest* request,
                               v1::ListEvaluationsResponse* response) override;
  grpc::ServerUnaryReactor* OpenEvaluation(grpc::CallbackServerContext* ctx, const v1::OpenEvaluationRequest* request,
                              v1::Campaign* response) override;
  grpc::ServerUnaryReactor* RecordInvestigation(grpc::CallbackServerContext* ctx, const v1::RecordInvestigationRequest* request,
                                   v1::Investigation* response) override;
  grpc::ServerUnaryReactor* IssueProblemList(grpc::CallbackServerContext* ctx, const v1::IssueProblemListRequest* request,
                                v1::ProblemList* response) override;
  grpc::ServerUnaryReactor* RecordStageScore(grpc::CallbackServerContext* ctx, const v1::RecordStageScoreRequest* request,
                                v1::StageScore* response) override;
  grpc::ServerUnaryReactor* ListInvestigations(grpc::CallbackServerContext* ctx, const v1::ListInvestigationsRequest* request,
                                  v1::ListInvestigationsResponse* response) override;
  grpc::ServerUnaryReactor* SubmitScoreSheet(grpc::CallbackServerContext* ctx, const v1::SubmitScoreSheetRequest* request,
                                v1::ScoreSheet* response) override;
  grpc::ServerUnaryReactor* ListScoreSheets(grpc::CallbackServerContext* ctx, const v1::ListScoreSheetsRequest* request,
                               v1::ListScoreSheetsResponse* response) override;
  grpc::ServerUnaryReactor* CloseEvaluation(grpc::CallbackServerContext* ctx, const v1::CloseEvaluationRequest* request,
                               v1::EvaluationResult* response) override;
  grpc::ServerUnaryReactor* GetEvaluationResult(grpc::CallbackServerContext* ctx, const v1::GetEvaluationResultRequest* request,
                                   v1::EvaluationResult* response) override;
  grpc::ServerUnaryReactor* CheckReport(grpc::CallbackServerContext* ctx, const v1::CheckReportRequest* request,
                           v1::ReportCheck* response) override;
  grpc::ServerUnaryReactor* IssueOpinion(grpc::CallbackServerContext* ctx, const v1::IssueOpinionRequest* request,
                            v1::SubjectResult* response) override;
  grpc::ServerUnaryReactor* FileRectification(grpc::CallbackServerContext* ctx, const v1::FileRectificationRequest* request,
                                 v1::SubjectResult* response) override;
  grpc::ServerUnaryReactor* ScoreLookBack(grpc::CallbackServerContext* ctx, const v1::ScoreLookBackRequest* request,
                             v1::SubjectResult* response) override;

 private:
  absl::Status DoCreateEvaluation(const Call& call, const v1::CreateEvaluationRequest& request,
                                  v1::Campaign* response);
  absl::Status DoGetEvaluation(const Call& call, const v1::GetEvaluationRequest& request,
                               v1::Campaign* response);
  absl::Status DoListEvaluations(const Call& call, const v1::ListEvaluationsRequest& request,
                                 v1::ListEvaluationsResponse* response);
  absl::Status DoOpenEvaluation(const Call& call, const v1::OpenEvaluationRequest& request,
                                v1::Campaign* response);
  absl::Status DoRecordInvestigation(const Call& call, const v1::RecordInvestigationRequest& request,
                                     v1::Investigation* response);
  absl::Status DoIssueProblemList(const Call& call, const v1::IssueProblemListRequest& request,
                                  v1::ProblemList* response);
  absl::Status DoRecordStageScore(const Call& call, const v1::RecordStageScoreRequest& request,
                                  v1::StageScore* response);
  absl::Status DoListInvestigations(const Call& call, const v1::ListInvestigationsRequest& request,
                                    v1::ListInvestigationsResponse* response);
  absl::Status DoSubmitScoreSheet(const Call& call, const v1::SubmitScoreSheetRequest& request,
                                  v1::ScoreSheet* response);
  absl::Status DoListScoreSheets(const Call& call, const v1::ListScoreSheetsRequest& request,
                                 v1::ListScoreSheetsResponse* response);
  absl::Status DoCloseEvaluation(const Call& call, const v1::CloseEvaluationRequest& request,
                                 v1::EvaluationResult* response);
  absl::Status DoGetEvaluationResult(const Call& call, const v1::GetEvaluationResultRequest& request,
                                     v1::EvaluationResult* response);
  absl::Status DoCheckReport(const Call& call, const v1::CheckReportRequest& request,
                             v1::ReportCheck* response);
  absl::Status DoIssueOpinion(const Call& call, const v1::IssueOpinionRequest& request,
                              v1::SubjectResult* response);
  absl::Status DoFileRectification(const Call& call, const v1::FileRectificationRequest& request,
                                   v1::SubjectResult* response);
  absl::Status DoScoreLookBack(const Call& call, const v1::ScoreLookBackRequest& request,
                               v1::SubjectResult* response);

  // A read of campaign `name` (the error names `field`) by the authenticated caller; authorization is
  // the RPC's.
  struct CampaignRead {
    Caller caller;
    int64_t id = 0;
    v1::Campaign campaign;
  };
  absl::StatusOr<CampaignRead> ReadAsCaller(const Call& call, absl::string_view name,
                                            absl::string_view field);

  // A mutation of campaign `name` (the error names `name_field`): in one idempotent transaction, locks the
  // campaign for update (NOT_FOUND when missing) and runs `work`.
  using CampaignWork = std::function<absl::Status(pqxx::work&, const v1::Campaign&, int64_t id)>;
  absl::Status RunOnCampaign(const Call& call, const Caller& caller, absl::string_view method,
                             const google::protobuf::Message& request, google::protobuf::Message* response,
                             absl::string_view name, absl::string_view name_field, const CampaignWork& work);

  // A mutation about one subject of campaign `parent`: RunOnCampaign, then resolves `subject` (the error
  // names `subject_field`) and runs `work`.
  using SubjectWork = std::function<absl::Status(pqxx::work&, const v1::Campaign&, int64_t id, int n)>;
  absl::Status RunOnSubject(const Call& call, const Caller& caller, absl::string_view method,
                            const google::protobuf::Message& request, google::protobuf::Message* response,
                            absl::string_view parent, absl::string_view subject, absl::string_view subject_field,
                            const SubjectWork& work);

  // A campaign's set-up never changes after creation, so the sheet burst reads it from memory; the state,
  // which does change, is read (share-locked) in each sheet's transaction.
  absl::StatusOr<std::shared_ptr<const v1::Campaign>> Definition(int64_t id);

  PgPool& pool_;
  const Authorizer& authorizer_;
  absl::Mutex definitions_mu_;
  absl::flat_hash_map<int64_t, std::shared_ptr<const v1::Campaign>> definitions_ ABSL_GUARDED_BY(definitions_mu_);
};

}  // namespace minyi::evaluation

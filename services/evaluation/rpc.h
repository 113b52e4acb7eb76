#pragma once

#include "evaluation/campaigns.h"
#include "evaluation/investigations.h"
#include "evaluation/rectifications.h"
#include "evaluation/score_sheets.h"
#include "minyi/evaluation/v1/evaluation.grpc.pb.h"

namespace minyi::evaluation {

// The gRPC face of evaluation: each method hands its call to the handler that owns it (rpc.h's Serve).
class EvaluationRpc final : public v1::Evaluation::CallbackService {
 public:
  EvaluationRpc(Campaigns& campaigns, Investigations& investigations, ScoreSheets& score_sheets,
                Rectifications& rectifications)
      : campaigns_(campaigns),
        investigations_(investigations),
        score_sheets_(score_sheets),
        rectifications_(rectifications) {}

  grpc::ServerUnaryReactor* CreateEvaluation(grpc::CallbackServerContext* ctx,
                                             const v1::CreateEvaluationRequest* request,
                                             v1::Campaign* response) override;
  grpc::ServerUnaryReactor* GetEvaluation(grpc::CallbackServerContext* ctx, const v1::GetEvaluationRequest* request,
                                          v1::Campaign* response) override;
  grpc::ServerUnaryReactor* ListEvaluations(grpc::CallbackServerContext* ctx, const v1::ListEvaluationsRequest* request,
                                            v1::ListEvaluationsResponse* response) override;
  grpc::ServerUnaryReactor* OpenEvaluation(grpc::CallbackServerContext* ctx, const v1::OpenEvaluationRequest* request,
                                           v1::Campaign* response) override;
  grpc::ServerUnaryReactor* RecordInvestigation(grpc::CallbackServerContext* ctx,
                                                const v1::RecordInvestigationRequest* request,
                                                v1::Investigation* response) override;
  grpc::ServerUnaryReactor* IssueProblemList(grpc::CallbackServerContext* ctx,
                                             const v1::IssueProblemListRequest* request,
                                             v1::ProblemList* response) override;
  grpc::ServerUnaryReactor* RecordStageScore(grpc::CallbackServerContext* ctx,
                                             const v1::RecordStageScoreRequest* request,
                                             v1::StageScore* response) override;
  grpc::ServerUnaryReactor* ListInvestigations(grpc::CallbackServerContext* ctx,
                                               const v1::ListInvestigationsRequest* request,
                                               v1::ListInvestigationsResponse* response) override;
  grpc::ServerUnaryReactor* SubmitScoreSheet(grpc::CallbackServerContext* ctx,
                                             const v1::SubmitScoreSheetRequest* request,
                                             v1::ScoreSheet* response) override;
  grpc::ServerUnaryReactor* ListScoreSheets(grpc::CallbackServerContext* ctx, const v1::ListScoreSheetsRequest* request,
                                            v1::ListScoreSheetsResponse* response) override;
  grpc::ServerUnaryReactor* CloseEvaluation(grpc::CallbackServerContext* ctx, const v1::CloseEvaluationRequest* request,
                                            v1::EvaluationResult* response) override;
  grpc::ServerUnaryReactor* GetEvaluationResult(grpc::CallbackServerContext* ctx,
                                                const v1::GetEvaluationResultRequest* request,
                                                v1::EvaluationResult* response) override;
  grpc::ServerUnaryReactor* CheckReport(grpc::CallbackServerContext* ctx, const v1::CheckReportRequest* request,
                                        v1::ReportCheck* response) override;
  grpc::ServerUnaryReactor* IssueOpinion(grpc::CallbackServerContext* ctx, const v1::IssueOpinionRequest* request,
                                         v1::SubjectResult* response) override;
  grpc::ServerUnaryReactor* FileRectification(grpc::CallbackServerContext* ctx,
                                              const v1::FileRectificationRequest* request,
                                              v1::SubjectResult* response) override;
  grpc::ServerUnaryReactor* ScoreLookBack(grpc::CallbackServerContext* ctx, const v1::ScoreLookBackRequest* request,
                                          v1::SubjectResult* response) override;

 private:
  Campaigns& campaigns_;
  Investigations& investigations_;
  ScoreSheets& score_sheets_;
  Rectifications& rectifications_;
};

}  // namespace minyi::evaluation

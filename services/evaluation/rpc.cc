#include "evaluation/rpc.h"

#include "common/rpc.h"

namespace minyi::evaluation {

grpc::ServerUnaryReactor* EvaluationRpc::CreateEvaluation(grpc::CallbackServerContext* ctx,
                                                          const v1::CreateEvaluationRequest* request,
                                                          v1::Campaign* response) {
  return Serve(ctx, campaigns_, &Campaigns::Create, request, response);
}

grpc::ServerUnaryReactor* EvaluationRpc::GetEvaluation(grpc::CallbackServerContext* ctx,
                                                       const v1::GetEvaluationRequest* request,
                                                       v1::Campaign* response) {
  return Serve(ctx, campaigns_, &Campaigns::Get, request, response);
}

grpc::ServerUnaryReactor* EvaluationRpc::ListEvaluations(grpc::CallbackServerContext* ctx,
                                                         const v1::ListEvaluationsRequest* request,
                                                         v1::ListEvaluationsResponse* response) {
  return Serve(ctx, campaigns_, &Campaigns::List, request, response);
}

grpc::ServerUnaryReactor* EvaluationRpc::OpenEvaluation(grpc::CallbackServerContext* ctx,
                                                        const v1::OpenEvaluationRequest* request,
                                                        v1::Campaign* response) {
  return Serve(ctx, campaigns_, &Campaigns::Open, request, response);
}

grpc::ServerUnaryReactor* EvaluationRpc::RecordInvestigation(grpc::CallbackServerContext* ctx,
                                                             const v1::RecordInvestigationRequest* request,
                                                             v1::Investigation* response) {
  return Serve(ctx, investigations_, &Investigations::Record, request, response);
}

grpc::ServerUnaryReactor* EvaluationRpc::IssueProblemList(grpc::CallbackServerContext* ctx,
                                                          const v1::IssueProblemListRequest* request,
                                                          v1::ProblemList* response) {
  return Serve(ctx, investigations_, &Investigations::IssueProblemList, request, response);
}

grpc::ServerUnaryReactor* EvaluationRpc::RecordStageScore(grpc::CallbackServerContext* ctx,
                                                          const v1::RecordStageScoreRequest* request,
                                                          v1::StageScore* response) {
  return Serve(ctx, investigations_, &Investigations::RecordStageScore, request, response);
}

grpc::ServerUnaryReactor* EvaluationRpc::ListInvestigations(grpc::CallbackServerContext* ctx,
                                                            const v1::ListInvestigationsRequest* request,
                                                            v1::ListInvestigationsResponse* response) {
  return Serve(ctx, investigations_, &Investigations::List, request, response);
}

grpc::ServerUnaryReactor* EvaluationRpc::SubmitScoreSheet(grpc::CallbackServerContext* ctx,
                                                          const v1::SubmitScoreSheetRequest* request,
                                                          v1::ScoreSheet* response) {
  return Serve(ctx, score_sheets_, &ScoreSheets::Submit, request, response);
}

grpc::ServerUnaryReactor* EvaluationRpc::ListScoreSheets(grpc::CallbackServerContext* ctx,
                                                         const v1::ListScoreSheetsRequest* request,
                                                         v1::ListScoreSheetsResponse* response) {
  return Serve(ctx, score_sheets_, &ScoreSheets::List, request, response);
}

grpc::ServerUnaryReactor* EvaluationRpc::CloseEvaluation(grpc::CallbackServerContext* ctx,
                                                         const v1::CloseEvaluationRequest* request,
                                                         v1::EvaluationResult* response) {
  return Serve(ctx, campaigns_, &Campaigns::Close, request, response);
}

grpc::ServerUnaryReactor* EvaluationRpc::GetEvaluationResult(grpc::CallbackServerContext* ctx,
                                                             const v1::GetEvaluationResultRequest* request,
                                                             v1::EvaluationResult* response) {
  return Serve(ctx, campaigns_, &Campaigns::GetResult, request, response);
}

grpc::ServerUnaryReactor* EvaluationRpc::CheckReport(grpc::CallbackServerContext* ctx,
                                                     const v1::CheckReportRequest* request, v1::ReportCheck* response) {
  return Serve(ctx, rectifications_, &Rectifications::CheckReport, request, response);
}

grpc::ServerUnaryReactor* EvaluationRpc::IssueOpinion(grpc::CallbackServerContext* ctx,
                                                      const v1::IssueOpinionRequest* request,
                                                      v1::SubjectResult* response) {
  return Serve(ctx, rectifications_, &Rectifications::IssueOpinion, request, response);
}

grpc::ServerUnaryReactor* EvaluationRpc::FileRectification(grpc::CallbackServerContext* ctx,
                                                           const v1::FileRectificationRequest* request,
                                                           v1::SubjectResult* response) {
  return Serve(ctx, rectifications_, &Rectifications::File, request, response);
}

grpc::ServerUnaryReactor* EvaluationRpc::ScoreLookBack(grpc::CallbackServerContext* ctx,
                                                       const v1::ScoreLookBackRequest* request,
                                                       v1::SubjectResult* response) {
  return Serve(ctx, rectifications_, &Rectifications::ScoreLookBack, request, response);
}

}  // namespace minyi::evaluation

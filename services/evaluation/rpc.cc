#include "evaluation/rpc.h"

#include "minyi/evaluation/v1/evaluation.grpc.pb.h"

namespace minyi::evaluation {

std::unique_ptr<RpcService> EvaluationRpc(Campaigns& campaigns, Investigations& investigations,
                                          ScoreSheets& score_sheets, Rectifications& rectifications) {
  auto rpc = std::make_unique<RpcService>(v1::Evaluation::service_full_name());
  (*rpc)
      .Bind("CreateEvaluation", campaigns, &Campaigns::Create)
      .Bind("GetEvaluation", campaigns, &Campaigns::Get)
      .Bind("ListEvaluations", campaigns, &Campaigns::List)
      .Bind("OpenEvaluation", campaigns, &Campaigns::Open)
      .Bind("RecordInvestigation", investigations, &Investigations::Record)
      .Bind("IssueProblemList", investigations, &Investigations::IssueProblemList)
      .Bind("RecordStageScore", investigations, &Investigations::RecordStageScore)
      .Bind("ListInvestigations", investigations, &Investigations::List)
      .Bind("SubmitScoreSheet", score_sheets, &ScoreSheets::Submit)
      .Bind("ListScoreSheets", score_sheets, &ScoreSheets::List)
      .Bind("CloseEvaluation", campaigns, &Campaigns::Close)
      .Bind("GetEvaluationResult", campaigns, &Campaigns::GetResult)
      .Bind("CheckReport", rectifications, &Rectifications::CheckReport)
      .Bind("IssueOpinion", rectifications, &Rectifications::IssueOpinion)
      .Bind("FileRectification", rectifications, &Rectifications::File)
      .Bind("ScoreLookBack", rectifications, &Rectifications::ScoreLookBack);
  return rpc;
}

}  // namespace minyi::evaluation

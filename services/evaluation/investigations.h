#pragma once

#include "absl/status/status.h"
#include "common/call.h"
#include "common/pg.h"
#include "evaluation/campaign_access.h"
#include "minyi/evaluation/v1/evaluation.pb.h"

namespace minyi::evaluation {

// The investigation stage before the session: staff record what they found about each subject, issue its
// problem list and record the stage scores; a subject reads what was found about itself.
class Investigations final {
 public:
  Investigations(PgPool& pool, CampaignAccess& access) : pool_(pool), access_(access) {}

  absl::Status Record(const Call& call, const v1::RecordInvestigationRequest& request, v1::Investigation* response);
  absl::Status IssueProblemList(const Call& call, const v1::IssueProblemListRequest& request,
                                v1::ProblemList* response);
  absl::Status RecordStageScore(const Call& call, const v1::RecordStageScoreRequest& request, v1::StageScore* response);
  absl::Status List(const Call& call, const v1::ListInvestigationsRequest& request,
                    v1::ListInvestigationsResponse* response);

 private:
  PgPool& pool_;
  CampaignAccess& access_;
};

}  // namespace minyi::evaluation

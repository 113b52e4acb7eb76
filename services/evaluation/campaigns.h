#pragma once

#include "absl/status/status.h"
#include "common/auth.h"
#include "common/call.h"
#include "common/command.h"
#include "common/pg.h"
#include "evaluation/campaign_access.h"
#include "minyi/evaluation/v1/evaluation.pb.h"

namespace minyi::evaluation {

// Campaigns from set-up to the close: staff create, open and close them (the close computes and announces
// the results, scoring.h's arithmetic); participants read them and their results.
class Campaigns final {
 public:
  Campaigns(PgPool& pool, const Authorizer& authorizer, CampaignAccess& access)
      : pool_(pool), authorizer_(authorizer), access_(access), commands_(pool, "evaluation") {}

  absl::Status Create(const Call& call, const v1::CreateEvaluationRequest& request, v1::Campaign* response);
  absl::Status Get(const Call& call, const v1::GetEvaluationRequest& request, v1::Campaign* response);
  absl::Status List(const Call& call, const v1::ListEvaluationsRequest& request, v1::ListEvaluationsResponse* response);
  absl::Status Open(const Call& call, const v1::OpenEvaluationRequest& request, v1::Campaign* response);
  absl::Status Close(const Call& call, const v1::CloseEvaluationRequest& request, v1::EvaluationResult* response);
  absl::Status GetResult(const Call& call, const v1::GetEvaluationResultRequest& request,
                         v1::EvaluationResult* response);

 private:
  PgPool& pool_;
  const Authorizer& authorizer_;
  CampaignAccess& access_;
  const Commands commands_;
};

}  // namespace minyi::evaluation

#pragma once

#include "absl/status/status.h"
#include "common/auth.h"
#include "common/call.h"
#include "common/command.h"
#include "common/pg.h"
#include "evaluation/campaign_access.h"
#include "minyi/evaluation/v1/evaluation.pb.h"

namespace minyi::evaluation {

// Score sheets at the on-site session: each rater submits one per subject while the campaign is open — a
// burst, so the campaign's set-up comes from memory (CampaignAccess::Definition) — and reads its own.
class ScoreSheets final {
 public:
  ScoreSheets(PgPool& pool, const Authorizer& authorizer, CampaignAccess& access)
      : pool_(pool), authorizer_(authorizer), access_(access), commands_(pool, "evaluation") {}

  absl::Status Submit(const Call& call, const v1::SubmitScoreSheetRequest& request, v1::ScoreSheet* response);
  absl::Status List(const Call& call, const v1::ListScoreSheetsRequest& request, v1::ListScoreSheetsResponse* response);

 private:
  PgPool& pool_;
  const Authorizer& authorizer_;
  CampaignAccess& access_;
  const Commands commands_;
};

}  // namespace minyi::evaluation

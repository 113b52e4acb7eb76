#pragma once

#include "absl/status/status.h"
#include "common/auth.h"
#include "common/call.h"
#include "evaluation/campaign_access.h"
#include "minyi/evaluation/v1/evaluation.pb.h"

namespace minyi::evaluation {

// What follows a subject's result (整改跟踪, follow_up.h's states): the 6-3-1 check of its report, the
// office's opinion, the subject's rectification plan and report, and the look-back score.
class Rectifications final {
 public:
  Rectifications(const Authorizer& authorizer, CampaignAccess& access) : authorizer_(authorizer), access_(access) {}

  absl::Status CheckReport(const Call& call, const v1::CheckReportRequest& request, v1::ReportCheck* response);
  absl::Status IssueOpinion(const Call& call, const v1::IssueOpinionRequest& request, v1::SubjectResult* response);
  absl::Status File(const Call& call, const v1::FileRectificationRequest& request, v1::SubjectResult* response);
  absl::Status ScoreLookBack(const Call& call, const v1::ScoreLookBackRequest& request, v1::SubjectResult* response);

 private:
  const Authorizer& authorizer_;
  CampaignAccess& access_;
};

}  // namespace minyi::evaluation

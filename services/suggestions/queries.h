#pragma once

#include "absl/status/status.h"
#include "common/auth.h"
#include "common/call.h"
#include "common/pg.h"
#include "minyi/suggestions/v1/suggestions.pb.h"
#include "suggestions/access.h"

namespace minyi::suggestions {

namespace v1 = ::minyi::suggestions::v1;

// Reading items as each caller may: one item, lists by role, the timeline, similar items, the public
// showcase, the commitments ledger and the statistics.
class Queries final {
 public:
  Queries(PgPool& pool, const Authorizer& authorizer, Access& access)
      : pool_(pool), authorizer_(authorizer), access_(access) {}

  absl::Status Get(const Call& call, const v1::GetSuggestionRequest& request, v1::Suggestion* response);
  absl::Status List(const Call& call, const v1::ListSuggestionsRequest& request, v1::ListSuggestionsResponse* response);
  absl::Status GetTimeline(const Call& call, const v1::GetTimelineRequest& request, v1::Timeline* response);
  absl::Status FindSimilar(const Call& call, const v1::FindSimilarRequest& request, v1::FindSimilarResponse* response);
  absl::Status GetStats(const Call& call, const v1::GetSuggestionStatsRequest& request, v1::SuggestionStats* response);
  absl::Status ListShowcase(const Call& call, const v1::ListShowcaseRequest& request,
                            v1::ListSuggestionsResponse* response);
  absl::Status ListCommitments(const Call& call, const v1::ListCommitmentsRequest& request,
                               v1::ListCommitmentsResponse* response);

 private:
  PgPool& pool_;
  const Authorizer& authorizer_;
  Access& access_;
};

}  // namespace minyi::suggestions

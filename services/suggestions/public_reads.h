#pragma once

#include "absl/status/status.h"
#include "common/call.h"
#include "common/pg.h"
#include "minyi/suggestions/v1/suggestions.pb.h"

namespace minyi::suggestions {

namespace v1 = ::minyi::suggestions::v1;

// The public reads (PublicSuggestions): no token; the showcase's public fields and the statistics office
// staff read, per department and year (public_view.h).
class PublicReads final {
 public:
  explicit PublicReads(PgPool& pool) : pool_(pool) {}

  absl::Status ListShowcase(const Call& call, const v1::ListPublicShowcaseRequest& request,
                            v1::ListPublicShowcaseResponse* response);
  absl::Status GetStats(const Call& call, const v1::GetPublicStatsRequest& request, v1::PublicStats* response);

 private:
  PgPool& pool_;
};

}  // namespace minyi::suggestions

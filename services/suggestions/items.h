#pragma once

#include "absl/status/status.h"
#include "common/auth.h"
#include "common/call.h"
#include "common/command.h"
#include "common/pg.h"
#include "minyi/suggestions/v1/suggestions.pb.h"
#include "suggestions/access.h"
#include "suggestions/transition.h"

namespace minyi::suggestions {

namespace v1 = ::minyi::suggestions::v1;

// A suggestion's lifecycle up to and beside its handling: drafts written and submitted by deputies and
// citizens, co-signers' answers, and the office's decisions on it (accept, reject, merge, escalate, link
// citizens' opinions in, key supervision, the special fund, the showcase).
class Items final {
 public:
  Items(PgPool& pool, const Authorizer& authorizer, Access& access)
      : authorizer_(authorizer),
        access_(access),
        commands_(pool, "suggestions"),
        transitions_(pool, authorizer, access) {}

  absl::Status Create(const Call& call, const v1::CreateSuggestionRequest& request, v1::Suggestion* response);
  absl::Status Update(const Call& call, const v1::UpdateSuggestionRequest& request, v1::Suggestion* response);
  absl::Status Submit(const Call& call, const v1::TransitionRequest& request, v1::Suggestion* response);
  absl::Status ConfirmCoSigning(const Call& call, const v1::TransitionRequest& request, v1::Suggestion* response);
  absl::Status DeclineCoSigning(const Call& call, const v1::TransitionRequest& request, v1::Suggestion* response);
  absl::Status Accept(const Call& call, const v1::TransitionRequest& request, v1::Suggestion* response);
  absl::Status Reject(const Call& call, const v1::TransitionRequest& request, v1::Suggestion* response);
  absl::Status Merge(const Call& call, const v1::MergeSuggestionRequest& request, v1::Suggestion* response);
  absl::Status Escalate(const Call& call, const v1::TransitionRequest& request, v1::Suggestion* response);
  absl::Status LinkOpinions(const Call& call, const v1::LinkOpinionsRequest& request, v1::Suggestion* response);
  absl::Status FlagKeySupervision(const Call& call, const v1::FlagKeySupervisionRequest& request,
                                  v1::Suggestion* response);
  absl::Status AllocateFund(const Call& call, const v1::AllocateFundRequest& request, v1::Suggestion* response);
  absl::Status PublishToShowcase(const Call& call, const v1::TransitionRequest& request, v1::Suggestion* response);

 private:
  // ConfirmCoSigning and DeclineCoSigning: the calling co-signer's `answer`.
  absl::Status AnswerCoSigning(const Call& call, const v1::TransitionRequest& request, v1::CoSignerState answer,
                               v1::Suggestion* response);

  const Authorizer& authorizer_;
  Access& access_;
  const Commands commands_;
  const Transitions transitions_;
};

}  // namespace minyi::suggestions

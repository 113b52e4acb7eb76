#pragma once

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth.h"
#include "common/call.h"
#include "common/command.h"
#include "common/pg.h"
#include "minyi/suggestions/v1/suggestions.pb.h"
#include "suggestions/access.h"
#include "suggestions/deadlines.h"
#include "suggestions/transition.h"

namespace minyi::suggestions {

namespace v1 = ::minyi::suggestions::v1;

// An item's handling by departments, under deadlines: the office assigns it and reopens it, the lead
// department records contacts and answers (co-units send opinions) and asks for extensions the office
// decides, submitters rate the answer, office staff check the commitments an answer made; and the sweeper
// that reminds of deadlines.
class Handling final {
 public:
  Handling(PgPool& pool, const Authorizer& authorizer, Access& access, DeadlinePolicy policy)
      : pool_(pool),
        authorizer_(authorizer),
        policy_(std::move(policy)),
        commands_(pool, "suggestions"),
        transitions_(pool, authorizer, access) {}

  absl::Status Assign(const Call& call, const v1::AssignSuggestionRequest& request, v1::Suggestion* response);
  absl::Status RecordContact(const Call& call, const v1::RecordContactRequest& request, v1::Suggestion* response);
  absl::Status SubmitCoUnitOpinion(const Call& call, const v1::SubmitCoUnitOpinionRequest& request,
                                   v1::Suggestion* response);
  absl::Status AnswerSuggestion(const Call& call, const v1::AnswerSuggestionRequest& request, v1::Suggestion* response);
  absl::Status Rate(const Call& call, const v1::RateSuggestionRequest& request, v1::Suggestion* response);
  absl::Status Reopen(const Call& call, const v1::TransitionRequest& request, v1::Suggestion* response);
  absl::Status RequestExtension(const Call& call, const v1::RequestExtensionRequest& request, v1::Suggestion* response);
  absl::Status DecideExtension(const Call& call, const v1::DecideExtensionRequest& request, v1::Suggestion* response);
  absl::Status CheckCommitment(const Call& call, const v1::CheckCommitmentRequest& request, v1::Commitment* response);

  // One pass of the deadline sweeper: emits SuggestionDueSoon for each reminder threshold reached and
  // SuggestionOverdue once the deadline has passed, each exactly once per item, round and deadline.
  // Returns how many events were emitted.
  absl::StatusOr<int> SweepDeadlines(absl::Time now);

 private:
  PgPool& pool_;
  const Authorizer& authorizer_;
  const DeadlinePolicy policy_;
  const Commands commands_;
  const Transitions transitions_;
};

}  // namespace minyi::suggestions

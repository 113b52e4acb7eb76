#pragma once

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/auth.h"
#include "common/pg.h"
#include "minyi/suggestions/v1/suggestions.grpc.pb.h"
#include "suggestions/deadlines.h"
#include "suggestions/dedup.h"
#include "suggestions/lifecycle.h"
#include "suggestions/store.h"

namespace minyi::suggestions {

namespace v1 = ::minyi::suggestions::v1;

// Deputies' suggestions and citizens' opinions. Each RPC delegates to an absl::Status method; errors are
// converted to gRPC only at the boundary. Every mutation is idempotent with an Idempotency-Key and writes
// the state change, its timeline entry, its outbox event and its audit row in one transaction.
class SuggestionsService final : public v1::Suggestions::Service {
 public:
  SuggestionsService(PgPool& pool, const Authorizer& authorizer, DeadlinePolicy policy);

  grpc::Status CreateSuggestion(grpc::ServerContext* ctx, const v1::CreateSuggestionRequest* request, v1::Suggestion* response) override;
  grpc::Status GetSuggestion(grpc::ServerContext* ctx, const v1::GetSuggestionRequest* request, v1::Suggestion* response) override;
  grpc::Status ListSuggestions(grpc::ServerContext* ctx, const v1::ListSuggestionsRequest* request, v1::ListSuggestionsResponse* response) override;
  grpc::Status UpdateSuggestion(grpc::ServerContext* ctx, const v1::UpdateSuggestionRequest* request, v1::Suggestion* response) override;
  grpc::Status SubmitSuggestion(grpc::ServerContext* ctx, const v1::TransitionRequest* request, v1::Suggestion* response) override;
  grpc::Status AcceptSuggestion(grpc::ServerContext* ctx, const v1::TransitionRequest* request, v1::Suggestion* response) override;
  grpc::Status RejectSuggestion(grpc::ServerContext* ctx, const v1::TransitionRequest* request, v1::Suggestion* response) override;
  grpc::Status MergeSuggestion(grpc::ServerContext* ctx, const v1::MergeSuggestionRequest* request, v1::Suggestion* response) override;
  grpc::Status AssignSuggestion(grpc::ServerContext* ctx, const v1::AssignSuggestionRequest* request, v1::Suggestion* response) override;
  grpc::Status RecordContact(grpc::ServerContext* ctx, const v1::RecordContactRequest* request, v1::Suggestion* response) override;
  grpc::Status SubmitCoUnitOpinion(grpc::ServerContext* ctx, const v1::SubmitCoUnitOpinionRequest* request, v1::Suggestion* response) override;
  grpc::Status AnswerSuggestion(grpc::ServerContext* ctx, const v1::AnswerSuggestionRequest* request, v1::Suggestion* response) override;
  grpc::Status RateSuggestion(grpc::ServerContext* ctx, const v1::RateSuggestionRequest* request, v1::Suggestion* response) override;
  grpc::Status ReopenSuggestion(grpc::ServerContext* ctx, const v1::TransitionRequest* request, v1::Suggestion* response) override;
  grpc::Status EscalateOpinion(grpc::ServerContext* ctx, const v1::TransitionRequest* request, v1::Suggestion* response) override;
  grpc::Status LinkOpinions(grpc::ServerContext* ctx, const v1::LinkOpinionsRequest* request, v1::Suggestion* response) override;
  grpc::Status FlagKeySupervision(grpc::ServerContext* ctx, const v1::FlagKeySupervisionRequest* request, v1::Suggestion* response) override;
  grpc::Status RequestExtension(grpc::ServerContext* ctx, const v1::RequestExtensionRequest* request, v1::Suggestion* response) override;
  grpc::Status DecideExtension(grpc::ServerContext* ctx, const v1::DecideExtensionRequest* request, v1::Suggestion* response) override;
  grpc::Status AllocateFund(grpc::ServerContext* ctx, const v1::AllocateFundRequest* request, v1::Suggestion* response) override;
  grpc::Status PublishToShowcase(grpc::ServerContext* ctx, const v1::TransitionRequest* request, v1::Suggestion* response) override;
  grpc::Status GetTimeline(grpc::ServerContext* ctx, const v1::GetTimelineRequest* request, v1::Timeline* response) override;
  grpc::Status FindSimilar(grpc::ServerContext* ctx, const v1::FindSimilarRequest* request, v1::FindSimilarResponse* response) override;
  grpc::Status GetSuggestionStats(grpc::ServerContext* ctx, const v1::GetSuggestionStatsRequest* request, v1::SuggestionStats* response) override;
  grpc::Status ListShowcase(grpc::ServerContext* ctx, const v1::ListShowcaseRequest* request, v1::ListSuggestionsResponse* response) override;
  grpc::Status ListCommitments(grpc::ServerContext* ctx, const v1::ListCommitmentsRequest* request, v1::ListCommitmentsResponse* response) override;
  grpc::Status CheckCommitment(grpc::ServerContext* ctx, const v1::CheckCommitmentRequest* request, v1::Commitment* response) override;
  grpc::Status GetRoutingRules(grpc::ServerContext* ctx, const v1::GetRoutingRulesRequest* request, v1::RoutingRules* response) override;
  grpc::Status UpdateRoutingRules(grpc::ServerContext* ctx, const v1::UpdateRoutingRulesRequest* request, v1::RoutingRules* response) override;
  grpc::Status CreateFund(grpc::ServerContext* ctx, const v1::CreateFundRequest* request, v1::Fund* response) override;
  grpc::Status GetFund(grpc::ServerContext* ctx, const v1::GetFundRequest* request, v1::Fund* response) override;
  grpc::Status GetHolidayCalendar(grpc::ServerContext* ctx, const v1::GetHolidayCalendarRequest* request, v1::HolidayCalendar* response) override;
  grpc::Status UpdateHolidayCalendar(grpc::ServerContext* ctx, const v1::UpdateHolidayCalendarRequest* request, v1::HolidayCalendar* response) override;

  // One pass of the deadline sweeper: emits SuggestionDueSoon for each reminder threshold reached and
  // SuggestionOverdue once the deadline has passed, each exactly once per item, round and deadline.
  // Returns how many events were emitted.
  absl::StatusOr<int> SweepDeadlines(absl::Time now);

 private:
  absl::Status DoCreateSuggestion(const grpc::ServerContext& ctx, const v1::CreateSuggestionRequest& request, v1::Suggestion* response);
  absl::Status DoGetSuggestion(const grpc::ServerContext& ctx, const v1::GetSuggestionRequest& request, v1::Suggestion* response);
  absl::Status DoListSuggestions(const grpc::ServerContext& ctx, const v1::ListSuggestionsRequest& request, v1::ListSuggestionsResponse* response);
  absl::Status DoUpdateSuggestion(const grpc::ServerContext& ctx, const v1::UpdateSuggestionRequest& request, v1::Suggestion* response);
  absl::Status DoSubmitSuggestion(const grpc::ServerContext& ctx, const v1::TransitionRequest& request, v1::Suggestion* response);
  absl::Status DoAcceptSuggestion(const grpc::ServerContext& ctx, const v1::TransitionRequest& request, v1::Suggestion* response);
  absl::Status DoRejectSuggestion(const grpc::ServerContext& ctx, const v1::TransitionRequest& request, v1::Suggestion* response);
  absl::Status DoMergeSuggestion(const grpc::ServerContext& ctx, const v1::MergeSuggestionRequest& request, v1::Suggestion* response);
  absl::Status DoAssignSuggestion(const grpc::ServerContext& ctx, const v1::AssignSuggestionRequest& request, v1::Suggestion* response);
  absl::Status DoRecordContact(const grpc::ServerContext& ctx, const v1::RecordContactRequest& request, v1::Suggestion* response);
  absl::Status DoSubmitCoUnitOpinion(const grpc::ServerContext& ctx, const v1::SubmitCoUnitOpinionRequest& request, v1::Suggestion* response);
  absl::Status DoAnswerSuggestion(const grpc::ServerContext& ctx, const v1::AnswerSuggestionRequest& request, v1::Suggestion* response);
  absl::Status DoRateSuggestion(const grpc::ServerContext& ctx, const v1::RateSuggestionRequest& request, v1::Suggestion* response);
  absl::Status DoReopenSuggestion(const grpc::ServerContext& ctx, const v1::TransitionRequest& request, v1::Suggestion* response);
  absl::Status DoEscalateOpinion(const grpc::ServerContext& ctx, const v1::TransitionRequest& request, v1::Suggestion* response);
  absl::Status DoLinkOpinions(const grpc::ServerContext& ctx, const v1::LinkOpinionsRequest& request, v1::Suggestion* response);
  absl::Status DoFlagKeySupervision(const grpc::ServerContext& ctx, const v1::FlagKeySupervisionRequest& request, v1::Suggestion* response);
  absl::Status DoRequestExtension(const grpc::ServerContext& ctx, const v1::RequestExtensionRequest& request, v1::Suggestion* response);
  absl::Status DoDecideExtension(const grpc::ServerContext& ctx, const v1::DecideExtensionRequest& request, v1::Suggestion* response);
  absl::Status DoAllocateFund(const grpc::ServerContext& ctx, const v1::AllocateFundRequest& request, v1::Suggestion* response);
  absl::Status DoPublishToShowcase(const grpc::ServerContext& ctx, const v1::TransitionRequest& request, v1::Suggestion* response);
  absl::Status DoGetTimeline(const grpc::ServerContext& ctx, const v1::GetTimelineRequest& request, v1::Timeline* response);
  absl::Status DoFindSimilar(const grpc::ServerContext& ctx, const v1::FindSimilarRequest& request, v1::FindSimilarResponse* response);
  absl::Status DoGetSuggestionStats(const grpc::ServerContext& ctx, const v1::GetSuggestionStatsRequest& request, v1::SuggestionStats* response);
  absl::Status DoListShowcase(const grpc::ServerContext& ctx, const v1::ListShowcaseRequest& request, v1::ListSuggestionsResponse* response);
  absl::Status DoListCommitments(const grpc::ServerContext& ctx, const v1::ListCommitmentsRequest& request, v1::ListCommitmentsResponse* response);
  absl::Status DoCheckCommitment(const grpc::ServerContext& ctx, const v1::CheckCommitmentRequest& request, v1::Commitment* response);
  absl::Status DoGetRoutingRules(const grpc::ServerContext& ctx, const v1::GetRoutingRulesRequest& request, v1::RoutingRules* response);
  absl::Status DoUpdateRoutingRules(const grpc::ServerContext& ctx, const v1::UpdateRoutingRulesRequest& request, v1::RoutingRules* response);
  absl::Status DoCreateFund(const grpc::ServerContext& ctx, const v1::CreateFundRequest& request, v1::Fund* response);
  absl::Status DoGetFund(const grpc::ServerContext& ctx, const v1::GetFundRequest& request, v1::Fund* response);
  absl::Status DoGetHolidayCalendar(const grpc::ServerContext& ctx, const v1::GetHolidayCalendarRequest& request, v1::HolidayCalendar* response);
  absl::Status DoUpdateHolidayCalendar(const grpc::ServerContext& ctx, const v1::UpdateHolidayCalendarRequest& request, v1::HolidayCalendar* response);

  // The shared path of every single-item mutation: load and lock the item, check the caller with
  // `authorize`, check the transition in the state machine, run `apply`, then record the timeline entry and
  // the audit row and answer with the item as the caller may see it.
  struct Mutation {
    std::string method = "";
    Action action = Action::kSubmit;
    std::string reason = "";
    bool unsatisfied = false;  // kRate
    std::function<absl::Status(const Caller&, const Record&)> authorize = nullptr;
    // Applies the change; may fill `row.detail`; returns an error to roll back.
    std::function<absl::Status(pqxx::work&, const Caller&, const Record&, State next, TransitionRow& row)> apply = nullptr;
    // Optional: adds to the response inside the transaction (so an idempotent replay returns it too).
    std::function<void(pqxx::work&, const Record&, v1::Suggestion*)> finish = nullptr;
  };
  absl::Status Mutate(const grpc::ServerContext& ctx, const google::protobuf::Message& request,
                      absl::string_view name, const Mutation& mutation, v1::Suggestion* response);

  // The deadline `rule` gives from `start`, reading the holiday calendar when it counts working days.
  std::string Deadline(pqxx::transaction_base& tx, const DeadlineRule& rule, absl::CivilDay start);

  PgPool& pool_;
  const Authorizer& authorizer_;
  DeadlinePolicy policy_;
  MinHasher hasher_;
};

}  // namespace minyi::suggestions

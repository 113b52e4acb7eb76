#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/auth.h"
#include "common/pg.h"
#include "common/service_client.h"
#include "minyi/deputies/v1/deputies.grpc.pb.h"
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
class SuggestionsService final : public v1::Suggestions::CallbackService {
 public:
  // `deputies` reaches the deputies service, which owns stations and the duty rota, with this service's
  // own `credentials`.
  SuggestionsService(PgPool& pool, const Authorizer& authorizer, DeadlinePolicy policy,
                     std::shared_ptr<grpc::ChannelInterface> deputies, ServiceCredentials& credentials);

  grpc::ServerUnaryReactor* CreateSuggestion(grpc::CallbackServerContext* ctx, const v1::CreateSuggestionRequest* request, v1::Suggestion* response) override;
  grpc::ServerUnaryReactor* GetSuggestion(grpc::CallbackServerContext* ctx, const v1::GetSuggestionRequest* request, v1::Suggestion* response) override;
  grpc::ServerUnaryReactor* ListSuggestions(grpc::CallbackServerContext* ctx, const v1::ListSuggestionsRequest* request, v1::ListSuggestionsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateSuggestion(grpc::CallbackServerContext* ctx, const v1::UpdateSuggestionRequest* request, v1::Suggestion* response) override;
  grpc::ServerUnaryReactor* SubmitSuggestion(grpc::CallbackServerContext* ctx, const v1::TransitionRequest* request, v1::Suggestion* response) override;
  grpc::ServerUnaryReactor* ConfirmCoSigning(grpc::CallbackServerContext* ctx, const v1::TransitionRequest* request, v1::Suggestion* response) override;
  grpc::ServerUnaryReactor* DeclineCoSigning(grpc::CallbackServerContext* ctx, const v1::TransitionRequest* request, v1::Suggestion* response) override;
  grpc::ServerUnaryReactor* AcceptSuggestion(grpc::CallbackServerContext* ctx, const v1::TransitionRequest* request, v1::Suggestion* response) override;
  grpc::ServerUnaryReactor* RejectSuggestion(grpc::CallbackServerContext* ctx, const v1::TransitionRequest* request, v1::Suggestion* response) override;
  grpc::ServerUnaryReactor* MergeSuggestion(grpc::CallbackServerContext* ctx, const v1::MergeSuggestionRequest* request, v1::Suggestion* response) override;
  grpc::ServerUnaryReactor* AssignSuggestion(grpc::CallbackServerContext* ctx, const v1::AssignSuggestionRequest* request, v1::Suggestion* response) override;
  grpc::ServerUnaryReactor* RecordContact(grpc::CallbackServerContext* ctx, const v1::RecordContactRequest* request, v1::Suggestion* response) override;
  grpc::ServerUnaryReactor* SubmitCoUnitOpinion(grpc::CallbackServerContext* ctx, const v1::SubmitCoUnitOpinionRequest* request, v1::Suggestion* response) override;
  grpc::ServerUnaryReactor* AnswerSuggestion(grpc::CallbackServerContext* ctx, const v1::AnswerSuggestionRequest* request, v1::Suggestion* response) override;
  grpc::ServerUnaryReactor* RateSuggestion(grpc::CallbackServerContext* ctx, const v1::RateSuggestionRequest* request, v1::Suggestion* response) override;
  grpc::ServerUnaryReactor* ReopenSuggestion(grpc::CallbackServerContext* ctx, const v1::TransitionRequest* request, v1::Suggestion* response) override;
  grpc::ServerUnaryReactor* EscalateOpinion(grpc::CallbackServerContext* ctx, const v1::TransitionRequest* request, v1::Suggestion* response) override;
  grpc::ServerUnaryReactor* LinkOpinions(grpc::CallbackServerContext* ctx, const v1::LinkOpinionsRequest* request, v1::Suggestion* response) override;
  grpc::ServerUnaryReactor* FlagKeySupervision(grpc::CallbackServerContext* ctx, const v1::FlagKeySupervisionRequest* request, v1::Suggestion* response) override;
  grpc::ServerUnaryReactor* RequestExtension(grpc::CallbackServerContext* ctx, const v1::RequestExtensionRequest* request, v1::Suggestion* response) override;
  grpc::ServerUnaryReactor* DecideExtension(grpc::CallbackServerContext* ctx, const v1::DecideExtensionRequest* request, v1::Suggestion* response) override;
  grpc::ServerUnaryReactor* AllocateFund(grpc::CallbackServerContext* ctx, const v1::AllocateFundRequest* request, v1::Suggestion* response) override;
  grpc::ServerUnaryReactor* PublishToShowcase(grpc::CallbackServerContext* ctx, const v1::TransitionRequest* request, v1::Suggestion* response) override;
  grpc::ServerUnaryReactor* GetTimeline(grpc::CallbackServerContext* ctx, const v1::GetTimelineRequest* request, v1::Timeline* response) override;
  grpc::ServerUnaryReactor* FindSimilar(grpc::CallbackServerContext* ctx, const v1::FindSimilarRequest* request, v1::FindSimilarResponse* response) override;
  grpc::ServerUnaryReactor* GetSuggestionStats(grpc::CallbackServerContext* ctx, const v1::GetSuggestionStatsRequest* request, v1::SuggestionStats* response) override;
  grpc::ServerUnaryReactor* ListShowcase(grpc::CallbackServerContext* ctx, const v1::ListShowcaseRequest* request, v1::ListSuggestionsResponse* response) override;
  grpc::ServerUnaryReactor* ListCommitments(grpc::CallbackServerContext* ctx, const v1::ListCommitmentsRequest* request, v1::ListCommitmentsResponse* response) override;
  grpc::ServerUnaryReactor* CheckCommitment(grpc::CallbackServerContext* ctx, const v1::CheckCommitmentRequest* request, v1::Commitment* response) override;
  grpc::ServerUnaryReactor* GetRoutingRules(grpc::CallbackServerContext* ctx, const v1::GetRoutingRulesRequest* request, v1::RoutingRules* response) override;
  grpc::ServerUnaryReactor* UpdateRoutingRules(grpc::CallbackServerContext* ctx, const v1::UpdateRoutingRulesRequest* request, v1::RoutingRules* response) override;
  grpc::ServerUnaryReactor* CreateFund(grpc::CallbackServerContext* ctx, const v1::CreateFundRequest* request, v1::Fund* response) override;
  grpc::ServerUnaryReactor* GetFund(grpc::CallbackServerContext* ctx, const v1::GetFundRequest* request, v1::Fund* response) override;
  grpc::ServerUnaryReactor* GetHolidayCalendar(grpc::CallbackServerContext* ctx, const v1::GetHolidayCalendarRequest* request, v1::HolidayCalendar* response) override;
  grpc::ServerUnaryReactor* UpdateHolidayCalendar(grpc::CallbackServerContext* ctx, const v1::UpdateHolidayCalendarRequest* request, v1::HolidayCalendar* response) override;

  // One pass of the deadline sweeper: emits SuggestionDueSoon for each reminder threshold reached and
  // SuggestionOverdue once the deadline has passed, each exactly once per item, round and deadline.
  // Returns how many events were emitted.
  absl::StatusOr<int> SweepDeadlines(absl::Time now);

 private:
  absl::Status DoCreateSuggestion(const Call& call, const v1::CreateSuggestionRequest& request, v1::Suggestion* response);
  absl::Status DoGetSuggestion(const Call& call, const v1::GetSuggestionRequest& request, v1::Suggestion* response);
  absl::Status DoListSuggestions(const Call& call, const v1::ListSuggestionsRequest& request, v1::ListSuggestionsResponse* response);
  absl::Status DoUpdateSuggestion(const Call& call, const v1::UpdateSuggestionRequest& request, v1::Suggestion* response);
  absl::Status DoSubmitSuggestion(const Call& call, const v1::TransitionRequest& request, v1::Suggestion* response);
  // ConfirmCoSigning and DeclineCoSigning: the calling co-signer's `answer`.
  absl::Status DoAnswerCoSigning(const Call& call, const v1::TransitionRequest& request,
                                 v1::CoSignerState answer, v1::Suggestion* response);
  absl::Status DoAcceptSuggestion(const Call& call, const v1::TransitionRequest& request, v1::Suggestion* response);
  absl::Status DoRejectSuggestion(const Call& call, const v1::TransitionRequest& request, v1::Suggestion* response);
  absl::Status DoMergeSuggestion(const Call& call, const v1::MergeSuggestionRequest& request, v1::Suggestion* response);
  absl::Status DoAssignSuggestion(const Call& call, const v1::AssignSuggestionRequest& request, v1::Suggestion* response);
  absl::Status DoRecordContact(const Call& call, const v1::RecordContactRequest& request, v1::Suggestion* response);
  absl::Status DoSubmitCoUnitOpinion(const Call& call, const v1::SubmitCoUnitOpinionRequest& request, v1::Suggestion* response);
  absl::Status DoAnswerSuggestion(const Call& call, const v1::AnswerSuggestionRequest& request, v1::Suggestion* response);
  absl::Status DoRateSuggestion(const Call& call, const v1::RateSuggestionRequest& request, v1::Suggestion* response);
  absl::Status DoReopenSuggestion(const Call& call, const v1::TransitionRequest& request, v1::Suggestion* response);
  absl::Status DoEscalateOpinion(const Call& call, const v1::TransitionRequest& request, v1::Suggestion* response);
  absl::Status DoLinkOpinions(const Call& call, const v1::LinkOpinionsRequest& request, v1::Suggestion* response);
  absl::Status DoFlagKeySupervision(const Call& call, const v1::FlagKeySupervisionRequest& request, v1::Suggestion* response);
  absl::Status DoRequestExtension(const Call& call, const v1::RequestExtensionRequest& request, v1::Suggestion* response);
  absl::Status DoDecideExtension(const Call& call, const v1::DecideExtensionRequest& request, v1::Suggestion* response);
  absl::Status DoAllocateFund(const Call& call, const v1::AllocateFundRequest& request, v1::Suggestion* response);
  absl::Status DoPublishToShowcase(const Call& call, const v1::TransitionRequest& request, v1::Suggestion* response);
  absl::Status DoGetTimeline(const Call& call, const v1::GetTimelineRequest& request, v1::Timeline* response);
  absl::Status DoFindSimilar(const Call& call, const v1::FindSimilarRequest& request, v1::FindSimilarResponse* response);
  absl::Status DoGetSuggestionStats(const Call& call, const v1::GetSuggestionStatsRequest& request, v1::SuggestionStats* response);
  absl::Status DoListShowcase(const Call& call, const v1::ListShowcaseRequest& request, v1::ListSuggestionsResponse* response);
  absl::Status DoListCommitments(const Call& call, const v1::ListCommitmentsRequest& request, v1::ListCommitmentsResponse* response);
  absl::Status DoCheckCommitment(const Call& call, const v1::CheckCommitmentRequest& request, v1::Commitment* response);
  absl::Status DoGetRoutingRules(const Call& call, const v1::GetRoutingRulesRequest& request, v1::RoutingRules* response);
  absl::Status DoUpdateRoutingRules(const Call& call, const v1::UpdateRoutingRulesRequest& request, v1::RoutingRules* response);
  absl::Status DoCreateFund(const Call& call, const v1::CreateFundRequest& request, v1::Fund* response);
  absl::Status DoGetFund(const Call& call, const v1::GetFundRequest& request, v1::Fund* response);
  absl::Status DoGetHolidayCalendar(const Call& call, const v1::GetHolidayCalendarRequest& request, v1::HolidayCalendar* response);
  absl::Status DoUpdateHolidayCalendar(const Call& call, const v1::UpdateHolidayCalendarRequest& request, v1::HolidayCalendar* response);

  // A caller, and their current stations once the visibility rule has needed them: asked of the deputies
  // service at most once per request, and only for a deputy looking at a citizen's opinion.
  struct Reader {
    Caller caller;
    std::optional<std::vector<std::string>> stations = std::nullopt;
  };

  // The shared path of every single-item mutation: load and lock the item, check the caller with
  // `authorize`, stop if it is `already_done`, check the transition in the state machine, run `apply`, then
  // record the timeline entry and the audit row and answer with the item as the caller may see it.
  struct Mutation {
    std::string method = "";
    Action action = Action::kSubmit;
    std::string reason = "";
    bool unsatisfied = false;  // kRate
    std::function<absl::Status(const Caller&, const Record&)> authorize = nullptr;
    // Optional: true when what the request asks for is so already (a repeated answer); the item is then
    // returned as it is and nothing is written.
    std::function<bool(const Caller&, const Record&)> already_done = nullptr;
    // Applies the change; may fill `row.detail`; returns an error to roll back.
    std::function<absl::Status(pqxx::work&, const Caller&, const Record&, State next, TransitionRow& row)> apply = nullptr;
    // Optional: adds to the response inside the transaction (so an idempotent replay returns it too).
    std::function<absl::Status(pqxx::work&, Reader&, const Record&, v1::Suggestion*)> finish = nullptr;
  };
  absl::Status Mutate(const Call& call, const google::protobuf::Message& request,
                      absl::string_view name, const Mutation& mutation, v1::Suggestion* response);

  // The deadline `rule` gives from `start`, reading the holiday calendar when it counts working days.
  std::string Deadline(pqxx::transaction_base& tx, const DeadlineRule& rule, absl::CivilDay start);

  // The registry's record of a deputy caller; nullopt for a caller bound to no deputy the registry knows.
  absl::StatusOr<std::optional<minyi::deputies::v1::Deputy>> RegisteredDeputy(const Caller& caller);
  // Fills `reader.stations` if it is not yet known.
  absl::Status LookUpStations(Reader& reader);
  // The most similar open items to `text` (whose band keys are `band_keys`) that the reader may read,
  // best first, excluding `self`.
  absl::StatusOr<std::vector<v1::SimilarItem>> Similar(pqxx::transaction_base& tx, Reader& reader,
                                                       absl::string_view text, const std::vector<int64_t>& band_keys,
                                                       int64_t self, double min_score, int limit);
  // CanRead (visibility.h), with the stations looked up when the rule needs them.
  absl::StatusOr<bool> MayRead(Reader& reader, const v1::Suggestion& s);
  // The item, when the reader may read it; NOT_FOUND, exactly as for a missing item, when they may not.
  absl::StatusOr<Record> LoadVisible(pqxx::transaction_base& tx, Reader& reader, int64_t id, bool for_update = false);
  // OK when the deputy reading may enter a citizen's opinion at `station`: a serving deputy who belongs to
  // it, or is on its duty rota today.
  absl::Status CheckEntersAt(Reader& reader, const std::string& station);

  PgPool& pool_;
  const Authorizer& authorizer_;
  DeadlinePolicy policy_;
  MinHasher hasher_;
  std::unique_ptr<minyi::deputies::v1::Deputies::Stub> deputies_;
  ServiceCredentials& credentials_;
};

}  // namespace minyi::suggestions

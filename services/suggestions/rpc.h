#pragma once

#include "minyi/suggestions/v1/suggestions.grpc.pb.h"
#include "suggestions/configuration.h"
#include "suggestions/handling.h"
#include "suggestions/items.h"
#include "suggestions/queries.h"

namespace minyi::suggestions {

// The gRPC face of suggestions: each method hands its call to the handler that owns it (rpc.h's Serve).
class SuggestionsRpc final : public v1::Suggestions::CallbackService {
 public:
  SuggestionsRpc(Items& items, Handling& handling, Queries& queries, Configuration& configuration)
      : items_(items), handling_(handling), queries_(queries), configuration_(configuration) {}

  grpc::ServerUnaryReactor* CreateSuggestion(grpc::CallbackServerContext* ctx,
                                             const v1::CreateSuggestionRequest* request,
                                             v1::Suggestion* response) override;
  grpc::ServerUnaryReactor* GetSuggestion(grpc::CallbackServerContext* ctx, const v1::GetSuggestionRequest* request,
                                          v1::Suggestion* response) override;
  grpc::ServerUnaryReactor* ListSuggestions(grpc::CallbackServerContext* ctx, const v1::ListSuggestionsRequest* request,
                                            v1::ListSuggestionsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateSuggestion(grpc::CallbackServerContext* ctx,
                                             const v1::UpdateSuggestionRequest* request,
                                             v1::Suggestion* response) override;
  grpc::ServerUnaryReactor* SubmitSuggestion(grpc::CallbackServerContext* ctx, const v1::TransitionRequest* request,
                                             v1::Suggestion* response) override;
  grpc::ServerUnaryReactor* ConfirmCoSigning(grpc::CallbackServerContext* ctx, const v1::TransitionRequest* request,
                                             v1::Suggestion* response) override;
  grpc::ServerUnaryReactor* DeclineCoSigning(grpc::CallbackServerContext* ctx, const v1::TransitionRequest* request,
                                             v1::Suggestion* response) override;
  grpc::ServerUnaryReactor* AcceptSuggestion(grpc::CallbackServerContext* ctx, const v1::TransitionRequest* request,
                                             v1::Suggestion* response) override;
  grpc::ServerUnaryReactor* RejectSuggestion(grpc::CallbackServerContext* ctx, const v1::TransitionRequest* request,
                                             v1::Suggestion* response) override;
  grpc::ServerUnaryReactor* MergeSuggestion(grpc::CallbackServerContext* ctx, const v1::MergeSuggestionRequest* request,
                                            v1::Suggestion* response) override;
  grpc::ServerUnaryReactor* AssignSuggestion(grpc::CallbackServerContext* ctx,
                                             const v1::AssignSuggestionRequest* request,
                                             v1::Suggestion* response) override;
  grpc::ServerUnaryReactor* RecordContact(grpc::CallbackServerContext* ctx, const v1::RecordContactRequest* request,
                                          v1::Suggestion* response) override;
  grpc::ServerUnaryReactor* SubmitCoUnitOpinion(grpc::CallbackServerContext* ctx,
                                                const v1::SubmitCoUnitOpinionRequest* request,
                                                v1::Suggestion* response) override;
  grpc::ServerUnaryReactor* AnswerSuggestion(grpc::CallbackServerContext* ctx,
                                             const v1::AnswerSuggestionRequest* request,
                                             v1::Suggestion* response) override;
  grpc::ServerUnaryReactor* RateSuggestion(grpc::CallbackServerContext* ctx, const v1::RateSuggestionRequest* request,
                                           v1::Suggestion* response) override;
  grpc::ServerUnaryReactor* ReopenSuggestion(grpc::CallbackServerContext* ctx, const v1::TransitionRequest* request,
                                             v1::Suggestion* response) override;
  grpc::ServerUnaryReactor* EscalateOpinion(grpc::CallbackServerContext* ctx, const v1::TransitionRequest* request,
                                            v1::Suggestion* response) override;
  grpc::ServerUnaryReactor* LinkOpinions(grpc::CallbackServerContext* ctx, const v1::LinkOpinionsRequest* request,
                                         v1::Suggestion* response) override;
  grpc::ServerUnaryReactor* FlagKeySupervision(grpc::CallbackServerContext* ctx,
                                               const v1::FlagKeySupervisionRequest* request,
                                               v1::Suggestion* response) override;
  grpc::ServerUnaryReactor* RequestExtension(grpc::CallbackServerContext* ctx,
                                             const v1::RequestExtensionRequest* request,
                                             v1::Suggestion* response) override;
  grpc::ServerUnaryReactor* DecideExtension(grpc::CallbackServerContext* ctx, const v1::DecideExtensionRequest* request,
                                            v1::Suggestion* response) override;
  grpc::ServerUnaryReactor* AllocateFund(grpc::CallbackServerContext* ctx, const v1::AllocateFundRequest* request,
                                         v1::Suggestion* response) override;
  grpc::ServerUnaryReactor* PublishToShowcase(grpc::CallbackServerContext* ctx, const v1::TransitionRequest* request,
                                              v1::Suggestion* response) override;
  grpc::ServerUnaryReactor* GetTimeline(grpc::CallbackServerContext* ctx, const v1::GetTimelineRequest* request,
                                        v1::Timeline* response) override;
  grpc::ServerUnaryReactor* FindSimilar(grpc::CallbackServerContext* ctx, const v1::FindSimilarRequest* request,
                                        v1::FindSimilarResponse* response) override;
  grpc::ServerUnaryReactor* GetSuggestionStats(grpc::CallbackServerContext* ctx,
                                               const v1::GetSuggestionStatsRequest* request,
                                               v1::SuggestionStats* response) override;
  grpc::ServerUnaryReactor* ListShowcase(grpc::CallbackServerContext* ctx, const v1::ListShowcaseRequest* request,
                                         v1::ListSuggestionsResponse* response) override;
  grpc::ServerUnaryReactor* ListCommitments(grpc::CallbackServerContext* ctx, const v1::ListCommitmentsRequest* request,
                                            v1::ListCommitmentsResponse* response) override;
  grpc::ServerUnaryReactor* CheckCommitment(grpc::CallbackServerContext* ctx, const v1::CheckCommitmentRequest* request,
                                            v1::Commitment* response) override;
  grpc::ServerUnaryReactor* GetRoutingRules(grpc::CallbackServerContext* ctx, const v1::GetRoutingRulesRequest* request,
                                            v1::RoutingRules* response) override;
  grpc::ServerUnaryReactor* UpdateRoutingRules(grpc::CallbackServerContext* ctx,
                                               const v1::UpdateRoutingRulesRequest* request,
                                               v1::RoutingRules* response) override;
  grpc::ServerUnaryReactor* CreateFund(grpc::CallbackServerContext* ctx, const v1::CreateFundRequest* request,
                                       v1::Fund* response) override;
  grpc::ServerUnaryReactor* GetFund(grpc::CallbackServerContext* ctx, const v1::GetFundRequest* request,
                                    v1::Fund* response) override;
  grpc::ServerUnaryReactor* GetHolidayCalendar(grpc::CallbackServerContext* ctx,
                                               const v1::GetHolidayCalendarRequest* request,
                                               v1::HolidayCalendar* response) override;
  grpc::ServerUnaryReactor* UpdateHolidayCalendar(grpc::CallbackServerContext* ctx,
                                                  const v1::UpdateHolidayCalendarRequest* request,
                                                  v1::HolidayCalendar* response) override;

 private:
  Items& items_;
  Handling& handling_;
  Queries& queries_;
  Configuration& configuration_;
};

}  // namespace minyi::suggestions

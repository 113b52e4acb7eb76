#include "suggestions/rpc.h"

#include "common/rpc.h"

namespace minyi::suggestions {

grpc::ServerUnaryReactor* SuggestionsRpc::CreateSuggestion(grpc::CallbackServerContext* ctx,
                                                           const v1::CreateSuggestionRequest* request,
                                                           v1::Suggestion* response) {
  return Serve(ctx, items_, &Items::Create, request, response);
}

grpc::ServerUnaryReactor* SuggestionsRpc::GetSuggestion(grpc::CallbackServerContext* ctx,
                                                        const v1::GetSuggestionRequest* request,
                                                        v1::Suggestion* response) {
  return Serve(ctx, queries_, &Queries::Get, request, response);
}

grpc::ServerUnaryReactor* SuggestionsRpc::ListSuggestions(grpc::CallbackServerContext* ctx,
                                                          const v1::ListSuggestionsRequest* request,
                                                          v1::ListSuggestionsResponse* response) {
  return Serve(ctx, queries_, &Queries::List, request, response);
}

grpc::ServerUnaryReactor* SuggestionsRpc::UpdateSuggestion(grpc::CallbackServerContext* ctx,
                                                           const v1::UpdateSuggestionRequest* request,
                                                           v1::Suggestion* response) {
  return Serve(ctx, items_, &Items::Update, request, response);
}

grpc::ServerUnaryReactor* SuggestionsRpc::SubmitSuggestion(grpc::CallbackServerContext* ctx,
                                                           const v1::TransitionRequest* request,
                                                           v1::Suggestion* response) {
  return Serve(ctx, items_, &Items::Submit, request, response);
}

grpc::ServerUnaryReactor* SuggestionsRpc::ConfirmCoSigning(grpc::CallbackServerContext* ctx,
                                                           const v1::TransitionRequest* request,
                                                           v1::Suggestion* response) {
  return Serve(ctx, items_, &Items::ConfirmCoSigning, request, response);
}

grpc::ServerUnaryReactor* SuggestionsRpc::DeclineCoSigning(grpc::CallbackServerContext* ctx,
                                                           const v1::TransitionRequest* request,
                                                           v1::Suggestion* response) {
  return Serve(ctx, items_, &Items::DeclineCoSigning, request, response);
}

grpc::ServerUnaryReactor* SuggestionsRpc::AcceptSuggestion(grpc::CallbackServerContext* ctx,
                                                           const v1::TransitionRequest* request,
                                                           v1::Suggestion* response) {
  return Serve(ctx, items_, &Items::Accept, request, response);
}

grpc::ServerUnaryReactor* SuggestionsRpc::RejectSuggestion(grpc::CallbackServerContext* ctx,
                                                           const v1::TransitionRequest* request,
                                                           v1::Suggestion* response) {
  return Serve(ctx, items_, &Items::Reject, request, response);
}

grpc::ServerUnaryReactor* SuggestionsRpc::MergeSuggestion(grpc::CallbackServerContext* ctx,
                                                          const v1::MergeSuggestionRequest* request,
                                                          v1::Suggestion* response) {
  return Serve(ctx, items_, &Items::Merge, request, response);
}

grpc::ServerUnaryReactor* SuggestionsRpc::AssignSuggestion(grpc::CallbackServerContext* ctx,
                                                           const v1::AssignSuggestionRequest* request,
                                                           v1::Suggestion* response) {
  return Serve(ctx, handling_, &Handling::Assign, request, response);
}

grpc::ServerUnaryReactor* SuggestionsRpc::RecordContact(grpc::CallbackServerContext* ctx,
                                                        const v1::RecordContactRequest* request,
                                                        v1::Suggestion* response) {
  return Serve(ctx, handling_, &Handling::RecordContact, request, response);
}

grpc::ServerUnaryReactor* SuggestionsRpc::SubmitCoUnitOpinion(grpc::CallbackServerContext* ctx,
                                                              const v1::SubmitCoUnitOpinionRequest* request,
                                                              v1::Suggestion* response) {
  return Serve(ctx, handling_, &Handling::SubmitCoUnitOpinion, request, response);
}

grpc::ServerUnaryReactor* SuggestionsRpc::AnswerSuggestion(grpc::CallbackServerContext* ctx,
                                                           const v1::AnswerSuggestionRequest* request,
                                                           v1::Suggestion* response) {
  return Serve(ctx, handling_, &Handling::AnswerSuggestion, request, response);
}

grpc::ServerUnaryReactor* SuggestionsRpc::RateSuggestion(grpc::CallbackServerContext* ctx,
                                                         const v1::RateSuggestionRequest* request,
                                                         v1::Suggestion* response) {
  return Serve(ctx, handling_, &Handling::Rate, request, response);
}

grpc::ServerUnaryReactor* SuggestionsRpc::ReopenSuggestion(grpc::CallbackServerContext* ctx,
                                                           const v1::TransitionRequest* request,
                                                           v1::Suggestion* response) {
  return Serve(ctx, handling_, &Handling::Reopen, request, response);
}

grpc::ServerUnaryReactor* SuggestionsRpc::EscalateOpinion(grpc::CallbackServerContext* ctx,
                                                          const v1::TransitionRequest* request,
                                                          v1::Suggestion* response) {
  return Serve(ctx, items_, &Items::Escalate, request, response);
}

grpc::ServerUnaryReactor* SuggestionsRpc::LinkOpinions(grpc::CallbackServerContext* ctx,
                                                       const v1::LinkOpinionsRequest* request,
                                                       v1::Suggestion* response) {
  return Serve(ctx, items_, &Items::LinkOpinions, request, response);
}

grpc::ServerUnaryReactor* SuggestionsRpc::FlagKeySupervision(grpc::CallbackServerContext* ctx,
                                                             const v1::FlagKeySupervisionRequest* request,
                                                             v1::Suggestion* response) {
  return Serve(ctx, items_, &Items::FlagKeySupervision, request, response);
}

grpc::ServerUnaryReactor* SuggestionsRpc::RequestExtension(grpc::CallbackServerContext* ctx,
                                                           const v1::RequestExtensionRequest* request,
                                                           v1::Suggestion* response) {
  return Serve(ctx, handling_, &Handling::RequestExtension, request, response);
}

grpc::ServerUnaryReactor* SuggestionsRpc::DecideExtension(grpc::CallbackServerContext* ctx,
                                                          const v1::DecideExtensionRequest* request,
                                                          v1::Suggestion* response) {
  return Serve(ctx, handling_, &Handling::DecideExtension, request, response);
}

grpc::ServerUnaryReactor* SuggestionsRpc::AllocateFund(grpc::CallbackServerContext* ctx,
                                                       const v1::AllocateFundRequest* request,
                                                       v1::Suggestion* response) {
  return Serve(ctx, items_, &Items::AllocateFund, request, response);
}

grpc::ServerUnaryReactor* SuggestionsRpc::PublishToShowcase(grpc::CallbackServerContext* ctx,
                                                            const v1::TransitionRequest* request,
                                                            v1::Suggestion* response) {
  return Serve(ctx, items_, &Items::PublishToShowcase, request, response);
}

grpc::ServerUnaryReactor* SuggestionsRpc::GetTimeline(grpc::CallbackServerContext* ctx,
                                                      const v1::GetTimelineRequest* request, v1::Timeline* response) {
  return Serve(ctx, queries_, &Queries::GetTimeline, request, response);
}

grpc::ServerUnaryReactor* SuggestionsRpc::FindSimilar(grpc::CallbackServerContext* ctx,
                                                      const v1::FindSimilarRequest* request,
                                                      v1::FindSimilarResponse* response) {
  return Serve(ctx, queries_, &Queries::FindSimilar, request, response);
}

grpc::ServerUnaryReactor* SuggestionsRpc::GetSuggestionStats(grpc::CallbackServerContext* ctx,
                                                             const v1::GetSuggestionStatsRequest* request,
                                                             v1::SuggestionStats* response) {
  return Serve(ctx, queries_, &Queries::GetStats, request, response);
}

grpc::ServerUnaryReactor* SuggestionsRpc::ListShowcase(grpc::CallbackServerContext* ctx,
                                                       const v1::ListShowcaseRequest* request,
                                                       v1::ListSuggestionsResponse* response) {
  return Serve(ctx, queries_, &Queries::ListShowcase, request, response);
}

grpc::ServerUnaryReactor* SuggestionsRpc::ListCommitments(grpc::CallbackServerContext* ctx,
                                                          const v1::ListCommitmentsRequest* request,
                                                          v1::ListCommitmentsResponse* response) {
  return Serve(ctx, queries_, &Queries::ListCommitments, request, response);
}

grpc::ServerUnaryReactor* SuggestionsRpc::CheckCommitment(grpc::CallbackServerContext* ctx,
                                                          const v1::CheckCommitmentRequest* request,
                                                          v1::Commitment* response) {
  return Serve(ctx, handling_, &Handling::CheckCommitment, request, response);
}

grpc::ServerUnaryReactor* SuggestionsRpc::GetRoutingRules(grpc::CallbackServerContext* ctx,
                                                          const v1::GetRoutingRulesRequest* request,
                                                          v1::RoutingRules* response) {
  return Serve(ctx, configuration_, &Configuration::GetRoutingRules, request, response);
}

grpc::ServerUnaryReactor* SuggestionsRpc::UpdateRoutingRules(grpc::CallbackServerContext* ctx,
                                                             const v1::UpdateRoutingRulesRequest* request,
                                                             v1::RoutingRules* response) {
  return Serve(ctx, configuration_, &Configuration::UpdateRoutingRules, request, response);
}

grpc::ServerUnaryReactor* SuggestionsRpc::CreateFund(grpc::CallbackServerContext* ctx,
                                                     const v1::CreateFundRequest* request, v1::Fund* response) {
  return Serve(ctx, configuration_, &Configuration::CreateFund, request, response);
}

grpc::ServerUnaryReactor* SuggestionsRpc::GetFund(grpc::CallbackServerContext* ctx,
                                                  const v1::GetFundRequest* request, v1::Fund* response) {
  return Serve(ctx, configuration_, &Configuration::GetFund, request, response);
}

grpc::ServerUnaryReactor* SuggestionsRpc::GetHolidayCalendar(grpc::CallbackServerContext* ctx,
                                                             const v1::GetHolidayCalendarRequest* request,
                                                             v1::HolidayCalendar* response) {
  return Serve(ctx, configuration_, &Configuration::GetHolidayCalendar, request, response);
}

grpc::ServerUnaryReactor* SuggestionsRpc::UpdateHolidayCalendar(grpc::CallbackServerContext* ctx,
                                                                const v1::UpdateHolidayCalendarRequest* request,
                                                                v1::HolidayCalendar* response) {
  return Serve(ctx, configuration_, &Configuration::UpdateHolidayCalendar, request, response);
}

}  // namespace minyi::suggestions

#include "suggestions/rpc.h"

#include "minyi/suggestions/v1/suggestions.grpc.pb.h"

namespace minyi::suggestions {

std::unique_ptr<RpcService> SuggestionsRpc(Items& items, Handling& handling, Queries& queries,
                                           Configuration& configuration, DeadEvents& dead_events) {
  auto rpc = std::make_unique<RpcService>(v1::Suggestions::service_full_name());
  (*rpc)
      .Bind("CreateSuggestion", items, &Items::Create)
      .Bind("GetSuggestion", queries, &Queries::Get)
      .Bind("ListSuggestions", queries, &Queries::List)
      .Bind("UpdateSuggestion", items, &Items::Update)
      .Bind("SubmitSuggestion", items, &Items::Submit)
      .Bind("ConfirmCoSigning", items, &Items::ConfirmCoSigning)
      .Bind("DeclineCoSigning", items, &Items::DeclineCoSigning)
      .Bind("AcceptSuggestion", items, &Items::Accept)
      .Bind("RejectSuggestion", items, &Items::Reject)
      .Bind("MergeSuggestion", items, &Items::Merge)
      .Bind("AssignSuggestion", handling, &Handling::Assign)
      .Bind("RecordContact", handling, &Handling::RecordContact)
      .Bind("SubmitCoUnitOpinion", handling, &Handling::SubmitCoUnitOpinion)
      .Bind("AnswerSuggestion", handling, &Handling::AnswerSuggestion)
      .Bind("RateSuggestion", handling, &Handling::Rate)
      .Bind("ReopenSuggestion", handling, &Handling::Reopen)
      .Bind("EscalateOpinion", items, &Items::Escalate)
      .Bind("LinkOpinions", items, &Items::LinkOpinions)
      .Bind("FlagKeySupervision", items, &Items::FlagKeySupervision)
      .Bind("RequestExtension", handling, &Handling::RequestExtension)
      .Bind("DecideExtension", handling, &Handling::DecideExtension)
      .Bind("AllocateFund", items, &Items::AllocateFund)
      .Bind("PublishToShowcase", items, &Items::PublishToShowcase)
      .Bind("GetTimeline", queries, &Queries::GetTimeline)
      .Bind("FindSimilar", queries, &Queries::FindSimilar)
      .Bind("GetSuggestionStats", queries, &Queries::GetStats)
      .Bind("ListShowcase", queries, &Queries::ListShowcase)
      .Bind("ListCommitments", queries, &Queries::ListCommitments)
      .Bind("CheckCommitment", handling, &Handling::CheckCommitment)
      .Bind("GetRoutingRules", configuration, &Configuration::GetRoutingRules)
      .Bind("UpdateRoutingRules", configuration, &Configuration::UpdateRoutingRules)
      .Bind("CreateFund", configuration, &Configuration::CreateFund)
      .Bind("GetFund", configuration, &Configuration::GetFund)
      .Bind("GetHolidayCalendar", configuration, &Configuration::GetHolidayCalendar)
      .Bind("UpdateHolidayCalendar", configuration, &Configuration::UpdateHolidayCalendar)
      .Bind("ListDeadEvents", dead_events, &DeadEvents::List)
      .Bind("ReplayDeadEvent", dead_events, &DeadEvents::Replay);
  return rpc;
}

std::unique_ptr<RpcService> PublicSuggestionsRpc(PublicReads& reads) {
  auto rpc = std::make_unique<RpcService>(v1::PublicSuggestions::service_full_name());
  (*rpc)
      .Bind("ListPublicShowcase", reads, &PublicReads::ListShowcase)
      .Bind("GetPublicStats", reads, &PublicReads::GetStats);
  return rpc;
}

}  // namespace minyi::suggestions

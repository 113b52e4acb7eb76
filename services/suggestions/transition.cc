#include "suggestions/transition.h"

#include "common/status_macros.h"
#include "suggestions/visibility.h"

namespace minyi::suggestions {
namespace {

using ::minyi::suggestions::v1::OPINION_LEVEL_DISTRICT;
using ::minyi::suggestions::v1::Suggestion;
using ::minyi::suggestions::v1::SuggestionState_Name;

}  // namespace

absl::Status Transitions::Run(const Call& call, const google::protobuf::Message& request, absl::string_view name,
                              const Mutation& m, Suggestion* response) const {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.Authenticate(call));
  ASSIGN_OR_RETURN(const int64_t id, ParseName(name));
  Reader reader{caller};
  return commands_.Run(call, caller, m.method, request, response, [&](Change& change) -> absl::Status {
    pqxx::work& tx = change.tx();
    ASSIGN_OR_RETURN(const Record rec, access_.LoadVisible(tx, reader, id, /*for_update=*/true));
    RETURN_IF_ERROR(m.authorize(caller, rec));
    if (m.already_done && m.already_done(caller, rec)) {
      *response = View(caller, rec.suggestion, false);
      return absl::OkStatus();
    }
    const Suggestion& s = rec.suggestion;
    ASSIGN_OR_RETURN(const State next, Next(s.state(), m.action,
                                            {.kind = s.kind(),
                                             .round = s.round(),
                                             .unsatisfied = m.unsatisfied,
                                             .at_top_tier = s.level() == OPINION_LEVEL_DISTRICT}));
    TransitionRow row{.suggestion_id = id,
                      .action = ActionName(m.action),
                      .from = s.state(),
                      .to = next,
                      .actor = caller.account_id(),
                      .actor_role = minyi::common::v1::Role_Name(caller.role()),
                      .reason = m.reason};
    RETURN_IF_ERROR(m.apply(change, rec, next, row));
    AppendTransition(tx, row);
    change.Audit(
        s.name(),
        {{"from", SuggestionState_Name(row.from)}, {"to", SuggestionState_Name(row.to)}, {"detail", row.detail}});
    *response = View(caller, LoadSuggestion(tx, id)->suggestion, false);
    return m.finish ? m.finish(tx, reader, rec, response) : absl::OkStatus();
  });
}

}  // namespace minyi::suggestions

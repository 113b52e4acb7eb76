#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "minyi/suggestions/v1/suggestions.pb.h"

// The suggestion state machine, free of I/O: which action is legal in which state and where it leads.
// The service checks every transition here before it writes anything, so the database never holds a state
// this table cannot reach.
namespace minyi::suggestions {

using State = minyi::suggestions::v1::SuggestionState;
using Kind = minyi::suggestions::v1::SuggestionKind;

enum class Action {
  kSubmit,
  kAccept,
  kReject,
  kMerge,
  kAssign,
  kContact,        // the lead unit contacts the deputy (见面沟通)
  kCoUnitOpinion,  // a co-unit sends its opinion; no state change
  kAnswer,
  kRate,
  kReopen,    // office staff reopen a closed item
  kEscalate,  // a citizen's opinion moves up a tier; no state change
  kLink,      // a citizen's opinion is taken into a deputy's suggestion
  kRequestExtension,
  kDecideExtension,
  kFlag,              // key supervision on/off; no state change
  kAllocateFund,      // no state change
  kShowcase,          // no state change
  kConfirmCoSigning,  // a named co-signer signs a joint draft; no state change
  kDeclineCoSigning,  // or declines it; no state change
};

// What a transition needs to know besides the state.
struct TransitionContext {
  Kind kind = minyi::suggestions::v1::SUGGESTION_KIND_DEPUTY;
  int round = 1;             // 1 first handling, 2 re-handling
  bool unsatisfied = false;  // kRate: attitude or result unsatisfied
  bool at_top_tier = false;  // kEscalate: the opinion is already at the district
};

// The largest round: one re-handling after an unsatisfied rating; a second unsatisfied rating closes.
inline constexpr int kMaxRounds = 2;

// The next state, or FAILED_PRECONDITION (reason ILLEGAL_TRANSITION) naming the action and the current
// state in Chinese.
absl::StatusOr<State> Next(State current, Action action, const TransitionContext& context = {});

// A stable name for the timeline ("SUBMIT", "ACCEPT", ...).
std::string ActionName(Action action);
// The state's Chinese name for people (草稿, 已提交, ...).
std::string StateLabel(State state);

// True while a department is handling the item against a deadline.
bool IsHandling(State state);
// The states duplicate detection offers for merging.
bool IsOpen(State state);

// The co-units that have not yet sent their opinion; the lead cannot answer while any are missing.
std::vector<std::string> MissingCoUnitOpinions(const std::vector<std::string>& co_units,
                                               const std::vector<std::string>& received);

}  // namespace minyi::suggestions

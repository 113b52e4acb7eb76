#include "suggestions/lifecycle.h"

#include <algorithm>
#include <initializer_list>

#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace minyi::suggestions {
namespace {

using namespace ::minyi::suggestions::v1;  // NOLINT: the state enum values read as a table

bool In(State s, std::initializer_list<State> states) {
  return std::find(states.begin(), states.end(), s) != states.end();
}

absl::Status Illegal(State current, Action action, absl::string_view why = "") {
  return FailedPrecondition("ILLEGAL_TRANSITION",
                            absl::StrCat("当前状态为「", StateLabel(current), "」(", SuggestionState_Name(current),
                                         ")，不能执行 ", ActionName(action), why.empty() ? "" : "：", why));
}

}  // namespace

absl::StatusOr<State> Next(State s, Action action, const TransitionContext& c) {
  const bool opinion = c.kind == SUGGESTION_KIND_CITIZEN_OPINION;
  switch (action) {
    case Action::kSubmit:
      if (s == SUGGESTION_STATE_DRAFT) return SUGGESTION_STATE_SUBMITTED;
      break;
    case Action::kAccept:
      if (s == SUGGESTION_STATE_SUBMITTED) return SUGGESTION_STATE_ACCEPTED;
      break;
    case Action::kReject:
      if (s == SUGGESTION_STATE_SUBMITTED) return SUGGESTION_STATE_NOT_ACCEPTED;
      break;
    case Action::kMerge:
      if (In(s, {SUGGESTION_STATE_SUBMITTED, SUGGESTION_STATE_ACCEPTED})) return SUGGESTION_STATE_MERGED;
      break;
    case Action::kAssign:
      if (s == SUGGESTION_STATE_ACCEPTED) return SUGGESTION_STATE_ASSIGNED;
      break;
    case Action::kContact:
      if (In(s, {SUGGESTION_STATE_ASSIGNED, SUGGESTION_STATE_IN_PROGRESS, SUGGESTION_STATE_REOPENED})) {
        return SUGGESTION_STATE_IN_PROGRESS;
      }
      break;
    case Action::kCoUnitOpinion:
      if (In(s, {SUGGESTION_STATE_ASSIGNED, SUGGESTION_STATE_IN_PROGRESS, SUGGESTION_STATE_REOPENED})) return s;
      break;
    case Action::kAnswer:
      if (s == SUGGESTION_STATE_IN_PROGRESS) return SUGGESTION_STATE_ANSWERED;
      if (In(s, {SUGGESTION_STATE_ASSIGNED, SUGGESTION_STATE_REOPENED})) {
        return Illegal(s, action, "承办单位须先与代表联系沟通");
      }
      break;
    case Action::kRate:
      if (s == SUGGESTION_STATE_ANSWERED) {
        return c.unsatisfied && c.round < kMaxRounds ? SUGGESTION_STATE_REOPENED : SUGGESTION_STATE_CLOSED;
      }
      break;
    case Action::kReopen:
      if (s == SUGGESTION_STATE_CLOSED) return SUGGESTION_STATE_REOPENED;
      break;
    case Action::kEscalate:
      if (!opinion) return Illegal(s, action, "只有群众意见可以逐级上报");
      if (c.at_top_tier) return Illegal(s, action, "已在区级办理，不能再上报");
      if (In(s, {SUGGESTION_STATE_SUBMITTED, SUGGESTION_STATE_ACCEPTED})) return s;
      break;
    case Action::kLink:
      if (!opinion) return Illegal(s, action, "只有群众意见可以转为代表建议");
      if (In(s, {SUGGESTION_STATE_SUBMITTED, SUGGESTION_STATE_ACCEPTED})) return SUGGESTION_STATE_LINKED;
      break;
    case Action::kRequestExtension:
    case Action::kDecideExtension:
      if (c.round == 1 && In(s, {SUGGESTION_STATE_ASSIGNED, SUGGESTION_STATE_IN_PROGRESS})) return s;
      if (c.round > 1 && IsHandling(s)) return Illegal(s, action, "重新办理不能延期");
      break;
    case Action::kFlag:
      if (!In(s, {SUGGESTION_STATE_DRAFT, SUGGESTION_STATE_NOT_ACCEPTED, SUGGESTION_STATE_MERGED,
                  SUGGESTION_STATE_LINKED})) {
        return s;
      }
      break;
    case Action::kAllocateFund:
      if (In(s, {SUGGESTION_STATE_ACCEPTED, SUGGESTION_STATE_ASSIGNED, SUGGESTION_STATE_IN_PROGRESS,
                 SUGGESTION_STATE_ANSWERED, SUGGESTION_STATE_REOPENED, SUGGESTION_STATE_CLOSED})) {
        return s;
      }
      break;
    case Action::kShowcase:
      if (s == SUGGESTION_STATE_CLOSED) return s;
      break;
    case Action::kConfirmCoSigning:
    case Action::kDeclineCoSigning:
      if (c.kind != SUGGESTION_KIND_JOINT) return Illegal(s, action, "只有联名建议有联名代表");
      if (s == SUGGESTION_STATE_DRAFT) return s;
      break;
  }
  return Illegal(s, action);
}

std::string ActionName(Action action) {
  switch (action) {
    case Action::kSubmit:
      return "SUBMIT";
    case Action::kAccept:
      return "ACCEPT";
    case Action::kReject:
      return "REJECT";
    case Action::kMerge:
      return "MERGE";
    case Action::kAssign:
      return "ASSIGN";
    case Action::kContact:
      return "CONTACT";
    case Action::kCoUnitOpinion:
      return "CO_UNIT_OPINION";
    case Action::kAnswer:
      return "ANSWER";
    case Action::kRate:
      return "RATE";
    case Action::kReopen:
      return "REOPEN";
    case Action::kEscalate:
      return "ESCALATE";
    case Action::kLink:
      return "LINK";
    case Action::kRequestExtension:
      return "REQUEST_EXTENSION";
    case Action::kDecideExtension:
      return "DECIDE_EXTENSION";
    case Action::kFlag:
      return "FLAG_KEY_SUPERVISION";
    case Action::kAllocateFund:
      return "ALLOCATE_FUND";
    case Action::kShowcase:
      return "SHOWCASE";
    case Action::kConfirmCoSigning:
      return "CONFIRM_CO_SIGNING";
    case Action::kDeclineCoSigning:
      return "DECLINE_CO_SIGNING";
  }
  return "UNKNOWN";
}

std::string StateLabel(State state) {
  switch (state) {
    case SUGGESTION_STATE_DRAFT:
      return "草稿";
    case SUGGESTION_STATE_SUBMITTED:
      return "已提交";
    case SUGGESTION_STATE_ACCEPTED:
      return "已立案";
    case SUGGESTION_STATE_NOT_ACCEPTED:
      return "不予立案";
    case SUGGESTION_STATE_MERGED:
      return "已并案";
    case SUGGESTION_STATE_ASSIGNED:
      return "已交办";
    case SUGGESTION_STATE_IN_PROGRESS:
      return "办理中";
    case SUGGESTION_STATE_ANSWERED:
      return "已答复";
    case SUGGESTION_STATE_REOPENED:
      return "重新办理";
    case SUGGESTION_STATE_CLOSED:
      return "已办结";
    case SUGGESTION_STATE_LINKED:
      return "已转代表建议";
    default:
      return "未知";
  }
}

bool IsHandling(State state) {
  return In(state, {SUGGESTION_STATE_ASSIGNED, SUGGESTION_STATE_IN_PROGRESS, SUGGESTION_STATE_REOPENED});
}

bool IsOpen(State state) {
  return In(state, {SUGGESTION_STATE_SUBMITTED, SUGGESTION_STATE_ACCEPTED, SUGGESTION_STATE_ASSIGNED,
                    SUGGESTION_STATE_IN_PROGRESS, SUGGESTION_STATE_ANSWERED, SUGGESTION_STATE_REOPENED});
}

std::vector<std::string> MissingCoUnitOpinions(const std::vector<std::string>& co_units,
                                               const std::vector<std::string>& received) {
  std::vector<std::string> missing;
  for (const std::string& unit : co_units) {
    if (std::find(received.begin(), received.end(), unit) == received.end()) {
      missing.push_back(unit);
    }
  }
  return missing;
}

}  // namespace minyi::suggestions

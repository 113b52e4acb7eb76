#include "suggestions/handling.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/calendar.h"
#include "common/clock.h"
#include "common/enums.h"
#include "common/names.h"
#include "common/outbox.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "minyi/suggestions/v1/events.pb.h"
#include "suggestions/routing.h"
#include "suggestions/visibility.h"

namespace minyi::suggestions {
namespace {

using ::minyi::common::v1::ROLE_DEPUTY;
using namespace ::minyi::suggestions::v1;  // NOLINT: the handler speaks this package throughout

constexpr int kMaxCoUnits = 10;

// The deadline `rule` gives from `start`, reading the holiday calendar when it counts working days.
std::string Deadline(pqxx::transaction_base& tx, const DeadlineRule& rule, absl::CivilDay start) {
  WorkingCalendar calendar;
  if (rule.unit == DeadlineRule::Unit::kWorkingDays) {
    // A working day count of N never spans more than about N * 7/5 days plus the longest holidays.
    calendar = LoadCalendar(tx, FormatDay(start), FormatDay(start + rule.amount * 2 + 60));
  }
  return FormatDay(ApplyRule(rule, start, calendar));
}

// "A" to "D", as events and the timeline name answer categories.
std::string CategoryLetter(AnswerCategory category) {
  switch (category) {
    case ANSWER_CATEGORY_A:
      return "A";
    case ANSWER_CATEGORY_B:
      return "B";
    case ANSWER_CATEGORY_C:
      return "C";
    case ANSWER_CATEGORY_D:
      return "D";
    default:
      return "";
  }
}

std::string SatisfactionLabel(Satisfaction s) {
  switch (s) {
    case SATISFACTION_SATISFIED:
      return "满意";
    case SATISFACTION_BASIC:
      return "基本满意";
    case SATISFACTION_UNSATISFIED:
      return "不满意";
    default:
      return "";
  }
}

// Another round of handling under a new `deadline`, announced to the department and to the citizen whose
// opinion it is.
void Reopened(Change& change, const Record& r, const std::string& deadline) {
  const Suggestion& s = r.suggestion;
  SetReopened(change.tx(), r.id, s.round() + 1, deadline);
  SuggestionReopened event;
  event.set_department(s.lead_department());
  event.set_deadline(deadline);
  EmitToConcerned(change, s, std::move(event));
}

// The accounts of the citizens whose opinions became part of `s`, linked (转入) or merged: its answers and
// its closing travel back to each of them.
google::protobuf::RepeatedPtrField<std::string> LinkedCitizens(pqxx::transaction_base& tx, const Suggestion& s) {
  google::protobuf::RepeatedPtrField<std::string> accounts;
  for (const std::string& opinion : s.linked_opinions()) {
    std::optional<Record> o = LoadSuggestion(tx, *ParseName(opinion));
    if (o && !o->suggestion.citizen_account().empty()) {
      accounts.Add(std::string(o->suggestion.citizen_account()));
    }
  }
  for (const MergedItem& m : s.merged()) {
    if (!m.citizen_account().empty()) {
      accounts.Add(std::string(m.citizen_account()));
    }
  }
  return accounts;
}

// A reminder or overdue event: the sweeper's own, with no caller.
template <typename Event>
void EmitDeadlineEvent(pqxx::work& tx, Event event, const Suggestion& s, const DueItem& item, int days_left) {
  event.set_reference(s.name());
  event.set_title(s.title());
  event.set_department(s.lead_department());
  *event.mutable_co_departments() = s.co_departments();
  event.set_deadline(item.deadline);
  event.set_key_supervision(s.key_supervision());
  event.set_days_left(days_left);
  EmitEvent(tx, event, s.name(), "");
}

}  // namespace

absl::Status Handling::Assign(const Call& call, const AssignSuggestionRequest& request, Suggestion* response) {
  RETURN_IF_ERROR(CheckDepartment("lead_department", request.lead_department()));
  if (request.co_departments_size() > kMaxCoUnits) {
    return InvalidField("co_departments", "at most 10 co-units");
  }
  std::vector<std::string> co_units;
  for (int i = 0; i < request.co_departments_size(); ++i) {
    const std::string& co = request.co_departments(i);
    RETURN_IF_ERROR(CheckDepartment(absl::StrCat("co_departments[", i, "]"), co));
    if (co == request.lead_department() || std::find(co_units.begin(), co_units.end(), co) != co_units.end()) {
      return InvalidField(absl::StrCat("co_departments[", i, "]"), "repeats the lead unit or another co-unit");
    }
    co_units.push_back(co);
  }
  RETURN_IF_ERROR(CheckReason(request.reason(), false));
  const absl::CivilDay today = ShanghaiDay(DomainNow());
  return transitions_.Run(
      call, request, request.name(),
      {.method = "AssignSuggestion",
       .action = Action::kAssign,
       .reason = request.reason(),
       .authorize = [](const Caller& c, const Record&) { return RequireOfficeCaller(c, "交办"); },
       .apply = [&](Change& change, const Record& r, State, TransitionRow& row) -> absl::Status {
         pqxx::work& tx = change.tx();
         const Suggestion& s = r.suggestion;
         // An assignment signed on paper counts from the day it was signed.
         absl::CivilDay assigned = today;
         if (!request.assign_date().empty()) {
           absl::CivilDay received = today - kPaperDaysBack;
           ParseDay(s.received_date(), &received);
           ASSIGN_OR_RETURN(assigned, PaperDay("assign_date", request.assign_date(), received, today));
         }
         const DeadlineRule& rule =
             s.kind() == SUGGESTION_KIND_CITIZEN_OPINION ? policy_.opinion_answer : policy_.answer;
         const std::string deadline = Deadline(tx, rule, assigned);
         SetAssigned(tx, r.id, request.lead_department(), co_units, FormatDay(assigned), deadline);
         // The routing proposal is advice: the timeline says whether staff followed it.
         const RoutingProposal proposal = ProposeDepartment(LoadRoutingRules(tx), DedupText(s));
         row.detail = absl::StrCat(
             "主办 ", request.lead_department(),
             co_units.empty() ? "" : absl::StrCat("，协办 ", absl::StrJoin(co_units, "、")),
             request.assign_date().empty() ? "" : absl::StrCat("，纸质交办，交办日期 ", FormatDay(assigned)), "，期限 ",
             deadline,
             proposal.department().empty() ? ""
             : proposal.department() == request.lead_department()
                 ? "（采纳路由建议）"
                 : absl::StrCat("（路由建议为 ", proposal.department(), "）"));
         SuggestionAssigned event;
         event.set_department(request.lead_department());
         for (const std::string& co : co_units) {
           event.add_co_departments(co);
         }
         event.set_deadline(deadline);
         event.set_key_supervision(s.key_supervision());
         EmitToConcerned(change, s, std::move(event));
         return absl::OkStatus();
       }},
      response);
}

absl::Status Handling::RecordContact(const Call& call, const RecordContactRequest& request, Suggestion* response) {
  const ContactRecord& c = request.contact();
  RETURN_IF_ERROR(CheckText("contact.method", c.method(), 1, 20));
  RETURN_IF_ERROR(CheckText("contact.summary", c.summary(), 1, 2000));
  absl::CivilDay day;
  if (!ParseDay(c.contact_date(), &day)) {
    return InvalidField("contact.contact_date", "must be a date as YYYY-MM-DD");
  }
  if (day > ShanghaiDay(DomainNow())) {
    return InvalidField("contact.contact_date", "must not be in the future");
  }
  return transitions_.Run(
      call, request, request.name(),
      {.method = "RecordContact",
       .action = Action::kContact,
       .authorize =
           [](const Caller& caller, const Record& r) {
             return IsLead(caller, r.suggestion) ? absl::OkStatus() : Deny("记录沟通：只有主办单位可以");
           },
       .apply =
           [&](Change& change, const Record& r, State next, TransitionRow& row) {
             const Caller& caller = change.caller();
             InsertContact(change.tx(), r.id, r.suggestion.round(), caller.department(), c, caller.account_id());
             SetState(change.tx(), r.id, next);
             row.detail = absl::StrCat(c.contact_date(), " ", c.method());
             return absl::OkStatus();
           }},
      response);
}

absl::Status Handling::SubmitCoUnitOpinion(const Call& call, const SubmitCoUnitOpinionRequest& request,
                                           Suggestion* response) {
  RETURN_IF_ERROR(CheckText("text", request.text(), 1, 5000));
  return transitions_.Run(call, request, request.name(),
                          {.method = "SubmitCoUnitOpinion",
                           .action = Action::kCoUnitOpinion,
                           .authorize =
                               [](const Caller& caller, const Record& r) {
                                 return IsCoUnit(caller, r.suggestion) ? absl::OkStatus()
                                                                       : Deny("提交协办意见：只有协办单位可以");
                               },
                           .apply = [&](Change& change, const Record& r, State, TransitionRow& row) -> absl::Status {
                             const Caller& caller = change.caller();
                             if (!InsertCoUnitOpinion(change.tx(), r.id, r.suggestion.round(), caller.department(),
                                                      request.text(), caller.account_id())) {
                               return AlreadyExists("CO_UNIT_OPINION_EXISTS", "本轮协办意见已提交");
                             }
                             row.detail = absl::StrCat("协办单位 ", caller.department(), " 提交意见");
                             return absl::OkStatus();
                           }},
                          response);
}

absl::Status Handling::AnswerSuggestion(const Call& call, const AnswerSuggestionRequest& request,
                                        Suggestion* response) {
  const Answer& a = request.answer();
  RETURN_IF_ERROR(RequireEnum<AnswerCategory>("answer.category", a.category(), "must be A, B, C or D"));
  RETURN_IF_ERROR(CheckText("answer.text", a.text(), 1, 10000));
  const absl::CivilDay today = ShanghaiDay(DomainNow());
  if (a.category() == ANSWER_CATEGORY_B && a.commitments_size() == 0) {
    return InvalidField("answer.commitments", "a B answer (正在解决或列入计划) needs at least one commitment");
  }
  if (a.category() != ANSWER_CATEGORY_B && a.commitments_size() > 0) {
    return InvalidField("answer.commitments", "only a B answer carries commitments");
  }
  for (int i = 0; i < a.commitments_size(); ++i) {
    const std::string prefix = absl::StrCat("answer.commitments[", i, "]");
    RETURN_IF_ERROR(CheckText(absl::StrCat(prefix, ".text"), a.commitments(i).text(), 1, 1000));
    absl::CivilDay due;
    if (!ParseDay(a.commitments(i).due_date(), &due) || due < today) {
      return InvalidField(absl::StrCat(prefix, ".due_date"), "must be a date as YYYY-MM-DD, today or later");
    }
  }
  return transitions_.Run(
      call, request, request.name(),
      {.method = "AnswerSuggestion",
       .action = Action::kAnswer,
       .authorize =
           [](const Caller& caller, const Record& r) {
             return IsLead(caller, r.suggestion) ? absl::OkStatus() : Deny("答复：只有主办单位可以");
           },
       .apply = [&](Change& change, const Record& r, State next, TransitionRow& row) -> absl::Status {
         pqxx::work& tx = change.tx();
         const Caller& caller = change.caller();
         const Suggestion& s = r.suggestion;
         std::vector<std::string> received;
         for (const CoUnitOpinion& o : s.co_unit_opinions()) {
           received.push_back(o.department());
         }
         const std::vector<std::string> missing = MissingCoUnitOpinions(
             std::vector<std::string>(s.co_departments().begin(), s.co_departments().end()), received);
         if (!missing.empty()) {
           return FailedPrecondition("CO_UNIT_OPINIONS_MISSING",
                                     absl::StrCat("当前状态为「", StateLabel(s.state()), "」，尚缺协办单位意见：",
                                                  absl::StrJoin(missing, "、")));
         }
         absl::CivilDay deadline;
         const bool on_time = !ParseDay(s.deadline(), &deadline) || today <= deadline;
         InsertAnswer(tx, r.id, s.round(), a, caller.department(), on_time, FormatDay(today), caller.account_id());
         SetState(tx, r.id, next);
         row.detail = absl::StrCat(CategoryLetter(a.category()), " 类答复", on_time ? "" : "（逾期）");
         SuggestionAnswered event;
         event.set_department(caller.department());
         event.set_category(CategoryLetter(a.category()));
         *event.mutable_accounts() = LinkedCitizens(tx, s);
         EmitToConcerned(change, s, std::move(event));
         return absl::OkStatus();
       }},
      response);
}

absl::Status Handling::Rate(const Call& call, const RateSuggestionRequest& request, Suggestion* response) {
  const Rating& rating = request.rating();
  for (auto [field, value] :
       {std::pair{"rating.attitude", rating.attitude()}, std::pair{"rating.result", rating.result()}}) {
    RETURN_IF_ERROR(RequireEnum<Satisfaction>(field, value, "must be SATISFIED, BASIC or UNSATISFIED"));
  }
  RETURN_IF_ERROR(CheckText("rating.comment", rating.comment(), 0, 2000));
  const bool unsatisfied = rating.attitude() == SATISFACTION_UNSATISFIED || rating.result() == SATISFACTION_UNSATISFIED;
  const absl::CivilDay today = ShanghaiDay(DomainNow());
  return transitions_.Run(
      call, request, request.name(),
      {.method = "RateSuggestion",
       .action = Action::kRate,
       .reason = rating.comment(),
       .unsatisfied = unsatisfied,
       .authorize =
           [](const Caller& caller, const Record& r) {
             const Suggestion& s = r.suggestion;
             const bool rater =
                 s.kind() == SUGGESTION_KIND_CITIZEN_OPINION
                     ? IsOwnOpinion(caller, s)
                     : caller.role() == ROLE_DEPUTY &&
                           std::find(s.deputies().begin(), s.deputies().end(), caller.deputy()) != s.deputies().end();
             return rater ? absl::OkStatus() : Deny("测评：只有提出人可以");
           },
       .apply = [&](Change& change, const Record& r, State next, TransitionRow& row) -> absl::Status {
         pqxx::work& tx = change.tx();
         const Suggestion& s = r.suggestion;
         InsertRating(tx, r.id, s.round(), rating, change.caller().account_id());
         row.detail = absl::StrCat("办理态度", SatisfactionLabel(rating.attitude()), "，办理结果",
                                   SatisfactionLabel(rating.result()));
         SuggestionRated rated;
         SetConcerned(rated, s);
         rated.set_department(s.lead_department());
         rated.set_attitude_satisfied(rating.attitude() != SATISFACTION_UNSATISFIED);
         rated.set_result_satisfied(rating.result() != SATISFACTION_UNSATISFIED);
         change.Emit(rated, s.name());
         if (next == SUGGESTION_STATE_REOPENED) {
           const DeadlineRule& rule =
               s.kind() == SUGGESTION_KIND_CITIZEN_OPINION ? policy_.opinion_rehandle : policy_.rehandle;
           const std::string deadline = Deadline(tx, rule, today);
           Reopened(change, r, deadline);
           absl::StrAppend(&row.detail, "；不满意，重新办理，期限 ", deadline);
         } else {
           SetState(tx, r.id, next);
           SuggestionClosed closed;
           closed.set_department(s.lead_department());
           *closed.mutable_accounts() = LinkedCitizens(tx, s);
           closed.set_attitude_satisfied(rated.attitude_satisfied());
           closed.set_result_satisfied(rated.result_satisfied());
           EmitToConcerned(change, s, std::move(closed));
         }
         return absl::OkStatus();
       }},
      response);
}

absl::Status Handling::Reopen(const Call& call, const TransitionRequest& request, Suggestion* response) {
  RETURN_IF_ERROR(CheckReason(request.reason(), true));
  const absl::CivilDay today = ShanghaiDay(DomainNow());
  return transitions_.Run(
      call, request, request.name(),
      {.method = "ReopenSuggestion",
       .action = Action::kReopen,
       .reason = request.reason(),
       .authorize = [](const Caller& c, const Record&) { return RequireOfficeCaller(c, "重新交办"); },
       .apply = [&](Change& change, const Record& r, State, TransitionRow& row) -> absl::Status {
         const DeadlineRule& rule =
             r.suggestion.kind() == SUGGESTION_KIND_CITIZEN_OPINION ? policy_.opinion_rehandle : policy_.rehandle;
         const std::string deadline = Deadline(change.tx(), rule, today);
         Reopened(change, r, deadline);
         row.detail = absl::StrCat("重新办理，期限 ", deadline);
         return absl::OkStatus();
       }},
      response);
}

absl::Status Handling::RequestExtension(const Call& call, const RequestExtensionRequest& request,
                                        Suggestion* response) {
  const ExtensionRequest& e = request.extension();
  if (e.months() <= policy_.answer.amount || e.months() > policy_.extended_max.amount) {
    return InvalidField("extension.months", absl::StrCat("must be more than ", policy_.answer.amount, " and at most ",
                                                         policy_.extended_max.amount));
  }
  RETURN_IF_ERROR(CheckText("extension.reason", e.reason(), 1, 2000));
  return transitions_.Run(
      call, request, request.name(),
      {.method = "RequestExtension",
       .action = Action::kRequestExtension,
       .reason = e.reason(),
       .authorize =
           [](const Caller& caller, const Record& r) {
             return IsLead(caller, r.suggestion) ? absl::OkStatus() : Deny("申请延期：只有主办单位可以");
           },
       .apply = [&](Change& change, const Record& r, State, TransitionRow& row) -> absl::Status {
         if (!InsertExtensionRequest(change.tx(), r.id, e.months(), e.reason(), change.caller().account_id())) {
           return AlreadyExists("EXTENSION_PENDING", "已有待审批的延期申请");
         }
         row.detail = absl::StrCat("申请延期至交办后 ", e.months());
         return absl::OkStatus();
       }},
      response);
}

absl::Status Handling::DecideExtension(const Call& call, const DecideExtensionRequest& request, Suggestion* response) {
  RETURN_IF_ERROR(CheckReason(request.reason(), true));
  return transitions_.Run(
      call, request, request.name(),
      {.method = "DecideExtension",
       .action = Action::kDecideExtension,
       .reason = request.reason(),
       .authorize = [](const Caller& c, const Record&) { return RequireOfficeCaller(c, "审批延期"); },
       .apply = [&](Change& change, const Record& r, State, TransitionRow& row) -> absl::Status {
         pqxx::work& tx = change.tx();
         std::optional<int> amount =
             ResolveExtensionRequest(tx, r.id, request.approve(), request.reason(), change.caller().account_id());
         if (!amount) {
           return FailedPrecondition("NO_PENDING_EXTENSION", "没有待审批的延期申请");
         }
         row.detail = request.approve() ? "批准延期" : "不批准延期";
         absl::CivilDay assigned;
         if (request.approve() && ParseDay(r.assigned_on, &assigned)) {
           const std::string deadline = Deadline(tx, {.unit = policy_.extended_max.unit, .amount = *amount}, assigned);
           SetDeadline(tx, r.id, deadline);
           absl::StrAppend(&row.detail, "，期限 ", deadline);
         }
         return absl::OkStatus();
       }},
      response);
}

absl::Status Handling::CheckCommitment(const Call& call, const CheckCommitmentRequest& request, Commitment* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.RequireOffice(call));
  ASSIGN_OR_RETURN(const int64_t id, ParseResourceId(request.name(), kCommitments, "name"));
  RETURN_IF_ERROR(CheckText("check.note", request.check().note(), 1, 2000));
  return commands_.Run(call, caller, "CheckCommitment", request, response, [&](Change& change) -> absl::Status {
    std::optional<Commitment> c = LoadCommitment(change.tx(), id, true);
    if (!c) {
      return NotFoundError(request.name());
    }
    if (c->fulfilled()) {
      return FailedPrecondition("COMMITMENT_FULFILLED", "该承诺事项已兑现，无需回头看");
    }
    InsertCommitmentCheck(change.tx(), id, request.check(), ShanghaiDate(DomainNow()), caller.account_id());
    change.Audit(request.name(), {{"fulfilled", request.check().fulfilled()}});
    *response = *LoadCommitment(change.tx(), id);
    return absl::OkStatus();
  });
}

absl::StatusOr<int> Handling::SweepDeadlines(absl::Time now) {
  const absl::CivilDay today = ShanghaiDay(now);
  return pool_.TransactValue<int>([&](pqxx::work& tx) -> absl::StatusOr<int> {
    int emitted = 0;
    // A bounded batch per pass, rows locked and skipped by other replicas, so replicas share the work.
    for (const DueItem& item : LockDueItems(tx, today, policy_.reminder_days, 500)) {
      absl::CivilDay deadline;
      if (!ParseDay(item.deadline, &deadline)) {
        continue;
      }
      // Every threshold reached is recorded, but only the most urgent (listed last) is announced: an item
      // first seen past its deadline — a sweep missed, or an assignment entered from paper — gets one
      // overdue notice, not the reminders it should have had before it as well.
      const std::vector<int> reached = ThresholdsReached(today, deadline, policy_.reminder_days);
      bool announce = false;
      for (int threshold : reached) {
        announce = RecordAlert(tx, item, threshold);
      }
      if (!announce) {
        continue;
      }
      const Suggestion s = LoadSuggestion(tx, item.id)->suggestion;
      const int days_left = static_cast<int>(deadline - today);
      if (reached.back() == kOverdueThreshold) {
        EmitDeadlineEvent(tx, SuggestionOverdue(), s, item, days_left);
      } else {
        EmitDeadlineEvent(tx, SuggestionDueSoon(), s, item, days_left);
      }
      ++emitted;
    }
    return emitted;
  });
}

}  // namespace minyi::suggestions

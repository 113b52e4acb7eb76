#include "suggestions/items.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/calendar.h"
#include "common/clock.h"
#include "common/names.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "minyi/suggestions/v1/events.pb.h"
#include "suggestions/deadlines.h"
#include "suggestions/draft.h"
#include "suggestions/visibility.h"

namespace minyi::suggestions {
namespace {

using ::minyi::common::v1::ROLE_DEPUTY;
using namespace ::minyi::suggestions::v1;  // NOLINT: the handler speaks this package throughout

// NOT_FOUND for an item a request names in `field`, with the BadRequest detail naming the field. A missing
// item and one the caller may not read get this same answer, so ids reveal nothing.
absl::Status NotFoundIn(absl::string_view field, absl::string_view name) {
  const absl::Status named = InvalidField(field, absl::StrCat(name, " 不存在"));
  absl::Status st(absl::StatusCode::kNotFound, named.message());
  named.ForEachPayload(
      [&](absl::string_view type_url, const absl::Cord& payload) { st.SetPayload(type_url, payload); });
  return WithReason(std::move(st), "NOT_FOUND");
}

OpinionLevel NextLevel(OpinionLevel level) {
  return level == OPINION_LEVEL_STATION ? OPINION_LEVEL_TOWN : OPINION_LEVEL_DISTRICT;
}

// A level as OpinionEscalated codes it for consumers, and as the timeline, read in Chinese, names it
// (站点, 镇街, 区 as the proto has them).
struct LevelNames {
  std::string code;
  std::string label;
};
LevelNames NamesOf(OpinionLevel level) {
  switch (level) {
    case OPINION_LEVEL_STATION:
      return {"station", "联络站"};
    case OPINION_LEVEL_TOWN:
      return {"town", "镇街"};
    case OPINION_LEVEL_DISTRICT:
      return {"district", "区"};
    default:
      return {};
  }
}

// The event of a submission, whichever path submits.
SuggestionSubmitted Submitted(const Suggestion& s, const std::string& name, const std::string& today) {
  SuggestionSubmitted event;
  *event.mutable_deputies() = s.deputies();
  event.set_reference(name);
  event.set_occurred_on(today);
  event.set_title(s.title());
  event.set_kind(SuggestionKind_Name(s.kind()));
  event.set_citizen_account(s.citizen_account());
  event.set_station(s.station());
  return event;
}

}  // namespace

absl::Status Items::Create(const Call& call, const CreateSuggestionRequest& request, Suggestion* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.Authenticate(call));
  Suggestion draft;
  DraftPeople people;
  RETURN_IF_ERROR(PrepareDraft(caller, request.suggestion(), &draft, &people));
  if (request.submit() && draft.kind() == SUGGESTION_KIND_JOINT) {
    return FailedPrecondition("CO_SIGNERS_UNCONFIRMED",
                              "联名建议须先保存为草稿，待联名代表本人确认后再提交（suggestion.deputies）");
  }
  Reader reader{caller};
  if (draft.kind() == SUGGESTION_KIND_CITIZEN_OPINION && caller.role() == ROLE_DEPUTY) {
    RETURN_IF_ERROR(access_.CheckEntersAt(reader, draft.station()));
  }
  // An item received on paper (at a session, by post) counts from the day on the paper: office staff
  // entering it give that day and submit it at once.
  const absl::CivilDay today = ShanghaiDay(DomainNow());
  const std::string& paper_day = request.suggestion().received_date();
  std::string received = FormatDay(today);
  if (!paper_day.empty()) {
    if (!IsOffice(caller)) {
      return Deny("填写收到日期（suggestion.received_date）：只有办公室工作人员录入纸质来件时可以");
    }
    if (!request.submit()) {
      return InvalidField("suggestion.received_date", "is given only for an item entered from paper and submitted");
    }
    ASSIGN_OR_RETURN(const absl::CivilDay day,
                     PaperDay("suggestion.received_date", paper_day, today - kPaperDaysBack, today));
    received = FormatDay(day);
  }
  return commands_.Run(call, caller, "CreateSuggestion", request, response, [&](Change& change) -> absl::Status {
    pqxx::work& tx = change.tx();
    const std::vector<int64_t> band_keys =
        request.submit() ? access_.hasher().BandKeysOf(TextOf(draft)) : std::vector<int64_t>{};
    const int64_t id =
        InsertSuggestion(tx, draft, people.submitters,
                         {.submit = request.submit(),
                          .today = received,
                          .band_keys = band_keys,
                          .actor = caller.account_id(),
                          .actor_role = minyi::common::v1::Role_Name(caller.role()),
                          .detail = paper_day.empty() ? "" : absl::StrCat("纸质来件，收到日期 ", received)});
    const std::string name = ResourceName(kSuggestions, id);
    draft.set_name(name);
    if (!people.co_signers.empty()) {
      SetCoSigners(tx, id, people.co_signers, /*reinvite=*/false);
      const std::vector<std::string> invited = Invited(draft, people.co_signers, /*reinvite=*/false);
      AppendTransition(tx, {.suggestion_id = id,
                            .action = "INVITE_CO_SIGNERS",
                            .from = SUGGESTION_STATE_DRAFT,
                            .to = SUGGESTION_STATE_DRAFT,
                            .actor = caller.account_id(),
                            .actor_role = minyi::common::v1::Role_Name(caller.role()),
                            .detail = absl::StrCat("邀请联名：", absl::StrJoin(invited, "、"))});
    }
    std::vector<SimilarItem> similar;
    if (request.submit()) {
      change.Emit(Submitted(draft, name, received), name);
      ASSIGN_OR_RETURN(similar,
                       access_.Similar(tx, reader, TextOf(draft), band_keys, id, kDefaultMinScore, kSubmitHintSize));
    }
    nlohmann::json audited = {{"kind", SuggestionKind_Name(draft.kind())}, {"submit", request.submit()}};
    if (!paper_day.empty()) {
      audited["received_date"] = received;
    }
    change.Audit(name, std::move(audited));
    *response = View(caller, LoadSuggestion(tx, id, false, /*details=*/false)->suggestion, false);
    for (SimilarItem& item : similar) {
      *response->add_similar() = std::move(item);
    }
    return absl::OkStatus();
  });
}

absl::Status Items::Update(const Call& call, const UpdateSuggestionRequest& request, Suggestion* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.Authenticate(call));
  ASSIGN_OR_RETURN(const int64_t id, ParseName(request.suggestion().name(), "suggestion.name"));
  RETURN_IF_ERROR(CheckUpdatePaths(request));
  Reader reader{caller};
  return commands_.Run(call, caller, "UpdateSuggestion", request, response, [&](Change& change) -> absl::Status {
    pqxx::work& tx = change.tx();
    ASSIGN_OR_RETURN(const Record rec, access_.LoadVisible(tx, reader, id, /*for_update=*/true));
    const Suggestion& before = rec.suggestion;
    if (!IsAuthor(caller, before) && !IsOffice(caller)) {
      return Deny("修改他人的草稿");
    }
    if (before.state() != SUGGESTION_STATE_DRAFT) {
      return FailedPrecondition("NOT_A_DRAFT", absl::StrCat("当前状态为「", StateLabel(before.state()), "」(",
                                                            SuggestionState_Name(before.state()), ")，只能修改草稿"));
    }
    const Suggestion merged = Patched(before, request);
    Suggestion draft;
    DraftPeople people;
    // Re-validated as a new draft would be; the author stays the lead submitter.
    RETURN_IF_ERROR(PrepareDraft(caller, merged, &draft, &people));
    if (merged.kind() == SUGGESTION_KIND_CITIZEN_OPINION) {
      people.submitters.clear();
    }
    UpdateDraft(tx, id, draft, people.submitters);
    if (draft.kind() == SUGGESTION_KIND_JOINT) {
      // Co-signers sign a text: when it changes, each is asked again.
      const bool reinvite =
          draft.title() != before.title() || draft.body() != before.body() || draft.delegation() != before.delegation();
      const std::vector<std::string> invited = Invited(before, people.co_signers, reinvite);
      SetCoSigners(tx, id, people.co_signers, reinvite);
      if (!invited.empty()) {
        AppendTransition(
            tx, {.suggestion_id = id,
                 .action = "INVITE_CO_SIGNERS",
                 .from = SUGGESTION_STATE_DRAFT,
                 .to = SUGGESTION_STATE_DRAFT,
                 .actor = caller.account_id(),
                 .actor_role = minyi::common::v1::Role_Name(caller.role()),
                 .detail = absl::StrCat(reinvite ? "内容已修改，" : "", "邀请联名：", absl::StrJoin(invited, "、"))});
      }
    }
    change.Audit(before.name());
    *response = View(caller, LoadSuggestion(tx, id)->suggestion, false);
    return absl::OkStatus();
  });
}

absl::Status Items::Submit(const Call& call, const TransitionRequest& request, Suggestion* response) {
  const std::string today = ShanghaiDate(DomainNow());
  return transitions_.Run(
      call, request, request.name(),
      {.method = "SubmitSuggestion",
       .action = Action::kSubmit,
       .authorize =
           [](const Caller& c, const Record& r) {
             return IsAuthor(c, r.suggestion) || IsOffice(c) ? absl::OkStatus() : Deny("提交他人的草稿");
           },
       .apply = [&](Change& change, const Record& r, State, TransitionRow& row) -> absl::Status {
         const Suggestion& s = r.suggestion;
         if (s.kind() == SUGGESTION_KIND_JOINT) {
           // 联名 needs a co-signer's own signature besides the lead's; whoever has not signed is dropped.
           if (s.deputies_size() < 2) {
             std::vector<std::string> waiting;
             for (const CoSigner& c : s.co_signers()) {
               if (c.state() == CO_SIGNER_STATE_INVITED) {
                 waiting.push_back(c.deputy());
               }
             }
             return FailedPrecondition(
                 "CO_SIGNERS_UNCONFIRMED",
                 absl::StrCat("联名建议须至少有一名联名代表确认后才能提交（suggestion.deputies）",
                              waiting.empty() ? "" : absl::StrCat("，待确认：", absl::StrJoin(waiting, "、"))));
           }
           if (const std::vector<std::string> dropped = DropUnconfirmedCoSigners(change.tx(), r.id); !dropped.empty()) {
             row.detail = absl::StrCat("未确认的联名代表不再列入：", absl::StrJoin(dropped, "、"));
           }
         }
         MarkSubmitted(change.tx(), r.id, today, access_.hasher().BandKeysOf(TextOf(s)));
         // Duty evidence: the lead and the confirmed co-signers only.
         change.Emit(Submitted(s, s.name(), today), s.name());
         return absl::OkStatus();
       },
       // The duplicate hint is part of the stored response, so a replay shows the same hint.
       .finish = [&](pqxx::work& tx, Reader& reader, const Record& r, Suggestion* out) -> absl::Status {
         const TitledText text = TextOf(r.suggestion);
         ASSIGN_OR_RETURN(std::vector<SimilarItem> similar,
                          access_.Similar(tx, reader, text, access_.hasher().BandKeysOf(text), r.id, kDefaultMinScore,
                                          kSubmitHintSize));
         for (SimilarItem& item : similar) {
           *out->add_similar() = std::move(item);
         }
         return absl::OkStatus();
       }},
      response);
}

absl::Status Items::ConfirmCoSigning(const Call& call, const TransitionRequest& request, Suggestion* response) {
  return AnswerCoSigning(call, request, CO_SIGNER_STATE_CONFIRMED, response);
}

absl::Status Items::DeclineCoSigning(const Call& call, const TransitionRequest& request, Suggestion* response) {
  return AnswerCoSigning(call, request, CO_SIGNER_STATE_DECLINED, response);
}

absl::Status Items::AnswerCoSigning(const Call& call, const TransitionRequest& request, CoSignerState answer,
                                    Suggestion* response) {
  RETURN_IF_ERROR(CheckReason(request.reason(), false));
  const bool confirm = answer == CO_SIGNER_STATE_CONFIRMED;
  return transitions_.Run(
      call, request, request.name(),
      {.method = confirm ? "ConfirmCoSigning" : "DeclineCoSigning",
       .action = confirm ? Action::kConfirmCoSigning : Action::kDeclineCoSigning,
       .reason = request.reason(),
       // A signature is the co-signer's own: neither the author nor office staff give it for them.
       .authorize =
           [](const Caller& c, const Record& r) {
             return CoSignerOf(c, r.suggestion) != nullptr ? absl::OkStatus()
                                                           : Deny("答复联名邀请：只有受邀的联名代表本人可以");
           },
       .already_done = [answer](const Caller& c,
                                const Record& r) { return CoSignerOf(c, r.suggestion)->state() == answer; },
       .apply =
           [answer, confirm](Change& change, const Record& r, State, TransitionRow& row) {
             const Caller& caller = change.caller();
             SetCoSignerState(change.tx(), r.id, *ParseResourceId(caller.deputy(), kDeputies, "caller.deputy"), answer);
             row.detail = absl::StrCat(caller.deputy(), confirm ? " 确认联名" : " 不同意联名");
             return absl::OkStatus();
           }},
      response);
}

absl::Status Items::Accept(const Call& call, const TransitionRequest& request, Suggestion* response) {
  RETURN_IF_ERROR(CheckReason(request.reason(), false));
  return transitions_.Run(call, request, request.name(),
                          {.method = "AcceptSuggestion",
                           .action = Action::kAccept,
                           .reason = request.reason(),
                           .authorize = [](const Caller& c, const Record&) { return RequireOfficeCaller(c, "立案"); },
                           .apply =
                               [](Change& change, const Record& r, State next, TransitionRow&) {
                                 SetState(change.tx(), r.id, next);
                                 EmitToConcerned(change, r.suggestion, SuggestionAccepted());
                                 return absl::OkStatus();
                               }},
                          response);
}

absl::Status Items::Reject(const Call& call, const TransitionRequest& request, Suggestion* response) {
  RETURN_IF_ERROR(CheckReason(request.reason(), true));
  return transitions_.Run(
      call, request, request.name(),
      {.method = "RejectSuggestion",
       .action = Action::kReject,
       .reason = request.reason(),
       .authorize = [](const Caller& c, const Record&) { return RequireOfficeCaller(c, "不予立案"); },
       .apply =
           [&](Change& change, const Record& r, State, TransitionRow&) {
             SetRejected(change.tx(), r.id, request.reason());
             SuggestionRejected event;
             event.set_reason(request.reason());
             EmitToConcerned(change, r.suggestion, std::move(event));
             return absl::OkStatus();
           }},
      response);
}

absl::Status Items::Merge(const Call& call, const MergeSuggestionRequest& request, Suggestion* response) {
  ASSIGN_OR_RETURN(const int64_t into, ParseName(request.into(), "into"));
  RETURN_IF_ERROR(CheckReason(request.reason(), false));
  return transitions_.Run(
      call, request, request.name(),
      {.method = "MergeSuggestion",
       .action = Action::kMerge,
       .reason = request.reason(),
       .authorize = [](const Caller& c, const Record&) { return RequireOfficeCaller(c, "并案"); },
       .apply = [&](Change& change, const Record& r, State, TransitionRow& row) -> absl::Status {
         pqxx::work& tx = change.tx();
         if (into == r.id) {
           return InvalidField("into", "cannot merge an item into itself");
         }
         std::optional<Record> target = LoadSuggestion(tx, into, true);
         if (!target) {
           return InvalidField("into", absl::StrCat(request.into(), " does not exist"));
         }
         if (!IsOpen(target->suggestion.state())) {
           return FailedPrecondition(
               "MERGE_TARGET_CLOSED",
               absl::StrCat(request.into(), " 当前状态为「", StateLabel(target->suggestion.state()), "」，不能并入"));
         }
         SetMerged(tx, r.id, into);
         row.detail = absl::StrCat("并入 ", request.into());
         AppendTransition(tx, {.suggestion_id = into,
                               .action = "MERGE_IN",
                               .from = target->suggestion.state(),
                               .to = target->suggestion.state(),
                               .actor = change.caller().account_id(),
                               .actor_role = row.actor_role,
                               .reason = request.reason(),
                               .detail = absl::StrCat(r.suggestion.name(), " 并入本件")});
         SuggestionMerged event;
         event.set_merged_into(request.into());
         EmitToConcerned(change, r.suggestion, std::move(event));
         return absl::OkStatus();
       }},
      response);
}

absl::Status Items::Escalate(const Call& call, const TransitionRequest& request, Suggestion* response) {
  RETURN_IF_ERROR(CheckReason(request.reason(), true));
  return transitions_.Run(call, request, request.name(),
                          {.method = "EscalateOpinion",
                           .action = Action::kEscalate,
                           .reason = request.reason(),
                           .authorize =
                               [](const Caller& c, const Record& r) {
                                 return IsOffice(c) ||
                                                (c.role() == ROLE_DEPUTY && r.suggestion.entered_by() == c.deputy())
                                            ? absl::OkStatus()
                                            : Deny("上报群众意见：只有登记的值班代表或人大工作人员可以");
                               },
                           .apply =
                               [&](Change& change, const Record& r, State, TransitionRow& row) {
                                 const Suggestion& s = r.suggestion;
                                 const OpinionLevel to = NextLevel(s.level());
                                 SetLevel(change.tx(), r.id, to);
                                 const LevelNames from = NamesOf(s.level());
                                 const LevelNames into = NamesOf(to);
                                 row.detail = absl::StrCat("由", from.label, "转至", into.label, "办理");
                                 OpinionEscalated event;
                                 event.set_reference(s.name());
                                 event.set_title(s.title());
                                 event.set_citizen_account(s.citizen_account());
                                 event.set_from_level(from.code);
                                 event.set_to_level(into.code);
                                 event.set_station(s.station());
                                 change.Emit(event, s.name());
                                 return absl::OkStatus();
                               }},
                          response);
}

absl::Status Items::LinkOpinions(const Call& call, const LinkOpinionsRequest& request, Suggestion* response) {
  if (request.opinions_size() < 1 || request.opinions_size() > 50) {
    return InvalidField("opinions", "须列出 1 至 50 件群众意见");
  }
  std::vector<int64_t> opinion_ids;
  for (int i = 0; i < request.opinions_size(); ++i) {
    const std::string field = absl::StrCat("opinions[", i, "]");
    ASSIGN_OR_RETURN(const int64_t id, ParseName(request.opinions(i), field));
    if (std::find(opinion_ids.begin(), opinion_ids.end(), id) != opinion_ids.end()) {
      return InvalidField(field, absl::StrCat(request.opinions(i), " 重复列出"));
    }
    opinion_ids.push_back(id);
  }
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.Authenticate(call));
  ASSIGN_OR_RETURN(const int64_t id, ParseName(request.name()));
  Reader reader{caller};
  // Which opinions a deputy may read depends on their stations: asked before the transaction locks rows.
  if (caller.role() == ROLE_DEPUTY) {
    RETURN_IF_ERROR(access_.LookUpStations(reader));
  }
  return commands_.Run(call, caller, "LinkOpinions", request, response, [&](Change& change) -> absl::Status {
    pqxx::work& tx = change.tx();
    ASSIGN_OR_RETURN(const Record host, access_.LoadVisible(tx, reader, id, /*for_update=*/true));
    const Suggestion& t = host.suggestion;
    if (!IsOffice(caller) && !IsSubmitter(caller, t)) {
      return Deny("将群众意见转入他人的建议");
    }
    if (t.kind() == SUGGESTION_KIND_CITIZEN_OPINION) {
      return InvalidField("name", "群众意见只能转入代表建议，不能转入另一件群众意见");
    }
    if (!(t.state() == SUGGESTION_STATE_DRAFT || IsOpen(t.state())) || t.state() == SUGGESTION_STATE_ANSWERED) {
      return FailedPrecondition("ILLEGAL_TRANSITION",
                                absl::StrCat("当前状态为「", StateLabel(t.state()), "」(",
                                             SuggestionState_Name(t.state()), ")，不能再转入群众意见"));
    }
    const std::string role = minyi::common::v1::Role_Name(caller.role());
    // Every opinion named must be one the caller may read: one they may not answers as one that does not
    // exist, and nothing is linked unless all are.
    for (std::size_t i = 0; i < opinion_ids.size(); ++i) {
      const std::string field = absl::StrCat("opinions[", i, "]");
      std::optional<Record> o = LoadSuggestion(tx, opinion_ids[i], /*for_update=*/true);
      ASSIGN_OR_RETURN(const bool readable, o ? access_.MayRead(reader, o->suggestion) : absl::StatusOr<bool>(false));
      if (!readable) {
        return NotFoundIn(field, request.opinions(i));
      }
      ASSIGN_OR_RETURN(const State next, Next(o->suggestion.state(), Action::kLink, {.kind = o->suggestion.kind()}));
      SetLinked(tx, o->id, id);
      AppendTransition(tx, {.suggestion_id = o->id,
                            .action = ActionName(Action::kLink),
                            .from = o->suggestion.state(),
                            .to = next,
                            .actor = caller.account_id(),
                            .actor_role = role,
                            .detail = absl::StrCat("转入代表建议 ", request.name())});
      AppendTransition(tx, {.suggestion_id = id,
                            .action = "LINK_IN",
                            .from = t.state(),
                            .to = t.state(),
                            .actor = caller.account_id(),
                            .actor_role = role,
                            .detail = absl::StrCat("转入群众意见 ", request.opinions(i))});
      // The citizen hears that their opinion now travels with a deputy's suggestion.
      OpinionLinked event;
      event.set_reference(o->suggestion.name());
      event.set_title(o->suggestion.title());
      event.set_citizen_account(o->suggestion.citizen_account());
      event.set_linked_into(request.name());
      event.set_station(o->suggestion.station());
      change.Emit(event, o->suggestion.name());
    }
    change.Audit(request.name(),
                 {{"opinions", std::vector<std::string>(request.opinions().begin(), request.opinions().end())}});
    *response = View(caller, LoadSuggestion(tx, id)->suggestion, false);
    return absl::OkStatus();
  });
}

absl::Status Items::FlagKeySupervision(const Call& call, const FlagKeySupervisionRequest& request,
                                       Suggestion* response) {
  RETURN_IF_ERROR(CheckReason(request.reason(), false));
  return transitions_.Run(call, request, request.name(),
                          {.method = "FlagKeySupervision",
                           .action = Action::kFlag,
                           .reason = request.reason(),
                           .authorize =
                               [](const Caller& c, const Record&) {
                                 return IsLeader(c) ? absl::OkStatus() : Deny("设定重点督办：只有常委会领导可以");
                               },
                           .apply =
                               [&](Change& change, const Record& r, State, TransitionRow& row) {
                                 SetKeySupervision(change.tx(), r.id, request.key_supervision());
                                 row.detail = request.key_supervision() ? "列为重点督办" : "取消重点督办";
                                 return absl::OkStatus();
                               }},
                          response);
}

absl::Status Items::AllocateFund(const Call& call, const AllocateFundRequest& request, Suggestion* response) {
  ASSIGN_OR_RETURN(const int64_t year, ParseResourceId(request.fund(), kFunds, "fund"));
  if (request.amount_fen() <= 0) {
    return InvalidField("amount_fen", "must be positive");
  }
  RETURN_IF_ERROR(CheckText("note", request.note(), 0, 500));
  return transitions_.Run(
      call, request, request.name(),
      {.method = "AllocateFund",
       .action = Action::kAllocateFund,
       .reason = request.note(),
       .authorize = [](const Caller& c, const Record&) { return RequireOfficeCaller(c, "安排专项资金"); },
       .apply = [&](Change& change, const Record& r, State, TransitionRow& row) -> absl::Status {
         std::optional<Fund> fund = LoadFund(change.tx(), static_cast<int>(year));
         if (!fund) {
           return InvalidField("fund", absl::StrCat(request.fund(), " does not exist"));
         }
         if (!AllocateFromFund(change.tx(), fund->year(), r.id, request.amount_fen(), request.note(),
                               change.caller().account_id())) {
           return FailedPrecondition("FUND_INSUFFICIENT",
                                     absl::StrCat("专项资金余额不足：剩余 ", fund->remaining_fen(), " 分"));
         }
         row.detail = absl::StrCat("安排 ", request.fund(), " 资金 ", request.amount_fen(), " 分");
         return absl::OkStatus();
       }},
      response);
}

absl::Status Items::PublishToShowcase(const Call& call, const TransitionRequest& request, Suggestion* response) {
  return transitions_.Run(
      call, request, request.name(),
      {.method = "PublishToShowcase",
       .action = Action::kShowcase,
       .reason = request.reason(),
       .authorize = [](const Caller& c, const Record&) { return RequireOfficeCaller(c, "发布展示"); },
       .apply = [&](Change& change, const Record& r, State, TransitionRow& row) -> absl::Status {
         const Rating& rating = r.suggestion.rating();
         if (rating.attitude() != SATISFACTION_SATISFIED || rating.result() != SATISFACTION_SATISFIED) {
           return FailedPrecondition("NOT_WELL_HANDLED", "只有态度和结果均为满意的已办结件可以展示");
         }
         SetShowcased(change.tx(), r.id);
         row.detail = "公开展示";
         return absl::OkStatus();
       }},
      response);
}

}  // namespace minyi::suggestions

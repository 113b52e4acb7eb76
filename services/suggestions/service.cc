#include "suggestions/service.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/audit.h"
#include "common/clock.h"
#include "common/idempotency.h"
#include "common/log.h"
#include "common/names.h"
#include "common/outbox.h"
#include "common/paging.h"
#include "common/status.h"
#include "common/rpc.h"
#include "common/target.h"
#include "common/text.h"
#include "grpcpp/server_context.h"
#include "minyi/suggestions/v1/events.pb.h"
#include "suggestions/routing.h"
#include "suggestions/visibility.h"

namespace minyi::suggestions {
namespace {

using ::minyi::common::v1::ROLE_ADMIN;
using ::minyi::common::v1::ROLE_CITIZEN;
using ::minyi::common::v1::ROLE_DEPARTMENT;
using ::minyi::common::v1::ROLE_DEPUTY;
using ::minyi::common::v1::ROLE_LEADER;
using ::minyi::common::v1::ROLE_STAFF;
using namespace ::minyi::suggestions::v1;  // NOLINT: the service speaks this package throughout

constexpr int kMaxCoUnits = 10;
constexpr int kMaxJointDeputies = 50;
constexpr int kSubmitHintSize = 5;
constexpr double kDefaultMinScore = 0.2;
// Band-sharing candidates re-ranked by exact similarity: enough that items sharing a topic's vocabulary
// cannot crowd a real near-duplicate out, cheap to re-rank (a few hundred short texts).
constexpr int kCandidatePool = 200;

absl::Status Deny(absl::string_view what) { return PermissionDenied(absl::StrCat("无权", what)); }

// NOT_FOUND for an item a request names in `field`, with the BadRequest detail naming the field. A missing
// item and one the caller may not read get this same answer, so ids reveal nothing.
absl::Status NotFoundIn(absl::string_view field, absl::string_view name) {
  const absl::Status named = InvalidField(field, absl::StrCat(name, " 不存在"));
  absl::Status st(absl::StatusCode::kNotFound, named.message());
  named.ForEachPayload(
      [&](absl::string_view type_url, const absl::Cord& payload) { st.SetPayload(type_url, payload); });
  return WithReason(std::move(st), "NOT_FOUND");
}

absl::Status RequireOfficeCaller(const Caller& caller, absl::string_view what) {
  return IsOffice(caller) ? absl::OkStatus() : Deny(what);
}

// What a citizen may see: the public fields, the item's progress and the answer that concerns them.
Suggestion PublicView(const Suggestion& s) {
  Suggestion out;
  out.set_name(s.name());
  out.set_kind(s.kind());
  out.set_title(s.title());
  out.set_body(s.body());
  out.set_state(s.state());
  out.set_station(s.station());
  out.set_level(s.level());
  out.set_lead_department(s.lead_department());
  out.set_deadline(s.deadline());
  out.set_round(s.round());
  out.set_reject_reason(s.reject_reason());
  out.set_merged_into(s.merged_into());
  out.set_linked_into(s.linked_into());
  out.set_showcased(s.showcased());
  out.set_funded_fen(s.funded_fen());
  if (s.has_answer()) {
    *out.mutable_answer() = s.answer();
  }
  if (s.has_linked_answer()) {
    *out.mutable_linked_answer() = s.linked_answer();
  }
  if (s.has_rating()) {
    out.mutable_rating()->set_attitude(s.rating().attitude());
    out.mutable_rating()->set_result(s.rating().result());
  }
  *out.mutable_create_time() = s.create_time();
  *out.mutable_submit_time() = s.submit_time();
  *out.mutable_update_time() = s.update_time();
  return out;
}

// The item as `caller` may see it. Personal data is masked in lists and for everyone but office staff.
Suggestion View(const Caller& caller, Suggestion s, bool in_list) {
  if (caller.role() == ROLE_CITIZEN) {
    return PublicView(s);
  }
  if (in_list || !IsOffice(caller)) {
    s.set_contact_phone(MaskPhone(s.contact_phone()));
  }
  return s;
}

// One page of suggestions: `query` (whose limit is one past the page) read in one transaction, each row
// shown as `view` makes it.
template <typename ViewOf>
absl::Status ReadPage(PgPool& pool, const ListQuery& query, int page_size, absl::string_view fingerprint, ViewOf view,
                      ListSuggestionsResponse* response) {
  std::vector<Record> rows;
  if (absl::Status st = pool.Read([&](pqxx::transaction_base& tx) -> absl::Status {
        rows = SelectSuggestions(tx, query);
        return absl::OkStatus();
      });
      !st.ok()) {
    return st;
  }
  response->set_next_page_token(TrimToPage(rows, page_size, fingerprint, [](const Record& r) { return r.id; }));
  for (Record& r : rows) {
    *response->add_suggestions() = view(std::move(r.suggestion));
  }
  return absl::OkStatus();
}

template <typename Event>
void SetConcerned(Event& e, const Suggestion& s) {
  e.set_reference(s.name());
  e.set_title(s.title());
  *e.mutable_deputies() = s.deputies();
}

absl::StatusOr<int64_t> ParseName(absl::string_view name, absl::string_view field = "name") {
  return ParseResourceId(name, kSuggestions, field);
}

absl::Status CheckReason(absl::string_view reason, bool required) {
  return CheckText("reason", reason, required ? 1 : 0, 1000);
}

// A phone number as people write it: digits with an optional leading + and dashes or spaces.
absl::Status CheckPhone(absl::string_view phone) {
  if (phone.empty()) {
    return absl::OkStatus();
  }
  int digits = 0;
  for (std::size_t i = 0; i < phone.size(); ++i) {
    const char c = phone[i];
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (!(c == '-' || c == ' ' || (c == '+' && i == 0))) {
      return InvalidField("suggestion.contact_phone", "must be a phone number");
    }
  }
  return digits >= 5 && digits <= 20 ? absl::OkStatus()
                                     : InvalidField("suggestion.contact_phone", "must have 5-20 digits");
}

// Who a draft names: its submitters, the lead first, and the co-signers a joint suggestion's author asks.
struct DraftPeople {
  std::vector<int64_t> submitters;
  std::vector<int64_t> co_signers;
};

// Validates the draft's text fields and fills the submitters from the caller, never from the body where
// the caller's own identity is meant. The co-signers of a joint suggestion are named, not submitters: each
// becomes one only by confirming.
absl::Status PrepareDraft(const Caller& caller, const Suggestion& in, Suggestion* out, DraftPeople* people) {
  if (absl::Status st = CheckText("suggestion.title", in.title(), 1, 100); !st.ok()) {
    return st;
  }
  if (absl::Status st = CheckText("suggestion.body", in.body(), 1, 5000); !st.ok()) {
    return st;
  }
  out->set_kind(in.kind());
  out->set_title(in.title());
  out->set_body(in.body());
  const bool office = IsOffice(caller);
  std::vector<std::string> deputies;
  auto add = [&](const std::string& d) {
    if (std::find(deputies.begin(), deputies.end(), d) == deputies.end()) {
      deputies.push_back(d);
    }
  };
  switch (in.kind()) {
    case SUGGESTION_KIND_DEPUTY:
    case SUGGESTION_KIND_JOINT:
    case SUGGESTION_KIND_DELEGATION: {
      if (!office && caller.role() != ROLE_DEPUTY) {
        return Deny("提出代表建议：只有代表本人或人大工作人员可以");
      }
      if (!office) {
        add(caller.deputy());
      }
      if (office || in.kind() == SUGGESTION_KIND_JOINT) {
        for (int i = 0; i < in.deputies_size(); ++i) {
          if (absl::StatusOr<int64_t> id =
                  ParseResourceId(in.deputies(i), kDeputies, absl::StrCat("suggestion.deputies[", i, "]"));
              !id.ok()) {
            return id.status();
          }
          add(in.deputies(i));
        }
      }
      if (deputies.empty()) {
        return InvalidField("suggestion.deputies", "needs the submitting deputy");
      }
      if (in.kind() == SUGGESTION_KIND_DEPUTY && deputies.size() != 1) {
        return InvalidField("suggestion.deputies", "a deputy suggestion has exactly one submitter; use SUGGESTION_KIND_JOINT");
      }
      if (in.kind() == SUGGESTION_KIND_JOINT && (deputies.size() < 2 || deputies.size() > kMaxJointDeputies)) {
        return InvalidField("suggestion.deputies", "联名建议须有领衔代表和 1 至 49 名联名代表");
      }
      if (in.kind() == SUGGESTION_KIND_DELEGATION) {
        if (absl::Status st = CheckText("suggestion.delegation", in.delegation(), 1, 64); !st.ok()) {
          return st;
        }
      } else if (absl::Status st = CheckText("suggestion.delegation", in.delegation(), 0, 64); !st.ok()) {
        return st;
      }
      out->set_delegation(in.delegation());
      break;
    }
    case SUGGESTION_KIND_CITIZEN_OPINION: {
      if (absl::StatusOr<int64_t> id = ParseResourceId(in.station(), kStations, "suggestion.station"); !id.ok()) {
        return id.status();
      }
      if (absl::Status st = CheckPhone(in.contact_phone()); !st.ok()) {
        return st;
      }
      out->set_station(in.station());
      out->set_contact_phone(in.contact_phone());
      if (caller.role() == ROLE_CITIZEN) {
        out->set_citizen_account(CitizenAccount(caller));
      } else if (caller.role() == ROLE_DEPUTY) {
        out->set_entered_by(caller.deputy());  // the deputy on duty entering it
      } else if (!office) {
        return Deny("登记群众意见：只有群众本人、值班代表或人大工作人员可以");
      }
      out->set_level(OPINION_LEVEL_STATION);
      break;
    }
    default:
      return InvalidField("suggestion.kind", "must be a known suggestion kind");
  }
  for (std::size_t i = 0; i < deputies.size(); ++i) {
    const int64_t id = *ParseResourceId(deputies[i], kDeputies, "deputies");
    if (in.kind() == SUGGESTION_KIND_JOINT && i > 0) {
      people->co_signers.push_back(id);
    } else {
      out->add_deputies(deputies[i]);
      people->submitters.push_back(id);
    }
  }
  return absl::OkStatus();
}

// The named co-signers now asked to sign: those newly named and, when the text changed, every one who had
// answered before.
std::vector<std::string> Invited(const Suggestion& before, const std::vector<int64_t>& co_signers, bool reinvite) {
  std::vector<std::string> out;
  for (int64_t id : co_signers) {
    const std::string name = ResourceName(kDeputies, id);
    auto it = std::find_if(before.co_signers().begin(), before.co_signers().end(),
                           [&](const CoSigner& c) { return c.deputy() == name; });
    if (it == before.co_signers().end() || (reinvite && it->state() != CO_SIGNER_STATE_INVITED)) {
      out.push_back(name);
    }
  }
  return out;
}

OpinionLevel NextLevel(OpinionLevel level) {
  return level == OPINION_LEVEL_STATION ? OPINION_LEVEL_TOWN : OPINION_LEVEL_DISTRICT;
}

std::string LevelWord(OpinionLevel level) {
  switch (level) {
    case OPINION_LEVEL_STATION: return "station";
    case OPINION_LEVEL_TOWN: return "town";
    case OPINION_LEVEL_DISTRICT: return "district";
    default: return "";
  }
}

std::string DedupText(const Suggestion& s) { return absl::StrCat(s.title(), " ", s.body()); }

// "A" to "D", as events and the timeline name answer categories.
std::string CategoryLetter(AnswerCategory category) {
  switch (category) {
    case ANSWER_CATEGORY_A: return "A";
    case ANSWER_CATEGORY_B: return "B";
    case ANSWER_CATEGORY_C: return "C";
    case ANSWER_CATEGORY_D: return "D";
    default: return "";
  }
}

std::string SatisfactionLabel(Satisfaction s) {
  switch (s) {
    case SATISFACTION_SATISFIED: return "满意";
    case SATISFACTION_BASIC: return "基本满意";
    case SATISFACTION_UNSATISFIED: return "不满意";
    default: return "";
  }
}

// A deputy who leaves office leaves their stations: the registry's current stations are a serving deputy's.
std::vector<std::string> CurrentStations(const std::optional<minyi::deputies::v1::Deputy>& deputy) {
  return deputy ? std::vector<std::string>(deputy->stations().begin(), deputy->stations().end())
                : std::vector<std::string>{};
}

}  // namespace

SuggestionsService::SuggestionsService(PgPool& pool, const Authorizer& authorizer, DeadlinePolicy policy,
                                       std::shared_ptr<grpc::ChannelInterface> deputies, ServiceCredentials& credentials)
    : pool_(pool),
      authorizer_(authorizer),
      policy_(std::move(policy)),
      deputies_(minyi::deputies::v1::Deputies::NewStub(std::move(deputies))),
      credentials_(credentials) {}

absl::StatusOr<std::optional<minyi::deputies::v1::Deputy>> SuggestionsService::RegisteredDeputy(
    const Caller& caller) {
  if (caller.role() != ROLE_DEPUTY || caller.deputy().empty()) {
    return std::nullopt;
  }
  minyi::deputies::v1::GetDeputyRequest get;
  get.set_name(caller.deputy());
  minyi::deputies::v1::Deputy deputy;
  if (grpc::Status st = deputies_->GetDeputy(credentials_.Context("deputies").get(), get, &deputy); !st.ok()) {
    if (st.error_code() == grpc::StatusCode::NOT_FOUND) {
      return std::nullopt;
    }
    return FromGrpc(st, "deputies GetDeputy");
  }
  return deputy;
}

absl::Status SuggestionsService::LookUpStations(Reader& reader) {
  if (reader.stations) {
    return absl::OkStatus();
  }
  absl::StatusOr<std::optional<minyi::deputies::v1::Deputy>> deputy = RegisteredDeputy(reader.caller);
  if (!deputy.ok()) {
    return deputy.status();
  }
  reader.stations = CurrentStations(*deputy);
  return absl::OkStatus();
}

absl::StatusOr<bool> SuggestionsService::MayRead(Reader& reader, const Suggestion& s) {
  if (NeedsStations(reader.caller, s)) {
    if (absl::Status st = LookUpStations(reader); !st.ok()) {
      return st;
    }
    return CanRead(reader.caller, s, *reader.stations);
  }
  return CanRead(reader.caller, s);
}

absl::StatusOr<Record> SuggestionsService::LoadVisible(pqxx::transaction_base& tx, Reader& reader, int64_t id,
                                                       bool for_update) {
  std::optional<Record> rec = LoadSuggestion(tx, id, for_update);
  if (rec) {
    absl::StatusOr<bool> readable = MayRead(reader, rec->suggestion);
    if (!readable.ok()) {
      return readable.status();
    }
    if (*readable) {
      return *std::move(rec);
    }
  }
  return NotFoundError(ResourceName(kSuggestions, id));
}

absl::StatusOr<std::vector<SimilarItem>> SuggestionsService::Similar(pqxx::transaction_base& tx, Reader& reader,
                                                                    absl::string_view text,
                                                                    const std::vector<int64_t>& band_keys,
                                                                    int64_t self, double min_score, int limit) {
  const std::vector<Candidate> candidates = SelectCandidates(tx, band_keys, self, kCandidatePool);
  std::vector<std::pair<int64_t, std::string>> texts;
  std::map<int64_t, const Suggestion*> by_id;
  for (const Candidate& c : candidates) {
    absl::StatusOr<bool> readable = MayRead(reader, c.record.suggestion);
    if (!readable.ok()) {
      return readable.status();
    }
    if (*readable) {
      texts.emplace_back(c.record.id, c.text);
      by_id[c.record.id] = &c.record.suggestion;
    }
  }
  std::vector<SimilarItem> out;
  for (const ScoredItem& scored : RankBySimilarity(hasher_, text, texts, min_score, limit)) {
    SimilarItem item;
    item.set_name(ResourceName(kSuggestions, scored.id));
    item.set_title(by_id[scored.id]->title());
    item.set_state(by_id[scored.id]->state());
    item.set_score(scored.score);
    out.push_back(std::move(item));
  }
  return out;
}

absl::Status SuggestionsService::CheckEntersAt(Reader& reader, const std::string& station) {
  absl::StatusOr<std::optional<minyi::deputies::v1::Deputy>> deputy = RegisteredDeputy(reader.caller);
  if (!deputy.ok()) {
    return deputy.status();
  }
  reader.stations = CurrentStations(*deputy);
  if (deputy->has_value() && (*deputy)->status() == minyi::deputies::v1::DEPUTY_STATUS_SERVING) {
    if (std::find(reader.stations->begin(), reader.stations->end(), station) != reader.stations->end()) {
      return absl::OkStatus();
    }
    // On duty there today: a rota entry outlives a membership closed after it was made.
    const std::string today = ShanghaiDate(DomainNow());
    minyi::deputies::v1::ListRotaEntriesRequest list;
    list.set_parent(station);
    list.set_start_date(today);
    list.set_end_date(today);
    minyi::deputies::v1::ListRotaEntriesResponse rota;
    if (grpc::Status st = deputies_->ListRotaEntries(credentials_.Context("deputies").get(), list, &rota); !st.ok()) {
      return st.error_code() == grpc::StatusCode::NOT_FOUND
                 ? InvalidField("suggestion.station", absl::StrCat("联络站 ", station, " 不存在"))
                 : FromGrpc(st, "deputies ListRotaEntries");
    }
    for (const minyi::deputies::v1::RotaEntry& entry : rota.rota_entries()) {
      if (entry.deputy() == reader.caller.deputy()) {
        return absl::OkStatus();
      }
    }
  }
  return Deny(absl::StrCat("在 ", station, " 登记群众意见：suggestion.station 须为本人所在或今日值班的联络站"));
}

std::string SuggestionsService::Deadline(pqxx::transaction_base& tx, const DeadlineRule& rule,
                                        absl::CivilDay start) {
  WorkingCalendar calendar;
  if (rule.unit == DeadlineRule::Unit::kWorkingDays) {
    // A working day count of N never spans more than about N * 7/5 days plus the longest holidays.
    calendar = LoadCalendar(tx, FormatDay(start), FormatDay(start + rule.amount * 2 + 60));
  }
  return FormatDay(ApplyRule(rule, start, calendar));
}

absl::Status SuggestionsService::Mutate(const Call& call, const google::protobuf::Message& request,
                                        absl::string_view name, const Mutation& m, Suggestion* response) {
  absl::StatusOr<Target> target = ResolveTarget(authorizer_.Authenticate(call), ParseName(name));
  if (!target.ok()) {
    return target.status();
  }
  const auto& [caller, id] = *target;
  Reader reader{caller};
  return RunIdempotent(pool_, call, caller, absl::StrCat("suggestions.", m.method), request, response,
                       [&](pqxx::work& tx) -> absl::Status {
                         absl::StatusOr<Record> rec = LoadVisible(tx, reader, id, /*for_update=*/true);
                         if (!rec.ok()) {
                           return rec.status();
                         }
                         if (absl::Status st = m.authorize(caller, *rec); !st.ok()) {
                           return st;
                         }
                         if (m.already_done && m.already_done(caller, *rec)) {
                           *response = View(caller, rec->suggestion, false);
                           return absl::OkStatus();
                         }
                         const Suggestion& s = rec->suggestion;
                         absl::StatusOr<State> next =
                             Next(s.state(), m.action,
                                  {.kind = s.kind(),
                                   .round = s.round(),
                                   .unsatisfied = m.unsatisfied,
                                   .at_top_tier = s.level() == OPINION_LEVEL_DISTRICT});
                         if (!next.ok()) {
                           return next.status();
                         }
                         TransitionRow row{.suggestion_id = id,
                                           .action = ActionName(m.action),
                                           .from = s.state(),
                                           .to = *next,
                                           .actor = caller.account_id(),
                                           .actor_role = minyi::common::v1::Role_Name(caller.role()),
                                           .reason = m.reason};
                         if (absl::Status st = m.apply(tx, caller, *rec, *next, row); !st.ok()) {
                           return st;
                         }
                         AppendTransition(tx, row);
                         AppendAudit(tx, {.actor = caller.account_id(),
                                          .action = m.method,
                                          .resource = s.name(),
                                          .request_id = call.request_id,
                                          .detail = {{"from", SuggestionState_Name(row.from)},
                                                     {"to", SuggestionState_Name(row.to)},
                                                     {"detail", row.detail}}});
                         *response = View(caller, LoadSuggestion(tx, id)->suggestion, false);
                         return m.finish ? m.finish(tx, reader, *rec, response) : absl::OkStatus();
                       });
}

absl::Status SuggestionsService::DoCreateSuggestion(const Call& call,
                                                    const CreateSuggestionRequest& request, Suggestion* response) {
  absl::StatusOr<Caller> caller = authorizer_.Authenticate(call);
  if (!caller.ok()) {
    return caller.status();
  }
  Suggestion draft;
  DraftPeople people;
  if (absl::Status st = PrepareDraft(*caller, request.suggestion(), &draft, &people); !st.ok()) {
    return st;
  }
  if (request.submit() && draft.kind() == SUGGESTION_KIND_JOINT) {
    return FailedPrecondition("CO_SIGNERS_UNCONFIRMED",
                              "联名建议须先保存为草稿，待联名代表本人确认后再提交（suggestion.deputies）");
  }
  Reader reader{*caller};
  if (draft.kind() == SUGGESTION_KIND_CITIZEN_OPINION && caller->role() == ROLE_DEPUTY) {
    if (absl::Status st = CheckEntersAt(reader, draft.station()); !st.ok()) {
      return st;
    }
  }
  const std::string today = ShanghaiDate(DomainNow());
  return RunIdempotent(
      pool_, call, *caller, "suggestions.CreateSuggestion", request, response, [&](pqxx::work& tx) -> absl::Status {
        const std::vector<int64_t> band_keys =
            request.submit() ? hasher_.BandKeysOf(DedupText(draft)) : std::vector<int64_t>{};
        const int64_t id = InsertSuggestion(tx, draft, people.submitters,
                                            {.submit = request.submit(),
                                             .today = today,
                                             .band_keys = band_keys,
                                             .actor = caller->account_id(),
                                             .actor_role = minyi::common::v1::Role_Name(caller->role())});
        const std::string name = ResourceName(kSuggestions, id);
        draft.set_name(name);
        if (!people.co_signers.empty()) {
          SetCoSigners(tx, id, people.co_signers, /*reinvite=*/false);
          const std::vector<std::string> invited = Invited(draft, people.co_signers, /*reinvite=*/false);
          AppendTransition(tx, {.suggestion_id = id,
                                .action = "INVITE_CO_SIGNERS",
                                .from = SUGGESTION_STATE_DRAFT,
                                .to = SUGGESTION_STATE_DRAFT,
                                .actor = caller->account_id(),
                                .actor_role = minyi::common::v1::Role_Name(caller->role()),
                                .detail = absl::StrCat("邀请联名：", absl::StrJoin(invited, "、"))});
        }
        std::vector<SimilarItem> similar;
        if (request.submit()) {
          SuggestionSubmitted event;
          *event.mutable_deputies() = draft.deputies();
          event.set_reference(name);
          event.set_occurred_on(today);
          event.set_title(draft.title());
          event.set_kind(SuggestionKind_Name(draft.kind()));
          event.set_citizen_account(draft.citizen_account());
          event.set_station(draft.station());
          EmitEvent(tx, event, name, caller->account_id());
          absl::StatusOr<std::vector<SimilarItem>> found =
              Similar(tx, reader, DedupText(draft), band_keys, id, kDefaultMinScore, kSubmitHintSize);
          if (!found.ok()) {
            return found.status();
          }
          similar = *std::move(found);
        }
        AppendAudit(tx, {.actor = caller->account_id(),
                         .action = "CreateSuggestion",
                         .resource = name,
                         .request_id = call.request_id,
                         .detail = {{"kind", SuggestionKind_Name(draft.kind())}, {"submit", request.submit()}}});
        *response = View(*caller, LoadSuggestion(tx, id, false, /*details=*/false)->suggestion, false);
        for (SimilarItem& item : similar) {
          *response->add_similar() = std::move(item);
        }
        return absl::OkStatus();
      });
}

absl::Status SuggestionsService::DoGetSuggestion(const Call& call, const GetSuggestionRequest& request,
                                                 Suggestion* response) {
  absl::StatusOr<Target> target = ResolveTarget(authorizer_.Authenticate(call), ParseName(request.name()));
  if (!target.ok()) {
    return target.status();
  }
  const auto& [caller, id] = *target;
  Reader reader{caller};
  return pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    absl::StatusOr<Record> rec = LoadVisible(tx, reader, id);
    if (!rec.ok()) {
      return rec.status();
    }
    *response = View(caller, std::move(rec->suggestion), false);
    if (IsOffice(caller) && response->lead_department().empty()) {
      *response->mutable_routing() =
          ProposeDepartment(LoadRoutingRules(tx), DedupText(*response));
    }
    return absl::OkStatus();
  });
}

absl::Status SuggestionsService::DoListSuggestions(const Call& call,
                                                   const ListSuggestionsRequest& request,
                                                   ListSuggestionsResponse* response) {
  absl::StatusOr<Caller> caller = authorizer_.Authenticate(call);
  if (!caller.ok()) {
    return caller.status();
  }
  ListQuery q{.key_supervision_only = request.key_supervision()};
  if (request.state() != SUGGESTION_STATE_UNSPECIFIED) {
    if (!SuggestionState_IsValid(request.state())) {
      return InvalidField("state", "is not a known state");
    }
    q.state = SuggestionState_Name(request.state());
  }
  if (request.kind() != SUGGESTION_KIND_UNSPECIFIED) {
    if (!SuggestionKind_IsValid(request.kind())) {
      return InvalidField("kind", "is not a known kind");
    }
    q.kind = SuggestionKind_Name(request.kind());
  }
  // Each role lists only what it may read; the filter comes from the token, not the request.
  if (IsOffice(*caller) || IsLeader(*caller)) {
    if (!request.department().empty()) {
      if (absl::Status st = CheckDepartment("department", request.department()); !st.ok()) {
        return st;
      }
    }
    q.department = request.department();
  } else if (caller->role() == ROLE_DEPUTY) {
    absl::StatusOr<int64_t> deputy = ParseResourceId(caller->deputy(), kDeputies, "caller.deputy");
    if (!deputy.ok()) {
      return Deny("查看建议列表：账号未关联代表");
    }
    q.deputy_id = *deputy;
    Reader reader{*caller};
    if (absl::Status st = LookUpStations(reader); !st.ok()) {
      return st;
    }
    for (const std::string& station : *reader.stations) {
      q.stations.push_back(*ParseResourceId(station, kStations, "station"));
    }
  } else if (caller->role() == ROLE_DEPARTMENT && !caller->department().empty()) {
    q.department = caller->department();
  } else if (caller->role() == ROLE_CITIZEN) {
    q.citizen_account = CitizenAccount(*caller);
  } else {
    return Deny("查看建议列表");
  }
  absl::StatusOr<PageRequest> page =
      ReadPageRequest(request.page_size(), request.page_token(),
                      {"suggestions", q.state, q.kind, q.department, absl::StrCat(q.deputy_id), q.citizen_account,
                       q.key_supervision_only ? "1" : "0"});
  if (!page.ok()) {
    return page.status();
  }
  q.after_id = page->after_id;
  q.limit = page->size + 1;
  return ReadPage(
      pool_, q, page->size, page->fingerprint, [&](Suggestion s) { return View(*caller, std::move(s), true); },
      response);
}

absl::Status SuggestionsService::DoUpdateSuggestion(const Call& call,
                                                    const UpdateSuggestionRequest& request, Suggestion* response) {
  absl::StatusOr<Target> target =
      ResolveTarget(authorizer_.Authenticate(call), ParseName(request.suggestion().name(), "suggestion.name"));
  if (!target.ok()) {
    return target.status();
  }
  const auto& [caller, id] = *target;
  for (const std::string& path : request.update_mask().paths()) {
    if (path != "title" && path != "body" && path != "deputies" && path != "delegation") {
      return InvalidField("update_mask", absl::StrCat("\"", path, "\" cannot be updated"));
    }
  }
  Reader reader{caller};
  return RunIdempotent(
      pool_, call, caller, "suggestions.UpdateSuggestion", request, response, [&](pqxx::work& tx) -> absl::Status {
        absl::StatusOr<Record> rec = LoadVisible(tx, reader, id, /*for_update=*/true);
        if (!rec.ok()) {
          return rec.status();
        }
        if (!IsAuthor(caller, rec->suggestion) && !IsOffice(caller)) {
          return Deny("修改他人的草稿");
        }
        if (rec->suggestion.state() != SUGGESTION_STATE_DRAFT) {
          return FailedPrecondition("NOT_A_DRAFT",
                                    absl::StrCat("当前状态为「", StateLabel(rec->suggestion.state()), "」(",
                                                 SuggestionState_Name(rec->suggestion.state()), ")，只能修改草稿"));
        }
        Suggestion merged = rec->suggestion;
        const auto& paths = request.update_mask().paths();
        auto wants = [&](absl::string_view p) {
          return paths.empty() || std::find(paths.begin(), paths.end(), p) != paths.end();
        };
        if (wants("title")) merged.set_title(request.suggestion().title());
        if (wants("body")) merged.set_body(request.suggestion().body());
        if (wants("delegation")) merged.set_delegation(request.suggestion().delegation());
        const Suggestion& before = rec->suggestion;
        if (merged.kind() == SUGGESTION_KIND_JOINT) {
          // `deputies` names the lead and every co-signer, whatever their answer; the stored submitters are
          // only the lead and those who confirmed.
          if (wants("deputies")) {
            *merged.mutable_deputies() = request.suggestion().deputies();
          } else {
            if (merged.deputies_size() > 1) {
              merged.mutable_deputies()->DeleteSubrange(1, merged.deputies_size() - 1);
            }
            for (const CoSigner& c : before.co_signers()) {
              merged.add_deputies(c.deputy());
            }
          }
        }
        Suggestion draft;
        DraftPeople people;
        // Re-validated as a new draft would be; the author stays the lead submitter.
        if (absl::Status st = PrepareDraft(caller, merged, &draft, &people); !st.ok()) {
          return st;
        }
        if (merged.kind() == SUGGESTION_KIND_CITIZEN_OPINION) {
          people.submitters.clear();
        }
        UpdateDraft(tx, id, draft, people.submitters);
        if (draft.kind() == SUGGESTION_KIND_JOINT) {
          // Co-signers sign a text: when it changes, each is asked again.
          const bool reinvite = draft.title() != before.title() || draft.body() != before.body() ||
                                draft.delegation() != before.delegation();
          const std::vector<std::string> invited = Invited(before, people.co_signers, reinvite);
          SetCoSigners(tx, id, people.co_signers, reinvite);
          if (!invited.empty()) {
            AppendTransition(tx, {.suggestion_id = id,
                                  .action = "INVITE_CO_SIGNERS",
                                  .from = SUGGESTION_STATE_DRAFT,
                                  .to = SUGGESTION_STATE_DRAFT,
                                  .actor = caller.account_id(),
                                  .actor_role = minyi::common::v1::Role_Name(caller.role()),
                                  .detail = absl::StrCat(reinvite ? "内容已修改，" : "", "邀请联名：",
                                                         absl::StrJoin(invited, "、"))});
          }
        }
        AppendAudit(tx, {.actor = caller.account_id(),
                         .action = "UpdateSuggestion",
                         .resource = rec->suggestion.name(),
                         .request_id = call.request_id});
        *response = View(caller, LoadSuggestion(tx, id)->suggestion, false);
        return absl::OkStatus();
      });
}

absl::Status SuggestionsService::DoSubmitSuggestion(const Call& call, const TransitionRequest& request,
                                                    Suggestion* response) {
  const std::string today = ShanghaiDate(DomainNow());
  return Mutate(
      call, request, request.name(),
      {.method = "SubmitSuggestion",
       .action = Action::kSubmit,
       .authorize = [](const Caller& c, const Record& r) {
         return IsAuthor(c, r.suggestion) || IsOffice(c) ? absl::OkStatus() : Deny("提交他人的草稿");
       },
       .apply = [&](pqxx::work& tx, const Caller& caller, const Record& r, State, TransitionRow& row) -> absl::Status {
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
           if (const std::vector<std::string> dropped = DropUnconfirmedCoSigners(tx, r.id); !dropped.empty()) {
             row.detail = absl::StrCat("未确认的联名代表不再列入：", absl::StrJoin(dropped, "、"));
           }
         }
         MarkSubmitted(tx, r.id, today, hasher_.BandKeysOf(DedupText(s)));
         SuggestionSubmitted event;
         *event.mutable_deputies() = s.deputies();  // duty evidence: the lead and the confirmed co-signers only
         event.set_reference(s.name());
         event.set_occurred_on(today);
         event.set_title(s.title());
         event.set_kind(SuggestionKind_Name(s.kind()));
         event.set_citizen_account(s.citizen_account());
         event.set_station(s.station());
         EmitEvent(tx, event, s.name(), caller.account_id());
         return absl::OkStatus();
       },
       // The duplicate hint is part of the stored response, so a replay shows the same hint.
       .finish = [&](pqxx::work& tx, Reader& reader, const Record& r, Suggestion* out) -> absl::Status {
         const std::string text = DedupText(r.suggestion);
         absl::StatusOr<std::vector<SimilarItem>> similar =
             Similar(tx, reader, text, hasher_.BandKeysOf(text), r.id, kDefaultMinScore, kSubmitHintSize);
         if (!similar.ok()) {
           return similar.status();
         }
         for (SimilarItem& item : *similar) {
           *out->add_similar() = std::move(item);
         }
         return absl::OkStatus();
       }},
      response);
}

absl::Status SuggestionsService::DoAnswerCoSigning(const Call& call, const TransitionRequest& request,
                                                   CoSignerState answer, Suggestion* response) {
  if (absl::Status st = CheckReason(request.reason(), false); !st.ok()) {
    return st;
  }
  const bool confirm = answer == CO_SIGNER_STATE_CONFIRMED;
  return Mutate(call, request, request.name(),
                {.method = confirm ? "ConfirmCoSigning" : "DeclineCoSigning",
                 .action = confirm ? Action::kConfirmCoSigning : Action::kDeclineCoSigning,
                 .reason = request.reason(),
                 // A signature is the co-signer's own: neither the author nor office staff give it for them.
                 .authorize = [](const Caller& c, const Record& r) {
                   return CoSignerOf(c, r.suggestion) != nullptr ? absl::OkStatus()
                                                                 : Deny("答复联名邀请：只有受邀的联名代表本人可以");
                 },
                 .already_done = [answer](const Caller& c, const Record& r) {
                   return CoSignerOf(c, r.suggestion)->state() == answer;
                 },
                 .apply = [answer, confirm](pqxx::work& tx, const Caller& caller, const Record& r, State,
                                            TransitionRow& row) {
                   SetCoSignerState(tx, r.id, *ParseResourceId(caller.deputy(), kDeputies, "caller.deputy"), answer);
                   row.detail = absl::StrCat(caller.deputy(), confirm ? " 确认联名" : " 不同意联名");
                   return absl::OkStatus();
                 }},
                response);
}

absl::Status SuggestionsService::DoAcceptSuggestion(const Call& call, const TransitionRequest& request,
                                                    Suggestion* response) {
  if (absl::Status st = CheckReason(request.reason(), false); !st.ok()) {
    return st;
  }
  return Mutate(call, request, request.name(),
                {.method = "AcceptSuggestion",
                 .action = Action::kAccept,
                 .reason = request.reason(),
                 .authorize = [](const Caller& c, const Record&) { return RequireOfficeCaller(c, "立案"); },
                 .apply = [](pqxx::work& tx, const Caller& caller, const Record& r, State next, TransitionRow&) {
                   SetState(tx, r.id, next);
                   SuggestionAccepted event;
                   SetConcerned(event, r.suggestion);
                   event.set_citizen_account(r.suggestion.citizen_account());
                   EmitEvent(tx, event, r.suggestion.name(), caller.account_id());
                   return absl::OkStatus();
                 }},
                response);
}

absl::Status SuggestionsService::DoRejectSuggestion(const Call& call, const TransitionRequest& request,
                                                    Suggestion* response) {
  if (absl::Status st = CheckReason(request.reason(), true); !st.ok()) {
    return st;
  }
  return Mutate(call, request, request.name(),
                {.method = "RejectSuggestion",
                 .action = Action::kReject,
                 .reason = request.reason(),
                 .authorize = [](const Caller& c, const Record&) { return RequireOfficeCaller(c, "不予立案"); },
                 .apply = [&](pqxx::work& tx, const Caller& caller, const Record& r, State, TransitionRow&) {
                   SetRejected(tx, r.id, request.reason());
                   SuggestionRejected event;
                   SetConcerned(event, r.suggestion);
                   event.set_citizen_account(r.suggestion.citizen_account());
                   event.set_reason(request.reason());
                   EmitEvent(tx, event, r.suggestion.name(), caller.account_id());
                   return absl::OkStatus();
                 }},
                response);
}

absl::Status SuggestionsService::DoMergeSuggestion(const Call& call,
                                                   const MergeSuggestionRequest& request, Suggestion* response) {
  absl::StatusOr<int64_t> into = ParseName(request.into(), "into");
  if (!into.ok()) {
    return into.status();
  }
  if (absl::Status st = CheckReason(request.reason(), false); !st.ok()) {
    return st;
  }
  return Mutate(
      call, request, request.name(),
      {.method = "MergeSuggestion",
       .action = Action::kMerge,
       .reason = request.reason(),
       .authorize = [](const Caller& c, const Record&) { return RequireOfficeCaller(c, "并案"); },
       .apply = [&](pqxx::work& tx, const Caller& caller, const Record& r, State, TransitionRow& row) -> absl::Status {
         if (*into == r.id) {
           return InvalidField("into", "cannot merge an item into itself");
         }
         std::optional<Record> target = LoadSuggestion(tx, *into, true);
         if (!target) {
           return InvalidField("into", absl::StrCat(request.into(), " does not exist"));
         }
         if (!IsOpen(target->suggestion.state())) {
           return FailedPrecondition("MERGE_TARGET_CLOSED",
                                     absl::StrCat(request.into(), " 当前状态为「", StateLabel(target->suggestion.state()),
                                                  "」，不能并入"));
         }
         SetMerged(tx, r.id, *into);
         row.detail = absl::StrCat("并入 ", request.into());
         AppendTransition(tx, {.suggestion_id = *into,
                               .action = "MERGE_IN",
                               .from = target->suggestion.state(),
                               .to = target->suggestion.state(),
                               .actor = caller.account_id(),
                               .actor_role = row.actor_role,
                               .reason = request.reason(),
                               .detail = absl::StrCat(r.suggestion.name(), " 并入本件")});
         SuggestionMerged event;
         SetConcerned(event, r.suggestion);
         event.set_citizen_account(r.suggestion.citizen_account());
         event.set_merged_into(request.into());
         EmitEvent(tx, event, r.suggestion.name(), caller.account_id());
         return absl::OkStatus();
       }},
      response);
}

absl::Status SuggestionsService::DoAssignSuggestion(const Call& call,
                                                    const AssignSuggestionRequest& request, Suggestion* response) {
  if (absl::Status st = CheckDepartment("lead_department", request.lead_department()); !st.ok()) {
    return st;
  }
  if (request.co_departments_size() > kMaxCoUnits) {
    return InvalidField("co_departments", "at most 10 co-units");
  }
  std::vector<std::string> co_units;
  for (int i = 0; i < request.co_departments_size(); ++i) {
    const std::string& co = request.co_departments(i);
    if (absl::Status st = CheckDepartment(absl::StrCat("co_departments[", i, "]"), co); !st.ok()) {
      return st;
    }
    if (co == request.lead_department() || std::find(co_units.begin(), co_units.end(), co) != co_units.end()) {
      return InvalidField(absl::StrCat("co_departments[", i, "]"), "repeats the lead unit or another co-unit");
    }
    co_units.push_back(co);
  }
  if (absl::Status st = CheckReason(request.reason(), false); !st.ok()) {
    return st;
  }
  const absl::CivilDay today = ShanghaiDay(DomainNow());
  return Mutate(
      call, request, request.name(),
      {.method = "AssignSuggestion",
       .action = Action::kAssign,
       .reason = request.reason(),
       .authorize = [](const Caller& c, const Record&) { return RequireOfficeCaller(c, "交办"); },
       .apply = [&](pqxx::work& tx, const Caller& caller, const Record& r, State, TransitionRow& row) -> absl::Status {
         const Suggestion& s = r.suggestion;
         const DeadlineRule& rule =
             s.kind() == SUGGESTION_KIND_CITIZEN_OPINION ? policy_.opinion_answer : policy_.answer;
         const std::string deadline = Deadline(tx, rule, today);
         SetAssigned(tx, r.id, request.lead_department(), co_units, FormatDay(today), deadline);
         // The routing proposal is advice: the timeline says whether staff followed it.
         const RoutingProposal proposal = ProposeDepartment(LoadRoutingRules(tx), DedupText(s));
         row.detail = absl::StrCat("主办 ", request.lead_department(),
                                   co_units.empty() ? "" : absl::StrCat("，协办 ", absl::StrJoin(co_units, "、")),
                                   "，期限 ", deadline,
                                   proposal.department().empty() ? ""
                                   : proposal.department() == request.lead_department()
                                       ? "（采纳路由建议）"
                                       : absl::StrCat("（路由建议为 ", proposal.department(), "）"));
         SuggestionAssigned event;
         event.set_reference(s.name());
         event.set_title(s.title());
         event.set_department(request.lead_department());
         for (const std::string& co : co_units) {
           event.add_co_departments(co);
         }
         event.set_deadline(deadline);
         *event.mutable_deputies() = s.deputies();
         event.set_citizen_account(s.citizen_account());
         event.set_key_supervision(s.key_supervision());
         EmitEvent(tx, event, s.name(), caller.account_id());
         return absl::OkStatus();
       }},
      response);
}

absl::Status SuggestionsService::DoRecordContact(const Call& call, const RecordContactRequest& request,
                                                 Suggestion* response) {
  const ContactRecord& c = request.contact();
  if (absl::Status st = CheckText("contact.method", c.method(), 1, 20); !st.ok()) {
    return st;
  }
  if (absl::Status st = CheckText("contact.summary", c.summary(), 1, 2000); !st.ok()) {
    return st;
  }
  absl::CivilDay day;
  if (!ParseDay(c.contact_date(), &day)) {
    return InvalidField("contact.contact_date", "must be a date as YYYY-MM-DD");
  }
  if (day > ShanghaiDay(DomainNow())) {
    return InvalidField("contact.contact_date", "must not be in the future");
  }
  return Mutate(call, request, request.name(),
                {.method = "RecordContact",
                 .action = Action::kContact,
                 .authorize = [](const Caller& caller, const Record& r) {
                   return IsLead(caller, r.suggestion) ? absl::OkStatus() : Deny("记录沟通：只有主办单位可以");
                 },
                 .apply = [&](pqxx::work& tx, const Caller& caller, const Record& r, State next, TransitionRow& row) {
                   InsertContact(tx, r.id, r.suggestion.round(), caller.department(), c, caller.account_id());
                   SetState(tx, r.id, next);
                   row.detail = absl::StrCat(c.contact_date(), " ", c.method());
                   return absl::OkStatus();
                 }},
                response);
}

absl::Status SuggestionsService::DoSubmitCoUnitOpinion(const Call& call,
                                                       const SubmitCoUnitOpinionRequest& request, Suggestion* response) {
  if (absl::Status st = CheckText("text", request.text(), 1, 5000); !st.ok()) {
    return st;
  }
  return Mutate(call, request, request.name(),
                {.method = "SubmitCoUnitOpinion",
                 .action = Action::kCoUnitOpinion,
                 .authorize = [](const Caller& caller, const Record& r) {
                   return IsCoUnit(caller, r.suggestion) ? absl::OkStatus() : Deny("提交协办意见：只有协办单位可以");
                 },
                 .apply = [&](pqxx::work& tx, const Caller& caller, const Record& r, State,
                              TransitionRow& row) -> absl::Status {
                   if (!InsertCoUnitOpinion(tx, r.id, r.suggestion.round(), caller.department(), request.text(),
                                            caller.account_id())) {
                     return AlreadyExists("CO_UNIT_OPINION_EXISTS", "本轮协办意见已提交");
                   }
                   row.detail = absl::StrCat("协办单位 ", caller.department(), " 提交意见");
                   return absl::OkStatus();
                 }},
                response);
}

absl::Status SuggestionsService::DoAnswerSuggestion(const Call& call,
                                                     const AnswerSuggestionRequest& request, Suggestion* response) {
  const Answer& a = request.answer();
  if (a.category() == ANSWER_CATEGORY_UNSPECIFIED || !AnswerCategory_IsValid(a.category())) {
    return InvalidField("answer.category", "must be A, B, C or D");
  }
  if (absl::Status st = CheckText("answer.text", a.text(), 1, 10000); !st.ok()) {
    return st;
  }
  const absl::CivilDay today = ShanghaiDay(DomainNow());
  if (a.category() == ANSWER_CATEGORY_B && a.commitments_size() == 0) {
    return InvalidField("answer.commitments", "a B answer (正在解决或列入计划) needs at least one commitment");
  }
  if (a.category() != ANSWER_CATEGORY_B && a.commitments_size() > 0) {
    return InvalidField("answer.commitments", "only a B answer carries commitments");
  }
  for (int i = 0; i < a.commitments_size(); ++i) {
    const std::string prefix = absl::StrCat("answer.commitments[", i, "]");
    if (absl::Status st = CheckText(absl::StrCat(prefix, ".text"), a.commitments(i).text(), 1, 1000); !st.ok()) {
      return st;
    }
    absl::CivilDay due;
    if (!ParseDay(a.commitments(i).due_date(), &due) || due < today) {
      return InvalidField(absl::StrCat(prefix, ".due_date"), "must be a date as YYYY-MM-DD, today or later");
    }
  }
  return Mutate(
      call, request, request.name(),
      {.method = "AnswerSuggestion",
       .action = Action::kAnswer,
       .authorize = [](const Caller& caller, const Record& r) {
         return IsLead(caller, r.suggestion) ? absl::OkStatus() : Deny("答复：只有主办单位可以");
       },
       .apply = [&](pqxx::work& tx, const Caller& caller, const Record& r, State next,
                    TransitionRow& row) -> absl::Status {
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
         event.set_reference(s.name());
         event.set_title(s.title());
         event.set_department(caller.department());
         event.set_category(CategoryLetter(a.category()));
         *event.mutable_deputies() = s.deputies();
         event.set_citizen_account(s.citizen_account());
         // The answer travels back to every citizen whose opinion became part of this suggestion.
         for (const std::string& opinion : s.linked_opinions()) {
           std::optional<Record> o = LoadSuggestion(tx, *ParseName(opinion));
           if (o && !o->suggestion.citizen_account().empty()) {
             event.add_accounts(o->suggestion.citizen_account());
           }
         }
         for (const MergedItem& m : s.merged()) {
           if (!m.citizen_account().empty()) {
             event.add_accounts(m.citizen_account());
           }
         }
         EmitEvent(tx, event, s.name(), caller.account_id());
         return absl::OkStatus();
       }},
      response);
}

absl::Status SuggestionsService::DoRateSuggestion(const Call& call, const RateSuggestionRequest& request,
                                                  Suggestion* response) {
  const Rating& rating = request.rating();
  for (auto [field, value] : {std::pair{"rating.attitude", rating.attitude()}, std::pair{"rating.result", rating.result()}}) {
    if (value == SATISFACTION_UNSPECIFIED || !Satisfaction_IsValid(value)) {
      return InvalidField(field, "must be SATISFIED, BASIC or UNSATISFIED");
    }
  }
  if (absl::Status st = CheckText("rating.comment", rating.comment(), 0, 2000); !st.ok()) {
    return st;
  }
  const bool unsatisfied =
      rating.attitude() == SATISFACTION_UNSATISFIED || rating.result() == SATISFACTION_UNSATISFIED;
  const absl::CivilDay today = ShanghaiDay(DomainNow());
  return Mutate(
      call, request, request.name(),
      {.method = "RateSuggestion",
       .action = Action::kRate,
       .reason = rating.comment(),
       .unsatisfied = unsatisfied,
       .authorize = [](const Caller& caller, const Record& r) {
         const Suggestion& s = r.suggestion;
         const bool rater = s.kind() == SUGGESTION_KIND_CITIZEN_OPINION
                                ? IsOwnOpinion(caller, s)
                                : caller.role() == ROLE_DEPUTY &&
                                      std::find(s.deputies().begin(), s.deputies().end(), caller.deputy()) !=
                                          s.deputies().end();
         return rater ? absl::OkStatus() : Deny("测评：只有提出人可以");
       },
       .apply = [&](pqxx::work& tx, const Caller& caller, const Record& r, State next,
                    TransitionRow& row) -> absl::Status {
         const Suggestion& s = r.suggestion;
         InsertRating(tx, r.id, s.round(), rating, caller.account_id());
         row.detail = absl::StrCat("办理态度", SatisfactionLabel(rating.attitude()), "，办理结果",
                                   SatisfactionLabel(rating.result()));
         SuggestionRated rated;
         SetConcerned(rated, s);
         rated.set_department(s.lead_department());
         rated.set_attitude_satisfied(rating.attitude() != SATISFACTION_UNSATISFIED);
         rated.set_result_satisfied(rating.result() != SATISFACTION_UNSATISFIED);
         EmitEvent(tx, rated, s.name(), caller.account_id());
         if (next == SUGGESTION_STATE_REOPENED) {
           const DeadlineRule& rule =
               s.kind() == SUGGESTION_KIND_CITIZEN_OPINION ? policy_.opinion_rehandle : policy_.rehandle;
           const std::string deadline = Deadline(tx, rule, today);
           SetReopened(tx, r.id, s.round() + 1, deadline);
           absl::StrAppend(&row.detail, "；不满意，重新办理，期限 ", deadline);
           SuggestionReopened reopened;
           SetConcerned(reopened, s);
           reopened.set_department(s.lead_department());
           reopened.set_deadline(deadline);
           EmitEvent(tx, reopened, s.name(), caller.account_id());
         } else {
           SetState(tx, r.id, next);
         }
         return absl::OkStatus();
       }},
      response);
}

absl::Status SuggestionsService::DoReopenSuggestion(const Call& call, const TransitionRequest& request,
                                                    Suggestion* response) {
  if (absl::Status st = CheckReason(request.reason(), true); !st.ok()) {
    return st;
  }
  const absl::CivilDay today = ShanghaiDay(DomainNow());
  return Mutate(call, request, request.name(),
                {.method = "ReopenSuggestion",
                 .action = Action::kReopen,
                 .reason = request.reason(),
                 .authorize = [](const Caller& c, const Record&) { return RequireOfficeCaller(c, "重新交办"); },
                 .apply = [&](pqxx::work& tx, const Caller& caller, const Record& r, State,
                              TransitionRow& row) -> absl::Status {
                   const Suggestion& s = r.suggestion;
                   const DeadlineRule& rule =
                       s.kind() == SUGGESTION_KIND_CITIZEN_OPINION ? policy_.opinion_rehandle : policy_.rehandle;
                   const std::string deadline = Deadline(tx, rule, today);
                   SetReopened(tx, r.id, s.round() + 1, deadline);
                   row.detail = absl::StrCat("重新办理，期限 ", deadline);
                   SuggestionReopened event;
                   SetConcerned(event, s);
                   event.set_department(s.lead_department());
                   event.set_deadline(deadline);
                   EmitEvent(tx, event, s.name(), caller.account_id());
                   return absl::OkStatus();
                 }},
                response);
}

absl::Status SuggestionsService::DoEscalateOpinion(const Call& call, const TransitionRequest& request,
                                                   Suggestion* response) {
  if (absl::Status st = CheckReason(request.reason(), true); !st.ok()) {
    return st;
  }
  return Mutate(call, request, request.name(),
                {.method = "EscalateOpinion",
                 .action = Action::kEscalate,
                 .reason = request.reason(),
                 .authorize = [](const Caller& c, const Record& r) {
                   return IsOffice(c) || (c.role() == ROLE_DEPUTY && r.suggestion.entered_by() == c.deputy())
                              ? absl::OkStatus()
                              : Deny("上报群众意见：只有登记的值班代表或人大工作人员可以");
                 },
                 .apply = [&](pqxx::work& tx, const Caller& caller, const Record& r, State, TransitionRow& row) {
                   const Suggestion& s = r.suggestion;
                   const OpinionLevel to = NextLevel(s.level());
                   SetLevel(tx, r.id, to);
                   row.detail = absl::StrCat(LevelWord(s.level()), " -> ", LevelWord(to));
                   OpinionEscalated event;
                   event.set_reference(s.name());
                   event.set_title(s.title());
                   event.set_citizen_account(s.citizen_account());
                   event.set_from_level(LevelWord(s.level()));
                   event.set_to_level(LevelWord(to));
                   event.set_station(s.station());
                   EmitEvent(tx, event, s.name(), caller.account_id());
                   return absl::OkStatus();
                 }},
                response);
}

absl::Status SuggestionsService::DoLinkOpinions(const Call& call, const LinkOpinionsRequest& request,
                                                Suggestion* response) {
  if (request.opinions_size() < 1 || request.opinions_size() > 50) {
    return InvalidField("opinions", "须列出 1 至 50 件群众意见");
  }
  std::vector<int64_t> opinion_ids;
  for (int i = 0; i < request.opinions_size(); ++i) {
    const std::string field = absl::StrCat("opinions[", i, "]");
    absl::StatusOr<int64_t> id = ParseName(request.opinions(i), field);
    if (!id.ok()) {
      return id.status();
    }
    if (std::find(opinion_ids.begin(), opinion_ids.end(), *id) != opinion_ids.end()) {
      return InvalidField(field, absl::StrCat(request.opinions(i), " 重复列出"));
    }
    opinion_ids.push_back(*id);
  }
  absl::StatusOr<Target> target = ResolveTarget(authorizer_.Authenticate(call), ParseName(request.name()));
  if (!target.ok()) {
    return target.status();
  }
  const auto& [caller, id] = *target;
  Reader reader{caller};
  // Which opinions a deputy may read depends on their stations: asked before the transaction locks rows.
  if (caller.role() == ROLE_DEPUTY) {
    if (absl::Status st = LookUpStations(reader); !st.ok()) {
      return st;
    }
  }
  return RunIdempotent(
      pool_, call, caller, "suggestions.LinkOpinions", request, response, [&](pqxx::work& tx) -> absl::Status {
        absl::StatusOr<Record> host = LoadVisible(tx, reader, id, /*for_update=*/true);
        if (!host.ok()) {
          return host.status();
        }
        const Suggestion& t = host->suggestion;
        if (!IsOffice(caller) && !IsSubmitter(caller, t)) {
          return Deny("将群众意见转入他人的建议");
        }
        if (t.kind() == SUGGESTION_KIND_CITIZEN_OPINION) {
          return InvalidField("name", "群众意见只能转入代表建议，不能转入另一件群众意见");
        }
        if (!(t.state() == SUGGESTION_STATE_DRAFT || IsOpen(t.state())) || t.state() == SUGGESTION_STATE_ANSWERED) {
          return FailedPrecondition("ILLEGAL_TRANSITION", absl::StrCat("当前状态为「", StateLabel(t.state()), "」(",
                                                                      SuggestionState_Name(t.state()),
                                                                      ")，不能再转入群众意见"));
        }
        const std::string role = minyi::common::v1::Role_Name(caller.role());
        // Every opinion named must be one the caller may read: one they may not answers as one that does not
        // exist, and nothing is linked unless all are.
        for (std::size_t i = 0; i < opinion_ids.size(); ++i) {
          const std::string field = absl::StrCat("opinions[", i, "]");
          std::optional<Record> o = LoadSuggestion(tx, opinion_ids[i], /*for_update=*/true);
          absl::StatusOr<bool> readable = o ? MayRead(reader, o->suggestion) : absl::StatusOr<bool>(false);
          if (!readable.ok()) {
            return readable.status();
          }
          if (!*readable) {
            return NotFoundIn(field, request.opinions(i));
          }
          absl::StatusOr<State> next = Next(o->suggestion.state(), Action::kLink, {.kind = o->suggestion.kind()});
          if (!next.ok()) {
            return next.status();
          }
          SetLinked(tx, o->id, id);
          AppendTransition(tx, {.suggestion_id = o->id,
                                .action = ActionName(Action::kLink),
                                .from = o->suggestion.state(),
                                .to = *next,
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
        }
        AppendAudit(
            tx,
            {.actor = caller.account_id(),
             .action = "LinkOpinions",
             .resource = request.name(),
             .request_id = call.request_id,
             .detail = {{"opinions", std::vector<std::string>(request.opinions().begin(), request.opinions().end())}}});
        *response = View(caller, LoadSuggestion(tx, id)->suggestion, false);
        return absl::OkStatus();
      });
}

absl::Status SuggestionsService::DoFlagKeySupervision(const Call& call,
                                                      const FlagKeySupervisionRequest& request, Suggestion* response) {
  if (absl::Status st = CheckReason(request.reason(), false); !st.ok()) {
    return st;
  }
  return Mutate(call, request, request.name(),
                {.method = "FlagKeySupervision",
                 .action = Action::kFlag,
                 .reason = request.reason(),
                 .authorize = [](const Caller& c, const Record&) {
                   return IsLeader(c) ? absl::OkStatus() : Deny("设定重点督办：只有常委会领导可以");
                 },
                 .apply = [&](pqxx::work& tx, const Caller&, const Record& r, State, TransitionRow& row) {
                   SetKeySupervision(tx, r.id, request.key_supervision());
                   row.detail = request.key_supervision() ? "列为重点督办" : "取消重点督办";
                   return absl::OkStatus();
                 }},
                response);
}

absl::Status SuggestionsService::DoRequestExtension(const Call& call,
                                                    const RequestExtensionRequest& request, Suggestion* response) {
  const ExtensionRequest& e = request.extension();
  if (e.months() <= policy_.answer.amount || e.months() > policy_.extended_max.amount) {
    return InvalidField("extension.months", absl::StrCat("must be more than ", policy_.answer.amount,
                                                         " and at most ", policy_.extended_max.amount));
  }
  if (absl::Status st = CheckText("extension.reason", e.reason(), 1, 2000); !st.ok()) {
    return st;
  }
  return Mutate(call, request, request.name(),
                {.method = "RequestExtension",
                 .action = Action::kRequestExtension,
                 .reason = e.reason(),
                 .authorize = [](const Caller& caller, const Record& r) {
                   return IsLead(caller, r.suggestion) ? absl::OkStatus() : Deny("申请延期：只有主办单位可以");
                 },
                 .apply = [&](pqxx::work& tx, const Caller& caller, const Record& r, State,
                              TransitionRow& row) -> absl::Status {
                   if (!InsertExtensionRequest(tx, r.id, e.months(), e.reason(), caller.account_id())) {
                     return AlreadyExists("EXTENSION_PENDING", "已有待审批的延期申请");
                   }
                   row.detail = absl::StrCat("申请延期至交办后 ", e.months());
                   return absl::OkStatus();
                 }},
                response);
}

absl::Status SuggestionsService::DoDecideExtension(const Call& call,
                                                   const DecideExtensionRequest& request, Suggestion* response) {
  if (absl::Status st = CheckReason(request.reason(), true); !st.ok()) {
    return st;
  }
  return Mutate(
      call, request, request.name(),
      {.method = "DecideExtension",
       .action = Action::kDecideExtension,
       .reason = request.reason(),
       .authorize = [](const Caller& c, const Record&) { return RequireOfficeCaller(c, "审批延期"); },
       .apply = [&](pqxx::work& tx, const Caller& caller, const Record& r, State, TransitionRow& row) -> absl::Status {
         std::optional<int> amount =
             ResolveExtensionRequest(tx, r.id, request.approve(), request.reason(), caller.account_id());
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

absl::Status SuggestionsService::DoAllocateFund(const Call& call, const AllocateFundRequest& request,
                                                Suggestion* response) {
  absl::StatusOr<int64_t> year = ParseResourceId(request.fund(), kFunds, "fund");
  if (!year.ok()) {
    return year.status();
  }
  if (request.amount_fen() <= 0) {
    return InvalidField("amount_fen", "must be positive");
  }
  if (absl::Status st = CheckText("note", request.note(), 0, 500); !st.ok()) {
    return st;
  }
  return Mutate(call, request, request.name(),
                {.method = "AllocateFund",
                 .action = Action::kAllocateFund,
                 .reason = request.note(),
                 .authorize = [](const Caller& c, const Record&) { return RequireOfficeCaller(c, "安排专项资金"); },
                 .apply = [&](pqxx::work& tx, const Caller& caller, const Record& r, State,
                              TransitionRow& row) -> absl::Status {
                   std::optional<Fund> fund = LoadFund(tx, static_cast<int>(*year));
                   if (!fund) {
                     return InvalidField("fund", absl::StrCat(request.fund(), " does not exist"));
                   }
                   if (!AllocateFromFund(tx, fund->year(), r.id, request.amount_fen(), request.note(),
                                         caller.account_id())) {
                     return FailedPrecondition("FUND_INSUFFICIENT",
                                               absl::StrCat("专项资金余额不足：剩余 ", fund->remaining_fen(), " 分"));
                   }
                   row.detail = absl::StrCat("安排 ", request.fund(), " 资金 ", request.amount_fen(), " 分");
                   return absl::OkStatus();
                 }},
                response);
}

absl::Status SuggestionsService::DoPublishToShowcase(const Call& call, const TransitionRequest& request,
                                                     Suggestion* response) {
  return Mutate(call, request, request.name(),
                {.method = "PublishToShowcase",
                 .action = Action::kShowcase,
                 .reason = request.reason(),
                 .authorize = [](const Caller& c, const Record&) { return RequireOfficeCaller(c, "发布展示"); },
                 .apply = [&](pqxx::work& tx, const Caller&, const Record& r, State, TransitionRow& row) -> absl::Status {
                   const Rating& rating = r.suggestion.rating();
                   if (rating.attitude() != SATISFACTION_SATISFIED || rating.result() != SATISFACTION_SATISFIED) {
                     return FailedPrecondition("NOT_WELL_HANDLED", "只有态度和结果均为满意的已办结件可以展示");
                   }
                   SetShowcased(tx, r.id);
                   row.detail = "公开展示";
                   return absl::OkStatus();
                 }},
                response);
}

absl::Status SuggestionsService::DoGetTimeline(const Call& call, const GetTimelineRequest& request,
                                               Timeline* response) {
  absl::StatusOr<Target> target = ResolveTarget(authorizer_.Authenticate(call), ParseName(request.name()));
  if (!target.ok()) {
    return target.status();
  }
  const auto& [caller, id] = *target;
  Reader reader{caller};
  return pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    absl::StatusOr<Record> rec = LoadVisible(tx, reader, id);
    if (!rec.ok()) {
      return rec.status();
    }
    response->set_name(absl::StrCat(rec->suggestion.name(), "/timeline"));
    for (TimelineEntry& e : SelectTimeline(tx, id)) {
      if (caller.role() == ROLE_CITIZEN) {
        e.clear_actor();  // citizens see which office acted, not whose account
      }
      *response->add_entries() = std::move(e);
    }
    return absl::OkStatus();
  });
}

absl::Status SuggestionsService::DoFindSimilar(const Call& call, const FindSimilarRequest& request,
                                               FindSimilarResponse* response) {
  absl::StatusOr<Caller> caller = authorizer_.Authenticate(call);
  if (!caller.ok()) {
    return caller.status();
  }
  if (!IsOffice(*caller) && !IsLeader(*caller) && caller->role() != ROLE_DEPARTMENT) {
    return Deny("查看相似建议：只有人大工作人员、常委会领导和承办单位可以");
  }
  absl::StatusOr<int64_t> id = ParseName(request.name());
  if (!id.ok()) {
    return id.status();
  }
  if (request.limit() < 0 || request.limit() > 50) {
    return InvalidField("limit", "must be 0-50");
  }
  if (request.min_score() < 0 || request.min_score() > 1) {
    return InvalidField("min_score", "must be between 0 and 1");
  }
  const int limit = request.limit() == 0 ? 10 : request.limit();
  const double min_score = request.min_score() == 0 ? kDefaultMinScore : request.min_score();
  Reader reader{*caller};
  return pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    absl::StatusOr<Record> rec = LoadVisible(tx, reader, *id);
    if (!rec.ok()) {
      return rec.status();
    }
    const std::string text = DedupText(rec->suggestion);
    absl::StatusOr<std::vector<SimilarItem>> similar =
        Similar(tx, reader, text, hasher_.BandKeysOf(text), *id, min_score, limit);
    if (!similar.ok()) {
      return similar.status();
    }
    for (SimilarItem& item : *similar) {
      *response->add_items() = std::move(item);
    }
    return absl::OkStatus();
  });
}

absl::Status SuggestionsService::DoGetSuggestionStats(const Call& call,
                                                      const GetSuggestionStatsRequest& request,
                                                      SuggestionStats* response) {
  absl::StatusOr<Caller> caller =
      authorizer_.Require(call, {ROLE_ADMIN, ROLE_STAFF, ROLE_LEADER});
  if (!caller.ok()) {
    return caller.status();
  }
  const std::string group_by = request.group_by().empty() ? "department" : request.group_by();
  if (group_by != "department" && group_by != "delegation" && group_by != "deputy" && group_by != "period") {
    return InvalidField("group_by", "must be department, delegation, deputy or period");
  }
  absl::CivilDay day;
  if (!request.start_date().empty() && !ParseDay(request.start_date(), &day)) {
    return InvalidField("start_date", "must be a date as YYYY-MM-DD");
  }
  if (!request.end_date().empty() && !ParseDay(request.end_date(), &day)) {
    return InvalidField("end_date", "must be a date as YYYY-MM-DD");
  }
  const std::string start = request.start_date().empty() ? "1900-01-01" : request.start_date();
  const std::string end = request.end_date().empty() ? "2999-12-31" : request.end_date();
  if (end < start) {
    return InvalidField("end_date", "must not be before start_date");
  }
  response->set_group_by(group_by);
  return pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    for (StatsRow& row : SelectStats(tx, group_by, start, end, ShanghaiDate(DomainNow()))) {
      *response->add_rows() = std::move(row);
    }
    return absl::OkStatus();
  });
}

absl::Status SuggestionsService::DoListShowcase(const Call& call, const ListShowcaseRequest& request,
                                                ListSuggestionsResponse* response) {
  absl::StatusOr<Caller> caller = authorizer_.Authenticate(call);
  if (!caller.ok()) {
    return caller.status();
  }
  absl::StatusOr<PageRequest> page = ReadPageRequest(request.page_size(), request.page_token(), {"showcase"});
  if (!page.ok()) {
    return page.status();
  }
  return ReadPage(
      pool_, {.after_id = page->after_id, .limit = page->size + 1, .showcased_only = true}, page->size,
      page->fingerprint, [](const Suggestion& s) { return PublicView(s); }, response);
}

absl::Status SuggestionsService::DoListCommitments(const Call& call,
                                                   const ListCommitmentsRequest& request,
                                                   ListCommitmentsResponse* response) {
  absl::StatusOr<Caller> caller = authorizer_.Require(call, {ROLE_ADMIN, ROLE_STAFF, ROLE_LEADER, ROLE_DEPARTMENT});
  if (!caller.ok()) {
    return caller.status();
  }
  absl::CivilDay day;
  if (!request.due_before().empty() && !ParseDay(request.due_before(), &day)) {
    return InvalidField("due_before", "must be a date as YYYY-MM-DD");
  }
  CommitmentQuery q{
      .department = request.department(), .open_only = request.open_only(), .due_before = request.due_before()};
  if (caller->role() == ROLE_DEPARTMENT) {
    q.department = caller->department();  // a department sees its own ledger only
  }
  absl::StatusOr<PageRequest> page = ReadPageRequest(
      request.page_size(), request.page_token(), {"commitments", q.department, q.open_only ? "1" : "0", q.due_before});
  if (!page.ok()) {
    return page.status();
  }
  q.after_id = page->after_id;
  q.limit = page->size + 1;
  std::vector<Commitment> rows;
  if (absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
        rows = SelectCommitments(tx, q);
        return absl::OkStatus();
      });
      !st.ok()) {
    return st;
  }
  response->set_next_page_token(TrimToPage(rows, page->size, page->fingerprint, [](const Commitment& c) {
    return *ParseResourceId(c.name(), kCommitments, "name");
  }));
  for (Commitment& c : rows) {
    *response->add_commitments() = std::move(c);
  }
  return absl::OkStatus();
}

absl::Status SuggestionsService::DoCheckCommitment(const Call& call,
                                                   const CheckCommitmentRequest& request, Commitment* response) {
  absl::StatusOr<Target> target = ResolveTarget(authorizer_.Require(call, {ROLE_ADMIN, ROLE_STAFF}),
                                                ParseResourceId(request.name(), kCommitments, "name"));
  if (!target.ok()) {
    return target.status();
  }
  const auto& [caller, id] = *target;
  if (absl::Status st = CheckText("check.note", request.check().note(), 1, 2000); !st.ok()) {
    return st;
  }
  return RunIdempotent(pool_, call, caller, "suggestions.CheckCommitment", request, response,
                       [&](pqxx::work& tx) -> absl::Status {
                         std::optional<Commitment> c = LoadCommitment(tx, id, true);
                         if (!c) {
                           return NotFoundError(request.name());
                         }
                         if (c->fulfilled()) {
                           return FailedPrecondition("COMMITMENT_FULFILLED", "该承诺事项已兑现，无需回头看");
                         }
                         InsertCommitmentCheck(tx, id, request.check(), ShanghaiDate(DomainNow()), caller.account_id());
                         AppendAudit(tx, {.actor = caller.account_id(),
                                          .action = "CheckCommitment",
                                          .resource = request.name(),
                                          .request_id = call.request_id,
                                          .detail = {{"fulfilled", request.check().fulfilled()}}});
                         *response = *LoadCommitment(tx, id);
                         return absl::OkStatus();
                       });
}

absl::Status SuggestionsService::DoGetRoutingRules(const Call& call, const GetRoutingRulesRequest&,
                                                   RoutingRules* response) {
  absl::StatusOr<Caller> caller = authorizer_.Require(call, {ROLE_ADMIN, ROLE_STAFF, ROLE_LEADER});
  if (!caller.ok()) {
    return caller.status();
  }
  return pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    *response = LoadRoutingRules(tx);
    return absl::OkStatus();
  });
}

absl::Status SuggestionsService::DoUpdateRoutingRules(const Call& call,
                                                      const UpdateRoutingRulesRequest& request, RoutingRules* response) {
  absl::StatusOr<Caller> caller = authorizer_.Require(call, {ROLE_ADMIN, ROLE_STAFF});
  if (!caller.ok()) {
    return caller.status();
  }
  if (absl::Status st = ValidateRoutingRules(request.routing_rules()); !st.ok()) {
    return st;
  }
  return RunIdempotent(pool_, call, *caller, "suggestions.UpdateRoutingRules", request, response,
                       [&](pqxx::work& tx) -> absl::Status {
                         ReplaceRoutingRules(tx, request.routing_rules(), caller->account_id());
                         AppendAudit(tx, {.actor = caller->account_id(),
                                          .action = "UpdateRoutingRules",
                                          .resource = "routingRules",
                                          .request_id = call.request_id,
                                          .detail = {{"rules", request.routing_rules().rules_size()}}});
                         *response = LoadRoutingRules(tx);
                         return absl::OkStatus();
                       });
}

absl::Status SuggestionsService::DoCreateFund(const Call& call, const CreateFundRequest& request,
                                              Fund* response) {
  absl::StatusOr<Caller> caller = authorizer_.Require(call, {ROLE_ADMIN, ROLE_STAFF});
  if (!caller.ok()) {
    return caller.status();
  }
  const Fund& f = request.fund();
  if (f.year() < 2000 || f.year() > 2100) {
    return InvalidField("fund.year", "must be 2000-2100");
  }
  if (f.total_fen() < 0) {
    return InvalidField("fund.total_fen", "must not be negative");
  }
  return RunIdempotent(pool_, call, *caller, "suggestions.CreateFund", request, response,
                       [&](pqxx::work& tx) -> absl::Status {
                         if (!InsertFund(tx, f.year(), f.total_fen(), caller->account_id())) {
                           return AlreadyExists("FUND_EXISTS", absl::StrCat(kFunds, f.year(), " already exists"));
                         }
                         AppendAudit(tx, {.actor = caller->account_id(),
                                          .action = "CreateFund",
                                          .resource = ResourceName(kFunds, f.year()),
                                          .request_id = call.request_id,
                                          .detail = {{"total_fen", f.total_fen()}}});
                         *response = *LoadFund(tx, f.year());
                         return absl::OkStatus();
                       });
}

absl::Status SuggestionsService::DoGetFund(const Call& call, const GetFundRequest& request,
                                           Fund* response) {
  absl::StatusOr<Caller> caller = authorizer_.Require(call, {ROLE_ADMIN, ROLE_STAFF, ROLE_LEADER});
  if (!caller.ok()) {
    return caller.status();
  }
  absl::StatusOr<int64_t> year = ParseResourceId(request.name(), kFunds, "name");
  if (!year.ok()) {
    return year.status();
  }
  return pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    std::optional<Fund> fund = LoadFund(tx, static_cast<int>(*year));
    if (!fund) {
      return NotFoundError(request.name());
    }
    *response = *fund;
    return absl::OkStatus();
  });
}

absl::Status SuggestionsService::DoGetHolidayCalendar(const Call& call,
                                                      const GetHolidayCalendarRequest& request,
                                                      HolidayCalendar* response) {
  absl::StatusOr<Caller> caller = authorizer_.Authenticate(call);
  if (!caller.ok()) {
    return caller.status();
  }
  absl::StatusOr<int64_t> year = ParseResourceId(request.name(), "holidayCalendars/", "name");
  if (!year.ok()) {
    return year.status();
  }
  response->set_name(ResourceName("holidayCalendars/", *year));
  return pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    for (CalendarDay& d : SelectCalendarYear(tx, static_cast<int>(*year))) {
      *response->add_days() = std::move(d);
    }
    return absl::OkStatus();
  });
}

absl::Status SuggestionsService::DoUpdateHolidayCalendar(const Call& call,
                                                         const UpdateHolidayCalendarRequest& request,
                                                         HolidayCalendar* response) {
  absl::StatusOr<Caller> caller = authorizer_.Require(call, {ROLE_ADMIN, ROLE_STAFF});
  if (!caller.ok()) {
    return caller.status();
  }
  absl::StatusOr<int64_t> year = ParseResourceId(request.calendar().name(), "holidayCalendars/", "calendar.name");
  if (!year.ok()) {
    return year.status();
  }
  std::vector<CalendarDay> days(request.calendar().days().begin(), request.calendar().days().end());
  std::set<std::string> seen;
  for (std::size_t i = 0; i < days.size(); ++i) {
    absl::CivilDay day;
    const std::string field = absl::StrCat("calendar.days[", i, "]");
    if (!ParseDay(days[i].date(), &day) || day.year() != *year) {
      return InvalidField(absl::StrCat(field, ".date"), absl::StrCat("must be a date of ", *year, " as YYYY-MM-DD"));
    }
    if (!seen.insert(days[i].date()).second) {
      return InvalidField(absl::StrCat(field, ".date"), "is listed twice");
    }
    if (absl::Status st = CheckText(absl::StrCat(field, ".note"), days[i].note(), 0, 50); !st.ok()) {
      return st;
    }
  }
  return RunIdempotent(pool_, call, *caller, "suggestions.UpdateHolidayCalendar", request, response,
                       [&](pqxx::work& tx) -> absl::Status {
                         ReplaceCalendarYear(tx, static_cast<int>(*year), days);
                         AppendAudit(tx, {.actor = caller->account_id(),
                                          .action = "UpdateHolidayCalendar",
                                          .resource = ResourceName("holidayCalendars/", *year),
                                          .request_id = call.request_id,
                                          .detail = {{"days", days.size()}}});
                         response->set_name(ResourceName("holidayCalendars/", *year));
                         for (CalendarDay& d : SelectCalendarYear(tx, static_cast<int>(*year))) {
                           *response->add_days() = std::move(d);
                         }
                         return absl::OkStatus();
                       });
}

absl::StatusOr<int> SuggestionsService::SweepDeadlines(absl::Time now) {
  const absl::CivilDay today = ShanghaiDay(now);
  const int horizon = policy_.reminder_days.empty() ? 0 : policy_.reminder_days.front();
  return pool_.TransactValue<int>([&](pqxx::work& tx) -> absl::StatusOr<int> {
    int emitted = 0;
    // A bounded batch per pass, rows locked and skipped by other replicas, so replicas share the work.
    for (const DueItem& item : LockDueItems(tx, FormatDay(today + horizon), 500)) {
      absl::CivilDay deadline;
      if (!ParseDay(item.deadline, &deadline)) {
        continue;
      }
      for (int threshold : ThresholdsReached(today, deadline, policy_.reminder_days)) {
        if (!RecordAlert(tx, item, threshold)) {
          continue;
        }
        const Suggestion s = LoadSuggestion(tx, item.id)->suggestion;
        const int days_left = static_cast<int>(deadline - today);
        if (threshold == kOverdueThreshold) {
          SuggestionOverdue event;
          event.set_reference(s.name());
          event.set_title(s.title());
          event.set_department(s.lead_department());
          *event.mutable_co_departments() = s.co_departments();
          event.set_deadline(item.deadline);
          event.set_key_supervision(s.key_supervision());
          event.set_days_left(days_left);
          EmitEvent(tx, event, s.name(), "");
        } else {
          SuggestionDueSoon event;
          event.set_reference(s.name());
          event.set_title(s.title());
          event.set_department(s.lead_department());
          *event.mutable_co_departments() = s.co_departments();
          event.set_deadline(item.deadline);
          event.set_key_supervision(s.key_supervision());
          event.set_days_left(days_left);
          EmitEvent(tx, event, s.name(), "");
        }
        ++emitted;
      }
    }
    return emitted;
  });
}

grpc::ServerUnaryReactor* SuggestionsService::CreateSuggestion(grpc::CallbackServerContext* ctx, const v1::CreateSuggestionRequest* request, v1::Suggestion* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoCreateSuggestion(call, *request, response); });
}
grpc::ServerUnaryReactor* SuggestionsService::GetSuggestion(grpc::CallbackServerContext* ctx, const v1::GetSuggestionRequest* request, v1::Suggestion* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoGetSuggestion(call, *request, response); });
}
grpc::ServerUnaryReactor* SuggestionsService::ListSuggestions(grpc::CallbackServerContext* ctx, const v1::ListSuggestionsRequest* request, v1::ListSuggestionsResponse* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoListSuggestions(call, *request, response); });
}
grpc::ServerUnaryReactor* SuggestionsService::UpdateSuggestion(grpc::CallbackServerContext* ctx, const v1::UpdateSuggestionRequest* request, v1::Suggestion* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoUpdateSuggestion(call, *request, response); });
}
grpc::ServerUnaryReactor* SuggestionsService::SubmitSuggestion(grpc::CallbackServerContext* ctx, const v1::TransitionRequest* request, v1::Suggestion* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoSubmitSuggestion(call, *request, response); });
}
grpc::ServerUnaryReactor* SuggestionsService::ConfirmCoSigning(grpc::CallbackServerContext* ctx, const v1::TransitionRequest* request, v1::Suggestion* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoAnswerCoSigning(call, *request, v1::CO_SIGNER_STATE_CONFIRMED, response); });
}
grpc::ServerUnaryReactor* SuggestionsService::DeclineCoSigning(grpc::CallbackServerContext* ctx, const v1::TransitionRequest* request, v1::Suggestion* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoAnswerCoSigning(call, *request, v1::CO_SIGNER_STATE_DECLINED, response); });
}
grpc::ServerUnaryReactor* SuggestionsService::AcceptSuggestion(grpc::CallbackServerContext* ctx, const v1::TransitionRequest* request, v1::Suggestion* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoAcceptSuggestion(call, *request, response); });
}
grpc::ServerUnaryReactor* SuggestionsService::RejectSuggestion(grpc::CallbackServerContext* ctx, const v1::TransitionRequest* request, v1::Suggestion* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoRejectSuggestion(call, *request, response); });
}
grpc::ServerUnaryReactor* SuggestionsService::MergeSuggestion(grpc::CallbackServerContext* ctx, const v1::MergeSuggestionRequest* request, v1::Suggestion* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoMergeSuggestion(call, *request, response); });
}
grpc::ServerUnaryReactor* SuggestionsService::AssignSuggestion(grpc::CallbackServerContext* ctx, const v1::AssignSuggestionRequest* request, v1::Suggestion* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoAssignSuggestion(call, *request, response); });
}
grpc::ServerUnaryReactor* SuggestionsService::RecordContact(grpc::CallbackServerContext* ctx, const v1::RecordContactRequest* request, v1::Suggestion* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoRecordContact(call, *request, response); });
}
grpc::ServerUnaryReactor* SuggestionsService::SubmitCoUnitOpinion(grpc::CallbackServerContext* ctx, const v1::SubmitCoUnitOpinionRequest* request, v1::Suggestion* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoSubmitCoUnitOpinion(call, *request, response); });
}
grpc::ServerUnaryReactor* SuggestionsService::AnswerSuggestion(grpc::CallbackServerContext* ctx, const v1::AnswerSuggestionRequest* request, v1::Suggestion* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoAnswerSuggestion(call, *request, response); });
}
grpc::ServerUnaryReactor* SuggestionsService::RateSuggestion(grpc::CallbackServerContext* ctx, const v1::RateSuggestionRequest* request, v1::Suggestion* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoRateSuggestion(call, *request, response); });
}
grpc::ServerUnaryReactor* SuggestionsService::ReopenSuggestion(grpc::CallbackServerContext* ctx, const v1::TransitionRequest* request, v1::Suggestion* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoReopenSuggestion(call, *request, response); });
}
grpc::ServerUnaryReactor* SuggestionsService::EscalateOpinion(grpc::CallbackServerContext* ctx, const v1::TransitionRequest* request, v1::Suggestion* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoEscalateOpinion(call, *request, response); });
}
grpc::ServerUnaryReactor* SuggestionsService::LinkOpinions(grpc::CallbackServerContext* ctx, const v1::LinkOpinionsRequest* request, v1::Suggestion* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoLinkOpinions(call, *request, response); });
}
grpc::ServerUnaryReactor* SuggestionsService::FlagKeySupervision(grpc::CallbackServerContext* ctx, const v1::FlagKeySupervisionRequest* request, v1::Suggestion* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoFlagKeySupervision(call, *request, response); });
}
grpc::ServerUnaryReactor* SuggestionsService::RequestExtension(grpc::CallbackServerContext* ctx, const v1::RequestExtensionRequest* request, v1::Suggestion* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoRequestExtension(call, *request, response); });
}
grpc::ServerUnaryReactor* SuggestionsService::DecideExtension(grpc::CallbackServerContext* ctx, const v1::DecideExtensionRequest* request, v1::Suggestion* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoDecideExtension(call, *request, response); });
}
grpc::ServerUnaryReactor* SuggestionsService::AllocateFund(grpc::CallbackServerContext* ctx, const v1::AllocateFundRequest* request, v1::Suggestion* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoAllocateFund(call, *request, response); });
}
grpc::ServerUnaryReactor* SuggestionsService::PublishToShowcase(grpc::CallbackServerContext* ctx, const v1::TransitionRequest* request, v1::Suggestion* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoPublishToShowcase(call, *request, response); });
}
grpc::ServerUnaryReactor* SuggestionsService::GetTimeline(grpc::CallbackServerContext* ctx, const v1::GetTimelineRequest* request, v1::Timeline* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoGetTimeline(call, *request, response); });
}
grpc::ServerUnaryReactor* SuggestionsService::FindSimilar(grpc::CallbackServerContext* ctx, const v1::FindSimilarRequest* request, v1::FindSimilarResponse* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoFindSimilar(call, *request, response); });
}
grpc::ServerUnaryReactor* SuggestionsService::GetSuggestionStats(grpc::CallbackServerContext* ctx, const v1::GetSuggestionStatsRequest* request, v1::SuggestionStats* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoGetSuggestionStats(call, *request, response); });
}
grpc::ServerUnaryReactor* SuggestionsService::ListShowcase(grpc::CallbackServerContext* ctx, const v1::ListShowcaseRequest* request, v1::ListSuggestionsResponse* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoListShowcase(call, *request, response); });
}
grpc::ServerUnaryReactor* SuggestionsService::ListCommitments(grpc::CallbackServerContext* ctx, const v1::ListCommitmentsRequest* request, v1::ListCommitmentsResponse* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoListCommitments(call, *request, response); });
}
grpc::ServerUnaryReactor* SuggestionsService::CheckCommitment(grpc::CallbackServerContext* ctx, const v1::CheckCommitmentRequest* request, v1::Commitment* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoCheckCommitment(call, *request, response); });
}
grpc::ServerUnaryReactor* SuggestionsService::GetRoutingRules(grpc::CallbackServerContext* ctx, const v1::GetRoutingRulesRequest* request, v1::RoutingRules* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoGetRoutingRules(call, *request, response); });
}
grpc::ServerUnaryReactor* SuggestionsService::UpdateRoutingRules(grpc::CallbackServerContext* ctx, const v1::UpdateRoutingRulesRequest* request, v1::RoutingRules* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoUpdateRoutingRules(call, *request, response); });
}
grpc::ServerUnaryReactor* SuggestionsService::CreateFund(grpc::CallbackServerContext* ctx, const v1::CreateFundRequest* request, v1::Fund* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoCreateFund(call, *request, response); });
}
grpc::ServerUnaryReactor* SuggestionsService::GetFund(grpc::CallbackServerContext* ctx, const v1::GetFundRequest* request, v1::Fund* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoGetFund(call, *request, response); });
}
grpc::ServerUnaryReactor* SuggestionsService::GetHolidayCalendar(grpc::CallbackServerContext* ctx, const v1::GetHolidayCalendarRequest* request, v1::HolidayCalendar* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoGetHolidayCalendar(call, *request, response); });
}
grpc::ServerUnaryReactor* SuggestionsService::UpdateHolidayCalendar(grpc::CallbackServerContext* ctx, const v1::UpdateHolidayCalendarRequest* request, v1::HolidayCalendar* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoUpdateHolidayCalendar(call, *request, response); });
}
}  // namespace minyi::suggestions

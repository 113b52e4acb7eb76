#include "voting/votes.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/names.h"
#include "common/paging.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "minyi/voting/v1/events.pb.h"
#include "voting/access.h"
#include "voting/store.h"
#include "voting/tally.h"
#include "voting/validation.h"

namespace minyi::voting {
namespace {

using ::minyi::voting::v1::AnnounceResultRequest;
using ::minyi::voting::v1::Bulletin;
using ::minyi::voting::v1::BulletinEntry;
using ::minyi::voting::v1::CandidateResult;
using ::minyi::voting::v1::CheckInRequest;
using ::minyi::voting::v1::CheckInResponse;
using ::minyi::voting::v1::CloseVoteRequest;
using ::minyi::voting::v1::CreateRunoffRequest;
using ::minyi::voting::v1::CreateVoteRequest;
using ::minyi::voting::v1::GetBulletinRequest;
using ::minyi::voting::v1::GetResultRequest;
using ::minyi::voting::v1::GetTurnoutRequest;
using ::minyi::voting::v1::GetVoteRequest;
using ::minyi::voting::v1::ListVotesRequest;
using ::minyi::voting::v1::ListVotesResponse;
using ::minyi::voting::v1::OpenVoteRequest;
using ::minyi::voting::v1::Project;
using ::minyi::voting::v1::PROJECT_STATE_CANDIDATE;
using ::minyi::voting::v1::PROJECT_STATE_CHOSEN;
using ::minyi::voting::v1::Turnout;
using ::minyi::voting::v1::Vote;
using ::minyi::voting::v1::VOTE_STATE_ANNOUNCED;
using ::minyi::voting::v1::VOTE_STATE_CLOSED;
using ::minyi::voting::v1::VOTE_STATE_DRAFT;
using ::minyi::voting::v1::VOTE_STATE_OPEN;
using ::minyi::voting::v1::VoteAnnounced;
using ::minyi::voting::v1::VoteClosed;
using ::minyi::voting::v1::VoteOpened;
using ::minyi::voting::v1::VoteResult;
using ::minyi::voting::v1::VoteState;

// The state of a vote whose count `caller` may read: closed (office staff and leaders) or announced
// (everyone). Otherwise FAILED_PRECONDITION naming the state, saying `before_close` or, to others while
// the vote is closed, `before_announcement`.
absl::StatusOr<VoteState> CountedVoteState(pqxx::transaction_base& tx, int64_t id, const Caller& caller,
                                           absl::string_view before_close, absl::string_view before_announcement) {
  std::optional<VoteState> state = LoadVoteState(tx, id);
  if (!state.has_value()) {
    return NotFoundError(ResourceName(kVotes, id));
  }
  if (*state == VOTE_STATE_ANNOUNCED || (*state == VOTE_STATE_CLOSED && SeesUnannounced(caller))) {
    return *state;
  }
  return WrongState(*state == VOTE_STATE_CLOSED ? before_announcement : before_close, *state);
}

}  // namespace

absl::Status Votes::Create(const Call& call, const CreateVoteRequest& request, Vote* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.RequireOffice(call));
  Vote vote = request.vote();
  RETURN_IF_ERROR(CheckNewVote(&vote));
  RETURN_IF_ERROR(registry_.CheckElectorate(vote.electorate()));
  return commands_.Run(call, caller, "CreateVote", request, response, [&](Change& change) -> absl::Status {
    for (int i = 0; i < vote.candidates_size(); ++i) {
      std::optional<Project> p =
          LoadProject(change.tx(), *ParseResourceId(vote.candidates(i), kProjects, "vote.candidates"));
      if (!p.has_value() || p->state() != PROJECT_STATE_CANDIDATE) {
        return InvalidField(absl::StrCat("vote.candidates[", i, "]"),
                            absl::StrCat(vote.candidates(i), " 不是经筛选纳入的候选项目"));
      }
    }
    const int64_t id = InsertVote(change.tx(), vote, caller.account_id(), 0);
    for (int i = 0; i < vote.candidates_size(); ++i) {
      InsertCandidate(change.tx(), id, i, *ParseResourceId(vote.candidates(i), kProjects, "vote.candidates"));
    }
    for (const std::string& d : vote.electorate()) {
      InsertElector(change.tx(), id, d);
    }
    change.Audit(
        ResourceName(kVotes, id),
        {{"candidates", JsonList(vote.candidates())}, {"slots", vote.slots()}, {"electorate", vote.electorate_size()}});
    *response = *LoadVote(change.tx(), id);
    return absl::OkStatus();
  });
}

absl::Status Votes::Get(const Call& call, const GetVoteRequest& request, Vote* response) {
  RETURN_IF_ERROR(authorizer_.Authenticate(call).status());
  ASSIGN_OR_RETURN(const int64_t id, ParseResourceId(request.name(), kVotes, "name"));
  return pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    std::optional<Vote> vote = LoadVote(tx, id);
    if (!vote.has_value()) {
      return NotFoundError(request.name());
    }
    *response = *std::move(vote);
    return absl::OkStatus();
  });
}

absl::Status Votes::List(const Call& call, const ListVotesRequest& request, ListVotesResponse* response) {
  RETURN_IF_ERROR(authorizer_.Authenticate(call).status());
  ASSIGN_OR_RETURN(const PageRequest page, ReadPageRequest(request.page_size(), request.page_token(), {"votes"}));
  return pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    std::vector<int64_t> ids = SelectVoteIds(tx, page.after_id, page.size + 1);
    response->set_next_page_token(TrimToPage(ids, page.size, page.fingerprint, [](int64_t id) { return id; }));
    for (int64_t id : ids) {
      if (std::optional<Vote> vote = LoadVote(tx, id); vote.has_value()) {
        *response->add_votes() = *std::move(vote);
      }
    }
    return absl::OkStatus();
  });
}

absl::Status Votes::Open(const Call& call, const OpenVoteRequest& request, Vote* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.RequireOffice(call));
  ASSIGN_OR_RETURN(const int64_t id, ParseResourceId(request.name(), kVotes, "name"));
  return commands_.Run(call, caller, "OpenVote", request, response, [&](Change& change) -> absl::Status {
    ASSIGN_OR_RETURN(const Vote vote, InState(LoadVote(change.tx(), id, /*for_update=*/true), request.name(),
                                              {VOTE_STATE_DRAFT}, "只有草稿状态的票决可以开始"));
    SetVoteState(change.tx(), id, VOTE_STATE_OPEN);
    VoteOpened event;
    event.set_reference(request.name());
    event.set_title(vote.title());
    *event.mutable_deputies() = vote.electorate();
    event.set_slots(vote.slots());
    change.Emit(event, request.name());
    change.Audit(request.name());
    *response = *LoadVote(change.tx(), id);
    return absl::OkStatus();
  });
}

absl::Status Votes::CheckIn(const Call& call, const CheckInRequest& request, CheckInResponse* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.Require(call, {minyi::common::v1::ROLE_DEPUTY}));
  ASSIGN_OR_RETURN(const int64_t id, ParseResourceId(request.name(), kVotes, "name"));
  return commands_.Run(call, caller, "CheckIn", request, response, [&](Change& change) -> absl::Status {
    std::optional<VoteState> state = LoadVoteState(change.tx(), id);
    if (!state.has_value()) {
      return NotFoundError(request.name());
    }
    if (*state != VOTE_STATE_OPEN) {
      return WrongState("只能在票决进行中签到", *state);
    }
    if (!MarkCheckedIn(change.tx(), id, caller.deputy())) {
      return PermissionDenied("你不在本次票决的代表名单中");
    }
    change.Audit(request.name());
    response->set_vote(request.name());
    response->set_deputy(caller.deputy());
    return absl::OkStatus();
  });
}

absl::Status Votes::GetTurnout(const Call& call, const GetTurnoutRequest& request, Turnout* response) {
  RETURN_IF_ERROR(authorizer_.Authenticate(call).status());
  ASSIGN_OR_RETURN(const int64_t id, ParseWithSuffix(request.name(), kVotes, "/turnout", "name"));
  return pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    if (!LoadVoteState(tx, id).has_value()) {
      return NotFoundError(ResourceName(kVotes, id));
    }
    *response = CountTurnout(tx, id);
    return absl::OkStatus();
  });
}

absl::Status Votes::Close(const Call& call, const CloseVoteRequest& request, Vote* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.RequireOffice(call));
  ASSIGN_OR_RETURN(const int64_t id, ParseResourceId(request.name(), kVotes, "name"));
  return commands_.Run(call, caller, "CloseVote", request, response, [&](Change& change) -> absl::Status {
    pqxx::work& tx = change.tx();
    LockVoteExclusive(tx, id);  // waits for ballots in flight; none commits after this
    ASSIGN_OR_RETURN(const Vote vote, InState(LoadVote(tx, id, /*for_update=*/true), request.name(), {VOTE_STATE_OPEN},
                                              "只有进行中的票决可以结束"));
    const VoteRules rules = LoadRules(tx, id, /*with_counts=*/true);
    const Turnout turnout = CountTurnout(tx, id);
    const std::size_t longest = LongestEntrySize(rules);
    std::vector<BulletinEntry> entries;
    std::vector<Marks> ballots;
    for (const SealedBox& sealed : SealedBallots(tx, id)) {
      absl::StatusOr<std::string> plain = sealer_.Open(request.name(), sealed.box, longest);
      BulletinEntry entry;
      if (!plain.ok() || !entry.ParseFromString(*plain)) {
        return absl::DataLossError(absl::StrCat(request.name(), ": a sealed ballot does not open"));
      }
      absl::StatusOr<Marks> marks = ReadBallot(rules, entry.content());
      if (!marks.ok()) {
        return absl::DataLossError(absl::StrCat(request.name(), ": a sealed ballot is not valid"));
      }
      ballots.push_back(*std::move(marks));
      entries.push_back(std::move(entry));
    }
    // Every voter's ballot is in the box and nothing else: the cast transaction writes both or neither.
    if (static_cast<int>(entries.size()) != turnout.ballots_cast()) {
      return absl::DataLossError(
          absl::StrCat(request.name(), ": ", entries.size(), " ballots for ", turnout.ballots_cast(), " voters"));
    }
    VoteResult result = Tally(rules, ballots, request.name());
    for (CandidateResult& c : *result.mutable_candidates()) {
      if (std::optional<Project> p = LoadProject(tx, *ParseResourceId(c.candidate(), kProjects, "candidate"));
          p.has_value()) {
        c.set_title(p->title());
      }
    }
    // The bulletin is written in tracker order by this one transaction, and the box is emptied: nothing of
    // the order or the transactions in which ballots were cast survives into it.
    std::sort(entries.begin(), entries.end(),
              [](const BulletinEntry& a, const BulletinEntry& b) { return a.tracker() < b.tracker(); });
    for (const BulletinEntry& e : entries) {
      InsertBulletinEntry(tx, id, e);
    }
    DeleteSealedBallots(tx, id);
    StoreResult(tx, id, result);
    SetVoteState(tx, id, VOTE_STATE_CLOSED);
    nlohmann::json chosen = nlohmann::json::array();
    for (const CandidateResult& c : result.candidates()) {
      if (c.chosen()) {
        // Read as a candidate by all but office staff and leaders until announced (ProjectView).
        SetProjectState(tx, *ParseResourceId(c.candidate(), kProjects, "candidate"), PROJECT_STATE_CHOSEN);
        chosen.push_back(c.candidate());
      }
    }
    // The electorate hears that the vote is over; the result goes out with the announcement.
    VoteClosed event;
    event.set_reference(request.name());
    event.set_title(vote.title());
    *event.mutable_deputies() = vote.electorate();
    change.Emit(event, request.name());
    change.Audit(request.name(),
                 {{"ballots", result.ballots_cast()}, {"quorum_met", result.quorum_met()}, {"chosen", chosen}});
    *response = *LoadVote(tx, id);
    return absl::OkStatus();
  });
}

absl::Status Votes::AnnounceResult(const Call& call, const AnnounceResultRequest& request, Vote* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.RequireOffice(call));
  ASSIGN_OR_RETURN(const int64_t id, ParseResourceId(request.name(), kVotes, "name"));
  return commands_.Run(call, caller, "AnnounceResult", request, response, [&](Change& change) -> absl::Status {
    ASSIGN_OR_RETURN(const Vote vote, InState(LoadVote(change.tx(), id, /*for_update=*/true), request.name(),
                                              {VOTE_STATE_CLOSED}, "只有已结束的票决可以公告"));
    SetVoteState(change.tx(), id, VOTE_STATE_ANNOUNCED);
    const VoteResult result = *LoadResult(change.tx(), id);
    VoteAnnounced event;
    event.set_reference(request.name());
    event.set_title(vote.title());
    *event.mutable_deputies() = vote.electorate();
    event.set_quorum_met(result.quorum_met());
    event.set_runoff_needed(result.runoff_needed());
    for (const CandidateResult& c : result.candidates()) {
      if (c.chosen()) {
        event.add_chosen_projects(c.candidate());
      }
    }
    change.Emit(event, request.name());
    change.Audit(request.name());
    *response = *LoadVote(change.tx(), id);
    return absl::OkStatus();
  });
}

absl::Status Votes::CreateRunoff(const Call& call, const CreateRunoffRequest& request, Vote* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.RequireOffice(call));
  ASSIGN_OR_RETURN(const int64_t id, ParseResourceId(request.name(), kVotes, "name"));
  RETURN_IF_ERROR(CheckText("title", request.title(), 0, 64));
  // The tie is part of the result: a run-off, which everyone sees, waits for the announcement. Its
  // electorate is the original's, checked again against the registry as for a new vote.
  const auto tie = [&](pqxx::transaction_base& tx, bool for_update) -> absl::StatusOr<std::pair<Vote, VoteResult>> {
    ASSIGN_OR_RETURN(Vote original, InState(LoadVote(tx, id, for_update), request.name(), {VOTE_STATE_ANNOUNCED},
                                            "结果公告后才能安排重新票决"));
    std::optional<VoteResult> result = LoadResult(tx, id);
    if (!result.has_value() || !result->runoff_needed()) {
      return FailedPrecondition("NO_TIE", "该票决没有需要重新票决的并列项目");
    }
    return std::make_pair(std::move(original), *std::move(result));
  };
  absl::StatusOr<std::pair<Vote, VoteResult>> checked = absl::InternalError("not read");
  RETURN_IF_ERROR(pool_.Read([&](pqxx::transaction_base& tx) {
    checked = tie(tx, /*for_update=*/false);
    return absl::OkStatus();
  }));
  RETURN_IF_ERROR(checked.status());
  RETURN_IF_ERROR(registry_.CheckElectorate(checked->first.electorate()));
  return commands_.Run(call, caller, "CreateRunoff", request, response, [&](Change& change) -> absl::Status {
    ASSIGN_OR_RETURN(const auto basis, tie(change.tx(), /*for_update=*/true));
    const auto& [original, result] = basis;
    Vote runoff;
    runoff.set_title(request.title().empty() ? absl::StrCat(original.title(), "（重新票决）") : request.title());
    runoff.set_form(original.form());
    runoff.set_slots(result.runoff_slots());
    runoff.set_max_approvals(result.runoff_slots());
    const int64_t runoff_id = InsertVote(change.tx(), runoff, caller.account_id(), id);
    int position = 0;
    for (const CandidateResult& c : result.candidates()) {
      if (c.tied()) {
        InsertCandidate(change.tx(), runoff_id, position++, *ParseResourceId(c.candidate(), kProjects, "candidate"));
      }
    }
    for (const std::string& d : original.electorate()) {
      InsertElector(change.tx(), runoff_id, d);
    }
    change.Audit(ResourceName(kVotes, runoff_id), {{"runoff_of", request.name()}, {"slots", runoff.slots()}});
    *response = *LoadVote(change.tx(), runoff_id);
    return absl::OkStatus();
  });
}

absl::Status Votes::GetResult(const Call& call, const GetResultRequest& request, VoteResult* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.Authenticate(call));
  ASSIGN_OR_RETURN(const int64_t id, ParseWithSuffix(request.name(), kVotes, "/result", "name"));
  return pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    ASSIGN_OR_RETURN(const VoteState state,
                     CountedVoteState(tx, id, caller, "票决结束前不公布任何结果", "票决结果公告后公开"));
    *response = *LoadResult(tx, id);
    response->set_state(state);
    return absl::OkStatus();
  });
}

absl::Status Votes::GetBulletin(const Call& call, const GetBulletinRequest& request, Bulletin* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.Authenticate(call));
  ASSIGN_OR_RETURN(const int64_t id, ParseWithSuffix(request.name(), kVotes, "/bulletin", "name"));
  return pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    // The bulletin becomes public with the result: it recounts to it.
    RETURN_IF_ERROR(
        CountedVoteState(tx, id, caller, "票决结束后公布全部选票", "全部选票与票决结果一并在公告后公开").status());
    *response = LoadBulletin(tx, id);
    return absl::OkStatus();
  });
}

}  // namespace minyi::voting

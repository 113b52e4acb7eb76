#include "voting/ballot_box.h"

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/audit.h"
#include "common/names.h"
#include "common/outbox.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "common/workers.h"
#include "minyi/voting/v1/events.pb.h"
#include "sodium.h"
#include "voting/access.h"
#include "voting/admission.h"
#include "voting/store.h"

namespace minyi::voting {
namespace {

using ::minyi::voting::v1::BallotCast;
using ::minyi::voting::v1::BallotReceipt;
using ::minyi::voting::v1::CastBallotRequest;

// Boxes go into the table in a uniformly random order (Fisher-Yates on the system's CSPRNG), so that their
// physical order (ctid) follows nothing.
void Shuffle(std::vector<std::string>& boxes) {
  for (std::size_t i = boxes.size(); i > 1; --i) {
    std::swap(boxes[i - 1], boxes[randombytes_uniform(static_cast<uint32_t>(i))]);
  }
}

}  // namespace

// One CastBallot call, from its arrival until the batch that writes it finishes the call.
struct BallotBox::CastRequest {
  CastCall cast;
  const CastBallotRequest* request = nullptr;
  BallotReceipt* response = nullptr;
  // Filled while the batch runs.
  int64_t vote_id = 0;
  Caller caller;
  absl::Status status = absl::OkStatus();
  std::string tracker = "";
  std::string today = "";
  std::string receipt_check = "";
  std::string box = "";
};

BallotBox::BallotBox(PgPool& pool, const Authorizer& authorizer, const BallotSealer& sealer)
    : pool_(pool),
      authorizer_(authorizer),
      sealer_(sealer),
      cast_batcher_(
          64, 2, [this](Batcher<CastRequest>::Batch& batch) { CastBatch(batch); },
          [](std::function<void()> task) { CallWorkers().Submit(std::move(task)); }) {}

// Here, where CastRequest is complete: the batcher's queue holds them.
BallotBox::~BallotBox() = default;

VoteRules BallotBox::Rules(pqxx::transaction_base& tx, int64_t vote_id) {
  {
    std::lock_guard<std::mutex> lock(rules_mu_);
    if (auto it = rules_.find(vote_id); it != rules_.end()) {
      return it->second;
    }
  }
  VoteRules rules = LoadRules(tx, vote_id, /*with_counts=*/false);
  std::lock_guard<std::mutex> lock(rules_mu_);
  rules_.emplace(vote_id, rules);
  return rules;
}

void BallotBox::Cast(CastCall cast, const CastBallotRequest& request, BallotReceipt* response) {
  auto c = std::make_unique<CastRequest>();
  c->cast = std::move(cast);
  c->request = &request;
  c->response = response;
  cast_batcher_.Submit(std::move(c));
}

// What is judged before the database: the call is still wanted, then admission.h's AdmitCast.
absl::Status BallotBox::Admit(CastRequest& cast) {
  if (cast.cast.cancelled()) {
    return absl::CancelledError("the client gave up");
  }
  ASSIGN_OR_RETURN(AdmittedCast admitted,
                   AdmitCast(authorizer_.Require(cast.cast.call, {minyi::common::v1::ROLE_DEPUTY}), *cast.request));
  cast.caller = std::move(admitted.caller);
  cast.vote_id = admitted.vote_id;
  return absl::OkStatus();
}

// Exactly once without storing who cast what. RunIdempotent is deliberately not used: it would keep the
// receipt (the tracker) under the voter's account and key. Instead the voters table's primary key admits
// one ballot per deputy, and a retry is recognized by the receipt check: a hash over the ballot and the
// voter's nonce, which only the voter holds. A retry of the same ballot (with or without the same
// Idempotency-Key, or concurrent with the first) recomputes the same tracker; anything else is refused.
// docs/voting.md has the whole argument.
//
// The casts of a batch share one transaction: a failure (lost connection, ...) fails them all and commits
// none, and their clients retry. Each call is finished here, with its own outcome.
void BallotBox::CastBatch(Batcher<CastRequest>::Batch& batch) {
  std::map<int64_t, std::vector<CastRequest*>> by_vote;
  for (const std::unique_ptr<CastRequest>& c : batch) {
    c->status = Admit(*c);
    if (c->status.ok()) {
      by_vote[c->vote_id].push_back(c.get());
    }
  }
  if (!by_vote.empty()) {
    std::vector<int64_t> boxed;  // the votes this batch put ballots into
    absl::Status st = pool_.Transact([&](pqxx::work& tx) {
      boxed.clear();  // the transaction may be a retry
      for (const auto& [id, casts] : by_vote) {
        if (CastInVote(tx, id, casts)) {
          boxed.push_back(id);
        }
      }
      return absl::OkStatus();
    });
    if (st.ok()) {
      // Each new box shares its transaction with its voter's row until the vote is remixed.
      std::lock_guard<std::mutex> lock(remix_mu_);
      for (int64_t id : boxed) {
        remix_schedule_.Cast(id);
      }
    } else {
      for (const auto& [id, casts] : by_vote) {
        for (CastRequest* c : casts) {
          c->status = st;
        }
      }
    }
  }
  for (const std::unique_ptr<CastRequest>& c : batch) {
    if (c->status.ok()) {
      c->response->set_vote(c->request->parent());
      c->response->set_tracker(c->tracker);
      c->response->set_occurred_on(c->today);
    }
    c->cast.finish(c->status);
  }
}

bool BallotBox::CastInVote(pqxx::work& tx, int64_t id, const std::vector<CastRequest*>& casts) {
  LockVoteShared(tx, id);
  std::vector<std::string> deputies;
  for (const CastRequest* c : casts) {
    deputies.push_back(c->caller.deputy());
  }
  const std::map<std::string, CastContext> contexts = LoadCastContexts(tx, id, deputies);
  std::optional<VoteRules> rules;
  std::size_t longest = 0;
  std::vector<CastRequest*> valid;
  for (CastRequest* c : casts) {
    auto it = contexts.find(c->caller.deputy());
    // Set on every run: the transaction may be a retry.
    c->status = JudgeCast(it == contexts.end() ? nullptr : &it->second, c->request->parent());
    if (!c->status.ok()) {
      continue;
    }
    if (!rules.has_value()) {
      rules = Rules(tx, id);
      longest = LongestEntrySize(*rules);
    }
    absl::StatusOr<PreparedBallot> ballot = PrepareBallot(*rules, c->request->parent(), c->request->ballot());
    if (!ballot.ok()) {
      c->status = ballot.status();
      continue;
    }
    // Padded to the vote's longest ballot: every box of the vote has one size.
    absl::StatusOr<std::string> box = sealer_.Seal(c->request->parent(), ballot->entry.SerializeAsString(), longest);
    if (!box.ok()) {
      c->status = box.status();
      continue;
    }
    c->tracker = ballot->entry.tracker();
    c->today = it->second.today;
    c->receipt_check = ballot->receipt_check;
    c->box = *std::move(box);
    valid.push_back(c);
  }

  // A deputy's first cast in the batch may be new; any later one in the same batch is a retry of it.
  std::vector<NewVoter> voters;
  std::vector<CastRequest*> firsts, again;
  std::set<std::string> seen;
  for (CastRequest* c : valid) {
    if (seen.insert(c->caller.deputy()).second) {
      voters.push_back({c->caller.deputy(), c->receipt_check});
      firsts.push_back(c);
    } else {
      again.push_back(c);
    }
  }
  const std::set<std::string> inserted = voters.empty() ? std::set<std::string>() : InsertVoters(tx, id, voters);
  std::vector<CastRequest*> fresh;
  for (CastRequest* c : firsts) {
    (inserted.count(c->caller.deputy()) > 0 ? fresh : again).push_back(c);
  }
  if (!again.empty()) {
    std::vector<std::string> retried;
    for (const CastRequest* c : again) {
      retried.push_back(c->caller.deputy());
    }
    const std::map<std::string, std::string> checks = VoterReceiptChecks(tx, id, retried);
    for (CastRequest* c : again) {
      auto it = checks.find(c->caller.deputy());
      if (it == checks.end() || it->second != c->receipt_check) {
        c->tracker.clear();
        c->status = AlreadyExists("ALREADY_VOTED", "你已经投过票，每位代表只能投一票");
      }  // else the same ballot again: its receipt, nothing new
    }
  }
  if (fresh.empty()) {
    return false;
  }
  // The boxes go in shuffled: within a batch, nothing in the box's physical order follows the voters'.
  std::vector<std::string> boxes;
  for (const CastRequest* c : fresh) {
    boxes.push_back(c->box);
  }
  Shuffle(boxes);
  InsertSealedBallots(tx, id, boxes);
  std::vector<BallotCast> events(fresh.size());
  std::vector<OutgoingEvent> outgoing;
  std::vector<AuditEntry> audits;
  for (size_t i = 0; i < fresh.size(); ++i) {
    const CastRequest& c = *fresh[i];
    events[i].add_deputies(c.caller.deputy());
    events[i].set_reference(c.request->parent());
    events[i].set_occurred_on(c.today);
    outgoing.push_back({&events[i], c.request->parent(), c.caller.account_id()});
    audits.push_back({.actor = c.caller.account_id(),
                      .action = "CastBallot",
                      .resource = c.request->parent(),
                      .request_id = c.cast.call.request_id});
  }
  EmitEvents(tx, outgoing);
  AppendAudits(tx, audits);
  return true;
}

// The remix (docs/voting.md, "Remixing"): a box is written in its cast's transaction, so until then it
// carries that transaction's id (xmin), as its voter's row does. A remix, a transaction that writes
// nothing but boxes, re-seals every box of the vote under a fresh nonce, deletes the old rows and inserts
// the new ones under new random ids in a random order: afterwards no box shares a transaction id, an id,
// a place in the table or a ciphertext with anything of its cast.
absl::Status BallotBox::RemixDue() {
  if (!remixed_at_start_) {
    // A crash between a cast and its remix leaves boxes as they were cast.
    std::vector<int64_t> votes;
    RETURN_IF_ERROR(pool_.Read([&](pqxx::transaction_base& tx) {
      votes = VotesWithSealedBallots(tx);
      return absl::OkStatus();
    }));
    std::lock_guard<std::mutex> lock(remix_mu_);
    for (int64_t id : votes) {
      remix_schedule_.Cast(id);
    }
    remixed_at_start_ = true;
  }
  std::vector<int64_t> due;
  {
    std::lock_guard<std::mutex> lock(remix_mu_);
    due = remix_schedule_.Due(absl::Now());
  }
  absl::Status out = absl::OkStatus();
  for (int64_t id : due) {
    if (absl::Status st = Remix(id); !st.ok()) {
      std::lock_guard<std::mutex> lock(remix_mu_);
      remix_schedule_.Cast(id);  // still to do
      out.Update(st);
    }
  }
  return out;
}

// One statement reads the box, one deletes, one inserts, whatever the number of ballots.
absl::Status BallotBox::Remix(int64_t id) {
  const std::string vote = ResourceName(kVotes, id);
  return pool_.Transact([&](pqxx::work& tx) -> absl::Status {
    LockVoteShared(tx, id);  // as a cast: closing waits for it
    const std::vector<SealedBox> boxes = SealedBallots(tx, id);
    if (boxes.empty()) {
      return absl::OkStatus();
    }
    const std::size_t longest = LongestEntrySize(Rules(tx, id));
    std::map<std::string, std::string> resealed;  // by the old box's id
    std::vector<std::string> ids;
    for (const SealedBox& b : boxes) {
      absl::StatusOr<std::string> plain = sealer_.Open(vote, b.box, longest);
      if (!plain.ok()) {
        return absl::DataLossError(absl::StrCat(vote, ": a sealed ballot does not open"));
      }
      ASSIGN_OR_RETURN(std::string box, sealer_.Seal(vote, *plain, longest));
      resealed.emplace(b.id, std::move(box));
      ids.push_back(b.id);
    }
    // By id: boxes cast meanwhile wait for the next remix, and a box another replica's remix has already
    // replaced is not written twice.
    std::vector<std::string> fresh;
    for (const std::string& old : DeleteSealedBallots(tx, id, ids)) {
      fresh.push_back(std::move(resealed[old]));
    }
    Shuffle(fresh);
    InsertSealedBallots(tx, id, fresh);
    return absl::OkStatus();
  });
}

}  // namespace minyi::voting

#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/migrate.h"
#include "common/pg.h"
#include "minyi/voting/v1/voting.pb.h"
#include "pqxx/pqxx"
#include "voting/admission.h"
#include "voting/tally.h"

// The voting schema's SQL. Every function runs inside the caller's transaction and lets libpqxx
// exceptions through, so PgPool::Transact maps database failures in one place.
namespace minyi::voting {

const std::vector<Migration>& Migrations();
std::vector<PreparedStatement> Statements();

// Projects.
// How a project is read. Until the vote that chose it is announced, a chosen project reads, to all but
// office staff and leaders, as the candidate it was: state CANDIDATE, no supervision group
// (docs/voting.md, "Announcement").
enum class ProjectView { kFull, kBeforeAnnouncement };
int64_t InsertProject(pqxx::work& tx, const minyi::voting::v1::Project& project, const std::string& actor);
std::optional<minyi::voting::v1::Project> LoadProject(pqxx::transaction_base& tx, int64_t id, bool for_update = false,
                                                      ProjectView view = ProjectView::kFull);
// Projects after `after_id` in id order; `state` "" for any, else the state as `view` shows it; with
// `public_only`, only those in a public state (IsPublic).
std::vector<minyi::voting::v1::Project> SelectProjects(pqxx::transaction_base& tx, int64_t after_id, int limit,
                                                       const std::string& state, ProjectView view,
                                                       bool public_only = false);
void ScreenProjectRow(pqxx::work& tx, int64_t id, const minyi::voting::v1::ScreenProjectRequest& screening);
void SetProjectState(pqxx::work& tx, int64_t id, minyi::voting::v1::ProjectState state);
void SetSupervision(pqxx::work& tx, int64_t id, const std::string& group, const std::vector<std::string>& members);

// Progress reports; the project's percent follows the latest.
minyi::voting::v1::ProgressReport InsertProgress(pqxx::work& tx, int64_t project_id,
                                                 const minyi::voting::v1::ProgressReport& report,
                                                 const std::string& actor, const std::string& department);
std::vector<minyi::voting::v1::ProgressReport> SelectProgress(pqxx::transaction_base& tx, int64_t project_id);

// Satisfaction rounds: a rater row per invitee; NULL rating until rated.
void InviteRater(pqxx::work& tx, int64_t project_id, const std::string& rater);
bool RoundOpen(pqxx::transaction_base& tx, int64_t project_id);
enum class RateOutcome { kRated, kNotInvited, kAlreadyRated };
RateOutcome RateOnce(pqxx::work& tx, int64_t project_id, const std::string& rater, minyi::voting::v1::Rating rating);
minyi::voting::v1::Satisfaction CountSatisfaction(pqxx::transaction_base& tx, int64_t project_id);

// Votes.
int64_t InsertVote(pqxx::work& tx, const minyi::voting::v1::Vote& vote, const std::string& actor, int64_t runoff_of);
void InsertCandidate(pqxx::work& tx, int64_t vote_id, int position, int64_t project_id);
void InsertElector(pqxx::work& tx, int64_t vote_id, const std::string& deputy);
std::optional<minyi::voting::v1::Vote> LoadVote(pqxx::transaction_base& tx, int64_t id, bool for_update = false);
// Vote ids after `after_id` in id order; `state` "" for any, else the VoteState name.
std::vector<int64_t> SelectVoteIds(pqxx::transaction_base& tx, int64_t after_id, int limit,
                                   const std::string& state = "");
// Moves the vote to `state`, stamping opened_on / closed_on with today's date (Asia/Shanghai).
void SetVoteState(pqxx::work& tx, int64_t id, minyi::voting::v1::VoteState state);
// The counting rules; with `with_counts`, also the electorate and check-in counts as they stand.
VoteRules LoadRules(pqxx::transaction_base& tx, int64_t vote_id, bool with_counts);
// The vote's state, or nullopt when there is no such vote.
std::optional<minyi::voting::v1::VoteState> LoadVoteState(pqxx::transaction_base& tx, int64_t vote_id);
minyi::voting::v1::Turnout CountTurnout(pqxx::transaction_base& tx, int64_t vote_id);

// Casting and closing serialize on a per-vote advisory lock: many casts share it, closing takes it alone,
// so no ballot commits after the tally has read the box.
void LockVoteShared(pqxx::work& tx, int64_t vote_id);
void LockVoteExclusive(pqxx::work& tx, int64_t vote_id);

// Each deputy's casting context (admission.h), in one round trip; empty when there is no such vote.
std::map<std::string, CastContext> LoadCastContexts(pqxx::transaction_base& tx, int64_t vote_id,
                                                    const std::vector<std::string>& deputies);
// False when the deputy is not in the electorate.
bool MarkCheckedIn(pqxx::work& tx, int64_t vote_id, const std::string& deputy);
// A deputy about to be recorded as having voted.
struct NewVoter {
  std::string deputy;
  std::string receipt_check;
};
// Records the voters (distinct deputies) in one statement and returns those recorded now: a deputy who
// had already voted is skipped. The voters primary key decides, also between concurrent duplicates: the
// second waits for the first to commit.
std::set<std::string> InsertVoters(pqxx::work& tx, int64_t vote_id, const std::vector<NewVoter>& voters);
// Puts sealed ballots in the box under new random ids, in one statement, in the order given (callers
// shuffle them).
void InsertSealedBallots(pqxx::work& tx, int64_t vote_id, const std::vector<std::string>& boxes);
// The stored receipt_check of each of `deputies` who has voted.
std::map<std::string, std::string> VoterReceiptChecks(pqxx::transaction_base& tx, int64_t vote_id,
                                                      const std::vector<std::string>& deputies);
struct SealedBox {
  std::string id;  // the row's random UUID, as text
  std::string box;
};
// The vote's box, in one statement.
std::vector<SealedBox> SealedBallots(pqxx::work& tx, int64_t vote_id);
// Deletes the vote's boxes with these ids, in one statement, and returns the ids it deleted: a box that
// is already gone (taken by a concurrent remix) is not among them.
std::set<std::string> DeleteSealedBallots(pqxx::work& tx, int64_t vote_id, const std::vector<std::string>& ids);
// Empties the vote's box.
void DeleteSealedBallots(pqxx::work& tx, int64_t vote_id);
// The votes whose box holds ballots: the open votes that have any.
std::vector<int64_t> VotesWithSealedBallots(pqxx::transaction_base& tx);

void InsertBulletinEntry(pqxx::work& tx, int64_t vote_id, const minyi::voting::v1::BulletinEntry& entry);
std::vector<minyi::voting::v1::BulletinEntry> SelectBulletin(pqxx::transaction_base& tx, int64_t vote_id);
// The whole bulletin of a closed vote: its rules, counts and every counted ballot in tracker order.
minyi::voting::v1::Bulletin LoadBulletin(pqxx::transaction_base& tx, int64_t vote_id);
void StoreResult(pqxx::work& tx, int64_t vote_id, const minyi::voting::v1::VoteResult& result);
std::optional<minyi::voting::v1::VoteResult> LoadResult(pqxx::transaction_base& tx, int64_t vote_id);

}  // namespace minyi::voting

#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/migrate.h"
#include "common/pg.h"
#include "evaluation/decimal.h"
#include "evaluation/follow_up.h"
#include "evaluation/scoring.h"
#include "minyi/evaluation/v1/evaluation.pb.h"
#include "pqxx/pqxx"

// The evaluation schema's SQL. Every function runs inside the caller's transaction and lets libpqxx
// exceptions through, so PgPool::Transact maps database failures in one place.
namespace minyi::evaluation {

const std::vector<Migration>& Migrations();
std::vector<PreparedStatement> Statements();

// Campaigns. A loaded campaign is its definition with name, state, times and session date filled in.
int64_t InsertCampaign(pqxx::work& tx, const minyi::evaluation::v1::Campaign& campaign, const std::string& actor);
std::optional<minyi::evaluation::v1::Campaign> LoadCampaign(pqxx::transaction_base& tx, int64_t id,
                                                            bool for_update = false);
std::vector<minyi::evaluation::v1::Campaign> SelectCampaigns(pqxx::transaction_base& tx, int64_t after_id, int limit);
// The state alone, share-locked: sheets hold it while they are written, so a close (which locks the row
// for update) waits for sheets in flight and every later sheet sees CLOSED.
std::optional<minyi::evaluation::v1::CampaignState> LockCampaignState(pqxx::work& tx, int64_t id);
void MarkOpened(pqxx::work& tx, int64_t id);
void MarkClosed(pqxx::work& tx, int64_t id, absl::CivilDay session_day);
int CountSheets(pqxx::transaction_base& tx, int64_t campaign_id);

// Score sheets. InsertSheet returns the stored sheet, or nullopt when the rater already has a sheet for
// the subject.
struct NewSheet {
  int64_t campaign_id = 0;
  int subject_no = 0;
  std::string rater;
  std::string group_code;
  Centi total = 0;
};
std::optional<minyi::evaluation::v1::ScoreSheet> InsertSheet(pqxx::work& tx, const NewSheet& sheet,
                                                             const minyi::evaluation::v1::ScoreSheet& content);
// Every sheet of the campaign, or only `rater`'s when not empty.
std::vector<minyi::evaluation::v1::ScoreSheet> SelectSheets(pqxx::transaction_base& tx, int64_t campaign_id,
                                                            const std::string& rater);
// Every subject's scoring inputs (subject_no 0), or one subject's, by subject number: sheet totals and the
// scores staff recorded for the stages before the session, with when they were recorded.
std::map<int, SubjectInputs> SelectScoringInputs(pqxx::transaction_base& tx, int64_t campaign_id, int subject_no);

// Investigation.
void UpsertStageScore(pqxx::work& tx, int64_t campaign_id, int subject_no,
                      const minyi::evaluation::v1::StageScore& score, Centi centi, const std::string& actor);
// Both return the stored record, named.
minyi::evaluation::v1::Investigation InsertInvestigation(pqxx::work& tx, int64_t campaign_id, int subject_no,
                                                         const minyi::evaluation::v1::Investigation& investigation,
                                                         const std::string& actor);
minyi::evaluation::v1::ProblemList InsertProblemList(pqxx::work& tx, int64_t campaign_id, int subject_no,
                                                     const minyi::evaluation::v1::ProblemList& list,
                                                     const std::string& actor);
// subject_no 0: every subject.
std::vector<minyi::evaluation::v1::Investigation> SelectInvestigations(pqxx::transaction_base& tx, int64_t campaign_id,
                                                                       int subject_no);
std::vector<minyi::evaluation::v1::ProblemList> SelectProblemLists(pqxx::transaction_base& tx, int64_t campaign_id,
                                                                   int subject_no);

// Results and follow-up.
void InsertResult(pqxx::work& tx, int64_t campaign_id, int subject_no,
                  const minyi::evaluation::v1::SubjectResult& breakdown, std::optional<Centi> final_score);
// The look-back completed the final score: the breakdown is rewritten with it.
void CompleteResult(pqxx::work& tx, int64_t campaign_id, int subject_no,
                    const minyi::evaluation::v1::SubjectResult& breakdown, Centi final_score);
// The breakdown as stored (without the follow-up).
std::optional<minyi::evaluation::v1::SubjectResult> LoadBreakdown(pqxx::transaction_base& tx, int64_t campaign_id,
                                                                  int subject_no);
void InsertFollowUp(pqxx::work& tx, int64_t campaign_id, int subject_no, const FollowUpRecord& record);
std::optional<FollowUpRecord> LoadFollowUp(pqxx::work& tx, int64_t campaign_id, int subject_no);  // locked
void SaveFollowUp(pqxx::work& tx, int64_t campaign_id, int subject_no, const FollowUpRecord& record);
void SetOpinion(pqxx::work& tx, int64_t campaign_id, int subject_no, const std::string& text);
// Returns when it was filed, Unix microseconds.
int64_t InsertFiling(pqxx::work& tx, int64_t campaign_id, int subject_no, int round, const std::string& kind,
                     const std::string& content, std::optional<Centi> score, const std::string& actor);
// Every subject's result with its follow-up, in subject order.
std::vector<minyi::evaluation::v1::SubjectResult> SelectResults(pqxx::transaction_base& tx, int64_t campaign_id);

struct PendingFollowUp {
  int64_t campaign_id = 0;
  int subject_no = 0;
  std::string created_by;  // account id of the staff member who set the campaign up
};
// Follow-ups awaiting the opinion, a plan or a report whose deadline is within `due_soon_days` of `today`
// or past.
std::vector<PendingFollowUp> SelectPendingFollowUps(pqxx::transaction_base& tx, absl::CivilDay today,
                                                    int due_soon_days);
// Claims the notice; false when it was already claimed.
bool ClaimNotice(pqxx::work& tx, int64_t campaign_id, int subject_no, int round, const std::string& step,
                 const std::string& kind);

}  // namespace minyi::evaluation

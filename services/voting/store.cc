#include "voting/store.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/calendar.h"
#include "common/clock.h"
#include "common/names.h"
#include "common/query.h"
#include "google/protobuf/util/time_util.h"
#include "nlohmann/json.hpp"

namespace minyi::voting {
namespace {

using ::google::protobuf::util::TimeUtil;
using ::minyi::voting::v1::BulletinEntry;
using ::minyi::voting::v1::ProgressReport;
using ::minyi::voting::v1::Project;
using ::minyi::voting::v1::Vote;

// The advisory lock class of votes (the two-int key space does not meet the single-bigint one that the
// outbox relay and migrations use).
constexpr int kVoteLockClass = 7103;

// Chosen by a vote that is closed but not announced. A chosen project stands in no later vote, so the
// vote that chose it is its latest.
constexpr char kUnannounced[] =
    "(p.state = 'PROJECT_STATE_CHOSEN' AND (SELECT v.state FROM vote_candidates c JOIN votes v ON v.id = c.vote_id "
    "WHERE c.project_id = p.id ORDER BY c.vote_id DESC LIMIT 1) = 'VOTE_STATE_CLOSED')";

const std::string& ProjectColumns() {
  static const std::string* const kColumns = new std::string(
      absl::StrCat("p.id, p.title, p.description, p.source, p.nominator, p.department, p.state, p.exclusion_reason, "
                   "p.screening_note, p.opinion_feasible, p.opinion_budget_yuan, p.opinion_text, p.supervision_group, "
                   "p.supervision_members::text AS supervision_members, p.percent_complete, p.created_by, "
                   "(extract(epoch FROM p.create_time) * 1000000)::bigint AS create_us, ",
                   kUnannounced, " AS unannounced"));
  return *kColumns;
}

constexpr char kVoteColumns[] =
    "v.id, v.title, v.form, v.slots, v.max_approvals, v.state, COALESCE(v.runoff_of, 0) AS runoff_of, "
    "v.created_by, (extract(epoch FROM v.create_time) * 1000000)::bigint AS create_us";

std::string JsonArray(const std::vector<std::string>& values) { return nlohmann::json(values).dump(); }

std::vector<std::string> FromJsonArray(const pqxx::field& f) {
  return nlohmann::json::parse(f.as<std::string>()).get<std::vector<std::string>>();
}

Project ProjectOf(const pqxx::row& row, ProjectView view) {
  Project p;
  p.set_name(ResourceName("projects/", row["id"].as<int64_t>()));
  p.set_title(row["title"].as<std::string>());
  p.set_description(row["description"].as<std::string>());
  p.set_source(ParseEnum(row["source"], &minyi::voting::v1::NominationSource_Parse));
  p.set_nominator(row["nominator"].as<std::string>());
  p.set_department(row["department"].as<std::string>());
  p.set_state(ParseEnum(row["state"], &minyi::voting::v1::ProjectState_Parse));
  p.set_exclusion_reason(ParseEnum(row["exclusion_reason"], &minyi::voting::v1::ExclusionReason_Parse));
  p.set_screening_note(row["screening_note"].as<std::string>());
  auto* opinion = p.mutable_department_opinion();
  opinion->set_feasible(row["opinion_feasible"].as<bool>());
  opinion->set_budget_yuan(row["opinion_budget_yuan"].as<int64_t>());
  opinion->set_opinion(row["opinion_text"].as<std::string>());
  p.set_supervision_group(row["supervision_group"].as<std::string>());
  for (const std::string& m : FromJsonArray(row["supervision_members"])) {
    p.add_supervision_members(m);
  }
  p.set_percent_complete(row["percent_complete"].as<int>());
  p.set_created_by(AccountName(row["created_by"].as<std::string>()));
  *p.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row["create_us"].as<int64_t>());
  if (view == ProjectView::kBeforeAnnouncement && row["unannounced"].as<bool>()) {
    p.set_state(minyi::voting::v1::PROJECT_STATE_CANDIDATE);
    p.clear_supervision_group();
    p.clear_supervision_members();
  }
  return p;
}

ProgressReport ProgressOf(const pqxx::row& row) {
  ProgressReport r;
  r.set_name(
      absl::StrCat(ResourceName("projects/", row["project_id"].as<int64_t>()), "/progress/", row["id"].as<int64_t>()));
  r.set_percent(row["percent"].as<int>());
  r.set_milestone(row["milestone"].as<std::string>());
  r.set_problems(row["problems"].as<std::string>());
  for (const std::string& photo : FromJsonArray(row["photos"])) {
    r.add_photos(photo);
  }
  r.set_posted_by(AccountName(row["posted_by"].as<std::string>()));
  r.set_department(row["department"].as<std::string>());
  *r.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row["create_us"].as<int64_t>());
  return r;
}

constexpr char kProgressColumns[] =
    "id, project_id, percent, milestone, problems, photos::text AS photos, posted_by, department, "
    "(extract(epoch FROM create_time) * 1000000)::bigint AS create_us";

}  // namespace

std::vector<PreparedStatement> Statements() { return QueriesOf("voting_"); }

const Query kInsertProject{"voting_insert_project",
                           "INSERT INTO projects (title, description, source, nominator, department, created_by) "
                           "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"};

int64_t InsertProject(pqxx::work& tx, const Project& project, const std::string& actor) {
  return InsertedId(tx, kInsertProject, project.title(), project.description(),
                    minyi::voting::v1::NominationSource_Name(project.source()), project.nominator(),
                    project.department(), actor);
}

const Query kLoadProject{"voting_load_project",
                         absl::StrCat("SELECT ", ProjectColumns(), " FROM projects p WHERE p.id = $1")};
const Query kLoadProjectForUpdate{
    "voting_load_project_for_update",
    absl::StrCat("SELECT ", ProjectColumns(), " FROM projects p WHERE p.id = $1 FOR UPDATE OF p")};

std::optional<Project> LoadProject(pqxx::transaction_base& tx, int64_t id, bool for_update, ProjectView view) {
  return FirstRow(
      tx, for_update ? kLoadProjectForUpdate : kLoadProject,
      [view](const pqxx::row& row) { return ProjectOf(row, view); }, id);
}

// $4: filter on the state as read before announcement (a chosen project of an unannounced vote is a
// candidate). $5: only the states IsPublic (access.h) names.
const Query kListProjects{
    "voting_list_projects",
    absl::StrCat(
        "SELECT ", ProjectColumns(),
        " FROM projects p WHERE p.id > $1 AND ($2::text = '' OR (CASE WHEN $4::boolean AND ", kUnannounced,
        " THEN 'PROJECT_STATE_CANDIDATE' ELSE p.state END) = $2::text) AND (NOT $5::boolean OR p.state IN "
        "('PROJECT_STATE_CANDIDATE', 'PROJECT_STATE_CHOSEN', 'PROJECT_STATE_COMPLETED')) ORDER BY p.id LIMIT $3")};

std::vector<Project> SelectProjects(pqxx::transaction_base& tx, int64_t after_id, int limit, const std::string& state,
                                    ProjectView view, bool public_only) {
  std::vector<Project> out;
  for (const pqxx::row& row :
       tx.exec_prepared(kListProjects, after_id, state, limit, view == ProjectView::kBeforeAnnouncement, public_only)) {
    out.push_back(ProjectOf(row, view));
  }
  return out;
}

const Query kScreenProject{
    "voting_screen_project",
    "UPDATE projects SET state = $2, exclusion_reason = $3, screening_note = $4, opinion_feasible = $5, "
    "opinion_budget_yuan = $6, opinion_text = $7 WHERE id = $1"};

void ScreenProjectRow(pqxx::work& tx, int64_t id, const minyi::voting::v1::ScreenProjectRequest& s) {
  tx.exec_prepared(kScreenProject, id,
                   minyi::voting::v1::ProjectState_Name(s.admit() ? minyi::voting::v1::PROJECT_STATE_CANDIDATE
                                                                  : minyi::voting::v1::PROJECT_STATE_EXCLUDED),
                   minyi::voting::v1::ExclusionReason_Name(s.exclusion_reason()), s.note(),
                   s.department_opinion().feasible(), s.department_opinion().budget_yuan(),
                   s.department_opinion().opinion());
}

const Query kSetProjectState{"voting_set_project_state", "UPDATE projects SET state = $2 WHERE id = $1"};

void SetProjectState(pqxx::work& tx, int64_t id, minyi::voting::v1::ProjectState state) {
  tx.exec_prepared(kSetProjectState, id, minyi::voting::v1::ProjectState_Name(state));
}

const Query kSetSupervision{
    "voting_set_supervision",
    "UPDATE projects SET supervision_group = $2, supervision_members = $3::jsonb WHERE id = $1"};

void SetSupervision(pqxx::work& tx, int64_t id, const std::string& group, const std::vector<std::string>& members) {
  tx.exec_prepared(kSetSupervision, id, group, JsonArray(members));
}

const Query kInsertProgress{
    "voting_insert_progress",
    absl::StrCat("INSERT INTO progress_reports (project_id, percent, milestone, problems, photos, posted_by, "
                 "department) VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7) RETURNING ",
                 kProgressColumns)};
const Query kSetPercent{"voting_set_percent", "UPDATE projects SET percent_complete = $2 WHERE id = $1"};

ProgressReport InsertProgress(pqxx::work& tx, int64_t project_id, const ProgressReport& report,
                              const std::string& actor, const std::string& department) {
  pqxx::row row = tx.exec_prepared1(
      kInsertProgress, project_id, report.percent(), report.milestone(), report.problems(),
      JsonArray(std::vector<std::string>(report.photos().begin(), report.photos().end())), actor, department);
  tx.exec_prepared(kSetPercent, project_id, report.percent());
  return ProgressOf(row);
}

const Query kListProgress{
    "voting_list_progress",
    absl::StrCat("SELECT ", kProgressColumns, " FROM progress_reports WHERE project_id = $1 ORDER BY id")};

std::vector<ProgressReport> SelectProgress(pqxx::transaction_base& tx, int64_t project_id) {
  std::vector<ProgressReport> out;
  for (const pqxx::row& row : tx.exec_prepared(kListProgress, project_id)) {
    out.push_back(ProgressOf(row));
  }
  return out;
}

const Query kInviteRater{"voting_invite_rater",
                         "INSERT INTO satisfaction_raters (project_id, rater) VALUES ($1, $2) ON CONFLICT DO NOTHING"};

void InviteRater(pqxx::work& tx, int64_t project_id, const std::string& rater) {
  tx.exec_prepared(kInviteRater, project_id, rater);
}

const Query kRoundOpen{"voting_round_open", "SELECT 1 FROM satisfaction_raters WHERE project_id = $1 LIMIT 1"};

bool RoundOpen(pqxx::transaction_base& tx, int64_t project_id) {
  return !tx.exec_prepared(kRoundOpen, project_id).empty();
}

const Query kRate{"voting_rate",
                  "UPDATE satisfaction_raters SET rating = $3 WHERE project_id = $1 AND rater = $2 AND rating IS NULL "
                  "RETURNING 1"};
const Query kRaterExists{"voting_rater_exists",
                         "SELECT 1 FROM satisfaction_raters WHERE project_id = $1 AND rater = $2"};

RateOutcome RateOnce(pqxx::work& tx, int64_t project_id, const std::string& rater, minyi::voting::v1::Rating rating) {
  if (!tx.exec_prepared(kRate, project_id, rater, minyi::voting::v1::Rating_Name(rating)).empty()) {
    return RateOutcome::kRated;
  }
  return tx.exec_prepared(kRaterExists, project_id, rater).empty() ? RateOutcome::kNotInvited
                                                                   : RateOutcome::kAlreadyRated;
}

const Query kCountSatisfaction{"voting_count_satisfaction",
                               "SELECT count(*) AS raters, count(rating) AS rated, "
                               "count(*) FILTER (WHERE rating = 'RATING_SATISFIED') AS satisfied, "
                               "count(*) FILTER (WHERE rating = 'RATING_BASICALLY_SATISFIED') AS basically, "
                               "count(*) FILTER (WHERE rating = 'RATING_UNSATISFIED') AS unsatisfied "
                               "FROM satisfaction_raters WHERE project_id = $1"};

minyi::voting::v1::Satisfaction CountSatisfaction(pqxx::transaction_base& tx, int64_t project_id) {
  pqxx::row row = tx.exec_prepared1(kCountSatisfaction, project_id);
  minyi::voting::v1::Satisfaction s;
  s.set_name(absl::StrCat(ResourceName("projects/", project_id), "/satisfaction"));
  s.set_raters(row["raters"].as<int>());
  s.set_rated(row["rated"].as<int>());
  s.set_satisfied(row["satisfied"].as<int>());
  s.set_basically_satisfied(row["basically"].as<int>());
  s.set_unsatisfied(row["unsatisfied"].as<int>());
  s.set_satisfaction_rate(s.rated() > 0 ? static_cast<double>(s.satisfied() + s.basically_satisfied()) / s.rated()
                                        : 0.0);
  return s;
}

const Query kInsertVote{"voting_insert_vote",
                        "INSERT INTO votes (title, form, slots, max_approvals, runoff_of, created_by) "
                        "VALUES ($1, $2, $3, $4, NULLIF($5, 0), $6) RETURNING id"};

int64_t InsertVote(pqxx::work& tx, const Vote& vote, const std::string& actor, int64_t runoff_of) {
  return InsertedId(tx, kInsertVote, vote.title(), minyi::voting::v1::BallotForm_Name(vote.form()), vote.slots(),
                    vote.max_approvals(), runoff_of, actor);
}

const Query kInsertCandidate{"voting_insert_candidate",
                             "INSERT INTO vote_candidates (vote_id, position, project_id) VALUES ($1, $2, $3)"};

void InsertCandidate(pqxx::work& tx, int64_t vote_id, int position, int64_t project_id) {
  tx.exec_prepared(kInsertCandidate, vote_id, position, project_id);
}

const Query kInsertElector{"voting_insert_elector", "INSERT INTO electorate (vote_id, deputy) VALUES ($1, $2)"};

void InsertElector(pqxx::work& tx, int64_t vote_id, const std::string& deputy) {
  tx.exec_prepared(kInsertElector, vote_id, deputy);
}

const Query kLoadVote{"voting_load_vote", absl::StrCat("SELECT ", kVoteColumns, " FROM votes v WHERE v.id = $1")};
const Query kLoadVoteForUpdate{"voting_load_vote_for_update",
                               absl::StrCat("SELECT ", kVoteColumns, " FROM votes v WHERE v.id = $1 FOR UPDATE")};
const Query kVoteCandidates{"voting_vote_candidates",
                            "SELECT project_id FROM vote_candidates WHERE vote_id = $1 ORDER BY position"};
const Query kVoteElectorate{"voting_vote_electorate",
                            "SELECT deputy FROM electorate WHERE vote_id = $1 ORDER BY deputy"};

std::optional<Vote> LoadVote(pqxx::transaction_base& tx, int64_t id, bool for_update) {
  pqxx::result r = tx.exec_prepared(for_update ? kLoadVoteForUpdate : kLoadVote, id);
  if (r.empty()) {
    return std::nullopt;
  }
  const pqxx::row row = r[0];
  Vote v;
  v.set_name(ResourceName("votes/", id));
  v.set_title(row["title"].as<std::string>());
  v.set_form(ParseEnum(row["form"], &minyi::voting::v1::BallotForm_Parse));
  v.set_slots(row["slots"].as<int>());
  v.set_max_approvals(row["max_approvals"].as<int>());
  v.set_state(ParseEnum(row["state"], &minyi::voting::v1::VoteState_Parse));
  if (const int64_t parent = row["runoff_of"].as<int64_t>(); parent != 0) {
    v.set_runoff_of(ResourceName("votes/", parent));
  }
  v.set_created_by(AccountName(row["created_by"].as<std::string>()));
  *v.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row["create_us"].as<int64_t>());
  for (const pqxx::row& c : tx.exec_prepared(kVoteCandidates, id)) {
    v.add_candidates(ResourceName("projects/", c[0].as<int64_t>()));
  }
  for (const pqxx::row& e : tx.exec_prepared(kVoteElectorate, id)) {
    v.add_electorate(e[0].as<std::string>());
  }
  return v;
}

const Query kListVotes{
    "voting_list_votes",
    "SELECT id FROM votes WHERE id > $1 AND ($3::text = '' OR state = $3::text) ORDER BY id LIMIT $2"};

std::vector<int64_t> SelectVoteIds(pqxx::transaction_base& tx, int64_t after_id, int limit, const std::string& state) {
  std::vector<int64_t> out;
  for (const pqxx::row& row : tx.exec_prepared(kListVotes, after_id, limit, state)) {
    out.push_back(row[0].as<int64_t>());
  }
  return out;
}

const Query kSetVoteState{"voting_set_vote_state",
                          "UPDATE votes SET state = $2, "
                          "opened_on = CASE WHEN $2 = 'VOTE_STATE_OPEN' THEN $3::date ELSE opened_on END, "
                          "closed_on = CASE WHEN $2 = 'VOTE_STATE_CLOSED' THEN $3::date ELSE closed_on END "
                          "WHERE id = $1"};

void SetVoteState(pqxx::work& tx, int64_t id, minyi::voting::v1::VoteState state) {
  tx.exec_prepared(kSetVoteState, id, minyi::voting::v1::VoteState_Name(state), ShanghaiDate(DomainNow()));
}

const Query kVoteState{"voting_vote_state", "SELECT state FROM votes WHERE id = $1"};

std::optional<minyi::voting::v1::VoteState> LoadVoteState(pqxx::transaction_base& tx, int64_t vote_id) {
  pqxx::result r = tx.exec_prepared(kVoteState, vote_id);
  if (r.empty()) {
    return std::nullopt;
  }
  return ParseEnum(r[0][0], &minyi::voting::v1::VoteState_Parse);
}

VoteRules LoadRules(pqxx::transaction_base& tx, int64_t vote_id, bool with_counts) {
  VoteRules rules;
  pqxx::row row = tx.exec_prepared1(kLoadVote, vote_id);
  rules.form = ParseEnum(row["form"], &minyi::voting::v1::BallotForm_Parse);
  rules.slots = row["slots"].as<int>();
  rules.max_approvals = row["max_approvals"].as<int>();
  for (const pqxx::row& c : tx.exec_prepared(kVoteCandidates, vote_id)) {
    rules.candidates.push_back(ResourceName("projects/", c[0].as<int64_t>()));
  }
  if (!with_counts) {
    return rules;
  }
  const minyi::voting::v1::Turnout turnout = CountTurnout(tx, vote_id);
  rules.electorate = turnout.electorate();
  rules.checked_in = turnout.checked_in();
  return rules;
}

const Query kTurnout{"voting_turnout",
                     "SELECT (SELECT count(*) FROM electorate WHERE vote_id = $1) AS electorate, "
                     "(SELECT count(*) FROM electorate WHERE vote_id = $1 AND checked_in) AS checked_in, "
                     "(SELECT count(*) FROM voters WHERE vote_id = $1) AS cast"};

minyi::voting::v1::Turnout CountTurnout(pqxx::transaction_base& tx, int64_t vote_id) {
  pqxx::row row = tx.exec_prepared1(kTurnout, vote_id);
  minyi::voting::v1::Turnout t;
  t.set_vote(ResourceName("votes/", vote_id));
  t.set_electorate(row["electorate"].as<int>());
  t.set_checked_in(row["checked_in"].as<int>());
  t.set_ballots_cast(row["cast"].as<int>());
  t.set_quorum_present(2 * t.checked_in() > t.electorate());
  return t;
}

const Query kLockShared{"voting_lock_shared",
                        absl::StrCat("SELECT pg_advisory_xact_lock_shared(", kVoteLockClass, ", $1::int)")};

void LockVoteShared(pqxx::work& tx, int64_t vote_id) { tx.exec_prepared(kLockShared, vote_id); }

const Query kLockExclusive{"voting_lock_exclusive",
                           absl::StrCat("SELECT pg_advisory_xact_lock(", kVoteLockClass, ", $1::int)")};

void LockVoteExclusive(pqxx::work& tx, int64_t vote_id) { tx.exec_prepared(kLockExclusive, vote_id); }

// Each deputy's electorate row is looked up by primary key (NULL: not an elector). As a join, the
// planner hashes the vote's whole electorate for every batch of casts.
const Query kCastContext{
    "voting_cast_context",
    absl::StrCat("SELECT d.deputy, v.state, "
                 "(SELECT e.checked_in FROM electorate e WHERE e.vote_id = v.id AND e.deputy = d.deputy) "
                 "AS checked_in "
                 "FROM votes v CROSS JOIN jsonb_array_elements_text($2::jsonb) AS d(deputy) WHERE v.id = $1")};

std::map<std::string, CastContext> LoadCastContexts(pqxx::transaction_base& tx, int64_t vote_id,
                                                    const std::vector<std::string>& deputies) {
  std::map<std::string, CastContext> out;
  const std::string today = ShanghaiDate(DomainNow());
  for (const pqxx::row& row : tx.exec_prepared(kCastContext, vote_id, nlohmann::json(deputies).dump())) {
    CastContext c;
    c.state = ParseEnum(row["state"], &minyi::voting::v1::VoteState_Parse);
    c.elector = !row["checked_in"].is_null();
    c.checked_in = c.elector && row["checked_in"].as<bool>();
    c.today = today;
    out.emplace(row["deputy"].as<std::string>(), std::move(c));
  }
  return out;
}

const Query kCheckIn{"voting_check_in",
                     "UPDATE electorate SET checked_in = true WHERE vote_id = $1 AND deputy = $2 RETURNING 1"};

bool MarkCheckedIn(pqxx::work& tx, int64_t vote_id, const std::string& deputy) {
  return !tx.exec_prepared(kCheckIn, vote_id, deputy).empty();
}

const Query kInsertVoters{
    "voting_insert_voters",
    "INSERT INTO voters (vote_id, deputy, receipt_check) "
    "SELECT $1, v ->> 'deputy', decode(v ->> 'check', 'hex') FROM jsonb_array_elements($2::jsonb) AS t(v) "
    "ON CONFLICT DO NOTHING RETURNING deputy"};

std::set<std::string> InsertVoters(pqxx::work& tx, int64_t vote_id, const std::vector<NewVoter>& voters) {
  nlohmann::json rows = nlohmann::json::array();
  for (const NewVoter& v : voters) {
    rows.push_back({{"deputy", v.deputy}, {"check", absl::BytesToHexString(v.receipt_check)}});
  }
  std::set<std::string> inserted;
  for (const pqxx::row& row : tx.exec_prepared(kInsertVoters, vote_id, rows.dump())) {
    inserted.insert(row[0].as<std::string>());
  }
  return inserted;
}

const Query kInsertSealed{"voting_insert_sealed",
                          "INSERT INTO sealed_ballots (vote_id, box) "
                          "SELECT $1, decode(b, 'hex') FROM jsonb_array_elements_text($2::jsonb) AS t(b)"};

void InsertSealedBallots(pqxx::work& tx, int64_t vote_id, const std::vector<std::string>& boxes) {
  nlohmann::json hex = nlohmann::json::array();
  for (const std::string& box : boxes) {
    hex.push_back(absl::BytesToHexString(box));
  }
  tx.exec_prepared(kInsertSealed, vote_id, hex.dump());
}

// By primary key: `deputy IN (SELECT ...)` is planned as a hash over the vote's every voter.
const Query kVoterChecks{"voting_voter_checks",
                         "SELECT deputy, receipt_check FROM voters "
                         "WHERE vote_id = $1 AND deputy = ANY (ARRAY(SELECT jsonb_array_elements_text($2::jsonb)))"};

std::map<std::string, std::string> VoterReceiptChecks(pqxx::transaction_base& tx, int64_t vote_id,
                                                      const std::vector<std::string>& deputies) {
  std::map<std::string, std::string> out;
  for (const pqxx::row& row : tx.exec_prepared(kVoterChecks, vote_id, nlohmann::json(deputies).dump())) {
    out.emplace(row[0].as<std::string>(), pqxx::binarystring(row[1]).str());
  }
  return out;
}

const Query kSealed{"voting_sealed", "SELECT id::text, box FROM sealed_ballots WHERE vote_id = $1"};

std::vector<SealedBox> SealedBallots(pqxx::work& tx, int64_t vote_id) {
  std::vector<SealedBox> out;
  for (const pqxx::row& row : tx.exec_prepared(kSealed, vote_id)) {
    out.push_back({row[0].as<std::string>(), pqxx::binarystring(row[1]).str()});
  }
  return out;
}

const Query kDeleteSealedById{
    "voting_delete_sealed_by_id",
    "DELETE FROM sealed_ballots WHERE vote_id = $1 "
    "AND id = ANY (ARRAY(SELECT jsonb_array_elements_text($2::jsonb)::uuid)) RETURNING id::text"};

std::set<std::string> DeleteSealedBallots(pqxx::work& tx, int64_t vote_id, const std::vector<std::string>& ids) {
  std::set<std::string> out;
  for (const pqxx::row& row : tx.exec_prepared(kDeleteSealedById, vote_id, nlohmann::json(ids).dump())) {
    out.insert(row[0].as<std::string>());
  }
  return out;
}

const Query kDeleteSealed{"voting_delete_sealed", "DELETE FROM sealed_ballots WHERE vote_id = $1"};

void DeleteSealedBallots(pqxx::work& tx, int64_t vote_id) { tx.exec_prepared(kDeleteSealed, vote_id); }

const Query kVotesWithSealed{"voting_votes_with_sealed", "SELECT DISTINCT vote_id FROM sealed_ballots"};

std::vector<int64_t> VotesWithSealedBallots(pqxx::transaction_base& tx) {
  std::vector<int64_t> out;
  for (const pqxx::row& row : tx.exec_prepared(kVotesWithSealed)) {
    out.push_back(row[0].as<int64_t>());
  }
  return out;
}

const Query kInsertBulletin{"voting_insert_bulletin",
                            "INSERT INTO bulletin (vote_id, tracker, content) VALUES ($1, $2, $3)"};

void InsertBulletinEntry(pqxx::work& tx, int64_t vote_id, const BulletinEntry& entry) {
  tx.exec_prepared(kInsertBulletin, vote_id, entry.tracker(), pqxx::binarystring(entry.content().SerializeAsString()));
}

const Query kBulletin{"voting_bulletin", "SELECT tracker, content FROM bulletin WHERE vote_id = $1 ORDER BY tracker"};

std::vector<BulletinEntry> SelectBulletin(pqxx::transaction_base& tx, int64_t vote_id) {
  std::vector<BulletinEntry> out;
  for (const pqxx::row& row : tx.exec_prepared(kBulletin, vote_id)) {
    BulletinEntry e;
    e.set_tracker(row["tracker"].as<std::string>());
    e.mutable_content()->ParseFromString(pqxx::binarystring(row["content"]).str());
    out.push_back(std::move(e));
  }
  return out;
}

minyi::voting::v1::Bulletin LoadBulletin(pqxx::transaction_base& tx, int64_t vote_id) {
  const VoteRules rules = LoadRules(tx, vote_id, /*with_counts=*/true);
  minyi::voting::v1::Bulletin b;
  b.set_vote(ResourceName("votes/", vote_id));
  b.set_form(rules.form);
  b.set_slots(rules.slots);
  b.set_max_approvals(rules.max_approvals);
  for (const std::string& c : rules.candidates) {
    b.add_candidates(c);
  }
  b.set_electorate(rules.electorate);
  b.set_checked_in(rules.checked_in);
  for (BulletinEntry& e : SelectBulletin(tx, vote_id)) {
    *b.add_ballots() = std::move(e);
  }
  return b;
}

const Query kStoreResult{"voting_store_result", "UPDATE votes SET result = $2 WHERE id = $1"};

void StoreResult(pqxx::work& tx, int64_t vote_id, const minyi::voting::v1::VoteResult& result) {
  tx.exec_prepared(kStoreResult, vote_id, pqxx::binarystring(result.SerializeAsString()));
}

const Query kLoadResult{"voting_load_result", "SELECT result FROM votes WHERE id = $1 AND result IS NOT NULL"};

std::optional<minyi::voting::v1::VoteResult> LoadResult(pqxx::transaction_base& tx, int64_t vote_id) {
  pqxx::result r = tx.exec_prepared(kLoadResult, vote_id);
  if (r.empty()) {
    return std::nullopt;
  }
  minyi::voting::v1::VoteResult result;
  result.ParseFromString(pqxx::binarystring(r[0][0]).str());
  return result;
}

}  // namespace minyi::voting

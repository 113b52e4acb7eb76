#include "evaluation/store.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "common/names.h"
#include "common/query.h"
#include "evaluation/campaign.h"
#include "evaluation/scoring.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "nlohmann/json.hpp"

namespace minyi::evaluation {
namespace {

using ::google::protobuf::util::TimeUtil;
using ::minyi::evaluation::v1::Campaign;
using ::minyi::evaluation::v1::CampaignState;
using ::minyi::evaluation::v1::Investigation;
using ::minyi::evaluation::v1::ProblemList;
using ::minyi::evaluation::v1::ScoreSheet;
using ::minyi::evaluation::v1::Stage;
using ::minyi::evaluation::v1::SubjectResult;

constexpr absl::string_view kCampaignColumns =
    "id, state, definition::text AS definition, "
    "(extract(epoch FROM create_time) * 1000000)::bigint AS create_us, "
    "coalesce((extract(epoch FROM open_time) * 1000000)::bigint, 0) AS open_us, "
    "coalesce((extract(epoch FROM close_time) * 1000000)::bigint, 0) AS close_us, "
    "coalesce(to_char(session_date, 'YYYY-MM-DD'), '') AS session_date FROM campaigns";

constexpr absl::string_view kFollowUpColumns =
    "state, grade, round, unsatisfied, to_char(opinion_due, 'YYYY-MM-DD') AS opinion_due, "
    "coalesce(to_char(opinion_date, 'YYYY-MM-DD'), '') AS opinion_date, "
    "coalesce(to_char(plan_due, 'YYYY-MM-DD'), '') AS plan_due, "
    "coalesce(to_char(report_due, 'YYYY-MM-DD'), '') AS report_due";

std::string ToJson(const google::protobuf::Message& m) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(m, &out, options);
  return out;
}

// Rows were written by ToJson; a row that does not parse is a broken invariant.
void FromJson(const std::string& json, google::protobuf::Message* m) {
  if (!google::protobuf::util::JsonStringToMessage(json, m).ok()) {
    throw std::runtime_error(absl::StrCat("stored ", m->GetDescriptor()->name(), " does not parse"));
  }
}

// Enum columns hold names this service wrote; one that does not parse is a broken invariant.
template <typename Enum>
Enum StoredEnum(const std::string& name, bool (*parse)(const std::string&, Enum*)) {
  Enum value{};
  if (!parse(name, &value)) {
    throw std::runtime_error(absl::StrCat("stored enum value \"", name, "\" does not parse"));
  }
  return value;
}

absl::CivilDay ParseDay(const std::string& s) {
  absl::CivilDay d;
  if (!absl::ParseCivilTime(s, &d)) {
    throw std::runtime_error(absl::StrCat("stored date \"", s, "\" does not parse"));
  }
  return d;
}

std::optional<absl::CivilDay> ParseOptionalDay(const std::string& s) {
  if (s.empty()) {
    return std::nullopt;
  }
  return ParseDay(s);
}

std::string OptionalDay(const std::optional<absl::CivilDay>& d) { return d.has_value() ? FormatDay(*d) : ""; }

Campaign CampaignFromRow(const pqxx::row& row) {
  Campaign c;
  FromJson(row["definition"].as<std::string>(), &c);
  const int64_t id = row["id"].as<int64_t>();
  c.set_name(ResourceName(kEvaluations, id));
  for (int i = 0; i < c.subjects_size(); ++i) {
    c.mutable_subjects(i)->set_name(SubjectName(id, i + 1));
  }
  c.set_state(StoredEnum(row["state"].as<std::string>(), &minyi::evaluation::v1::CampaignState_Parse));
  *c.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row["create_us"].as<int64_t>());
  if (const int64_t us = row["open_us"].as<int64_t>(); us != 0) {
    *c.mutable_open_time() = TimeUtil::MicrosecondsToTimestamp(us);
  }
  if (const int64_t us = row["close_us"].as<int64_t>(); us != 0) {
    *c.mutable_close_time() = TimeUtil::MicrosecondsToTimestamp(us);
  }
  c.set_session_date(row["session_date"].as<std::string>());
  c.set_sheets_expected(SheetsExpected(c));
  return c;
}

FollowUpRecord FollowUpFromRow(const pqxx::row& row) {
  FollowUpRecord r;
  r.state = StoredEnum(row["state"].as<std::string>(), &minyi::evaluation::v1::FollowUpState_Parse);
  r.grade = StoredEnum(row["grade"].as<std::string>(), &minyi::evaluation::v1::Grade_Parse);
  r.round = row["round"].as<int>();
  r.unsatisfied = row["unsatisfied"].as<int>();
  r.opinion_due = ParseDay(row["opinion_due"].as<std::string>());
  r.opinion_date = ParseOptionalDay(row["opinion_date"].as<std::string>());
  r.plan_due = ParseOptionalDay(row["plan_due"].as<std::string>());
  r.report_due = ParseOptionalDay(row["report_due"].as<std::string>());
  return r;
}

}  // namespace

std::vector<PreparedStatement> Statements() { return QueriesOf("evaluation_"); }

const Query kInsertCampaign{"evaluation_insert_campaign",
                            "INSERT INTO campaigns (title, kind, state, definition, created_by) "
                            "VALUES ($1, $2, 'CAMPAIGN_STATE_DRAFT', $3::jsonb, $4) RETURNING id"};

int64_t InsertCampaign(pqxx::work& tx, const Campaign& campaign, const std::string& actor) {
  return InsertedId(tx, kInsertCampaign, campaign.title(), minyi::evaluation::v1::CampaignKind_Name(campaign.kind()),
                    ToJson(campaign), actor);
}

const Query kLoadCampaign{"evaluation_load_campaign", absl::StrCat("SELECT ", kCampaignColumns, " WHERE id = $1")};
const Query kLoadCampaignForUpdate{"evaluation_load_campaign_for_update",
                                   absl::StrCat("SELECT ", kCampaignColumns, " WHERE id = $1 FOR UPDATE")};

std::optional<Campaign> LoadCampaign(pqxx::transaction_base& tx, int64_t id, bool for_update) {
  return FirstRow(tx, for_update ? kLoadCampaignForUpdate : kLoadCampaign, CampaignFromRow, id);
}

const Query kListCampaigns{"evaluation_list_campaigns",
                           absl::StrCat("SELECT ", kCampaignColumns, " WHERE id > $1 ORDER BY id LIMIT $2")};

std::vector<Campaign> SelectCampaigns(pqxx::transaction_base& tx, int64_t after_id, int limit) {
  return EveryRow(tx, kListCampaigns, CampaignFromRow, after_id, limit);
}

const Query kLockState{"evaluation_lock_state", "SELECT state FROM campaigns WHERE id = $1 FOR SHARE"};

std::optional<CampaignState> LockCampaignState(pqxx::work& tx, int64_t id) {
  pqxx::result r = tx.exec_prepared(kLockState, id);
  if (r.empty()) {
    return std::nullopt;
  }
  return StoredEnum(r[0][0].as<std::string>(), &minyi::evaluation::v1::CampaignState_Parse);
}

const Query kMarkOpened{"evaluation_mark_opened",
                        "UPDATE campaigns SET state = 'CAMPAIGN_STATE_OPEN', open_time = now() WHERE id = $1"};

void MarkOpened(pqxx::work& tx, int64_t id) { tx.exec_prepared(kMarkOpened, id); }

const Query kMarkClosed{
    "evaluation_mark_closed",
    "UPDATE campaigns SET state = 'CAMPAIGN_STATE_CLOSED', close_time = now(), session_date = $2::date "
    "WHERE id = $1"};

void MarkClosed(pqxx::work& tx, int64_t id, absl::CivilDay session_day) {
  tx.exec_prepared(kMarkClosed, id, FormatDay(session_day));
}

const Query kCountSheets{"evaluation_count_sheets", "SELECT count(*) FROM score_sheets WHERE campaign_id = $1"};

int CountSheets(pqxx::transaction_base& tx, int64_t campaign_id) {
  return tx.exec_prepared1(kCountSheets, campaign_id)[0].as<int>();
}

const Query kInsertSheet{
    "evaluation_insert_sheet",
    "INSERT INTO score_sheets (campaign_id, subject_no, rater, group_code, total_centi, sheet) "
    "VALUES ($1, $2, $3, $4, $5, $6::jsonb) ON CONFLICT ON CONSTRAINT score_sheets_one_per_rater DO NOTHING "
    "RETURNING id, (extract(epoch FROM create_time) * 1000000)::bigint"};

std::optional<ScoreSheet> InsertSheet(pqxx::work& tx, const NewSheet& sheet, const ScoreSheet& content) {
  pqxx::result r = tx.exec_prepared(kInsertSheet, sheet.campaign_id, sheet.subject_no, sheet.rater, sheet.group_code,
                                    sheet.total, ToJson(content));
  if (r.empty()) {
    return std::nullopt;
  }
  ScoreSheet out = content;
  out.set_name(absl::StrCat(kEvaluations, sheet.campaign_id, "/scoreSheets/", r[0][0].as<int64_t>()));
  out.set_rater(sheet.rater);
  out.set_rater_group(sheet.group_code);
  out.set_total(FormatCenti(sheet.total));
  *out.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(r[0][1].as<int64_t>());
  return out;
}

const Query kListSheets{"evaluation_list_sheets",
                        "SELECT id, subject_no, rater, group_code, total_centi, sheet::text, "
                        "(extract(epoch FROM create_time) * 1000000)::bigint AS create_us FROM score_sheets "
                        "WHERE campaign_id = $1 AND ($2 = '' OR rater = $2) ORDER BY id"};

std::vector<ScoreSheet> SelectSheets(pqxx::transaction_base& tx, int64_t campaign_id, const std::string& rater) {
  std::vector<ScoreSheet> out;
  for (const pqxx::row& row : tx.exec_prepared(kListSheets, campaign_id, rater)) {
    ScoreSheet s;
    FromJson(row["sheet"].as<std::string>(), &s);
    s.set_name(absl::StrCat(kEvaluations, campaign_id, "/scoreSheets/", row["id"].as<int64_t>()));
    s.set_subject(SubjectName(campaign_id, row["subject_no"].as<int>()));
    s.set_rater(row["rater"].as<std::string>());
    s.set_rater_group(row["group_code"].as<std::string>());
    s.set_total(FormatCenti(row["total_centi"].as<int64_t>()));
    *s.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row["create_us"].as<int64_t>());
    out.push_back(std::move(s));
  }
  return out;
}

const Query kUpsertStageScore{
    "evaluation_upsert_stage_score",
    "INSERT INTO stage_scores (campaign_id, subject_no, stage, score_centi, basis, recorded_by) "
    "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (campaign_id, subject_no, stage) DO UPDATE SET "
    "score_centi = EXCLUDED.score_centi, basis = EXCLUDED.basis, recorded_by = EXCLUDED.recorded_by, "
    "update_time = now()"};

void UpsertStageScore(pqxx::work& tx, int64_t campaign_id, int subject_no,
                      const minyi::evaluation::v1::StageScore& score, Centi centi, const std::string& actor) {
  tx.exec_prepared(kUpsertStageScore, campaign_id, subject_no, minyi::evaluation::v1::Stage_Name(score.stage()), centi,
                   score.basis(), actor);
}

const Query kSheetTotals{"evaluation_sheet_totals",
                         "SELECT subject_no, group_code, total_centi FROM score_sheets "
                         "WHERE campaign_id = $1 AND ($2 = 0 OR subject_no = $2)"};
// Rectification rows typed in before the look-back made that stage's score are history, never an input.
const Query kStageScores{"evaluation_stage_scores",
                         "SELECT subject_no, stage, score_centi, (extract(epoch FROM update_time) * 1000000)::bigint "
                         "FROM stage_scores WHERE campaign_id = $1 AND ($2 = 0 OR subject_no = $2) "
                         "AND stage <> 'STAGE_RECTIFICATION'"};

std::map<int, SubjectInputs> SelectScoringInputs(pqxx::transaction_base& tx, int64_t campaign_id, int subject_no) {
  std::map<int, SubjectInputs> out;
  for (const pqxx::row& row : tx.exec_prepared(kSheetTotals, campaign_id, subject_no)) {
    out[row[0].as<int>()].sheet_totals[row[1].as<std::string>()].push_back(row[2].as<int64_t>());
  }
  for (const pqxx::row& row : tx.exec_prepared(kStageScores, campaign_id, subject_no)) {
    const Stage stage = StoredEnum(row[1].as<std::string>(), &minyi::evaluation::v1::Stage_Parse);
    SubjectInputs& in = out[row[0].as<int>()];
    in.stage_scores[stage] = row[2].as<int64_t>();
    in.score_times[stage] = row[3].as<int64_t>();
  }
  return out;
}

const Query kInsertInvestigation{
    "evaluation_insert_investigation",
    "INSERT INTO investigations (campaign_id, subject_no, methods, findings, recorded_by) "
    "VALUES ($1, $2, $3::jsonb, $4, $5) RETURNING id, (extract(epoch FROM create_time) * 1000000)::bigint"};

Investigation InsertInvestigation(pqxx::work& tx, int64_t campaign_id, int subject_no,
                                  const Investigation& investigation, const std::string& actor) {
  nlohmann::json methods = nlohmann::json::array();
  for (int m : investigation.methods()) {
    methods.push_back(minyi::evaluation::v1::InvestigationMethod_Name(m));
  }
  const pqxx::row row =
      tx.exec_prepared1(kInsertInvestigation, campaign_id, subject_no, methods.dump(), investigation.findings(), actor);
  Investigation out = investigation;
  out.set_name(absl::StrCat(kEvaluations, campaign_id, "/investigations/", row[0].as<int64_t>()));
  out.set_recorded_by(AccountName(actor));
  *out.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row[1].as<int64_t>());
  return out;
}

const Query kInsertProblemList{
    "evaluation_insert_problem_list",
    "INSERT INTO problem_lists (campaign_id, subject_no, problems, issued_by) VALUES ($1, $2, $3::jsonb, $4) "
    "RETURNING id, (extract(epoch FROM create_time) * 1000000)::bigint"};

ProblemList InsertProblemList(pqxx::work& tx, int64_t campaign_id, int subject_no, const ProblemList& list,
                              const std::string& actor) {
  const nlohmann::json problems(std::vector<std::string>(list.problems().begin(), list.problems().end()));
  const pqxx::row row = tx.exec_prepared1(kInsertProblemList, campaign_id, subject_no, problems.dump(), actor);
  ProblemList out = list;
  out.set_name(absl::StrCat(kEvaluations, campaign_id, "/problemLists/", row[0].as<int64_t>()));
  out.set_issued_by(AccountName(actor));
  *out.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row[1].as<int64_t>());
  return out;
}

const Query kListInvestigations{"evaluation_list_investigations",
                                "SELECT id, subject_no, methods::text, findings, recorded_by, "
                                "(extract(epoch FROM create_time) * 1000000)::bigint FROM investigations "
                                "WHERE campaign_id = $1 AND ($2 = 0 OR subject_no = $2) ORDER BY id"};

std::vector<Investigation> SelectInvestigations(pqxx::transaction_base& tx, int64_t campaign_id, int subject_no) {
  std::vector<Investigation> out;
  for (const pqxx::row& row : tx.exec_prepared(kListInvestigations, campaign_id, subject_no)) {
    Investigation v;
    v.set_name(absl::StrCat(kEvaluations, campaign_id, "/investigations/", row[0].as<int64_t>()));
    v.set_subject(SubjectName(campaign_id, row[1].as<int>()));
    for (const auto& m : nlohmann::json::parse(row[2].as<std::string>())) {
      v.add_methods(StoredEnum(m.get<std::string>(), &minyi::evaluation::v1::InvestigationMethod_Parse));
    }
    v.set_findings(row[3].as<std::string>());
    v.set_recorded_by(AccountName(row[4].as<std::string>()));
    *v.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row[5].as<int64_t>());
    out.push_back(std::move(v));
  }
  return out;
}

const Query kListProblemLists{
    "evaluation_list_problem_lists",
    "SELECT id, subject_no, problems::text, issued_by, (extract(epoch FROM create_time) * 1000000)::bigint "
    "FROM problem_lists WHERE campaign_id = $1 AND ($2 = 0 OR subject_no = $2) ORDER BY id"};

std::vector<ProblemList> SelectProblemLists(pqxx::transaction_base& tx, int64_t campaign_id, int subject_no) {
  std::vector<ProblemList> out;
  for (const pqxx::row& row : tx.exec_prepared(kListProblemLists, campaign_id, subject_no)) {
    ProblemList p;
    p.set_name(absl::StrCat(kEvaluations, campaign_id, "/problemLists/", row[0].as<int64_t>()));
    p.set_subject(SubjectName(campaign_id, row[1].as<int>()));
    for (const auto& item : nlohmann::json::parse(row[2].as<std::string>())) {
      p.add_problems(item.get<std::string>());
    }
    p.set_issued_by(AccountName(row[3].as<std::string>()));
    *p.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row[4].as<int64_t>());
    out.push_back(std::move(p));
  }
  return out;
}

const Query kInsertResult{"evaluation_insert_result",
                          "INSERT INTO results (campaign_id, subject_no, breakdown, final_centi, grade) "
                          "VALUES ($1, $2, $3::jsonb, NULLIF($4, -1), $5)"};

void InsertResult(pqxx::work& tx, int64_t campaign_id, int subject_no, const SubjectResult& breakdown,
                  std::optional<Centi> final_score) {
  tx.exec_prepared(kInsertResult, campaign_id, subject_no, ToJson(breakdown), final_score.value_or(-1),
                   minyi::evaluation::v1::Grade_Name(breakdown.grade()));
}

const Query kCompleteResult{"evaluation_complete_result",
                            "UPDATE results SET breakdown = $3::jsonb, final_centi = $4, grade = $5 "
                            "WHERE campaign_id = $1 AND subject_no = $2"};

void CompleteResult(pqxx::work& tx, int64_t campaign_id, int subject_no, const SubjectResult& breakdown,
                    Centi final_score) {
  tx.exec_prepared(kCompleteResult, campaign_id, subject_no, ToJson(breakdown), final_score,
                   minyi::evaluation::v1::Grade_Name(breakdown.grade()));
}

const Query kLoadBreakdown{"evaluation_load_breakdown",
                           "SELECT breakdown::text FROM results WHERE campaign_id = $1 AND subject_no = $2"};

std::optional<SubjectResult> LoadBreakdown(pqxx::transaction_base& tx, int64_t campaign_id, int subject_no) {
  return FirstRow(
      tx, kLoadBreakdown,
      [](const pqxx::row& row) {
        SubjectResult s;
        FromJson(row[0].as<std::string>(), &s);
        return s;
      },
      campaign_id, subject_no);
}

const Query kInsertFollowUp{
    "evaluation_insert_follow_up",
    "INSERT INTO follow_ups (campaign_id, subject_no, state, grade, round, unsatisfied, opinion_due) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7::date)"};

void InsertFollowUp(pqxx::work& tx, int64_t campaign_id, int subject_no, const FollowUpRecord& r) {
  tx.exec_prepared(kInsertFollowUp, campaign_id, subject_no, minyi::evaluation::v1::FollowUpState_Name(r.state),
                   minyi::evaluation::v1::Grade_Name(r.grade), r.round, r.unsatisfied, FormatDay(r.opinion_due));
}

const Query kLoadFollowUp{"evaluation_load_follow_up",
                          absl::StrCat("SELECT ", kFollowUpColumns,
                                       " FROM follow_ups WHERE campaign_id = $1 AND subject_no = $2 FOR UPDATE")};

std::optional<FollowUpRecord> LoadFollowUp(pqxx::work& tx, int64_t campaign_id, int subject_no) {
  return FirstRow(tx, kLoadFollowUp, FollowUpFromRow, campaign_id, subject_no);
}

const Query kSaveFollowUp{
    "evaluation_save_follow_up",
    "UPDATE follow_ups SET state = $3, grade = $4, round = $5, unsatisfied = $6, "
    "opinion_date = NULLIF($7, '')::date, plan_due = NULLIF($8, '')::date, report_due = NULLIF($9, '')::date, "
    "update_time = now() WHERE campaign_id = $1 AND subject_no = $2"};

void SaveFollowUp(pqxx::work& tx, int64_t campaign_id, int subject_no, const FollowUpRecord& r) {
  tx.exec_prepared(kSaveFollowUp, campaign_id, subject_no, minyi::evaluation::v1::FollowUpState_Name(r.state),
                   minyi::evaluation::v1::Grade_Name(r.grade), r.round, r.unsatisfied, OptionalDay(r.opinion_date),
                   OptionalDay(r.plan_due), OptionalDay(r.report_due));
}

const Query kSetOpinion{"evaluation_set_opinion",
                        "UPDATE follow_ups SET opinion = $3 WHERE campaign_id = $1 AND subject_no = $2"};

void SetOpinion(pqxx::work& tx, int64_t campaign_id, int subject_no, const std::string& text) {
  tx.exec_prepared(kSetOpinion, campaign_id, subject_no, text);
}

const Query kInsertFiling{
    "evaluation_insert_filing",
    "INSERT INTO follow_up_filings (campaign_id, subject_no, round, kind, content, score_centi, filed_by) "
    "VALUES ($1, $2, $3, $4, $5, NULLIF($6, -1), $7) "
    "RETURNING (extract(epoch FROM create_time) * 1000000)::bigint"};

int64_t InsertFiling(pqxx::work& tx, int64_t campaign_id, int subject_no, int round, const std::string& kind,
                     const std::string& content, std::optional<Centi> score, const std::string& actor) {
  return tx.exec_prepared1(kInsertFiling, campaign_id, subject_no, round, kind, content, score.value_or(-1), actor)[0]
      .as<int64_t>();
}

const Query kListResults{
    "evaluation_list_results",
    absl::StrCat("SELECT r.subject_no, r.breakdown::text AS breakdown, f.opinion, ",
                 "coalesce(f.state, '') AS fstate, coalesce(f.grade, '') AS fgrade, "
                 "coalesce(f.round, 0) AS fround, "
                 "coalesce(to_char(f.opinion_due, 'YYYY-MM-DD'), '') AS opinion_due, "
                 "coalesce(to_char(f.opinion_date, 'YYYY-MM-DD'), '') AS opinion_date, "
                 "coalesce(to_char(f.plan_due, 'YYYY-MM-DD'), '') AS plan_due, "
                 "coalesce(to_char(f.report_due, 'YYYY-MM-DD'), '') AS report_due, "
                 "array_to_string(ARRAY(SELECT score_centi FROM follow_up_filings l WHERE "
                 "l.campaign_id = r.campaign_id AND l.subject_no = r.subject_no AND l.kind = 'look_back' "
                 "ORDER BY l.id), ',') AS look_backs "
                 "FROM results r LEFT JOIN follow_ups f USING (campaign_id, subject_no) "
                 "WHERE r.campaign_id = $1 ORDER BY r.subject_no")};

std::vector<SubjectResult> SelectResults(pqxx::transaction_base& tx, int64_t campaign_id) {
  std::vector<SubjectResult> out;
  for (const pqxx::row& row : tx.exec_prepared(kListResults, campaign_id)) {
    SubjectResult s;
    FromJson(row["breakdown"].as<std::string>(), &s);
    s.set_subject(SubjectName(campaign_id, row["subject_no"].as<int>()));
    if (const std::string state = row["fstate"].as<std::string>(); !state.empty()) {
      const auto fs = StoredEnum(state, &minyi::evaluation::v1::FollowUpState_Parse);
      s.set_follow_up(fs);
      // The follow-up holds the latest result's grade (a look-back may turn it 不满意); before the
      // look-back it holds the session's grade, which the breakdown shows as such.
      if (!s.final_pending()) {
        const Grade grade = StoredEnum(row["fgrade"].as<std::string>(), &minyi::evaluation::v1::Grade_Parse);
        s.set_grade(grade);
        s.set_grade_label(GradeLabel(grade));
      }
      s.set_round(row["fround"].as<int>());
      s.set_referral(fs == minyi::evaluation::v1::FOLLOW_UP_STATE_REFERRED);
      s.set_opinion(row["opinion"].as<std::string>());
      s.set_opinion_due(row["opinion_due"].as<std::string>());
      s.set_opinion_date(row["opinion_date"].as<std::string>());
      s.set_plan_due(row["plan_due"].as<std::string>());
      s.set_report_due(row["report_due"].as<std::string>());
    }
    const std::string look_backs = row["look_backs"].as<std::string>();
    for (absl::string_view part : absl::StrSplit(look_backs, ',', absl::SkipEmpty())) {
      int64_t centi = 0;
      if (absl::SimpleAtoi(part, &centi)) {
        s.add_look_back_scores(FormatCenti(centi));
      }
    }
    out.push_back(std::move(s));
  }
  return out;
}

const Query kPendingFollowUps{
    "evaluation_pending_follow_ups",
    "SELECT f.campaign_id, f.subject_no, c.created_by FROM follow_ups f JOIN campaigns c ON c.id = f.campaign_id "
    "WHERE (f.state = 'FOLLOW_UP_STATE_AWAITING_OPINION' AND f.opinion_due - $2::int <= $1::date) OR "
    "(f.state = 'FOLLOW_UP_STATE_AWAITING_PLAN' AND f.plan_due - $2::int <= $1::date) OR "
    "(f.state = 'FOLLOW_UP_STATE_AWAITING_REPORT' AND f.report_due - $2::int <= $1::date) "
    "ORDER BY f.campaign_id, f.subject_no"};

std::vector<PendingFollowUp> SelectPendingFollowUps(pqxx::transaction_base& tx, absl::CivilDay today,
                                                    int due_soon_days) {
  std::vector<PendingFollowUp> out;
  for (const pqxx::row& row : tx.exec_prepared(kPendingFollowUps, FormatDay(today), due_soon_days)) {
    out.push_back(
        {.campaign_id = row[0].as<int64_t>(), .subject_no = row[1].as<int>(), .created_by = row[2].as<std::string>()});
  }
  return out;
}

const Query kClaimNotice{
    "evaluation_claim_notice",
    "INSERT INTO deadline_notices (campaign_id, subject_no, round, step, kind) VALUES ($1, $2, $3, $4, $5) "
    "ON CONFLICT DO NOTHING RETURNING 1"};

bool ClaimNotice(pqxx::work& tx, int64_t campaign_id, int subject_no, int round, const std::string& step,
                 const std::string& kind) {
  return !tx.exec_prepared(kClaimNotice, campaign_id, subject_no, round, step, kind).empty();
}

}  // namespace minyi::evaluation

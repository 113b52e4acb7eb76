#include "evaluation/rectifications.h"

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/calendar.h"
#include "common/clock.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "evaluation/campaign.h"
#include "evaluation/follow_up.h"
#include "evaluation/records.h"
#include "evaluation/report_check.h"
#include "evaluation/scoring.h"
#include "evaluation/store.h"
#include "evaluation/visibility.h"
#include "google/protobuf/util/time_util.h"
#include "minyi/evaluation/v1/events.pb.h"

namespace minyi::evaluation {
namespace {

using ::google::protobuf::util::TimeUtil;

constexpr std::size_t kMaxSectionChars = 50000;

// The result of subject n (1-based) as stored, with its follow-up.
v1::SubjectResult SubjectResultOf(pqxx::transaction_base& tx, int64_t campaign_id, int n) {
  for (v1::SubjectResult& s : SelectResults(tx, campaign_id)) {
    if (s.subject() == SubjectName(campaign_id, n)) {
      return std::move(s);
    }
  }
  return {};
}

// Inside a follow-up mutation: the subject's follow-up, locked. Incomplete subjects have none.
absl::StatusOr<FollowUpRecord> LockFollowUp(pqxx::work& tx, const v1::Campaign& campaign, int64_t id, int n) {
  if (campaign.state() != v1::CAMPAIGN_STATE_CLOSED) {
    return WrongState(campaign, "进行整改跟踪");
  }
  std::optional<FollowUpRecord> record = LoadFollowUp(tx, id, n);
  if (!record.has_value()) {
    return FailedPrecondition("RESULT_INCOMPLETE", absl::StrCat(SubjectName(id, n), " 没有完整的评议结果，无整改跟踪"));
  }
  return *record;
}

// Inside a follow-up mutation of subject n: locks its follow-up, lets `move_on` move it on (and emit and
// audit what it did), saves it and answers the subject's result with its follow-up.
absl::Status ChangeFollowUp(pqxx::work& tx, const v1::Campaign& campaign, int64_t id, int n,
                            v1::SubjectResult* response, const std::function<absl::Status(FollowUpRecord&)>& move_on) {
  ASSIGN_OR_RETURN(FollowUpRecord record, LockFollowUp(tx, campaign, id, n));
  RETURN_IF_ERROR(move_on(record));
  SaveFollowUp(tx, id, n, record);
  *response = SubjectResultOf(tx, id, n);
  return absl::OkStatus();
}

// Whether the look-back makes the rectification stage's score in this result: the stage is pending, or a
// look-back scored it in an earlier round (only a look-back sets its time). A result closed final with a
// typed-in rectification score, before the look-back made it, keeps its final score.
bool LookBackScoresStage(const v1::SubjectResult& result) {
  return std::any_of(result.stages().begin(), result.stages().end(), [](const v1::StageBreakdown& s) {
    return s.stage() == v1::STAGE_RECTIFICATION && (s.pending() || s.has_score_time());
  });
}

std::string StepLabel(v1::RectificationStep step) {
  return DutyLabel(step == v1::RECTIFICATION_STEP_PLAN ? Duty::kPlan : Duty::kReport);
}

}  // namespace

absl::Status Rectifications::CheckReport(const Call& call, const v1::CheckReportRequest& request,
                                         v1::ReportCheck* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.Authenticate(call));
  ASSIGN_OR_RETURN(const int64_t id, ParseCampaignId(request.name(), "name"));
  const std::pair<const char*, const std::string*> sections[] = {
      {"achievements", &request.achievements()}, {"problems", &request.problems()}, {"measures", &request.measures()}};
  for (const auto& [field, text] : sections) {
    RETURN_IF_ERROR(CheckText(field, *text, 0, kMaxSectionChars));
  }
  ASSIGN_OR_RETURN(const std::shared_ptr<const v1::Campaign> campaign, access_.Definition(id));
  ASSIGN_OR_RETURN(const int n, SubjectIndex(*campaign, request.subject(), "subject"));
  if (!SeesEverything(caller) && !ActsForSubject(*campaign, n, caller)) {
    return PermissionDenied("只能检查本单位（本人）的报告");
  }
  *response = CheckReportSections(request.achievements(), request.problems(), request.measures());
  return absl::OkStatus();
}

absl::Status Rectifications::IssueOpinion(const Call& call, const v1::IssueOpinionRequest& request,
                                          v1::SubjectResult* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.RequireOffice(call));
  RETURN_IF_ERROR(CheckText("opinion.text", request.opinion().text(), 1, kMaxFilingChars));
  return access_.RunOnSubject(
      call, caller, "IssueOpinion", request, response, request.parent(), request.opinion().subject(), "opinion.subject",
      [&](Change& change, const v1::Campaign& campaign, int64_t id, int n) {
        return ChangeFollowUp(change.tx(), campaign, id, n, response, [&](FollowUpRecord& record) -> absl::Status {
          RETURN_IF_ERROR(FollowUp::IssueOpinion(&record, ShanghaiDay(DomainNow()), WeighsRectification(campaign)));
          SetOpinion(change.tx(), id, n, request.opinion().text());
          v1::EvaluationOpinionIssued event;
          FillConcerned(campaign, n, &event);
          if (record.state == v1::FOLLOW_UP_STATE_AWAITING_PLAN) {
            event.set_step(DutyLabel(Duty::kPlan));
            event.set_deadline(FormatDay(*record.plan_due));
          } else if (record.state == v1::FOLLOW_UP_STATE_AWAITING_REPORT) {
            event.set_step(DutyLabel(Duty::kReport));
            event.set_deadline(FormatDay(*record.report_due));
          }
          change.Emit(event, SubjectName(id, n));
          change.Audit(SubjectName(id, n));
          return absl::OkStatus();
        });
      });
}

absl::Status Rectifications::File(const Call& call, const v1::FileRectificationRequest& request,
                                  v1::SubjectResult* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.Authenticate(call));
  const v1::Rectification& filing = request.rectification();
  if (filing.step() != v1::RECTIFICATION_STEP_PLAN && filing.step() != v1::RECTIFICATION_STEP_REPORT) {
    return InvalidField("rectification.step", "须为 RECTIFICATION_STEP_PLAN 或 RECTIFICATION_STEP_REPORT");
  }
  RETURN_IF_ERROR(CheckText("rectification.content", filing.content(), 1, kMaxFilingChars));
  return access_.RunOnSubject(
      call, caller, "FileRectification", request, response, request.parent(), filing.subject(), "rectification.subject",
      [&](Change& change, const v1::Campaign& campaign, int64_t id, int n) -> absl::Status {
        // The subject files its own rectification, from its own account.
        if (!ActsForSubject(campaign, n, caller)) {
          return PermissionDenied("只有评议对象本单位（本人）可以提交整改材料");
        }
        return ChangeFollowUp(change.tx(), campaign, id, n, response, [&](FollowUpRecord& record) -> absl::Status {
          RETURN_IF_ERROR(FollowUp::FileRectification(&record, filing.step()));
          const std::string step = StepLabel(filing.step());
          InsertFiling(change.tx(), id, n, record.round, step, filing.content(), std::nullopt, caller.account_id());
          v1::RectificationReceived event;
          FillConcerned(campaign, n, &event);
          event.set_step(step);
          event.set_round(record.round);
          change.Emit(event, SubjectName(id, n));
          change.Audit(SubjectName(id, n), {{"step", step}, {"round", record.round}});
          return absl::OkStatus();
        });
      });
}

absl::Status Rectifications::ScoreLookBack(const Call& call, const v1::ScoreLookBackRequest& request,
                                           v1::SubjectResult* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.RequireOffice(call));
  const v1::LookBack& look_back = request.look_back();
  ASSIGN_OR_RETURN(const Centi score, ScoreWithBasis(look_back.score(), look_back.basis(), "look_back"));
  return access_.RunOnSubject(
      call, caller, "ScoreLookBack", request, response, request.parent(), look_back.subject(), "look_back.subject",
      [&](Change& change, const v1::Campaign& campaign, int64_t id, int n) {
        return ChangeFollowUp(change.tx(), campaign, id, n, response, [&](FollowUpRecord& record) -> absl::Status {
          pqxx::work& tx = change.tx();
          const int round = record.round;
          // When the look-back scores the rectification stage, this score is that stage's: it completes
          // (in round 2, replaces) the final score and grade. Otherwise the final score stands and the
          // score only passes or fails.
          std::optional<SubjectScore> completed;
          if (const std::optional<v1::SubjectResult> stored = LoadBreakdown(tx, id, n);
              stored.has_value() && LookBackScoresStage(*stored)) {
            SubjectInputs in = std::move(SelectScoringInputs(tx, id, n)[n]);
            in.stage_scores[v1::STAGE_RECTIFICATION] = score;
            in.score_times[v1::STAGE_ON_SITE] = TimeUtil::TimestampToMicroseconds(campaign.close_time());
            completed = ScorerFor(campaign).Score(in);
          }
          ASSIGN_OR_RETURN(
              const LookBackOutcome outcome,
              FollowUp::ScoreLookBack(&record, score, PassMark(campaign),
                                      completed.has_value() ? std::optional<Grade>(completed->grade) : std::nullopt,
                                      ShanghaiDay(DomainNow())));
          const int64_t filed =
              InsertFiling(tx, id, n, round, "look_back", look_back.basis(), score, caller.account_id());
          if (completed.has_value()) {
            for (StageScore& stage : completed->stages) {
              if (stage.stage == v1::STAGE_RECTIFICATION) {
                stage.score_time = filed;
              }
            }
            v1::SubjectResult breakdown;
            breakdown.set_display_name(campaign.subjects(n - 1).display_name());
            FillBreakdown(*completed, &breakdown);
            CompleteResult(tx, id, n, breakdown, completed->final_score);
            change.Emit(FinalScored(campaign, n, *completed, round), SubjectName(id, n));
          }
          if (outcome.referral) {
            v1::ReferralFlagged event;
            FillConcerned(campaign, n, &event);
            event.set_grade(GradeLabel(record.grade));
            change.Emit(event, SubjectName(id, n));
          }
          change.Audit(SubjectName(id, n), {{"score", FormatCenti(score)},
                                            {"round", round},
                                            {"second_round", outcome.second_round},
                                            {"referral", outcome.referral}});
          return absl::OkStatus();
        });
      });
}

}  // namespace minyi::evaluation

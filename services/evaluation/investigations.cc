#include "evaluation/investigations.h"

#include <set>
#include <string>
#include <utility>

#include "common/names.h"
#include "common/status_macros.h"
#include "evaluation/campaign.h"
#include "evaluation/records.h"
#include "evaluation/store.h"
#include "evaluation/visibility.h"

namespace minyi::evaluation {

absl::Status Investigations::Record(const Call& call, const v1::RecordInvestigationRequest& request,
                                    v1::Investigation* response) {
  ASSIGN_OR_RETURN(const Caller caller, access_.authorizer().RequireOffice(call));
  const v1::Investigation& inv = request.investigation();
  RETURN_IF_ERROR(CheckInvestigation(inv));
  return access_.RunOnSubject(call, caller, "RecordInvestigation", request, response, request.parent(), inv.subject(),
                              "investigation.subject",
                              [&](Change& change, const v1::Campaign& /*campaign*/, int64_t id, int n) {
                                *response = InsertInvestigation(change.tx(), id, n, inv, caller.account_id());
                                change.Audit(response->name(), {{"subject", inv.subject()}});
                                return absl::OkStatus();
                              });
}

absl::Status Investigations::IssueProblemList(const Call& call, const v1::IssueProblemListRequest& request,
                                              v1::ProblemList* response) {
  ASSIGN_OR_RETURN(const Caller caller, access_.authorizer().RequireOffice(call));
  const v1::ProblemList& list = request.problem_list();
  RETURN_IF_ERROR(CheckProblemList(list));
  return access_.RunOnSubject(
      call, caller, "IssueProblemList", request, response, request.parent(), list.subject(), "problem_list.subject",
      [&](Change& change, const v1::Campaign& /*campaign*/, int64_t id, int n) {
        *response = InsertProblemList(change.tx(), id, n, list, caller.account_id());
        change.Audit(response->name(), {{"subject", list.subject()}, {"problems", list.problems_size()}});
        return absl::OkStatus();
      });
}

absl::Status Investigations::RecordStageScore(const Call& call, const v1::RecordStageScoreRequest& request,
                                              v1::StageScore* response) {
  ASSIGN_OR_RETURN(const Caller caller, access_.authorizer().RequireOffice(call));
  const v1::StageScore& score = request.stage_score();
  ASSIGN_OR_RETURN(const Centi centi, ScoreWithBasis(score.score(), score.basis(), "stage_score"));
  return access_.RunOnSubject(
      call, caller, "RecordStageScore", request, response, request.parent(), score.subject(), "stage_score.subject",
      [&](Change& change, const v1::Campaign& campaign, int64_t id, int n) -> absl::Status {
        if (campaign.state() == v1::CAMPAIGN_STATE_CLOSED) {
          return WrongState(campaign, "修改阶段得分");
        }
        RETURN_IF_ERROR(CheckRecordedStage(campaign, score.stage()));
        UpsertStageScore(change.tx(), id, n, score, centi, caller.account_id());
        change.Audit(score.subject(), {{"stage", v1::Stage_Name(score.stage())}, {"score", FormatCenti(centi)}});
        *response = score;
        response->set_recorded_by(AccountName(caller.account_id()));
        return absl::OkStatus();
      });
}

absl::Status Investigations::List(const Call& call, const v1::ListInvestigationsRequest& request,
                                  v1::ListInvestigationsResponse* response) {
  ASSIGN_OR_RETURN(const CampaignRead read, access_.ReadAsCaller(call, request.parent(), "parent"));
  int n = 0;
  if (!request.subject().empty()) {
    ASSIGN_OR_RETURN(n, SubjectIndex(read.campaign, request.subject(), "subject"));
  }
  ASSIGN_OR_RETURN(const std::set<int> visible, InvestigationsVisibleTo(read.campaign, read.caller, n));
  auto visible_subject = [&](const std::string& subject) {
    return visible.count(*SubjectIndex(read.campaign, subject, "subject")) > 0;
  };
  return pool_.Read([&](pqxx::transaction_base& tx) {
    for (v1::Investigation& v : SelectInvestigations(tx, read.id, n)) {
      if (visible_subject(v.subject())) {
        *response->add_investigations() = std::move(v);
      }
    }
    for (v1::ProblemList& p : SelectProblemLists(tx, read.id, n)) {
      if (visible_subject(p.subject())) {
        *response->add_problem_lists() = std::move(p);
      }
    }
    return absl::OkStatus();
  });
}

}  // namespace minyi::evaluation

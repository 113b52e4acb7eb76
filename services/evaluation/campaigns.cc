#include "evaluation/campaigns.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/calendar.h"
#include "common/clock.h"
#include "common/names.h"
#include "common/paging.h"
#include "common/status_macros.h"
#include "evaluation/campaign.h"
#include "evaluation/follow_up.h"
#include "evaluation/records.h"
#include "evaluation/scoring.h"
#include "evaluation/store.h"
#include "evaluation/visibility.h"
#include "google/protobuf/util/time_util.h"
#include "minyi/evaluation/v1/events.pb.h"

namespace minyi::evaluation {

using ::google::protobuf::util::TimeUtil;

absl::Status Campaigns::Create(const Call& call, const v1::CreateEvaluationRequest& request, v1::Campaign* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.RequireOffice(call));
  v1::Campaign campaign = request.evaluation();
  RETURN_IF_ERROR(NormalizeCampaign(&campaign));
  return commands_.Run(call, caller, "CreateEvaluation", request, response, [&](Change& change) -> absl::Status {
    const int64_t id = InsertCampaign(change.tx(), campaign, caller.account_id());
    change.Audit(ResourceName(kEvaluations, id),
                 {{"kind", v1::CampaignKind_Name(campaign.kind())}, {"subjects", campaign.subjects_size()}});
    *response = *LoadCampaign(change.tx(), id);
    return absl::OkStatus();
  });
}

absl::Status Campaigns::Get(const Call& call, const v1::GetEvaluationRequest& request, v1::Campaign* response) {
  ASSIGN_OR_RETURN(CampaignRead read, access_.ReadAsCaller(call, request.name(), "name"));
  RETURN_IF_ERROR(RequireParticipant(read.campaign, read.caller));
  *response = std::move(read.campaign);
  return absl::OkStatus();
}

absl::Status Campaigns::List(const Call& call, const v1::ListEvaluationsRequest& request,
                             v1::ListEvaluationsResponse* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.Authenticate(call));
  ASSIGN_OR_RETURN(const PageRequest page, ReadPageRequest(request.page_size(), request.page_token(), {"evaluations"}));
  std::vector<v1::Campaign> campaigns;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::transaction_base& tx) {
    campaigns = SelectCampaigns(tx, page.after_id, page.size + 1);
    return absl::OkStatus();
  }));
  response->set_next_page_token(TrimToPage(campaigns, page.size, page.fingerprint,
                                           [](const v1::Campaign& c) { return *ParseCampaignId(c.name(), "name"); }));
  // Others see the campaigns they take part in; a page may then hold fewer than page_size (AIP-158).
  for (v1::Campaign& c : campaigns) {
    if (RequireParticipant(c, caller).ok()) {
      *response->add_evaluations() = std::move(c);
    }
  }
  return absl::OkStatus();
}

absl::Status Campaigns::Open(const Call& call, const v1::OpenEvaluationRequest& request, v1::Campaign* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.RequireOffice(call));
  return access_.RunOnCampaign(call, caller, "OpenEvaluation", request, response, request.name(), "name",
                               [&](Change& change, const v1::Campaign& campaign, int64_t id) -> absl::Status {
                                 if (campaign.state() != v1::CAMPAIGN_STATE_DRAFT) {
                                   return WrongState(campaign, "开始评议");
                                 }
                                 MarkOpened(change.tx(), id);
                                 v1::EvaluationOpened event;
                                 event.set_reference(campaign.name());
                                 event.set_title(campaign.title());
                                 AddRaters(campaign, &event);
                                 change.Emit(event, campaign.name());
                                 change.Audit(campaign.name());
                                 *response = *LoadCampaign(change.tx(), id);
                                 return absl::OkStatus();
                               });
}

absl::Status Campaigns::Close(const Call& call, const v1::CloseEvaluationRequest& request,
                              v1::EvaluationResult* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.RequireOffice(call));
  // The campaign's row lock waits for sheets in flight (they share-lock it) and turns every later sheet away.
  return access_.RunOnCampaign(
      call, caller, "CloseEvaluation", request, response, request.name(), "name",
      [&](Change& change, const v1::Campaign& campaign, int64_t id) -> absl::Status {
        if (campaign.state() != v1::CAMPAIGN_STATE_OPEN) {
          return WrongState(campaign, "闭会计分");
        }
        pqxx::work& tx = change.tx();
        std::map<int, SubjectInputs> inputs = SelectScoringInputs(tx, id, 0);
        RETURN_IF_ERROR(RequireStageScores(campaign, id, inputs));
        const absl::CivilDay session_day = ShanghaiDay(DomainNow());
        const Scorer scorer = ScorerFor(campaign);
        MarkClosed(tx, id, session_day);
        const google::protobuf::Timestamp close_time = LoadCampaign(tx, id)->close_time();
        for (int n = 1; n <= campaign.subjects_size(); ++n) {
          SubjectInputs& in = inputs[n];
          in.score_times[v1::STAGE_ON_SITE] = TimeUtil::TimestampToMicroseconds(close_time);
          const SubjectScore score = scorer.Score(in);
          v1::SubjectResult breakdown;
          breakdown.set_display_name(campaign.subjects(n - 1).display_name());
          FillBreakdown(score, &breakdown);
          const bool final = score.complete && !score.final_pending;
          InsertResult(tx, id, n, breakdown, final ? std::optional<Centi>(score.final_score) : std::nullopt);
          if (!score.complete) {
            continue;
          }
          InsertFollowUp(tx, id, n, FollowUp::Start(final ? score.grade : score.session_grade, final, session_day));
          v1::EvaluationResultsAnnounced event;
          FillConcerned(campaign, n, &event);
          event.set_grade(GradeLabel(score.session_grade));
          event.set_on_site_score(CentiToDouble(score.on_site.RoundCenti()));
          event.set_final_pending(score.final_pending);
          if (final) {
            event.set_final_score(CentiToDouble(score.final_score));
          }
          change.Emit(event, SubjectName(id, n));
          if (final) {
            change.Emit(FinalScored(campaign, n, score, /*round=*/1), SubjectName(id, n));
          }
        }
        change.Audit(campaign.name(), {{"session_date", FormatDay(session_day)}});
        response->set_name(absl::StrCat(campaign.name(), "/result"));
        response->set_title(campaign.title());
        *response->mutable_announce_time() = close_time;
        for (v1::SubjectResult& s : SelectResults(tx, id)) {
          *response->add_subjects() = std::move(s);
        }
        return absl::OkStatus();
      });
}

absl::Status Campaigns::GetResult(const Call& call, const v1::GetEvaluationResultRequest& request,
                                  v1::EvaluationResult* response) {
  ASSIGN_OR_RETURN(const CampaignRead read, access_.ReadAsCaller(call, request.name(), "name"));
  RETURN_IF_ERROR(RequireParticipant(read.campaign, read.caller));
  if (read.campaign.state() != v1::CAMPAIGN_STATE_CLOSED) {
    return WrongState(read.campaign, "查看结果（结果在闭会计分后公布）");
  }
  std::set<std::string> visible;
  for (int n : ResultsVisibleTo(read.campaign, read.caller)) {
    visible.insert(SubjectName(read.id, n));
  }
  response->set_name(absl::StrCat(read.campaign.name(), "/result"));
  response->set_title(read.campaign.title());
  *response->mutable_announce_time() = read.campaign.close_time();
  return pool_.Read([&](pqxx::transaction_base& tx) {
    for (v1::SubjectResult& s : SelectResults(tx, read.id)) {
      if (visible.count(s.subject()) > 0) {
        *response->add_subjects() = std::move(s);
      }
    }
    return absl::OkStatus();
  });
}

}  // namespace minyi::evaluation

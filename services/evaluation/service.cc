#include "evaluation/service.h"

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
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
#include "evaluation/campaign.h"
#include "evaluation/follow_up.h"
#include "evaluation/report_check.h"
#include "evaluation/scoring.h"
#include "evaluation/store.h"
#include "google/protobuf/util/time_util.h"
#include "grpcpp/server_context.h"
#include "minyi/evaluation/v1/events.pb.h"

namespace minyi::evaluation {
namespace {

using ::minyi::common::v1::ROLE_ADMIN;
using ::minyi::common::v1::ROLE_LEADER;
using ::minyi::common::v1::ROLE_STAFF;

constexpr std::size_t kMaxFindingsChars = 5000;
constexpr std::size_t kMaxSectionChars = 50000;
constexpr std::size_t kMaxFilingChars = 20000;
constexpr int kMaxProblems = 100;

absl::StatusOr<Caller> RequireOffice(const Authorizer& authorizer, const Call& call) {
  return authorizer.Require(call, {ROLE_ADMIN, ROLE_STAFF});
}

// Staff run campaigns and leaders sign results off: both see everything.
bool SeesEverything(const Caller& caller) { return HasRole(caller, {ROLE_ADMIN, ROLE_STAFF, ROLE_LEADER}); }

bool IsRater(const v1::Campaign& campaign, const Caller& caller) {
  return GroupOf(campaign, RaterOf(caller)).has_value();
}

// Who may see a campaign at all: staff, leaders, its raters and its subjects.
absl::Status RequireParticipant(const v1::Campaign& campaign, const Caller& caller) {
  if (SeesEverything(caller) || IsRater(campaign, caller) || !SubjectsOf(campaign, caller).empty()) {
    return absl::OkStatus();
  }
  return PermissionDenied("您不是本次评议的评议人或评议对象");
}

absl::Status WrongState(v1::CampaignState state, absl::string_view action) {
  return FailedPrecondition("CAMPAIGN_STATE",
                            absl::StrCat("评议当前状态为 ", v1::CampaignState_Name(state), "，不能", action));
}

absl::Status WrongState(const v1::Campaign& campaign, absl::string_view action) {
  return WrongState(campaign.state(), action);
}

absl::StatusOr<int64_t> ParseCampaignId(absl::string_view name, absl::string_view field) {
  return ParseResourceId(name, kEvaluations, field);
}

absl::StatusOr<v1::Campaign> ReadCampaign(PgPool& pool, int64_t id) {
  std::optional<v1::Campaign> campaign;
  absl::Status st = pool.Read([&](pqxx::transaction_base& tx) {
    campaign = LoadCampaign(tx, id);
    if (campaign.has_value()) {
      campaign->set_sheets_received(CountSheets(tx, id));
    }
    return absl::OkStatus();
  });
  if (!st.ok()) {
    return st;
  }
  if (!campaign.has_value()) {
    return NotFoundError(ResourceName(kEvaluations, id));
  }
  return *std::move(campaign);
}

// Inside a mutation: the campaign locked for update, NOT_FOUND when missing.
absl::StatusOr<v1::Campaign> LockCampaign(pqxx::work& tx, int64_t id) {
  std::optional<v1::Campaign> campaign = LoadCampaign(tx, id, /*for_update=*/true);
  if (!campaign.has_value()) {
    return NotFoundError(ResourceName(kEvaluations, id));
  }
  return *std::move(campaign);
}

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

// Inside a follow-up mutation of subject n: locks its follow-up, lets `change` move it on (and emit and
// audit what it did), saves it and answers the subject's result with its follow-up.
absl::Status ChangeFollowUp(pqxx::work& tx, const v1::Campaign& campaign, int64_t id, int n,
                            v1::SubjectResult* response, const std::function<absl::Status(FollowUpRecord&)>& change) {
  absl::StatusOr<FollowUpRecord> record = LockFollowUp(tx, campaign, id, n);
  if (!record.ok()) {
    return record.status();
  }
  if (absl::Status st = change(*record); !st.ok()) {
    return st;
  }
  SaveFollowUp(tx, id, n, *record);
  *response = SubjectResultOf(tx, id, n);
  return absl::OkStatus();
}

// A score staff give (0..100, two decimals) with the text it rests on; errors name `prefix`.score and
// `prefix`.basis.
absl::StatusOr<Centi> ScoreWithBasis(double score, const std::string& basis, absl::string_view prefix) {
  if (absl::Status st = CheckText(absl::StrCat(prefix, ".basis"), basis, 0, kMaxFilingChars); !st.ok()) {
    return st;
  }
  return ParseCenti(score, 0, 10000, absl::StrCat(prefix, ".score"));
}

std::string StepLabel(v1::RectificationStep step) {
  return DutyLabel(step == v1::RECTIFICATION_STEP_PLAN ? Duty::kPlan : Duty::kReport);
}

}  // namespace

EvaluationService::EvaluationService(PgPool& pool, const Authorizer& authorizer)
    : pool_(pool), authorizer_(authorizer) {}

grpc::ServerUnaryReactor* EvaluationService::CreateEvaluation(grpc::CallbackServerContext* ctx, const v1::CreateEvaluationRequest* request,
                                                 v1::Campaign* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoCreateEvaluation(call, *request, response); });
}

grpc::ServerUnaryReactor* EvaluationService::GetEvaluation(grpc::CallbackServerContext* ctx, const v1::GetEvaluationRequest* request,
                                              v1::Campaign* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoGetEvaluation(call, *request, response); });
}

grpc::ServerUnaryReactor* EvaluationService::ListEvaluations(grpc::CallbackServerContext* ctx, const v1::ListEvaluationsRequest* request,
                                                v1::ListEvaluationsResponse* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoListEvaluations(call, *request, response); });
}

grpc::ServerUnaryReactor* EvaluationService::OpenEvaluation(grpc::CallbackServerContext* ctx, const v1::OpenEvaluationRequest* request,
                                               v1::Campaign* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoOpenEvaluation(call, *request, response); });
}

grpc::ServerUnaryReactor* EvaluationService::RecordInvestigation(grpc::CallbackServerContext* ctx,
                                                    const v1::RecordInvestigationRequest* request,
                                                    v1::Investigation* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoRecordInvestigation(call, *request, response); });
}

grpc::ServerUnaryReactor* EvaluationService::IssueProblemList(grpc::CallbackServerContext* ctx, const v1::IssueProblemListRequest* request,
                                                 v1::ProblemList* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoIssueProblemList(call, *request, response); });
}

grpc::ServerUnaryReactor* EvaluationService::RecordStageScore(grpc::CallbackServerContext* ctx, const v1::RecordStageScoreRequest* request,
                                                 v1::StageScore* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoRecordStageScore(call, *request, response); });
}

grpc::ServerUnaryReactor* EvaluationService::ListInvestigations(grpc::CallbackServerContext* ctx,
                                                   const v1::ListInvestigationsRequest* request,
                                                   v1::ListInvestigationsResponse* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoListInvestigations(call, *request, response); });
}

grpc::ServerUnaryReactor* EvaluationService::SubmitScoreSheet(grpc::CallbackServerContext* ctx, const v1::SubmitScoreSheetRequest* request,
                                                 v1::ScoreSheet* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoSubmitScoreSheet(call, *request, response); });
}

grpc::ServerUnaryReactor* EvaluationService::ListScoreSheets(grpc::CallbackServerContext* ctx, const v1::ListScoreSheetsRequest* request,
                                                v1::ListScoreSheetsResponse* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoListScoreSheets(call, *request, response); });
}

grpc::ServerUnaryReactor* EvaluationService::CloseEvaluation(grpc::CallbackServerContext* ctx, const v1::CloseEvaluationRequest* request,
                                                v1::EvaluationResult* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoCloseEvaluation(call, *request, response); });
}

grpc::ServerUnaryReactor* EvaluationService::GetEvaluationResult(grpc::CallbackServerContext* ctx,
                                                    const v1::GetEvaluationResultRequest* request,
                                                    v1::EvaluationResult* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoGetEvaluationResult(call, *request, response); });
}

grpc::ServerUnaryReactor* EvaluationService::CheckReport(grpc::CallbackServerContext* ctx, const v1::CheckReportRequest* request,
                                            v1::ReportCheck* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoCheckReport(call, *request, response); });
}

grpc::ServerUnaryReactor* EvaluationService::IssueOpinion(grpc::CallbackServerContext* ctx, const v1::IssueOpinionRequest* request,
                                             v1::SubjectResult* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoIssueOpinion(call, *request, response); });
}

grpc::ServerUnaryReactor* EvaluationService::FileRectification(grpc::CallbackServerContext* ctx, const v1::FileRectificationRequest* request,
                                                  v1::SubjectResult* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoFileRectification(call, *request, response); });
}

grpc::ServerUnaryReactor* EvaluationService::ScoreLookBack(grpc::CallbackServerContext* ctx, const v1::ScoreLookBackRequest* request,
                                              v1::SubjectResult* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoScoreLookBack(call, *request, response); });
}

absl::StatusOr<std::shared_ptr<const v1::Campaign>> EvaluationService::Definition(int64_t id) {
  {
    absl::MutexLock lock(&definitions_mu_);
    if (auto it = definitions_.find(id); it != definitions_.end()) {
      return it->second;
    }
  }
  absl::StatusOr<v1::Campaign> campaign = ReadCampaign(pool_, id);
  if (!campaign.ok()) {
    return campaign.status();
  }
  auto definition = std::make_shared<const v1::Campaign>(*std::move(campaign));
  absl::MutexLock lock(&definitions_mu_);
  return definitions_.try_emplace(id, std::move(definition)).first->second;
}

absl::StatusOr<EvaluationService::CampaignRead> EvaluationService::ReadAsCaller(const Call& call,
                                                                                absl::string_view name,
                                                                                absl::string_view field) {
  absl::StatusOr<Target> target = ResolveTarget(authorizer_.Authenticate(call), ParseCampaignId(name, field));
  if (!target.ok()) {
    return target.status();
  }
  absl::StatusOr<v1::Campaign> campaign = ReadCampaign(pool_, target->id);
  if (!campaign.ok()) {
    return campaign.status();
  }
  return CampaignRead{.caller = std::move(target->caller), .id = target->id, .campaign = *std::move(campaign)};
}

absl::Status EvaluationService::DoCreateEvaluation(const Call& call,
                                                   const v1::CreateEvaluationRequest& request, v1::Campaign* response) {
  absl::StatusOr<Caller> caller = RequireOffice(authorizer_, call);
  if (!caller.ok()) {
    return caller.status();
  }
  v1::Campaign campaign = request.evaluation();
  if (absl::Status st = NormalizeCampaign(&campaign); !st.ok()) {
    return st;
  }
  return RunIdempotent(
      pool_, call, *caller, "evaluation.CreateEvaluation", request, response, [&](pqxx::work& tx) -> absl::Status {
        const int64_t id = InsertCampaign(tx, campaign, caller->account_id());
        const std::string name = ResourceName(kEvaluations, id);
        AppendAudit(
            tx, {.actor = caller->account_id(),
                 .action = "CreateEvaluation",
                 .resource = name,
                 .request_id = call.request_id,
                 .detail = {{"kind", v1::CampaignKind_Name(campaign.kind())}, {"subjects", campaign.subjects_size()}}});
        *response = *LoadCampaign(tx, id);
        return absl::OkStatus();
      });
}

absl::Status EvaluationService::DoGetEvaluation(const Call& call, const v1::GetEvaluationRequest& request,
                                                v1::Campaign* response) {
  absl::StatusOr<CampaignRead> read = ReadAsCaller(call, request.name(), "name");
  if (!read.ok()) {
    return read.status();
  }
  if (absl::Status st = RequireParticipant(read->campaign, read->caller); !st.ok()) {
    return st;
  }
  *response = std::move(read->campaign);
  return absl::OkStatus();
}

absl::Status EvaluationService::DoListEvaluations(const Call& call,
                                                  const v1::ListEvaluationsRequest& request,
                                                  v1::ListEvaluationsResponse* response) {
  absl::StatusOr<Caller> caller = authorizer_.Authenticate(call);
  if (!caller.ok()) {
    return caller.status();
  }
  absl::StatusOr<PageRequest> page = ReadPageRequest(request.page_size(), request.page_token(), {"evaluations"});
  if (!page.ok()) {
    return page.status();
  }
  std::vector<v1::Campaign> campaigns;
  absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) {
    campaigns = SelectCampaigns(tx, page->after_id, page->size + 1);
    return absl::OkStatus();
  });
  if (!st.ok()) {
    return st;
  }
  response->set_next_page_token(TrimToPage(campaigns, page->size, page->fingerprint,
                                           [](const v1::Campaign& c) { return *ParseCampaignId(c.name(), "name"); }));
  // Others see the campaigns they take part in; a page may then hold fewer than page_size (AIP-158).
  for (v1::Campaign& c : campaigns) {
    if (RequireParticipant(c, *caller).ok()) {
      *response->add_evaluations() = std::move(c);
    }
  }
  return absl::OkStatus();
}

absl::Status EvaluationService::DoOpenEvaluation(const Call& call,
                                                 const v1::OpenEvaluationRequest& request, v1::Campaign* response) {
  absl::StatusOr<Caller> caller = RequireOffice(authorizer_, call);
  if (!caller.ok()) {
    return caller.status();
  }
  return RunOnCampaign(call, *caller, "evaluation.OpenEvaluation", request, response, request.name(), "name",
                       [&](pqxx::work& tx, const v1::Campaign& campaign, int64_t id) -> absl::Status {
                         if (campaign.state() != v1::CAMPAIGN_STATE_DRAFT) {
                           return WrongState(campaign, "开始评议");
                         }
                         MarkOpened(tx, id);
                         v1::EvaluationOpened event;
                         event.set_reference(campaign.name());
                         event.set_title(campaign.title());
                         for (const auto& group : campaign.rater_groups()) {
                           for (const std::string& rater : group.raters()) {
                             if (absl::StartsWith(rater, "deputies/")) {
                               event.add_deputies(rater);
                             } else {
                               event.add_accounts(rater);
                             }
                           }
                         }
                         EmitEvent(tx, event, campaign.name(), caller->account_id());
                         AppendAudit(tx, {.actor = caller->account_id(),
                                          .action = "OpenEvaluation",
                                          .resource = campaign.name(),
                                          .request_id = call.request_id});
                         *response = *LoadCampaign(tx, id);
                         return absl::OkStatus();
                       });
}

absl::Status EvaluationService::RunOnCampaign(const Call& call, const Caller& caller,
                                              absl::string_view method, const google::protobuf::Message& request,
                                              google::protobuf::Message* response, absl::string_view name,
                                              absl::string_view name_field, const CampaignWork& work) {
  absl::StatusOr<int64_t> id = ParseCampaignId(name, name_field);
  if (!id.ok()) {
    return id.status();
  }
  return RunIdempotent(pool_, call, caller, method, request, response, [&](pqxx::work& tx) -> absl::Status {
    absl::StatusOr<v1::Campaign> campaign = LockCampaign(tx, *id);
    if (!campaign.ok()) {
      return campaign.status();
    }
    return work(tx, *campaign, *id);
  });
}

absl::Status EvaluationService::RunOnSubject(const Call& call, const Caller& caller,
                                             absl::string_view method, const google::protobuf::Message& request,
                                             google::protobuf::Message* response, absl::string_view parent,
                                             absl::string_view subject, absl::string_view subject_field,
                                             const SubjectWork& work) {
  return RunOnCampaign(call, caller, method, request, response, parent, "parent",
                       [&](pqxx::work& tx, const v1::Campaign& campaign, int64_t id) -> absl::Status {
                         absl::StatusOr<int> n = SubjectIndex(campaign, subject, subject_field);
                         if (!n.ok()) {
                           return n.status();
                         }
                         return work(tx, campaign, id, *n);
                       });
}

absl::Status EvaluationService::DoRecordInvestigation(const Call& call,
                                                      const v1::RecordInvestigationRequest& request,
                                                      v1::Investigation* response) {
  absl::StatusOr<Caller> caller = RequireOffice(authorizer_, call);
  if (!caller.ok()) {
    return caller.status();
  }
  const v1::Investigation& inv = request.investigation();
  if (inv.methods().empty()) {
    return InvalidField("investigation.methods", "至少记录一种调查方式");
  }
  for (int i = 0; i < inv.methods_size(); ++i) {
    if (inv.methods(i) == v1::INVESTIGATION_METHOD_UNSPECIFIED || !v1::InvestigationMethod_IsValid(inv.methods(i))) {
      return InvalidField(absl::StrCat("investigation.methods[", i, "]"), "不是有效的调查方式");
    }
  }
  if (absl::Status st = CheckText("investigation.findings", inv.findings(), 1, kMaxFindingsChars); !st.ok()) {
    return st;
  }
  return RunOnSubject(call, *caller, "evaluation.RecordInvestigation", request, response, request.parent(),
                      inv.subject(), "investigation.subject",
                      [&](pqxx::work& tx, const v1::Campaign& /*campaign*/, int64_t id, int n) -> absl::Status {
                        *response = InsertInvestigation(tx, id, n, inv, caller->account_id());
                        AppendAudit(tx, {.actor = caller->account_id(),
                                         .action = "RecordInvestigation",
                                         .resource = response->name(),
                                         .request_id = call.request_id,
                                         .detail = {{"subject", inv.subject()}}});
                        return absl::OkStatus();
                      });
}

absl::Status EvaluationService::DoIssueProblemList(const Call& call,
                                                   const v1::IssueProblemListRequest& request,
                                                   v1::ProblemList* response) {
  absl::StatusOr<Caller> caller = RequireOffice(authorizer_, call);
  if (!caller.ok()) {
    return caller.status();
  }
  const v1::ProblemList& list = request.problem_list();
  if (list.problems().empty() || list.problems_size() > kMaxProblems) {
    return InvalidField("problem_list.problems", absl::StrCat("问题须为 1 至 ", kMaxProblems, " 条"));
  }
  for (int i = 0; i < list.problems_size(); ++i) {
    if (absl::Status st = CheckText(absl::StrCat("problem_list.problems[", i, "]"), list.problems(i), 1, 2000);
        !st.ok()) {
      return st;
    }
  }
  return RunOnSubject(call, *caller, "evaluation.IssueProblemList", request, response, request.parent(), list.subject(),
                      "problem_list.subject",
                      [&](pqxx::work& tx, const v1::Campaign& /*campaign*/, int64_t id, int n) -> absl::Status {
                        *response = InsertProblemList(tx, id, n, list, caller->account_id());
                        AppendAudit(tx, {.actor = caller->account_id(),
                                         .action = "IssueProblemList",
                                         .resource = response->name(),
                                         .request_id = call.request_id,
                                         .detail = {{"subject", list.subject()}, {"problems", list.problems_size()}}});
                        return absl::OkStatus();
                      });
}

absl::Status EvaluationService::DoRecordStageScore(const Call& call,
                                                   const v1::RecordStageScoreRequest& request,
                                                   v1::StageScore* response) {
  absl::StatusOr<Caller> caller = RequireOffice(authorizer_, call);
  if (!caller.ok()) {
    return caller.status();
  }
  const v1::StageScore& score = request.stage_score();
  absl::StatusOr<Centi> centi = ScoreWithBasis(score.score(), score.basis(), "stage_score");
  if (!centi.ok()) {
    return centi.status();
  }
  return RunOnSubject(
      call, *caller, "evaluation.RecordStageScore", request, response, request.parent(), score.subject(),
      "stage_score.subject", [&](pqxx::work& tx, const v1::Campaign& campaign, int64_t id, int n) -> absl::Status {
        if (campaign.state() == v1::CAMPAIGN_STATE_CLOSED) {
          return WrongState(campaign, "修改阶段得分");
        }
        const bool configured = std::any_of(campaign.stages().begin(), campaign.stages().end(), [&](const auto& s) {
          return s.stage() == score.stage() && s.weight() > 0;
        });
        if (score.stage() == v1::STAGE_ON_SITE || !configured) {
          return InvalidField("stage_score.stage", "须为本次评议设置的、现场评议以外的阶段（现场得分由评分表计算）");
        }
        UpsertStageScore(tx, id, n, score, *centi, caller->account_id());
        AppendAudit(tx, {.actor = caller->account_id(),
                         .action = "RecordStageScore",
                         .resource = score.subject(),
                         .request_id = call.request_id,
                         .detail = {{"stage", v1::Stage_Name(score.stage())}, {"score", FormatCenti(*centi)}}});
        *response = score;
        response->set_recorded_by(caller->account_id());
        return absl::OkStatus();
      });
}

absl::Status EvaluationService::DoListInvestigations(const Call& call,
                                                     const v1::ListInvestigationsRequest& request,
                                                     v1::ListInvestigationsResponse* response) {
  absl::StatusOr<CampaignRead> read = ReadAsCaller(call, request.parent(), "parent");
  if (!read.ok()) {
    return read.status();
  }
  int n = 0;
  if (!request.subject().empty()) {
    absl::StatusOr<int> index = SubjectIndex(read->campaign, request.subject(), "subject");
    if (!index.ok()) {
      return index.status();
    }
    n = *index;
  }
  // A subject reads what was found about itself, never about the others.
  std::set<int> own;
  if (!SeesEverything(read->caller)) {
    const std::vector<int> subjects = SubjectsOf(read->campaign, read->caller);
    own.insert(subjects.begin(), subjects.end());
    if (own.empty() || (n != 0 && own.count(n) == 0)) {
      return PermissionDenied("只能查看本单位（本人）的调查情况");
    }
  }
  auto visible = [&](const std::string& subject) {
    return own.empty() || own.count(*SubjectIndex(read->campaign, subject, "subject")) > 0;
  };
  return pool_.Read([&](pqxx::transaction_base& tx) {
    for (v1::Investigation& v : SelectInvestigations(tx, read->id, n)) {
      if (visible(v.subject())) {
        *response->add_investigations() = std::move(v);
      }
    }
    for (v1::ProblemList& p : SelectProblemLists(tx, read->id, n)) {
      if (visible(p.subject())) {
        *response->add_problem_lists() = std::move(p);
      }
    }
    return absl::OkStatus();
  });
}

absl::Status EvaluationService::DoSubmitScoreSheet(const Call& call,
                                                   const v1::SubmitScoreSheetRequest& request,
                                                   v1::ScoreSheet* response) {
  absl::StatusOr<Target> target =
      ResolveTarget(authorizer_.Authenticate(call), ParseCampaignId(request.parent(), "parent"));
  if (!target.ok()) {
    return target.status();
  }
  const auto& [caller, id] = *target;
  absl::StatusOr<std::shared_ptr<const v1::Campaign>> campaign = Definition(id);
  if (!campaign.ok()) {
    return campaign.status();
  }
  const std::string rater = RaterOf(caller);
  std::optional<int> group = GroupOf(**campaign, rater);
  if (!group.has_value()) {
    return PermissionDenied("您不在本次评议的评议组中");
  }
  const v1::RaterGroup& rater_group = (*campaign)->rater_groups(*group);
  absl::StatusOr<int> n = SubjectIndex(**campaign, request.score_sheet().subject(), "score_sheet.subject");
  if (!n.ok()) {
    return n.status();
  }
  absl::StatusOr<Centi> total = SheetTotal(rater_group, request.score_sheet());
  if (!total.ok()) {
    return total.status();
  }
  v1::ScoreSheet content;
  content.set_subject(request.score_sheet().subject());
  *content.mutable_scores() = request.score_sheet().scores();
  content.set_grade(request.score_sheet().grade());
  return RunIdempotent(
      pool_, call, caller, "evaluation.SubmitScoreSheet", request, response, [&](pqxx::work& tx) -> absl::Status {
        std::optional<v1::CampaignState> state = LockCampaignState(tx, id);
        if (!state.has_value()) {
          return NotFoundError(request.parent());
        }
        if (*state != v1::CAMPAIGN_STATE_OPEN) {
          return WrongState(*state, "提交评分表");
        }
        std::optional<v1::ScoreSheet> sheet = InsertSheet(
            tx,
            {.campaign_id = id, .subject_no = *n, .rater = rater, .group_code = rater_group.code(), .total = *total},
            content);
        if (!sheet.has_value()) {
          return AlreadyExists("SHEET_ALREADY_SUBMITTED", "您已对该评议对象提交过评分表，每人每个对象只能提交一次");
        }
        v1::ScoreSheetSubmitted event;
        if (caller.role() == minyi::common::v1::ROLE_DEPUTY && !caller.deputy().empty()) {
          event.add_deputies(caller.deputy());
        }
        event.set_reference(ResourceName(kEvaluations, id));
        event.set_occurred_on(ShanghaiDate(DomainNow()));
        event.set_rater_account(absl::StrCat("accounts/", caller.account_id()));
        event.set_subject(content.subject());
        EmitEvent(tx, event, sheet->name(), caller.account_id());
        AppendAudit(tx, {.actor = caller.account_id(),
                         .action = "SubmitScoreSheet",
                         .resource = sheet->name(),
                         .request_id = call.request_id,
                         .detail = {{"subject", content.subject()}, {"group", rater_group.code()}}});
        *response = *std::move(sheet);
        return absl::OkStatus();
      });
}

absl::Status EvaluationService::DoListScoreSheets(const Call& call,
                                                  const v1::ListScoreSheetsRequest& request,
                                                  v1::ListScoreSheetsResponse* response) {
  absl::StatusOr<CampaignRead> read = ReadAsCaller(call, request.parent(), "parent");
  if (!read.ok()) {
    return read.status();
  }
  // Until the close nobody but the rater sees a sheet: scoring stays independent.
  std::string only_rater;
  if (SeesEverything(read->caller)) {
    if (read->campaign.state() != v1::CAMPAIGN_STATE_CLOSED) {
      return WrongState(read->campaign, "在计分公布前查看评分表（评分前仅评议人本人可见）");
    }
  } else if (IsRater(read->campaign, read->caller)) {
    only_rater = RaterOf(read->caller);
  } else {
    return PermissionDenied("只有评议人本人可以查看自己的评分表");
  }
  return pool_.Read([&](pqxx::transaction_base& tx) {
    for (v1::ScoreSheet& s : SelectSheets(tx, read->id, only_rater)) {
      *response->add_score_sheets() = std::move(s);
    }
    return absl::OkStatus();
  });
}

absl::Status EvaluationService::DoCloseEvaluation(const Call& call,
                                                  const v1::CloseEvaluationRequest& request,
                                                  v1::EvaluationResult* response) {
  absl::StatusOr<Caller> caller = RequireOffice(authorizer_, call);
  if (!caller.ok()) {
    return caller.status();
  }
  // The campaign's row lock waits for sheets in flight (they share-lock it) and turns every later sheet away.
  return RunOnCampaign(
      call, *caller, "evaluation.CloseEvaluation", request, response, request.name(), "name",
      [&](pqxx::work& tx, const v1::Campaign& campaign, int64_t id) -> absl::Status {
        if (campaign.state() != v1::CAMPAIGN_STATE_OPEN) {
          return WrongState(campaign, "闭会计分");
        }
        std::map<int, std::map<Stage, Centi>> stage_scores = SelectStageScores(tx, id);
        for (int n = 1; n <= campaign.subjects_size(); ++n) {
          for (const auto& stage : campaign.stages()) {
            if (stage.weight() > 0 && stage.stage() != v1::STAGE_ON_SITE && stage_scores[n].count(stage.stage()) == 0) {
              return FailedPrecondition("STAGE_SCORE_MISSING",
                                        absl::StrCat(campaign.subjects(n - 1).display_name(), "（", SubjectName(id, n),
                                                     "）缺少", StageLabel(stage.stage()), "阶段得分，请先录入"));
            }
          }
        }
        std::vector<SubjectInputs> inputs(campaign.subjects_size() + 1);
        for (const StoredTotal& t : SelectSheetTotals(tx, id)) {
          inputs[t.subject_no].sheet_totals[t.group_code].push_back(t.total);
        }
        const absl::CivilDay session_day = ShanghaiDay(DomainNow());
        const Scorer scorer = ScorerFor(campaign);
        MarkClosed(tx, id, session_day);
        for (int n = 1; n <= campaign.subjects_size(); ++n) {
          inputs[n].stage_scores = stage_scores[n];
          const SubjectScore score = scorer.Score(inputs[n]);
          v1::SubjectResult breakdown;
          breakdown.set_display_name(campaign.subjects(n - 1).display_name());
          FillBreakdown(score, &breakdown);
          InsertResult(tx, id, n, breakdown, score.complete ? std::optional<Centi>(score.final_score) : std::nullopt);
          if (!score.complete) {
            continue;
          }
          InsertFollowUp(tx, id, n, FollowUp::Start(score.grade, session_day));
          v1::EvaluationResultsAnnounced event;
          FillConcerned(campaign, n, &event);
          event.set_grade(GradeLabel(score.grade));
          event.set_final_score(CentiToDouble(score.final_score));
          EmitEvent(tx, event, SubjectName(id, n), caller->account_id());
        }
        AppendAudit(tx, {.actor = caller->account_id(),
                         .action = "CloseEvaluation",
                         .resource = campaign.name(),
                         .request_id = call.request_id,
                         .detail = {{"session_date", FormatDay(session_day)}}});
        response->set_name(absl::StrCat(campaign.name(), "/result"));
        response->set_title(campaign.title());
        *response->mutable_announce_time() = LoadCampaign(tx, id)->close_time();
        for (v1::SubjectResult& s : SelectResults(tx, id)) {
          *response->add_subjects() = std::move(s);
        }
        return absl::OkStatus();
      });
}

absl::Status EvaluationService::DoGetEvaluationResult(const Call& call,
                                                      const v1::GetEvaluationResultRequest& request,
                                                      v1::EvaluationResult* response) {
  absl::StatusOr<CampaignRead> read = ReadAsCaller(call, request.name(), "name");
  if (!read.ok()) {
    return read.status();
  }
  if (absl::Status st = RequireParticipant(read->campaign, read->caller); !st.ok()) {
    return st;
  }
  if (read->campaign.state() != v1::CAMPAIGN_STATE_CLOSED) {
    return WrongState(read->campaign, "查看结果（结果在闭会计分后公布）");
  }
  // Results are announced on the spot to the raters present; a subject reads only its own.
  const bool everything = SeesEverything(read->caller) || IsRater(read->campaign, read->caller);
  std::set<std::string> own;
  for (int n : SubjectsOf(read->campaign, read->caller)) {
    own.insert(SubjectName(read->id, n));
  }
  response->set_name(absl::StrCat(read->campaign.name(), "/result"));
  response->set_title(read->campaign.title());
  *response->mutable_announce_time() = read->campaign.close_time();
  return pool_.Read([&](pqxx::transaction_base& tx) {
    for (v1::SubjectResult& s : SelectResults(tx, read->id)) {
      if (everything || own.count(s.subject()) > 0) {
        *response->add_subjects() = std::move(s);
      }
    }
    return absl::OkStatus();
  });
}

absl::Status EvaluationService::DoCheckReport(const Call& call, const v1::CheckReportRequest& request,
                                              v1::ReportCheck* response) {
  absl::StatusOr<Target> target = ResolveTarget(authorizer_.Authenticate(call), ParseCampaignId(request.name(), "name"));
  if (!target.ok()) {
    return target.status();
  }
  const auto& [caller, id] = *target;
  const std::pair<const char*, const std::string*> sections[] = {
      {"achievements", &request.achievements()}, {"problems", &request.problems()}, {"measures", &request.measures()}};
  for (const auto& [field, text] : sections) {
    if (absl::Status st = CheckText(field, *text, 0, kMaxSectionChars); !st.ok()) {
      return st;
    }
  }
  absl::StatusOr<std::shared_ptr<const v1::Campaign>> campaign = Definition(id);
  if (!campaign.ok()) {
    return campaign.status();
  }
  absl::StatusOr<int> n = SubjectIndex(**campaign, request.subject(), "subject");
  if (!n.ok()) {
    return n.status();
  }
  if (!SeesEverything(caller) && !ActsForSubject(**campaign, *n, caller)) {
    return PermissionDenied("只能检查本单位（本人）的报告");
  }
  *response = CheckReportSections(request.achievements(), request.problems(), request.measures());
  return absl::OkStatus();
}

absl::Status EvaluationService::DoIssueOpinion(const Call& call, const v1::IssueOpinionRequest& request,
                                               v1::SubjectResult* response) {
  absl::StatusOr<Caller> caller = RequireOffice(authorizer_, call);
  if (!caller.ok()) {
    return caller.status();
  }
  if (absl::Status st = CheckText("opinion.text", request.opinion().text(), 1, kMaxFilingChars); !st.ok()) {
    return st;
  }
  return RunOnSubject(
      call, *caller, "evaluation.IssueOpinion", request, response, request.parent(), request.opinion().subject(),
      "opinion.subject", [&](pqxx::work& tx, const v1::Campaign& campaign, int64_t id, int n) -> absl::Status {
        return ChangeFollowUp(tx, campaign, id, n, response, [&](FollowUpRecord& record) -> absl::Status {
          if (absl::Status st = FollowUp::IssueOpinion(&record, ShanghaiDay(DomainNow())); !st.ok()) {
            return st;
          }
          SetOpinion(tx, id, n, request.opinion().text());
          v1::EvaluationOpinionIssued event;
          FillConcerned(campaign, n, &event);
          if (record.plan_due.has_value()) {
            event.set_deadline(FormatDay(*record.plan_due));
          }
          EmitEvent(tx, event, SubjectName(id, n), caller->account_id());
          AppendAudit(tx, {.actor = caller->account_id(),
                           .action = "IssueOpinion",
                           .resource = SubjectName(id, n),
                           .request_id = call.request_id});
          return absl::OkStatus();
        });
      });
}

absl::Status EvaluationService::DoFileRectification(const Call& call,
                                                    const v1::FileRectificationRequest& request,
                                                    v1::SubjectResult* response) {
  absl::StatusOr<Caller> caller = authorizer_.Authenticate(call);
  if (!caller.ok()) {
    return caller.status();
  }
  const v1::Rectification& filing = request.rectification();
  if (filing.step() != v1::RECTIFICATION_STEP_PLAN && filing.step() != v1::RECTIFICATION_STEP_REPORT) {
    return InvalidField("rectification.step", "须为 RECTIFICATION_STEP_PLAN 或 RECTIFICATION_STEP_REPORT");
  }
  if (absl::Status st = CheckText("rectification.content", filing.content(), 1, kMaxFilingChars); !st.ok()) {
    return st;
  }
  return RunOnSubject(
      call, *caller, "evaluation.FileRectification", request, response, request.parent(), filing.subject(),
      "rectification.subject", [&](pqxx::work& tx, const v1::Campaign& campaign, int64_t id, int n) -> absl::Status {
        // The subject files its own rectification, from its own account.
        if (!ActsForSubject(campaign, n, *caller)) {
          return PermissionDenied("只有评议对象本单位（本人）可以提交整改材料");
        }
        return ChangeFollowUp(tx, campaign, id, n, response, [&](FollowUpRecord& record) -> absl::Status {
          if (absl::Status st = FollowUp::FileRectification(&record, filing.step()); !st.ok()) {
            return st;
          }
          const std::string step = StepLabel(filing.step());
          InsertFiling(tx, id, n, record.round, step, filing.content(), std::nullopt, caller->account_id());
          v1::RectificationReceived event;
          FillConcerned(campaign, n, &event);
          event.set_step(step);
          event.set_round(record.round);
          EmitEvent(tx, event, SubjectName(id, n), caller->account_id());
          AppendAudit(tx, {.actor = caller->account_id(),
                           .action = "FileRectification",
                           .resource = SubjectName(id, n),
                           .request_id = call.request_id,
                           .detail = {{"step", step}, {"round", record.round}}});
          return absl::OkStatus();
        });
      });
}

absl::Status EvaluationService::DoScoreLookBack(const Call& call, const v1::ScoreLookBackRequest& request,
                                                v1::SubjectResult* response) {
  absl::StatusOr<Caller> caller = RequireOffice(authorizer_, call);
  if (!caller.ok()) {
    return caller.status();
  }
  const v1::LookBack& look_back = request.look_back();
  absl::StatusOr<Centi> score = ScoreWithBasis(look_back.score(), look_back.basis(), "look_back");
  if (!score.ok()) {
    return score.status();
  }
  return RunOnSubject(
      call, *caller, "evaluation.ScoreLookBack", request, response, request.parent(), look_back.subject(),
      "look_back.subject", [&](pqxx::work& tx, const v1::Campaign& campaign, int64_t id, int n) -> absl::Status {
        return ChangeFollowUp(tx, campaign, id, n, response, [&](FollowUpRecord& record) -> absl::Status {
          const int round = record.round;
          absl::StatusOr<LookBackOutcome> outcome =
              FollowUp::ScoreLookBack(&record, *score, PassMark(campaign), ShanghaiDay(DomainNow()));
          if (!outcome.ok()) {
            return outcome.status();
          }
          InsertFiling(tx, id, n, round, "look_back", look_back.basis(), *score, caller->account_id());
          if (outcome->referral) {
            v1::ReferralFlagged event;
            FillConcerned(campaign, n, &event);
            event.set_grade(GradeLabel(record.grade));
            EmitEvent(tx, event, SubjectName(id, n), caller->account_id());
          }
          AppendAudit(tx, {.actor = caller->account_id(),
                           .action = "ScoreLookBack",
                           .resource = SubjectName(id, n),
                           .request_id = call.request_id,
                           .detail = {{"score", FormatCenti(*score)},
                                      {"round", round},
                                      {"second_round", outcome->second_round},
                                      {"referral", outcome->referral}}});
          return absl::OkStatus();
        });
      });
}

}  // namespace minyi::evaluation

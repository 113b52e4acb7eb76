#include "voting/service.h"

#include <algorithm>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/audit.h"
#include "common/idempotency.h"
#include "common/log.h"
#include "common/names.h"
#include "common/outbox.h"
#include "common/paging.h"
#include "common/status.h"
#include "common/target.h"
#include "common/rpc.h"
#include "common/text.h"
#include "grpcpp/server_context.h"
#include "minyi/voting/v1/events.pb.h"
#include "sodium.h"
#include "voting/store.h"
#include "voting/tally.h"

namespace minyi::voting {
namespace {

using ::minyi::voting::v1::AnnounceResultRequest;
using ::minyi::voting::v1::AttachSupervisionGroupRequest;
using ::minyi::voting::v1::BALLOT_FORM_UNSPECIFIED;
using ::minyi::voting::v1::Ballot;
using ::minyi::voting::v1::BallotCast;
using ::minyi::voting::v1::BallotForm_IsValid;
using ::minyi::voting::v1::BallotReceipt;
using ::minyi::voting::v1::Bulletin;
using ::minyi::voting::v1::BulletinEntry;
using ::minyi::voting::v1::CandidateResult;
using ::minyi::voting::v1::CastBallotRequest;
using ::minyi::voting::v1::CheckInRequest;
using ::minyi::voting::v1::CheckInResponse;
using ::minyi::voting::v1::CloseVoteRequest;
using ::minyi::voting::v1::CreateProjectRequest;
using ::minyi::voting::v1::CreateRunoffRequest;
using ::minyi::voting::v1::CreateVoteRequest;
using ::minyi::voting::v1::EXCLUSION_REASON_OTHER;
using ::minyi::voting::v1::EXCLUSION_REASON_UNSPECIFIED;
using ::minyi::voting::v1::ExclusionReason_IsValid;
using ::minyi::voting::v1::ExclusionReason_Name;
using ::minyi::voting::v1::GetBulletinRequest;
using ::minyi::voting::v1::GetProjectRequest;
using ::minyi::voting::v1::GetResultRequest;
using ::minyi::voting::v1::GetSatisfactionRequest;
using ::minyi::voting::v1::GetTurnoutRequest;
using ::minyi::voting::v1::GetVoteRequest;
using ::minyi::voting::v1::ListProgressRequest;
using ::minyi::voting::v1::ListProgressResponse;
using ::minyi::voting::v1::ListProjectsRequest;
using ::minyi::voting::v1::ListProjectsResponse;
using ::minyi::voting::v1::ListVotesRequest;
using ::minyi::voting::v1::ListVotesResponse;
using ::minyi::voting::v1::NOMINATION_SOURCE_CITIZEN;
using ::minyi::voting::v1::NOMINATION_SOURCE_DEPARTMENT;
using ::minyi::voting::v1::NOMINATION_SOURCE_DEPUTY;
using ::minyi::voting::v1::NOMINATION_SOURCE_UNSPECIFIED;
using ::minyi::voting::v1::NominationSource_IsValid;
using ::minyi::voting::v1::NominationSource_Name;
using ::minyi::voting::v1::OpenSatisfactionRoundRequest;
using ::minyi::voting::v1::OpenVoteRequest;
using ::minyi::voting::v1::PROJECT_STATE_CANDIDATE;
using ::minyi::voting::v1::PROJECT_STATE_CHOSEN;
using ::minyi::voting::v1::PROJECT_STATE_COMPLETED;
using ::minyi::voting::v1::PROJECT_STATE_EXCLUDED;
using ::minyi::voting::v1::PROJECT_STATE_NOMINATED;
using ::minyi::voting::v1::PROJECT_STATE_UNSPECIFIED;
using ::minyi::voting::v1::PostProgressRequest;
using ::minyi::voting::v1::ProgressReport;
using ::minyi::voting::v1::Project;
using ::minyi::voting::v1::ProjectProgressPosted;
using ::minyi::voting::v1::ProjectState;
using ::minyi::voting::v1::ProjectState_IsValid;
using ::minyi::voting::v1::ProjectState_Name;
using ::minyi::voting::v1::ProjectState_descriptor;
using ::minyi::voting::v1::RATING_UNSPECIFIED;
using ::minyi::voting::v1::RateProjectRequest;
using ::minyi::voting::v1::Rating_IsValid;
using ::minyi::voting::v1::Satisfaction;
using ::minyi::voting::v1::SatisfactionRoundOpened;
using ::minyi::voting::v1::ScreenProjectRequest;
using ::minyi::voting::v1::Turnout;
using ::minyi::voting::v1::VOTE_STATE_ANNOUNCED;
using ::minyi::voting::v1::VOTE_STATE_CLOSED;
using ::minyi::voting::v1::VOTE_STATE_DRAFT;
using ::minyi::voting::v1::VOTE_STATE_OPEN;
using ::minyi::voting::v1::Vote;
using ::minyi::voting::v1::VoteAnnounced;
using ::minyi::voting::v1::VoteClosed;
using ::minyi::voting::v1::VoteOpened;
using ::minyi::voting::v1::VoteResult;
using ::minyi::voting::v1::VoteState;
using ::minyi::voting::v1::VoteState_descriptor;

constexpr char kProjects[] = "projects/";
constexpr char kVotes[] = "votes/";
constexpr char kDeputies[] = "deputies/";
constexpr char kAccounts[] = "accounts/";
constexpr char kSupervisionGroups[] = "supervisionGroups/";
constexpr int kMaxElectorate = 5000;
constexpr int kMaxCandidates = 100;
constexpr int kMaxPhotos = 20;
constexpr int kMaxRaters = 1000;

absl::StatusOr<Caller> RequireOffice(const Authorizer& authorizer, const Call& call) {
  return authorizer.Require(call, {minyi::common::v1::ROLE_ADMIN, minyi::common::v1::ROLE_STAFF});
}

// Between closing and announcement a vote's outcome (result, bulletin, the projects it chose) is read by
// office staff and leaders only; from announcement by everyone signed in (docs/voting.md, "Announcement").
bool SeesUnannounced(const Caller& caller) {
  return HasRole(caller, {minyi::common::v1::ROLE_ADMIN, minyi::common::v1::ROLE_STAFF,
                          minyi::common::v1::ROLE_LEADER});
}

ProjectView ProjectViewOf(const Caller& caller) {
  return SeesUnannounced(caller) ? ProjectView::kFull : ProjectView::kBeforeAnnouncement;
}

// A "name" field that may end in a fixed suffix ("votes/3/result").
absl::StatusOr<int64_t> ParseWithSuffix(absl::string_view name, absl::string_view collection,
                                        absl::string_view suffix, absl::string_view field) {
  if (!absl::EndsWith(name, suffix)) {
    return InvalidField(field, absl::StrCat("须形如 ", collection, "{id}", suffix));
  }
  name.remove_suffix(suffix.size());
  return ParseResourceId(name, collection, field);
}

// Distinct, canonical resource names, each checked; the error names the offending element.
absl::Status CheckNames(const google::protobuf::RepeatedPtrField<std::string>& names, absl::string_view collection,
                        absl::string_view field, int min, int max) {
  if (names.size() < min || names.size() > max) {
    return InvalidField(field, absl::StrCat("须有 ", min, "-", max, " 项"));
  }
  std::set<std::string> seen;
  for (int i = 0; i < names.size(); ++i) {
    const std::string element = absl::StrCat(field, "[", i, "]");
    if (absl::Status st = ParseResourceId(names[i], collection, element).status(); !st.ok()) {
      return st;
    }
    if (!seen.insert(names[i]).second) {
      return InvalidField(element, absl::StrCat(names[i], " 重复"));
    }
  }
  return absl::OkStatus();
}

absl::Status StateError(absl::string_view reason, absl::string_view what, const google::protobuf::EnumValueDescriptor* state) {
  return FailedPrecondition(reason, absl::StrCat(what, "（当前状态：", state->name(), "）"));
}

absl::Status WrongState(absl::string_view what, ProjectState state) {
  return StateError("PROJECT_STATE", what, ProjectState_descriptor()->FindValueByNumber(state));
}

absl::Status WrongState(absl::string_view what, VoteState state) {
  return StateError("VOTE_STATE", what, VoteState_descriptor()->FindValueByNumber(state));
}

// The project or vote a change applies to, as loaded: NOT_FOUND under `name` when there is none,
// FAILED_PRECONDITION saying `what` unless its state is one of `states`.
template <typename Row, typename State>
absl::StatusOr<Row> InState(std::optional<Row> row, const std::string& name, std::initializer_list<State> states,
                            absl::string_view what) {
  if (!row.has_value()) {
    return NotFoundError(name);
  }
  if (std::find(states.begin(), states.end(), row->state()) == states.end()) {
    return WrongState(what, row->state());
  }
  return *std::move(row);
}

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

nlohmann::json JsonList(const google::protobuf::RepeatedPtrField<std::string>& values) {
  return nlohmann::json(std::vector<std::string>(values.begin(), values.end()));
}

// The nomination's source as the caller's role fixes it: a citizen, deputy or department nominates as
// what they are; office staff record nominations from any party (a town's, a station's).
absl::Status ApplyNominator(const Caller& caller, Project* project) {
  switch (caller.role()) {
    case minyi::common::v1::ROLE_CITIZEN:
      project->set_source(NOMINATION_SOURCE_CITIZEN);
      project->set_nominator(absl::StrCat(kAccounts, caller.account_id()));
      return absl::OkStatus();
    case minyi::common::v1::ROLE_DEPUTY:
      project->set_source(NOMINATION_SOURCE_DEPUTY);
      project->set_nominator(caller.deputy());
      return absl::OkStatus();
    case minyi::common::v1::ROLE_DEPARTMENT:
      project->set_source(NOMINATION_SOURCE_DEPARTMENT);
      project->set_nominator(caller.department());
      return absl::OkStatus();
    default:
      if (project->source() == NOMINATION_SOURCE_UNSPECIFIED || !NominationSource_IsValid(project->source())) {
        return InvalidField("project.source", "须注明提名来源（群众、代表/联络站、部门、镇街）");
      }
      return CheckText("project.nominator", project->nominator(), 0, 64);
  }
}

// A ballot as the bulletin will show it, sealed into the box.
struct PreparedBallot {
  BulletinEntry entry;
  std::string receipt_check;
};

absl::StatusOr<PreparedBallot> PrepareBallot(const VoteRules& rules, const std::string& vote, const Ballot& ballot) {
  absl::StatusOr<Marks> marks = ReadBallot(rules, ballot.content());
  if (!marks.ok()) {
    return marks.status();
  }
  const std::string canonical = CanonicalContent(rules, *marks);
  PreparedBallot out;
  out.entry.set_tracker(Tracker(vote, canonical, ballot.nonce()));
  *out.entry.mutable_content() = PublishedContent(rules, *marks);
  out.receipt_check = ReceiptCheck(vote, canonical, ballot.nonce());
  return out;
}

// Boxes go into the table in a uniformly random order (Fisher-Yates on the system's CSPRNG), so that their
// physical order (ctid) follows nothing.
void Shuffle(std::vector<std::string>& boxes) {
  for (std::size_t i = boxes.size(); i > 1; --i) {
    std::swap(boxes[i - 1], boxes[randombytes_uniform(static_cast<uint32_t>(i))]);
  }
}

}  // namespace

VotingService::VotingService(PgPool& pool, const Authorizer& authorizer, BallotSealer sealer,
                             std::shared_ptr<grpc::ChannelInterface> deputies, ServiceCredentials& credentials)
    : pool_(pool),
      authorizer_(authorizer),
      sealer_(std::move(sealer)),
      deputies_(minyi::deputies::v1::Deputies::NewStub(std::move(deputies))),
      credentials_(credentials),
      cast_batcher_(
          64, 2, [this](Batcher<CastRequest>::Batch& batch) { CastBatch(batch); },
          [](std::function<void()> task) { CallWorkers().Submit(std::move(task)); }) {}

VoteRules VotingService::Rules(pqxx::transaction_base& tx, int64_t vote_id) {
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

absl::Status VotingService::CheckElectorate(const google::protobuf::RepeatedPtrField<std::string>& electorate) {
  minyi::deputies::v1::BatchGetDeputyStatusesRequest request;
  *request.mutable_names() = electorate;
  minyi::deputies::v1::BatchGetDeputyStatusesResponse response;
  if (grpc::Status st = deputies_->BatchGetDeputyStatuses(credentials_.Context("deputies").get(), request, &response); !st.ok()) {
    return FromGrpc(st, "deputies BatchGetDeputyStatuses");
  }
  std::map<std::string, minyi::deputies::v1::DeputyStatus> status;
  for (const minyi::deputies::v1::DeputyStatusEntry& d : response.deputies()) {
    status.emplace(d.name(), d.status());
  }
  std::vector<std::string> unknown;
  std::vector<std::string> not_serving;
  for (const std::string& d : electorate) {
    auto it = status.find(d);
    if (it == status.end()) {
      unknown.push_back(d);
    } else if (it->second != minyi::deputies::v1::DEPUTY_STATUS_SERVING) {
      not_serving.push_back(d);
    }
  }
  std::vector<std::string> problems;
  if (!unknown.empty()) {
    problems.push_back(absl::StrCat("代表名册中没有 ", absl::StrJoin(unknown, "、")));
  }
  if (!not_serving.empty()) {
    problems.push_back(absl::StrCat(absl::StrJoin(not_serving, "、"), " 不是在任代表"));
  }
  return problems.empty() ? absl::OkStatus() : InvalidField("vote.electorate", absl::StrJoin(problems, "；"));
}

// ---- Projects ----

absl::Status VotingService::DoCreateProject(const Call& call, const CreateProjectRequest& request,
                                            Project* response) {
  absl::StatusOr<Caller> caller = authorizer_.Authenticate(call);
  if (!caller.ok()) {
    return caller.status();
  }
  Project project = request.project();
  if (absl::Status st = ApplyNominator(*caller, &project); !st.ok()) {
    return st;
  }
  for (const auto& [field, value, min, max] :
       {std::tuple<const char*, const std::string&, int, int>{"project.title", project.title(), 1, 64},
        {"project.description", project.description(), 0, 2000},
        {"project.department", project.department(), 1, 32}}) {
    if (absl::Status st = CheckText(field, value, min, max); !st.ok()) {
      return st;
    }
  }
  return RunIdempotent(pool_, call, *caller, "voting.CreateProject", request, response,
                       [&](pqxx::work& tx) -> absl::Status {
                         const int64_t id = InsertProject(tx, project, caller->account_id());
                         const std::string name = ResourceName(kProjects, id);
                         AppendAudit(tx, {.actor = caller->account_id(),
                                          .action = "CreateProject",
                                          .resource = name,
                                          .request_id = call.request_id,
                                          .detail = {{"source", NominationSource_Name(project.source())}}});
                         *response = *LoadProject(tx, id);
                         return absl::OkStatus();
                       });
}

absl::Status VotingService::DoGetProject(const Call& call, const GetProjectRequest& request,
                                         Project* response) {
  absl::StatusOr<Target> target =
      ResolveTarget(authorizer_.Authenticate(call), ParseResourceId(request.name(), kProjects, "name"));
  if (!target.ok()) {
    return target.status();
  }
  const auto& [caller, id] = *target;
  return pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    std::optional<Project> project = LoadProject(tx, id, /*for_update=*/false, ProjectViewOf(caller));
    if (!project.has_value()) {
      return NotFoundError(request.name());
    }
    *response = *std::move(project);
    return absl::OkStatus();
  });
}

absl::Status VotingService::DoListProjects(const Call& call, const ListProjectsRequest& request,
                                           ListProjectsResponse* response) {
  absl::StatusOr<Caller> caller = authorizer_.Authenticate(call);
  if (!caller.ok()) {
    return caller.status();
  }
  if (!ProjectState_IsValid(request.state())) {
    return InvalidField("state", "未知的项目状态");
  }
  const std::string state = request.state() == PROJECT_STATE_UNSPECIFIED ? "" : ProjectState_Name(request.state());
  absl::StatusOr<PageRequest> page = ReadPageRequest(request.page_size(), request.page_token(), {"projects", state});
  if (!page.ok()) {
    return page.status();
  }
  return pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    std::vector<Project> rows = SelectProjects(tx, page->after_id, page->size + 1, state, ProjectViewOf(*caller));
    response->set_next_page_token(TrimToPage(rows, page->size, page->fingerprint, [](const Project& p) {
      return *ParseResourceId(p.name(), kProjects, "name");
    }));
    for (Project& p : rows) {
      *response->add_projects() = std::move(p);
    }
    return absl::OkStatus();
  });
}

absl::Status VotingService::DoScreenProject(const Call& call, const ScreenProjectRequest& request,
                                            Project* response) {
  absl::StatusOr<Target> target =
      ResolveTarget(RequireOffice(authorizer_, call), ParseResourceId(request.name(), kProjects, "name"));
  if (!target.ok()) {
    return target.status();
  }
  const auto& [caller, id] = *target;
  if (!request.admit() && (request.exclusion_reason() == EXCLUSION_REASON_UNSPECIFIED ||
                           !ExclusionReason_IsValid(request.exclusion_reason()))) {
    return InvalidField("exclusion_reason", "不纳入时须注明理由（三个不纳入或其他）");
  }
  if (request.admit() && request.exclusion_reason() != EXCLUSION_REASON_UNSPECIFIED) {
    return InvalidField("exclusion_reason", "纳入候选时不得填写不纳入理由");
  }
  const int min_note = request.exclusion_reason() == EXCLUSION_REASON_OTHER ? 1 : 0;
  if (absl::Status st = CheckText("note", request.note(), min_note, 500); !st.ok()) {
    return st;
  }
  if (absl::Status st = CheckText("department_opinion.opinion", request.department_opinion().opinion(), 0, 500);
      !st.ok()) {
    return st;
  }
  if (request.department_opinion().budget_yuan() < 0) {
    return InvalidField("department_opinion.budget_yuan", "不得为负");
  }
  return RunIdempotent(
      pool_, call, caller, "voting.ScreenProject", request, response, [&](pqxx::work& tx) -> absl::Status {
        absl::StatusOr<Project> project = InState(
            LoadProject(tx, id, /*for_update=*/true), request.name(),
            {PROJECT_STATE_NOMINATED, PROJECT_STATE_CANDIDATE, PROJECT_STATE_EXCLUDED}, "只有未票决的项目可以筛选");
        if (!project.ok()) {
          return project.status();
        }
        ScreenProjectRow(tx, id, request);
        AppendAudit(tx, {.actor = caller.account_id(),
                         .action = "ScreenProject",
                         .resource = request.name(),
                         .request_id = call.request_id,
                         .detail = {{"admit", request.admit()},
                                    {"exclusion_reason", ExclusionReason_Name(request.exclusion_reason())}}});
        *response = *LoadProject(tx, id);
        return absl::OkStatus();
      });
}

absl::Status VotingService::DoAttachSupervisionGroup(const Call& call,
                                                     const AttachSupervisionGroupRequest& request, Project* response) {
  absl::StatusOr<Target> target =
      ResolveTarget(RequireOffice(authorizer_, call), ParseResourceId(request.name(), kProjects, "name"));
  if (!target.ok()) {
    return target.status();
  }
  const auto& [caller, id] = *target;
  if (absl::Status st = ParseResourceId(request.supervision_group(), kSupervisionGroups, "supervision_group").status();
      !st.ok()) {
    return st;
  }
  // The group and its members are the deputies service's; the project keeps the members as they are now.
  minyi::deputies::v1::GetSupervisionGroupRequest get_group;
  get_group.set_name(request.supervision_group());
  minyi::deputies::v1::SupervisionGroup group;
  if (grpc::Status st = deputies_->GetSupervisionGroup(credentials_.Context("deputies").get(), get_group, &group); !st.ok()) {
    return st.error_code() == grpc::StatusCode::NOT_FOUND
               ? InvalidField("supervision_group", absl::StrCat(request.supervision_group(), " does not exist"))
               : FromGrpc(st, "deputies GetSupervisionGroup");
  }
  const std::vector<std::string> members(group.members().begin(), group.members().end());
  return RunIdempotent(
      pool_, call, caller, "voting.AttachSupervisionGroup", request, response, [&](pqxx::work& tx) -> absl::Status {
        absl::StatusOr<Project> project =
            InState(LoadProject(tx, id, /*for_update=*/true), request.name(),
                    {PROJECT_STATE_CHOSEN, PROJECT_STATE_COMPLETED}, "只有票决选定的项目可以配置监督小组");
        if (!project.ok()) {
          return project.status();
        }
        SetSupervision(tx, id, request.supervision_group(), members);
        AppendAudit(tx, {.actor = caller.account_id(),
                         .action = "AttachSupervisionGroup",
                         .resource = request.name(),
                         .request_id = call.request_id,
                         .detail = {{"supervision_group", request.supervision_group()},
                                    {"members", JsonList(group.members())}}});
        *response = *LoadProject(tx, id);
        return absl::OkStatus();
      });
}

absl::Status VotingService::DoPostProgress(const Call& call, const PostProgressRequest& request,
                                           ProgressReport* response) {
  absl::StatusOr<Target> target = ResolveTarget(authorizer_.Require(call, {minyi::common::v1::ROLE_DEPARTMENT}),
                                                ParseResourceId(request.parent(), kProjects, "parent"));
  if (!target.ok()) {
    return target.status();
  }
  const auto& [caller, id] = *target;
  const ProgressReport& report = request.report();
  if (report.percent() < 0 || report.percent() > 100) {
    return InvalidField("report.percent", "须在 0-100 之间");
  }
  if (absl::Status st = CheckText("report.milestone", report.milestone(), 1, 200); !st.ok()) {
    return st;
  }
  if (absl::Status st = CheckText("report.problems", report.problems(), 0, 1000); !st.ok()) {
    return st;
  }
  if (report.photos_size() > kMaxPhotos) {
    return InvalidField("report.photos", absl::StrCat("最多 ", kMaxPhotos, " 张"));
  }
  for (int i = 0; i < report.photos_size(); ++i) {
    if (absl::Status st = CheckText(absl::StrCat("report.photos[", i, "]"), report.photos(i), 1, 500); !st.ok()) {
      return st;
    }
  }
  return RunIdempotent(
      pool_, call, caller, "voting.PostProgress", request, response, [&](pqxx::work& tx) -> absl::Status {
        // A department is not told its project was chosen before the vote is announced.
        std::optional<Project> project = LoadProject(tx, id, /*for_update=*/true, ProjectViewOf(caller));
        if (!project.has_value()) {
          return NotFoundError(request.parent());
        }
        if (caller.department().empty() || project->department() != caller.department()) {
          return PermissionDenied("只有项目的责任部门可以报送进度");
        }
        if (project->state() != PROJECT_STATE_CHOSEN) {
          return WrongState("只有实施中的项目可以报送进度", project->state());
        }
        if (report.percent() < project->percent_complete()) {
          return InvalidField("report.percent", absl::StrCat("不得低于上次报送的 ", project->percent_complete(), "%"));
        }
        *response = InsertProgress(tx, id, report, caller.account_id(), caller.department());
        if (report.percent() == 100) {
          SetProjectState(tx, id, PROJECT_STATE_COMPLETED);
        }
        ProjectProgressPosted event;
        event.set_reference(request.parent());
        event.set_title(project->title());
        event.set_department(project->department());
        event.set_percent(report.percent());
        *event.mutable_deputies() = project->supervision_members();
        EmitEvent(tx, event, request.parent(), caller.account_id());
        AppendAudit(tx, {.actor = caller.account_id(),
                         .action = "PostProgress",
                         .resource = response->name(),
                         .request_id = call.request_id,
                         .detail = {{"percent", report.percent()}}});
        return absl::OkStatus();
      });
}

absl::Status VotingService::DoListProgress(const Call& call, const ListProgressRequest& request,
                                           ListProgressResponse* response) {
  absl::StatusOr<Target> target =
      ResolveTarget(authorizer_.Authenticate(call), ParseResourceId(request.parent(), kProjects, "parent"));
  if (!target.ok()) {
    return target.status();
  }
  const int64_t id = target->id;
  return pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    if (!LoadProject(tx, id).has_value()) {
      return NotFoundError(request.parent());
    }
    for (ProgressReport& r : SelectProgress(tx, id)) {
      *response->add_reports() = std::move(r);
    }
    return absl::OkStatus();
  });
}

absl::Status VotingService::DoOpenSatisfactionRound(const Call& call,
                                                    const OpenSatisfactionRoundRequest& request,
                                                    Satisfaction* response) {
  absl::StatusOr<Target> target =
      ResolveTarget(RequireOffice(authorizer_, call), ParseResourceId(request.name(), kProjects, "name"));
  if (!target.ok()) {
    return target.status();
  }
  const auto& [caller, id] = *target;
  if (request.deputies_size() + request.accounts_size() == 0) {
    return InvalidField("deputies", "须邀请至少一位代表或群众代表参加测评");
  }
  if (absl::Status st = CheckNames(request.deputies(), kDeputies, "deputies", 0, kMaxRaters); !st.ok()) {
    return st;
  }
  if (absl::Status st = CheckNames(request.accounts(), kAccounts, "accounts", 0, kMaxRaters); !st.ok()) {
    return st;
  }
  return RunIdempotent(
      pool_, call, caller, "voting.OpenSatisfactionRound", request, response, [&](pqxx::work& tx) -> absl::Status {
        absl::StatusOr<Project> project = InState(LoadProject(tx, id, /*for_update=*/true), request.name(),
                                                  {PROJECT_STATE_COMPLETED}, "只有已完成的项目可以开展满意度测评");
        if (!project.ok()) {
          return project.status();
        }
        if (RoundOpen(tx, id)) {
          return FailedPrecondition("ROUND_ALREADY_OPEN", "该项目的满意度测评已经开始");
        }
        for (const std::string& d : request.deputies()) {
          InviteRater(tx, id, d);
        }
        for (const std::string& a : request.accounts()) {
          InviteRater(tx, id, a);
        }
        SatisfactionRoundOpened event;
        event.set_reference(request.name());
        event.set_title(project->title());
        *event.mutable_deputies() = request.deputies();
        *event.mutable_accounts() = request.accounts();
        EmitEvent(tx, event, request.name(), caller.account_id());
        AppendAudit(tx, {.actor = caller.account_id(),
                         .action = "OpenSatisfactionRound",
                         .resource = request.name(),
                         .request_id = call.request_id,
                         .detail = {{"raters", request.deputies_size() + request.accounts_size()}}});
        *response = CountSatisfaction(tx, id);
        return absl::OkStatus();
      });
}

absl::Status VotingService::DoRateProject(const Call& call, const RateProjectRequest& request,
                                          Satisfaction* response) {
  absl::StatusOr<Target> target =
      ResolveTarget(authorizer_.Authenticate(call), ParseResourceId(request.name(), kProjects, "name"));
  if (!target.ok()) {
    return target.status();
  }
  const auto& [caller, id] = *target;
  if (request.rating() == RATING_UNSPECIFIED || !Rating_IsValid(request.rating())) {
    return InvalidField("rating", "须选择满意、基本满意或不满意");
  }
  // The rater is who the token says: a deputy as their deputy, anyone else as their account.
  const std::string rater =
      caller.role() == minyi::common::v1::ROLE_DEPUTY ? caller.deputy() : absl::StrCat(kAccounts, caller.account_id());
  return RunIdempotent(pool_, call, caller, "voting.RateProject", request, response,
                       [&](pqxx::work& tx) -> absl::Status {
                         if (!LoadProject(tx, id).has_value()) {
                           return NotFoundError(request.name());
                         }
                         switch (RateOnce(tx, id, rater, request.rating())) {
                           case RateOutcome::kNotInvited:
                             return PermissionDenied("你不在该项目满意度测评的名单中");
                           case RateOutcome::kAlreadyRated:
                             return FailedPrecondition("ALREADY_RATED", "你已经评价过该项目");
                           case RateOutcome::kRated:
                             break;
                         }
                         AppendAudit(tx, {.actor = caller.account_id(),
                                          .action = "RateProject",
                                          .resource = request.name(),
                                          .request_id = call.request_id});
                         *response = CountSatisfaction(tx, id);
                         return absl::OkStatus();
                       });
}

absl::Status VotingService::DoGetSatisfaction(const Call& call, const GetSatisfactionRequest& request,
                                              Satisfaction* response) {
  absl::StatusOr<Target> target =
      ResolveTarget(authorizer_.Authenticate(call), ParseWithSuffix(request.name(), kProjects, "/satisfaction", "name"));
  if (!target.ok()) {
    return target.status();
  }
  const int64_t id = target->id;
  return pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    if (!LoadProject(tx, id).has_value()) {
      return NotFoundError(ResourceName(kProjects, id));
    }
    *response = CountSatisfaction(tx, id);
    return absl::OkStatus();
  });
}

// ---- Votes ----

absl::Status VotingService::DoCreateVote(const Call& call, const CreateVoteRequest& request,
                                         Vote* response) {
  absl::StatusOr<Caller> caller = RequireOffice(authorizer_, call);
  if (!caller.ok()) {
    return caller.status();
  }
  Vote vote = request.vote();
  if (absl::Status st = CheckText("vote.title", vote.title(), 1, 64); !st.ok()) {
    return st;
  }
  if (vote.form() == BALLOT_FORM_UNSPECIFIED || !BallotForm_IsValid(vote.form())) {
    return InvalidField("vote.form", "须选择限额赞成票或逐项表决票");
  }
  if (vote.slots() < 1) {
    return InvalidField("vote.slots", "拟选项目数至少为 1");
  }
  if (absl::Status st = CheckNames(vote.candidates(), kProjects, "vote.candidates", 2, kMaxCandidates); !st.ok()) {
    return st;
  }
  if (vote.candidates_size() <= vote.slots()) {
    return InvalidField("vote.candidates",
                        absl::StrCat("差额票决：候选项目数（", vote.candidates_size(), "）须多于拟选项目数（",
                                     vote.slots(), "）"));
  }
  if (vote.max_approvals() == 0) {
    vote.set_max_approvals(vote.slots());
  }
  if (vote.max_approvals() < 1 || vote.max_approvals() > vote.candidates_size()) {
    return InvalidField("vote.max_approvals", "须在 1 与候选项目数之间");
  }
  if (absl::Status st = CheckNames(vote.electorate(), kDeputies, "vote.electorate", 1, kMaxElectorate); !st.ok()) {
    return st;
  }
  if (absl::Status st = CheckElectorate(vote.electorate()); !st.ok()) {
    return st;
  }
  return RunIdempotent(pool_, call, *caller, "voting.CreateVote", request, response,
                       [&](pqxx::work& tx) -> absl::Status {
                         for (int i = 0; i < vote.candidates_size(); ++i) {
                           std::optional<Project> p =
                               LoadProject(tx, *ParseResourceId(vote.candidates(i), kProjects, "vote.candidates"));
                           if (!p.has_value() || p->state() != PROJECT_STATE_CANDIDATE) {
                             return InvalidField(absl::StrCat("vote.candidates[", i, "]"),
                                                 absl::StrCat(vote.candidates(i), " 不是经筛选纳入的候选项目"));
                           }
                         }
                         const int64_t id = InsertVote(tx, vote, caller->account_id(), 0);
                         for (int i = 0; i < vote.candidates_size(); ++i) {
                           InsertCandidate(tx, id, i, *ParseResourceId(vote.candidates(i), kProjects, "vote.candidates"));
                         }
                         for (const std::string& d : vote.electorate()) {
                           InsertElector(tx, id, d);
                         }
                         const std::string name = ResourceName(kVotes, id);
                         AppendAudit(tx, {.actor = caller->account_id(),
                                          .action = "CreateVote",
                                          .resource = name,
                                          .request_id = call.request_id,
                                          .detail = {{"candidates", JsonList(vote.candidates())},
                                                     {"slots", vote.slots()},
                                                     {"electorate", vote.electorate_size()}}});
                         *response = *LoadVote(tx, id);
                         return absl::OkStatus();
                       });
}

absl::Status VotingService::DoGetVote(const Call& call, const GetVoteRequest& request, Vote* response) {
  absl::StatusOr<Target> target =
      ResolveTarget(authorizer_.Authenticate(call), ParseResourceId(request.name(), kVotes, "name"));
  if (!target.ok()) {
    return target.status();
  }
  const int64_t id = target->id;
  return pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    std::optional<Vote> vote = LoadVote(tx, id);
    if (!vote.has_value()) {
      return NotFoundError(request.name());
    }
    *response = *std::move(vote);
    return absl::OkStatus();
  });
}

absl::Status VotingService::DoListVotes(const Call& call, const ListVotesRequest& request,
                                        ListVotesResponse* response) {
  if (absl::Status st = authorizer_.Authenticate(call).status(); !st.ok()) {
    return st;
  }
  absl::StatusOr<PageRequest> page = ReadPageRequest(request.page_size(), request.page_token(), {"votes"});
  if (!page.ok()) {
    return page.status();
  }
  return pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    std::vector<int64_t> ids = SelectVoteIds(tx, page->after_id, page->size + 1);
    response->set_next_page_token(TrimToPage(ids, page->size, page->fingerprint, [](int64_t id) { return id; }));
    for (int64_t id : ids) {
      if (std::optional<Vote> vote = LoadVote(tx, id); vote.has_value()) {
        *response->add_votes() = *std::move(vote);
      }
    }
    return absl::OkStatus();
  });
}

absl::Status VotingService::DoOpenVote(const Call& call, const OpenVoteRequest& request, Vote* response) {
  absl::StatusOr<Target> target =
      ResolveTarget(RequireOffice(authorizer_, call), ParseResourceId(request.name(), kVotes, "name"));
  if (!target.ok()) {
    return target.status();
  }
  const auto& [caller, id] = *target;
  return RunIdempotent(pool_, call, caller, "voting.OpenVote", request, response, [&](pqxx::work& tx) -> absl::Status {
    absl::StatusOr<Vote> vote = InState(LoadVote(tx, id, /*for_update=*/true), request.name(), {VOTE_STATE_DRAFT},
                                        "只有草稿状态的票决可以开始");
    if (!vote.ok()) {
      return vote.status();
    }
    SetVoteState(tx, id, VOTE_STATE_OPEN);
    VoteOpened event;
    event.set_reference(request.name());
    event.set_title(vote->title());
    *event.mutable_deputies() = vote->electorate();
    event.set_slots(vote->slots());
    EmitEvent(tx, event, request.name(), caller.account_id());
    AppendAudit(
        tx,
        {.actor = caller.account_id(), .action = "OpenVote", .resource = request.name(), .request_id = call.request_id});
    *response = *LoadVote(tx, id);
    return absl::OkStatus();
  });
}

absl::Status VotingService::DoCheckIn(const Call& call, const CheckInRequest& request,
                                      CheckInResponse* response) {
  absl::StatusOr<Target> target = ResolveTarget(authorizer_.Require(call, {minyi::common::v1::ROLE_DEPUTY}),
                                                ParseResourceId(request.name(), kVotes, "name"));
  if (!target.ok()) {
    return target.status();
  }
  const auto& [caller, id] = *target;
  return RunIdempotent(pool_, call, caller, "voting.CheckIn", request, response, [&](pqxx::work& tx) -> absl::Status {
    std::optional<VoteState> state = LoadVoteState(tx, id);
    if (!state.has_value()) {
      return NotFoundError(request.name());
    }
    if (*state != VOTE_STATE_OPEN) {
      return WrongState("只能在票决进行中签到", *state);
    }
    if (!MarkCheckedIn(tx, id, caller.deputy())) {
      return PermissionDenied("你不在本次票决的代表名单中");
    }
    AppendAudit(
        tx,
        {.actor = caller.account_id(), .action = "CheckIn", .resource = request.name(), .request_id = call.request_id});
    response->set_vote(request.name());
    response->set_deputy(caller.deputy());
    return absl::OkStatus();
  });
}

absl::Status VotingService::DoGetTurnout(const Call& call, const GetTurnoutRequest& request,
                                         Turnout* response) {
  absl::StatusOr<Target> target =
      ResolveTarget(authorizer_.Authenticate(call), ParseWithSuffix(request.name(), kVotes, "/turnout", "name"));
  if (!target.ok()) {
    return target.status();
  }
  const int64_t id = target->id;
  return pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    if (!LoadVoteState(tx, id).has_value()) {
      return NotFoundError(ResourceName(kVotes, id));
    }
    *response = CountTurnout(tx, id);
    return absl::OkStatus();
  });
}

// One CastBallot call, from its arrival until the batch that writes it finishes the call.
struct VotingService::CastRequest {
  grpc::CallbackServerContext* ctx = nullptr;
  Call call;
  const CastBallotRequest* request = nullptr;
  BallotReceipt* response = nullptr;
  grpc::ServerUnaryReactor* reactor = nullptr;
  // Filled while the batch runs.
  int64_t vote_id = 0;
  Caller caller;
  absl::Status status = absl::OkStatus();
  std::string tracker = "";
  std::string today = "";
  std::string receipt_check = "";
  std::string box = "";
};

// Here, where CastRequest is complete: the batcher's queue holds them.
VotingService::~VotingService() = default;

grpc::ServerUnaryReactor* VotingService::SubmitCast(grpc::CallbackServerContext* ctx, const CastBallotRequest* request,
                                                    BallotReceipt* response) {
  auto cast = std::make_unique<CastRequest>();
  cast->ctx = ctx;
  cast->call = CallOf(*ctx);
  cast->request = request;
  cast->response = response;
  cast->reactor = ctx->DefaultReactor();
  grpc::ServerUnaryReactor* reactor = cast->reactor;
  cast_batcher_.Submit(std::move(cast));  // the call may be finished before this returns
  return reactor;
}

// What is judged before the database: the call is still wanted, the caller is a deputy, the vote's name
// and the nonce are well-formed.
absl::Status VotingService::AdmitCast(CastRequest& cast) {
  if (cast.ctx->IsCancelled()) {
    return absl::CancelledError("the client gave up");
  }
  absl::StatusOr<Target> target = ResolveTarget(authorizer_.Require(cast.call, {minyi::common::v1::ROLE_DEPUTY}),
                                                ParseResourceId(cast.request->parent(), kVotes, "parent"));
  if (!target.ok()) {
    return target.status();
  }
  cast.caller = std::move(target->caller);
  cast.vote_id = target->id;
  return CheckNonce(cast.request->ballot().nonce());
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
void VotingService::CastBatch(Batcher<CastRequest>::Batch& batch) {
  std::map<int64_t, std::vector<CastRequest*>> by_vote;
  for (const std::unique_ptr<CastRequest>& c : batch) {
    c->status = AdmitCast(*c);
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
    c->reactor->Finish(ToGrpc(c->status));
  }
}

bool VotingService::CastInVote(pqxx::work& tx, int64_t id, const std::vector<CastRequest*>& casts) {
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
    c->status = absl::OkStatus();  // the transaction may be a retry
    auto it = contexts.find(c->caller.deputy());
    if (it == contexts.end()) {
      c->status = NotFoundError(c->request->parent());
      continue;
    }
    const CastContext& context = it->second;
    if (context.state != VOTE_STATE_OPEN) {
      c->status = WrongState("票决未开始或已结束，不能投票", context.state);
    } else if (!context.elector) {
      c->status = PermissionDenied("你不在本次票决的代表名单中");
    } else if (!context.checked_in) {
      c->status = FailedPrecondition("NOT_CHECKED_IN", "请先签到再领取选票");
    }
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
    c->today = context.today;
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
        c->status = FailedPrecondition("ALREADY_VOTED", "你已经投过票，每位代表只能投一票");
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
    audits.push_back({.actor = c.caller.account_id(), .action = "CastBallot", .resource = c.request->parent(),
                      .request_id = c.call.request_id});
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
absl::Status VotingService::RemixDue() {
  if (!remixed_at_start_) {
    // A crash between a cast and its remix leaves boxes as they were cast.
    std::vector<int64_t> votes;
    if (absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) {
          votes = VotesWithSealedBallots(tx);
          return absl::OkStatus();
        });
        !st.ok()) {
      return st;
    }
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
absl::Status VotingService::Remix(int64_t id) {
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
      absl::StatusOr<std::string> box = sealer_.Seal(vote, *plain, longest);
      if (!box.ok()) {
        return box.status();
      }
      resealed.emplace(b.id, *std::move(box));
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

absl::Status VotingService::DoCloseVote(const Call& call, const CloseVoteRequest& request,
                                        Vote* response) {
  absl::StatusOr<Target> target =
      ResolveTarget(RequireOffice(authorizer_, call), ParseResourceId(request.name(), kVotes, "name"));
  if (!target.ok()) {
    return target.status();
  }
  const auto& [caller, id] = *target;
  return RunIdempotent(pool_, call, caller, "voting.CloseVote", request, response, [&](pqxx::work& tx) -> absl::Status {
    LockVoteExclusive(tx, id);  // waits for ballots in flight; none commits after this
    absl::StatusOr<Vote> vote =
        InState(LoadVote(tx, id, /*for_update=*/true), request.name(), {VOTE_STATE_OPEN}, "只有进行中的票决可以结束");
    if (!vote.ok()) {
      return vote.status();
    }
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
      return absl::DataLossError(absl::StrCat(request.name(), ": ", entries.size(), " ballots for ",
                                              turnout.ballots_cast(), " voters"));
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
    event.set_title(vote->title());
    *event.mutable_deputies() = vote->electorate();
    EmitEvent(tx, event, request.name(), caller.account_id());
    AppendAudit(tx, {.actor = caller.account_id(),
                     .action = "CloseVote",
                     .resource = request.name(),
                     .request_id = call.request_id,
                     .detail = {{"ballots", result.ballots_cast()},
                                {"quorum_met", result.quorum_met()},
                                {"chosen", chosen}}});
    *response = *LoadVote(tx, id);
    return absl::OkStatus();
  });
}

absl::Status VotingService::DoAnnounceResult(const Call& call, const AnnounceResultRequest& request,
                                             Vote* response) {
  absl::StatusOr<Target> target =
      ResolveTarget(RequireOffice(authorizer_, call), ParseResourceId(request.name(), kVotes, "name"));
  if (!target.ok()) {
    return target.status();
  }
  const auto& [caller, id] = *target;
  return RunIdempotent(pool_, call, caller, "voting.AnnounceResult", request, response,
                       [&](pqxx::work& tx) -> absl::Status {
                         absl::StatusOr<Vote> vote = InState(LoadVote(tx, id, /*for_update=*/true), request.name(),
                                                             {VOTE_STATE_CLOSED}, "只有已结束的票决可以公告");
                         if (!vote.ok()) {
                           return vote.status();
                         }
                         SetVoteState(tx, id, VOTE_STATE_ANNOUNCED);
                         const VoteResult result = *LoadResult(tx, id);
                         VoteAnnounced event;
                         event.set_reference(request.name());
                         event.set_title(vote->title());
                         *event.mutable_deputies() = vote->electorate();
                         event.set_quorum_met(result.quorum_met());
                         event.set_runoff_needed(result.runoff_needed());
                         for (const CandidateResult& c : result.candidates()) {
                           if (c.chosen()) {
                             event.add_chosen_projects(c.candidate());
                           }
                         }
                         EmitEvent(tx, event, request.name(), caller.account_id());
                         AppendAudit(tx, {.actor = caller.account_id(),
                                          .action = "AnnounceResult",
                                          .resource = request.name(),
                                          .request_id = call.request_id});
                         *response = *LoadVote(tx, id);
                         return absl::OkStatus();
                       });
}

absl::Status VotingService::DoCreateRunoff(const Call& call, const CreateRunoffRequest& request,
                                           Vote* response) {
  absl::StatusOr<Target> target =
      ResolveTarget(RequireOffice(authorizer_, call), ParseResourceId(request.name(), kVotes, "name"));
  if (!target.ok()) {
    return target.status();
  }
  const auto& [caller, id] = *target;
  if (absl::Status st = CheckText("title", request.title(), 0, 64); !st.ok()) {
    return st;
  }
  // The tie is part of the result: a run-off, which everyone sees, waits for the announcement. Its
  // electorate is the original's, checked again against the registry as for a new vote.
  const auto tie = [&](pqxx::transaction_base& tx, bool for_update) -> absl::StatusOr<std::pair<Vote, VoteResult>> {
    absl::StatusOr<Vote> original = InState(LoadVote(tx, id, for_update), request.name(), {VOTE_STATE_ANNOUNCED},
                                            "结果公告后才能安排重新票决");
    if (!original.ok()) {
      return original.status();
    }
    std::optional<VoteResult> result = LoadResult(tx, id);
    if (!result.has_value() || !result->runoff_needed()) {
      return FailedPrecondition("NO_TIE", "该票决没有需要重新票决的并列项目");
    }
    return std::make_pair(*std::move(original), *std::move(result));
  };
  absl::StatusOr<std::pair<Vote, VoteResult>> checked = absl::InternalError("not read");
  if (absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) {
        checked = tie(tx, /*for_update=*/false);
        return absl::OkStatus();
      });
      !st.ok()) {
    return st;
  }
  if (!checked.ok()) {
    return checked.status();
  }
  if (absl::Status st = CheckElectorate(checked->first.electorate()); !st.ok()) {
    return st;
  }
  return RunIdempotent(
      pool_, call, caller, "voting.CreateRunoff", request, response, [&](pqxx::work& tx) -> absl::Status {
        absl::StatusOr<std::pair<Vote, VoteResult>> basis = tie(tx, /*for_update=*/true);
        if (!basis.ok()) {
          return basis.status();
        }
        const auto& [original, result] = *basis;
        Vote runoff;
        runoff.set_title(request.title().empty() ? absl::StrCat(original.title(), "（重新票决）") : request.title());
        runoff.set_form(original.form());
        runoff.set_slots(result.runoff_slots());
        runoff.set_max_approvals(result.runoff_slots());
        const int64_t runoff_id = InsertVote(tx, runoff, caller.account_id(), id);
        int position = 0;
        for (const CandidateResult& c : result.candidates()) {
          if (c.tied()) {
            InsertCandidate(tx, runoff_id, position++, *ParseResourceId(c.candidate(), kProjects, "candidate"));
          }
        }
        for (const std::string& d : original.electorate()) {
          InsertElector(tx, runoff_id, d);
        }
        const std::string name = ResourceName(kVotes, runoff_id);
        AppendAudit(tx, {.actor = caller.account_id(),
                         .action = "CreateRunoff",
                         .resource = name,
                         .request_id = call.request_id,
                         .detail = {{"runoff_of", request.name()}, {"slots", runoff.slots()}}});
        *response = *LoadVote(tx, runoff_id);
        return absl::OkStatus();
      });
}

absl::Status VotingService::DoGetResult(const Call& call, const GetResultRequest& request,
                                        VoteResult* response) {
  absl::StatusOr<Target> target =
      ResolveTarget(authorizer_.Authenticate(call), ParseWithSuffix(request.name(), kVotes, "/result", "name"));
  if (!target.ok()) {
    return target.status();
  }
  const auto& [caller, id] = *target;
  return pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    absl::StatusOr<VoteState> state =
        CountedVoteState(tx, id, caller, "票决结束前不公布任何结果", "票决结果公告后公开");
    if (!state.ok()) {
      return state.status();
    }
    *response = *LoadResult(tx, id);
    response->set_state(*state);
    return absl::OkStatus();
  });
}

absl::Status VotingService::DoGetBulletin(const Call& call, const GetBulletinRequest& request,
                                          Bulletin* response) {
  absl::StatusOr<Target> target =
      ResolveTarget(authorizer_.Authenticate(call), ParseWithSuffix(request.name(), kVotes, "/bulletin", "name"));
  if (!target.ok()) {
    return target.status();
  }
  const auto& [caller, id] = *target;
  return pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    // The bulletin becomes public with the result: it recounts to it.
    absl::StatusOr<VoteState> state =
        CountedVoteState(tx, id, caller, "票决结束后公布全部选票", "全部选票与票决结果一并在公告后公开");
    if (!state.ok()) {
      return state.status();
    }
    const VoteRules rules = LoadRules(tx, id, /*with_counts=*/true);
    response->set_vote(ResourceName(kVotes, id));
    response->set_form(rules.form);
    response->set_slots(rules.slots);
    response->set_max_approvals(rules.max_approvals);
    for (const std::string& c : rules.candidates) {
      response->add_candidates(c);
    }
    response->set_electorate(rules.electorate);
    response->set_checked_in(rules.checked_in);
    for (BulletinEntry& e : SelectBulletin(tx, id)) {
      *response->add_ballots() = std::move(e);
    }
    return absl::OkStatus();
  });
}

}  // namespace minyi::voting

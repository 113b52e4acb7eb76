#include "voting/projects.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/enums.h"
#include "common/names.h"
#include "common/paging.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "minyi/voting/v1/events.pb.h"
#include "voting/access.h"
#include "voting/store.h"
#include "voting/validation.h"

namespace minyi::voting {
namespace {

using ::minyi::voting::v1::AttachSupervisionGroupRequest;
using ::minyi::voting::v1::CreateProjectRequest;
using ::minyi::voting::v1::ExclusionReason_Name;
using ::minyi::voting::v1::GetProjectRequest;
using ::minyi::voting::v1::GetSatisfactionRequest;
using ::minyi::voting::v1::ListProgressRequest;
using ::minyi::voting::v1::ListProgressResponse;
using ::minyi::voting::v1::ListProjectsRequest;
using ::minyi::voting::v1::ListProjectsResponse;
using ::minyi::voting::v1::NominationSource_Name;
using ::minyi::voting::v1::OpenSatisfactionRoundRequest;
using ::minyi::voting::v1::PostProgressRequest;
using ::minyi::voting::v1::ProgressReport;
using ::minyi::voting::v1::Project;
using ::minyi::voting::v1::PROJECT_STATE_CANDIDATE;
using ::minyi::voting::v1::PROJECT_STATE_CHOSEN;
using ::minyi::voting::v1::PROJECT_STATE_COMPLETED;
using ::minyi::voting::v1::PROJECT_STATE_EXCLUDED;
using ::minyi::voting::v1::PROJECT_STATE_NOMINATED;
using ::minyi::voting::v1::ProjectProgressPosted;
using ::minyi::voting::v1::ProjectState;
using ::minyi::voting::v1::RateProjectRequest;
using ::minyi::voting::v1::Rating;
using ::minyi::voting::v1::Satisfaction;
using ::minyi::voting::v1::SatisfactionRoundOpened;
using ::minyi::voting::v1::ScreenProjectRequest;

constexpr char kSupervisionGroups[] = "supervisionGroups/";
constexpr int kMaxRaters = 1000;

ProjectView ProjectViewOf(const Caller& caller) {
  return SeesUnannounced(caller) ? ProjectView::kFull : ProjectView::kBeforeAnnouncement;
}

}  // namespace

absl::Status Projects::Create(const Call& call, const CreateProjectRequest& request, Project* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.Authenticate(call));
  Project project = request.project();
  RETURN_IF_ERROR(CheckNomination(caller, &project));
  return commands_.Run(call, caller, "CreateProject", request, response, [&](Change& change) -> absl::Status {
    const int64_t id = InsertProject(change.tx(), project, caller.account_id());
    change.Audit(ResourceName(kProjects, id), {{"source", NominationSource_Name(project.source())}});
    *response = *LoadProject(change.tx(), id);
    return absl::OkStatus();
  });
}

absl::Status Projects::Get(const Call& call, const GetProjectRequest& request, Project* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.Authenticate(call));
  ASSIGN_OR_RETURN(const int64_t id, ParseResourceId(request.name(), kProjects, "name"));
  return pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    std::optional<Project> project = LoadProject(tx, id, /*for_update=*/false, ProjectViewOf(caller));
    if (!project.has_value()) {
      return NotFoundError(request.name());
    }
    *response = *std::move(project);
    return absl::OkStatus();
  });
}

absl::Status Projects::List(const Call& call, const ListProjectsRequest& request, ListProjectsResponse* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.Authenticate(call));
  ASSIGN_OR_RETURN(const std::string state, EnumFilter<ProjectState>("state", request.state(), "未知的项目状态"));
  ASSIGN_OR_RETURN(const PageRequest page,
                   ReadPageRequest(request.page_size(), request.page_token(), {"projects", state}));
  return pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    std::vector<Project> rows = SelectProjects(tx, page.after_id, page.size + 1, state, ProjectViewOf(caller));
    response->set_next_page_token(MovePage(
        rows, page, [](const Project& p) { return *ParseResourceId(p.name(), kProjects, "name"); },
        response->mutable_projects()));
    return absl::OkStatus();
  });
}

absl::Status Projects::Screen(const Call& call, const ScreenProjectRequest& request, Project* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.RequireOffice(call));
  ASSIGN_OR_RETURN(const int64_t id, ParseResourceId(request.name(), kProjects, "name"));
  RETURN_IF_ERROR(CheckScreening(request));
  return commands_.Run(call, caller, "ScreenProject", request, response, [&](Change& change) -> absl::Status {
    RETURN_IF_ERROR(InState(LoadProject(change.tx(), id, /*for_update=*/true), request.name(),
                            {PROJECT_STATE_NOMINATED, PROJECT_STATE_CANDIDATE, PROJECT_STATE_EXCLUDED},
                            "只有未票决的项目可以筛选")
                        .status());
    ScreenProjectRow(change.tx(), id, request);
    change.Audit(request.name(),
                 {{"admit", request.admit()}, {"exclusion_reason", ExclusionReason_Name(request.exclusion_reason())}});
    *response = *LoadProject(change.tx(), id);
    return absl::OkStatus();
  });
}

absl::Status Projects::AttachSupervisionGroup(const Call& call, const AttachSupervisionGroupRequest& request,
                                              Project* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.RequireOffice(call));
  ASSIGN_OR_RETURN(const int64_t id, ParseResourceId(request.name(), kProjects, "name"));
  RETURN_IF_ERROR(ParseResourceId(request.supervision_group(), kSupervisionGroups, "supervision_group").status());
  // The group and its members are the deputies service's; the project keeps the members as they are now.
  ASSIGN_OR_RETURN(const std::vector<std::string> members,
                   registry_.SupervisionGroupMembers(request.supervision_group()));
  return commands_.Run(call, caller, "AttachSupervisionGroup", request, response, [&](Change& change) -> absl::Status {
    RETURN_IF_ERROR(InState(LoadProject(change.tx(), id, /*for_update=*/true), request.name(),
                            {PROJECT_STATE_CHOSEN, PROJECT_STATE_COMPLETED}, "只有票决选定的项目可以配置监督小组")
                        .status());
    SetSupervision(change.tx(), id, request.supervision_group(), members);
    change.Audit(request.name(),
                 {{"supervision_group", request.supervision_group()}, {"members", nlohmann::json(members)}});
    *response = *LoadProject(change.tx(), id);
    return absl::OkStatus();
  });
}

absl::Status Projects::PostProgress(const Call& call, const PostProgressRequest& request, ProgressReport* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.Require(call, {minyi::common::v1::ROLE_DEPARTMENT}));
  ASSIGN_OR_RETURN(const int64_t id, ParseResourceId(request.parent(), kProjects, "parent"));
  const ProgressReport& report = request.report();
  RETURN_IF_ERROR(CheckProgressReport(report));
  return commands_.Run(call, caller, "PostProgress", request, response, [&](Change& change) -> absl::Status {
    // A department is not told its project was chosen before the vote is announced.
    std::optional<Project> project = LoadProject(change.tx(), id, /*for_update=*/true, ProjectViewOf(caller));
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
    *response = InsertProgress(change.tx(), id, report, caller.account_id(), caller.department());
    if (report.percent() == 100) {
      SetProjectState(change.tx(), id, PROJECT_STATE_COMPLETED);
    }
    ProjectProgressPosted event;
    event.set_reference(request.parent());
    event.set_title(project->title());
    event.set_department(project->department());
    event.set_percent(report.percent());
    *event.mutable_deputies() = project->supervision_members();
    change.Emit(event, request.parent());
    change.Audit(response->name(), {{"percent", report.percent()}});
    return absl::OkStatus();
  });
}

absl::Status Projects::ListProgress(const Call& call, const ListProgressRequest& request,
                                    ListProgressResponse* response) {
  RETURN_IF_ERROR(authorizer_.Authenticate(call).status());
  ASSIGN_OR_RETURN(const int64_t id, ParseResourceId(request.parent(), kProjects, "parent"));
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

absl::Status Projects::OpenSatisfactionRound(const Call& call, const OpenSatisfactionRoundRequest& request,
                                             Satisfaction* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.RequireOffice(call));
  ASSIGN_OR_RETURN(const int64_t id, ParseResourceId(request.name(), kProjects, "name"));
  if (request.deputies_size() + request.accounts_size() == 0) {
    return InvalidField("deputies", "须邀请至少一位代表或群众代表参加测评");
  }
  RETURN_IF_ERROR(CheckNames(request.deputies(), kDeputies, "deputies", 0, kMaxRaters));
  RETURN_IF_ERROR(CheckNames(request.accounts(), kAccounts, "accounts", 0, kMaxRaters));
  return commands_.Run(call, caller, "OpenSatisfactionRound", request, response, [&](Change& change) -> absl::Status {
    ASSIGN_OR_RETURN(const Project project, InState(LoadProject(change.tx(), id, /*for_update=*/true), request.name(),
                                                    {PROJECT_STATE_COMPLETED}, "只有已完成的项目可以开展满意度测评"));
    if (RoundOpen(change.tx(), id)) {
      return FailedPrecondition("ROUND_ALREADY_OPEN", "该项目的满意度测评已经开始");
    }
    for (const std::string& d : request.deputies()) {
      InviteRater(change.tx(), id, d);
    }
    for (const std::string& a : request.accounts()) {
      InviteRater(change.tx(), id, a);
    }
    SatisfactionRoundOpened event;
    event.set_reference(request.name());
    event.set_title(project.title());
    *event.mutable_deputies() = request.deputies();
    *event.mutable_accounts() = request.accounts();
    change.Emit(event, request.name());
    change.Audit(request.name(), {{"raters", request.deputies_size() + request.accounts_size()}});
    *response = CountSatisfaction(change.tx(), id);
    return absl::OkStatus();
  });
}

absl::Status Projects::Rate(const Call& call, const RateProjectRequest& request, Satisfaction* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.Authenticate(call));
  ASSIGN_OR_RETURN(const int64_t id, ParseResourceId(request.name(), kProjects, "name"));
  RETURN_IF_ERROR(RequireEnum<Rating>("rating", request.rating(), "须选择满意、基本满意或不满意"));
  // The rater is who the token says: a deputy as their deputy, anyone else as their account.
  const std::string rater =
      caller.role() == minyi::common::v1::ROLE_DEPUTY ? caller.deputy() : absl::StrCat(kAccounts, caller.account_id());
  return commands_.Run(call, caller, "RateProject", request, response, [&](Change& change) -> absl::Status {
    if (!LoadProject(change.tx(), id).has_value()) {
      return NotFoundError(request.name());
    }
    switch (RateOnce(change.tx(), id, rater, request.rating())) {
      case RateOutcome::kNotInvited:
        return PermissionDenied("你不在该项目满意度测评的名单中");
      case RateOutcome::kAlreadyRated:
        return AlreadyExists("ALREADY_RATED", "你已经评价过该项目");
      case RateOutcome::kRated:
        break;
    }
    change.Audit(request.name());
    *response = CountSatisfaction(change.tx(), id);
    return absl::OkStatus();
  });
}

absl::Status Projects::GetSatisfaction(const Call& call, const GetSatisfactionRequest& request,
                                       Satisfaction* response) {
  RETURN_IF_ERROR(authorizer_.Authenticate(call).status());
  ASSIGN_OR_RETURN(const int64_t id, ParseWithSuffix(request.name(), kProjects, "/satisfaction", "name"));
  return pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    if (!LoadProject(tx, id).has_value()) {
      return NotFoundError(ResourceName(kProjects, id));
    }
    *response = CountSatisfaction(tx, id);
    return absl::OkStatus();
  });
}

}  // namespace minyi::voting

#include "voting/validation.h"

#include <string>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "common/enums.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "voting/access.h"

namespace minyi::voting {
namespace {

constexpr int kMaxPhotos = 20;
constexpr int kMaxElectorate = 5000;
constexpr int kMaxCandidates = 100;

// The nomination's source as the caller's role fixes it.
absl::Status ApplyNominator(const Caller& caller, v1::Project* project) {
  switch (caller.role()) {
    case minyi::common::v1::ROLE_CITIZEN:
      project->set_source(v1::NOMINATION_SOURCE_CITIZEN);
      project->set_nominator(absl::StrCat(kAccounts, caller.account_id()));
      return absl::OkStatus();
    case minyi::common::v1::ROLE_DEPUTY:
      project->set_source(v1::NOMINATION_SOURCE_DEPUTY);
      project->set_nominator(caller.deputy());
      return absl::OkStatus();
    case minyi::common::v1::ROLE_DEPARTMENT:
      project->set_source(v1::NOMINATION_SOURCE_DEPARTMENT);
      project->set_nominator(caller.department());
      return absl::OkStatus();
    default:
      RETURN_IF_ERROR(RequireEnum<v1::NominationSource>("project.source", project->source(),
                                                        "须注明提名来源（群众、代表/联络站、部门、镇街）"));
      return CheckText("project.nominator", project->nominator(), 0, 64);
  }
}

}  // namespace

absl::Status CheckNomination(const Caller& caller, v1::Project* project) {
  RETURN_IF_ERROR(ApplyNominator(caller, project));
  for (const auto& [field, value, min, max] :
       {std::tuple<const char*, const std::string&, int, int>{"project.title", project->title(), 1, 64},
        {"project.description", project->description(), 0, 2000},
        {"project.department", project->department(), 1, 32}}) {
    RETURN_IF_ERROR(CheckText(field, value, min, max));
  }
  return absl::OkStatus();
}

absl::Status CheckScreening(const v1::ScreenProjectRequest& request) {
  if (!request.admit()) {
    RETURN_IF_ERROR(RequireEnum<v1::ExclusionReason>("exclusion_reason", request.exclusion_reason(),
                                                     "不纳入时须注明理由（三个不纳入或其他）"));
  }
  if (request.admit() && request.exclusion_reason() != v1::EXCLUSION_REASON_UNSPECIFIED) {
    return InvalidField("exclusion_reason", "纳入候选时不得填写不纳入理由");
  }
  const int min_note = request.exclusion_reason() == v1::EXCLUSION_REASON_OTHER ? 1 : 0;
  RETURN_IF_ERROR(CheckText("note", request.note(), min_note, 500));
  RETURN_IF_ERROR(CheckText("department_opinion.opinion", request.department_opinion().opinion(), 0, 500));
  if (request.department_opinion().budget_yuan() < 0) {
    return InvalidField("department_opinion.budget_yuan", "不得为负");
  }
  return absl::OkStatus();
}

absl::Status CheckProgressReport(const v1::ProgressReport& report) {
  if (report.percent() < 0 || report.percent() > 100) {
    return InvalidField("report.percent", "须在 0-100 之间");
  }
  RETURN_IF_ERROR(CheckText("report.milestone", report.milestone(), 1, 200));
  RETURN_IF_ERROR(CheckText("report.problems", report.problems(), 0, 1000));
  if (report.photos_size() > kMaxPhotos) {
    return InvalidField("report.photos", absl::StrCat("最多 ", kMaxPhotos, " 张"));
  }
  for (int i = 0; i < report.photos_size(); ++i) {
    RETURN_IF_ERROR(CheckText(absl::StrCat("report.photos[", i, "]"), report.photos(i), 1, 500));
  }
  return absl::OkStatus();
}

absl::Status CheckNewVote(v1::Vote* vote) {
  RETURN_IF_ERROR(CheckText("vote.title", vote->title(), 1, 64));
  RETURN_IF_ERROR(RequireEnum<v1::BallotForm>("vote.form", vote->form(), "须选择限额赞成票或逐项表决票"));
  if (vote->slots() < 1) {
    return InvalidField("vote.slots", "拟选项目数至少为 1");
  }
  RETURN_IF_ERROR(CheckNames(vote->candidates(), kProjects, "vote.candidates", 2, kMaxCandidates));
  if (vote->candidates_size() <= vote->slots()) {
    return InvalidField("vote.candidates", absl::StrCat("差额票决：候选项目数（", vote->candidates_size(),
                                                        "）须多于拟选项目数（", vote->slots(), "）"));
  }
  if (vote->max_approvals() == 0) {
    vote->set_max_approvals(vote->slots());
  }
  if (vote->max_approvals() < 1 || vote->max_approvals() > vote->candidates_size()) {
    return InvalidField("vote.max_approvals", "须在 1 与候选项目数之间");
  }
  return CheckNames(vote->electorate(), kDeputies, "vote.electorate", 1, kMaxElectorate);
}

}  // namespace minyi::voting

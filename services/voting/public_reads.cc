#include "voting/public_reads.h"

#include <optional>
#include <string>
#include <vector>

#include "common/enums.h"
#include "common/names.h"
#include "common/paging.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "voting/access.h"
#include "voting/public_view.h"
#include "voting/store.h"

namespace minyi::voting {
namespace {

using ::minyi::voting::v1::Project;
using ::minyi::voting::v1::VOTE_STATE_ANNOUNCED;

// OK for an announced vote; NOT_FOUND, as for a vote that does not exist, otherwise.
absl::Status RequireAnnounced(pqxx::transaction_base& tx, int64_t id) {
  if (LoadVoteState(tx, id) != VOTE_STATE_ANNOUNCED) {
    return NotFoundError(ResourceName(kVotes, id));
  }
  return absl::OkStatus();
}

// The project as society reads it (a chosen project of an unannounced vote as the candidate it was), or
// NOT_FOUND, as for a project that does not exist, when it is not public.
absl::StatusOr<Project> LoadPublicProject(pqxx::transaction_base& tx, int64_t id) {
  std::optional<Project> project = LoadProject(tx, id, /*for_update=*/false, ProjectView::kBeforeAnnouncement);
  if (!project.has_value() || !IsPublic(project->state())) {
    return NotFoundError(ResourceName(kProjects, id));
  }
  return *std::move(project);
}

}  // namespace

absl::Status PublicReads::ListVotes(const Call&, const v1::ListPublicVotesRequest& request,
                                    v1::ListPublicVotesResponse* response) {
  ASSIGN_OR_RETURN(const PageRequest page, ReadPageRequest(request.page_size(), request.page_token(), {"publicVotes"}));
  return pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    std::vector<int64_t> ids =
        SelectVoteIds(tx, page.after_id, page.size + 1, v1::VoteState_Name(VOTE_STATE_ANNOUNCED));
    response->set_next_page_token(TrimToPage(ids, page.size, page.fingerprint, [](int64_t id) { return id; }));
    for (int64_t id : ids) {
      if (std::optional<v1::Vote> vote = LoadVote(tx, id); vote.has_value()) {
        *response->add_votes() = PublicVoteOf(*vote);
      }
    }
    return absl::OkStatus();
  });
}

absl::Status PublicReads::GetResult(const Call&, const v1::GetPublicVoteResultRequest& request,
                                    v1::PublicVoteResult* response) {
  ASSIGN_OR_RETURN(const int64_t id, ParseWithSuffix(request.name(), kVotes, "/result", "name"));
  return pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    RETURN_IF_ERROR(RequireAnnounced(tx, id));
    v1::VoteResult result = *LoadResult(tx, id);
    result.set_state(VOTE_STATE_ANNOUNCED);
    *response = PublicResultOf(result);
    return absl::OkStatus();
  });
}

absl::Status PublicReads::GetBulletin(const Call&, const v1::GetPublicBulletinRequest& request,
                                      v1::PublicBulletin* response) {
  ASSIGN_OR_RETURN(const int64_t id, ParseWithSuffix(request.name(), kVotes, "/bulletin", "name"));
  return pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    // Public together with the result, from the announcement (docs/voting.md, "Announcement").
    RETURN_IF_ERROR(RequireAnnounced(tx, id));
    *response = PublicBulletinOf(LoadBulletin(tx, id));
    return absl::OkStatus();
  });
}

absl::Status PublicReads::ListProjects(const Call&, const v1::ListPublicProjectsRequest& request,
                                       v1::ListPublicProjectsResponse* response) {
  ASSIGN_OR_RETURN(const std::string state, EnumFilter<v1::ProjectState>("state", request.state(), "未知的项目状态"));
  ASSIGN_OR_RETURN(const PageRequest page,
                   ReadPageRequest(request.page_size(), request.page_token(), {"publicProjects", state}));
  return pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    std::vector<Project> rows =
        SelectProjects(tx, page.after_id, page.size + 1, state, ProjectView::kBeforeAnnouncement, /*public_only=*/true);
    response->set_next_page_token(TrimToPage(rows, page.size, page.fingerprint, [](const Project& p) {
      return *ParseResourceId(p.name(), kProjects, "name");
    }));
    for (const Project& p : rows) {
      *response->add_projects() = PublicProjectOf(p);
    }
    return absl::OkStatus();
  });
}

absl::Status PublicReads::GetProject(const Call&, const v1::GetPublicProjectRequest& request,
                                     v1::PublicProject* response) {
  ASSIGN_OR_RETURN(const int64_t id, ParseResourceId(request.name(), kProjects, "name"));
  return pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    ASSIGN_OR_RETURN(const Project project, LoadPublicProject(tx, id));
    *response = PublicProjectOf(project);
    return absl::OkStatus();
  });
}

absl::Status PublicReads::ListProgress(const Call&, const v1::ListPublicProgressRequest& request,
                                       v1::ListPublicProgressResponse* response) {
  ASSIGN_OR_RETURN(const int64_t id, ParseResourceId(request.parent(), kProjects, "parent"));
  return pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    RETURN_IF_ERROR(LoadPublicProject(tx, id).status());
    for (const v1::ProgressReport& r : SelectProgress(tx, id)) {
      *response->add_reports() = PublicProgressOf(r);
    }
    return absl::OkStatus();
  });
}

absl::Status PublicReads::GetSatisfaction(const Call&, const v1::GetPublicSatisfactionRequest& request,
                                          v1::PublicSatisfaction* response) {
  ASSIGN_OR_RETURN(const int64_t id, ParseWithSuffix(request.name(), kProjects, "/satisfaction", "name"));
  return pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    RETURN_IF_ERROR(LoadPublicProject(tx, id).status());
    *response = PublicSatisfactionOf(CountSatisfaction(tx, id));
    return absl::OkStatus();
  });
}

}  // namespace minyi::voting

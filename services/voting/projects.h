#pragma once

#include "absl/status/status.h"
#include "common/auth.h"
#include "common/call.h"
#include "common/command.h"
#include "common/pg.h"
#include "minyi/voting/v1/voting.pb.h"
#include "voting/registry.h"

namespace minyi::voting {

namespace v1 = ::minyi::voting::v1;

// Projects (民生实事项目): nominated, screened into candidates for a vote, supervised and reported on once
// chosen, and rated for satisfaction when completed.
class Projects final {
 public:
  Projects(PgPool& pool, const Authorizer& authorizer, DeputiesRegistry& registry)
      : pool_(pool), authorizer_(authorizer), registry_(registry), commands_(pool, "voting") {}

  absl::Status Create(const Call& call, const v1::CreateProjectRequest& request, v1::Project* response);
  absl::Status Get(const Call& call, const v1::GetProjectRequest& request, v1::Project* response);
  absl::Status List(const Call& call, const v1::ListProjectsRequest& request, v1::ListProjectsResponse* response);
  absl::Status Screen(const Call& call, const v1::ScreenProjectRequest& request, v1::Project* response);
  absl::Status AttachSupervisionGroup(const Call& call, const v1::AttachSupervisionGroupRequest& request,
                                      v1::Project* response);
  absl::Status PostProgress(const Call& call, const v1::PostProgressRequest& request, v1::ProgressReport* response);
  absl::Status ListProgress(const Call& call, const v1::ListProgressRequest& request,
                            v1::ListProgressResponse* response);
  absl::Status OpenSatisfactionRound(const Call& call, const v1::OpenSatisfactionRoundRequest& request,
                                     v1::Satisfaction* response);
  absl::Status Rate(const Call& call, const v1::RateProjectRequest& request, v1::Satisfaction* response);
  absl::Status GetSatisfaction(const Call& call, const v1::GetSatisfactionRequest& request, v1::Satisfaction* response);

 private:
  PgPool& pool_;
  const Authorizer& authorizer_;
  DeputiesRegistry& registry_;
  const Commands commands_;
};

}  // namespace minyi::voting

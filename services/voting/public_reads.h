#pragma once

#include "absl/status/status.h"
#include "common/call.h"
#include "common/pg.h"
#include "minyi/voting/v1/voting.pb.h"

namespace minyi::voting {

namespace v1 = ::minyi::voting::v1;

// The public reads (PublicVoting): no token, only what is announced to society, each as its public
// message (public_view.h). A vote not announced, a project not public and an unknown id answer alike:
// NOT_FOUND naming the resource.
class PublicReads final {
 public:
  explicit PublicReads(PgPool& pool) : pool_(pool) {}

  absl::Status ListVotes(const Call& call, const v1::ListPublicVotesRequest& request,
                         v1::ListPublicVotesResponse* response);
  absl::Status GetResult(const Call& call, const v1::GetPublicVoteResultRequest& request,
                         v1::PublicVoteResult* response);
  absl::Status GetBulletin(const Call& call, const v1::GetPublicBulletinRequest& request, v1::PublicBulletin* response);
  absl::Status ListProjects(const Call& call, const v1::ListPublicProjectsRequest& request,
                            v1::ListPublicProjectsResponse* response);
  absl::Status GetProject(const Call& call, const v1::GetPublicProjectRequest& request, v1::PublicProject* response);
  absl::Status ListProgress(const Call& call, const v1::ListPublicProgressRequest& request,
                            v1::ListPublicProgressResponse* response);
  absl::Status GetSatisfaction(const Call& call, const v1::GetPublicSatisfactionRequest& request,
                               v1::PublicSatisfaction* response);

 private:
  PgPool& pool_;
};

}  // namespace minyi::voting

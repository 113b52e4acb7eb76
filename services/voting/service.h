#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/auth.h"
#include "common/batcher.h"
#include "common/pg.h"
#include "common/service_client.h"
#include "minyi/deputies/v1/deputies.grpc.pb.h"
#include "minyi/voting/v1/voting.grpc.pb.h"
#include "pqxx/pqxx"
#include "voting/remix.h"
#include "voting/seal.h"
#include "voting/tally.h"

namespace minyi::voting {

// Projects (nomination, screening, supervision, effect evaluation) and differential votes with secret
// ballots. Each RPC delegates to an absl::Status method; errors become gRPC only at the boundary. Mutations
// are idempotent with an Idempotency-Key (ballots are idempotent by construction, see CastBallot in
// service.cc) and write their event and audit row in the same transaction as the change.
class VotingService final : public minyi::voting::v1::Voting::CallbackService {
 public:
  // `deputies` reaches the deputies service, which owns supervision groups, with this service's own
  // `credentials`.
  VotingService(PgPool& pool, const Authorizer& authorizer, BallotSealer sealer,
                std::shared_ptr<grpc::ChannelInterface> deputies, ServiceCredentials& credentials);
  ~VotingService() override;

  grpc::ServerUnaryReactor* CreateProject(grpc::CallbackServerContext* ctx, const minyi::voting::v1::CreateProjectRequest* request,
                      minyi::voting::v1::Project* response) override;
  grpc::ServerUnaryReactor* GetProject(grpc::CallbackServerContext* ctx, const minyi::voting::v1::GetProjectRequest* request,
                      minyi::voting::v1::Project* response) override;
  grpc::ServerUnaryReactor* ListProjects(grpc::CallbackServerContext* ctx, const minyi::voting::v1::ListProjectsRequest* request,
                      minyi::voting::v1::ListProjectsResponse* response) override;
  grpc::ServerUnaryReactor* ScreenProject(grpc::CallbackServerContext* ctx, const minyi::voting::v1::ScreenProjectRequest* request,
                      minyi::voting::v1::Project* response) override;
  grpc::ServerUnaryReactor* AttachSupervisionGroup(grpc::CallbackServerContext* ctx, const minyi::voting::v1::AttachSupervisionGroupRequest* request,
                      minyi::voting::v1::Project* response) override;
  grpc::ServerUnaryReactor* PostProgress(grpc::CallbackServerContext* ctx, const minyi::voting::v1::PostProgressRequest* request,
                      minyi::voting::v1::ProgressReport* response) override;
  grpc::ServerUnaryReactor* ListProgress(grpc::CallbackServerContext* ctx, const minyi::voting::v1::ListProgressRequest* request,
                      minyi::voting::v1::ListProgressResponse* response) override;
  grpc::ServerUnaryReactor* OpenSatisfactionRound(grpc::CallbackServerContext* ctx, const minyi::voting::v1::OpenSatisfactionRoundRequest* request,
                      minyi::voting::v1::Satisfaction* response) override;
  grpc::ServerUnaryReactor* RateProject(grpc::CallbackServerContext* ctx, const minyi::voting::v1::RateProjectRequest* request,
                      minyi::voting::v1::Satisfaction* response) override;
  grpc::ServerUnaryReactor* GetSatisfaction(grpc::CallbackServerContext* ctx, const minyi::voting::v1::GetSatisfactionRequest* request,
                      minyi::voting::v1::Satisfaction* response) override;
  grpc::ServerUnaryReactor* CreateVote(grpc::CallbackServerContext* ctx, const minyi::voting::v1::CreateVoteRequest* request,
                      minyi::voting::v1::Vote* response) override;
  grpc::ServerUnaryReactor* GetVote(grpc::CallbackServerContext* ctx, const minyi::voting::v1::GetVoteRequest* request,
                      minyi::voting::v1::Vote* response) override;
  grpc::ServerUnaryReactor* ListVotes(grpc::CallbackServerContext* ctx, const minyi::voting::v1::ListVotesRequest* request,
                      minyi::voting::v1::ListVotesResponse* response) override;
  grpc::ServerUnaryReactor* OpenVote(grpc::CallbackServerContext* ctx, const minyi::voting::v1::OpenVoteRequest* request,
                      minyi::voting::v1::Vote* response) override;
  grpc::ServerUnaryReactor* CheckIn(grpc::CallbackServerContext* ctx, const minyi::voting::v1::CheckInRequest* request,
                      minyi::voting::v1::CheckInResponse* response) override;
  grpc::ServerUnaryReactor* GetTurnout(grpc::CallbackServerContext* ctx, const minyi::voting::v1::GetTurnoutRequest* request,
                      minyi::voting::v1::Turnout* response) override;
  grpc::ServerUnaryReactor* CastBallot(grpc::CallbackServerContext* ctx, const minyi::voting::v1::CastBallotRequest* request,
                      minyi::voting::v1::BallotReceipt* response) override;
  grpc::ServerUnaryReactor* CloseVote(grpc::CallbackServerContext* ctx, const minyi::voting::v1::CloseVoteRequest* request,
                      minyi::voting::v1::Vote* response) override;
  grpc::ServerUnaryReactor* AnnounceResult(grpc::CallbackServerContext* ctx, const minyi::voting::v1::AnnounceResultRequest* request,
                      minyi::voting::v1::Vote* response) override;
  grpc::ServerUnaryReactor* CreateRunoff(grpc::CallbackServerContext* ctx, const minyi::voting::v1::CreateRunoffRequest* request,
                      minyi::voting::v1::Vote* response) override;
  grpc::ServerUnaryReactor* GetResult(grpc::CallbackServerContext* ctx, const minyi::voting::v1::GetResultRequest* request,
                      minyi::voting::v1::VoteResult* response) override;
  grpc::ServerUnaryReactor* GetBulletin(grpc::CallbackServerContext* ctx, const minyi::voting::v1::GetBulletinRequest* request,
                      minyi::voting::v1::Bulletin* response) override;

  // Remixes the sealed ballots of the votes that received some since their last remix, each at most once
  // per kRemixInterval; at the first call, those of every vote with ballots in its box. main.cc runs it
  // every kRemixLook, from one thread.
  absl::Status RemixDue();
  static constexpr absl::Duration kRemixLook = absl::Milliseconds(100);
  static constexpr absl::Duration kRemixInterval = absl::Seconds(1);

 private:
  absl::Status DoCreateProject(const Call& call, const minyi::voting::v1::CreateProjectRequest& request,
                      minyi::voting::v1::Project* response);
  absl::Status DoGetProject(const Call& call, const minyi::voting::v1::GetProjectRequest& request,
                      minyi::voting::v1::Project* response);
  absl::Status DoListProjects(const Call& call, const minyi::voting::v1::ListProjectsRequest& request,
                      minyi::voting::v1::ListProjectsResponse* response);
  absl::Status DoScreenProject(const Call& call, const minyi::voting::v1::ScreenProjectRequest& request,
                      minyi::voting::v1::Project* response);
  absl::Status DoAttachSupervisionGroup(const Call& call, const minyi::voting::v1::AttachSupervisionGroupRequest& request,
                      minyi::voting::v1::Project* response);
  absl::Status DoPostProgress(const Call& call, const minyi::voting::v1::PostProgressRequest& request,
                      minyi::voting::v1::ProgressReport* response);
  absl::Status DoListProgress(const Call& call, const minyi::voting::v1::ListProgressRequest& request,
                      minyi::voting::v1::ListProgressResponse* response);
  absl::Status DoOpenSatisfactionRound(const Call& call, const minyi::voting::v1::OpenSatisfactionRoundRequest& request,
                      minyi::voting::v1::Satisfaction* response);
  absl::Status DoRateProject(const Call& call, const minyi::voting::v1::RateProjectRequest& request,
                      minyi::voting::v1::Satisfaction* response);
  absl::Status DoGetSatisfaction(const Call& call, const minyi::voting::v1::GetSatisfactionRequest& request,
                      minyi::voting::v1::Satisfaction* response);
  absl::Status DoCreateVote(const Call& call, const minyi::voting::v1::CreateVoteRequest& request,
                      minyi::voting::v1::Vote* response);
  absl::Status DoGetVote(const Call& call, const minyi::voting::v1::GetVoteRequest& request,
                      minyi::voting::v1::Vote* response);
  absl::Status DoListVotes(const Call& call, const minyi::voting::v1::ListVotesRequest& request,
                      minyi::voting::v1::ListVotesResponse* response);
  absl::Status DoOpenVote(const Call& call, const minyi::voting::v1::OpenVoteRequest& request,
                      minyi::voting::v1::Vote* response);
  absl::Status DoCheckIn(const Call& call, const minyi::voting::v1::CheckInRequest& request,
                      minyi::voting::v1::CheckInResponse* response);
  absl::Status DoGetTurnout(const Call& call, const minyi::voting::v1::GetTurnoutRequest& request,
                      minyi::voting::v1::Turnout* response);
  absl::Status DoCloseVote(const Call& call, const minyi::voting::v1::CloseVoteRequest& request,
                      minyi::voting::v1::Vote* response);
  absl::Status DoAnnounceResult(const Call& call, const minyi::voting::v1::AnnounceResultRequest& request,
                      minyi::voting::v1::Vote* response);
  absl::Status DoCreateRunoff(const Call& call, const minyi::voting::v1::CreateRunoffRequest& request,
                      minyi::voting::v1::Vote* response);
  absl::Status DoGetResult(const Call& call, const minyi::voting::v1::GetResultRequest& request,
                      minyi::voting::v1::VoteResult* response);
  absl::Status DoGetBulletin(const Call& call, const minyi::voting::v1::GetBulletinRequest& request,
                      minyi::voting::v1::Bulletin* response);

  // A vote's counting rules (form, slots, candidates) never change after set-up: casting reads them from
  // memory instead of the database on every ballot.
  VoteRules Rules(pqxx::transaction_base& tx, int64_t vote_id);
  // Every elector must be a serving deputy in the deputies service's registry: INVALID_ARGUMENT on
  // "vote.electorate" naming those who are not.
  absl::Status CheckElectorate(const google::protobuf::RepeatedPtrField<std::string>& electorate);
  absl::Status Remix(int64_t vote_id);

  // Casting does not go through Serve: a cast joins the cast batcher and is finished by its batch.
  struct CastRequest;
  grpc::ServerUnaryReactor* SubmitCast(grpc::CallbackServerContext* ctx,
                                       const minyi::voting::v1::CastBallotRequest* request,
                                       minyi::voting::v1::BallotReceipt* response);
  absl::Status AdmitCast(CastRequest& cast);
  void CastBatch(Batcher<CastRequest>::Batch& batch);
  // Whether it put any ballot into the box.
  bool CastInVote(pqxx::work& tx, int64_t vote_id, const std::vector<CastRequest*>& casts);

  PgPool& pool_;
  const Authorizer& authorizer_;
  const BallotSealer sealer_;
  std::unique_ptr<minyi::deputies::v1::Deputies::Stub> deputies_;
  ServiceCredentials& credentials_;
  std::mutex rules_mu_;
  std::map<int64_t, VoteRules> rules_ ABSL_GUARDED_BY(rules_mu_);
  std::mutex remix_mu_;
  RemixSchedule remix_schedule_ ABSL_GUARDED_BY(remix_mu_){kRemixInterval};
  bool remixed_at_start_ = false;  // RemixDue's thread only
  // Casts arriving together are written in one transaction: up to 64 per batch, two batches at a time so
  // one can be written while the other commits. Declared last: destroyed first, while the rest still
  // serves the batches it waits for.
  Batcher<CastRequest> cast_batcher_;
};

}  // namespace minyi::voting

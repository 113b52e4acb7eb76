#pragma once

#include "minyi/voting/v1/voting.grpc.pb.h"
#include "voting/ballot_box.h"
#include "voting/projects.h"
#include "voting/votes.h"

namespace minyi::voting {

// The gRPC face of voting: each method hands its call to the handler that owns it (rpc.h's Serve), but
// for CastBallot, which joins the ballot box's batch.
class VotingRpc final : public v1::Voting::CallbackService {
 public:
  VotingRpc(Projects& projects, Votes& votes, BallotBox& ballot_box)
      : projects_(projects), votes_(votes), ballot_box_(ballot_box) {}

  grpc::ServerUnaryReactor* CreateProject(grpc::CallbackServerContext* ctx, const v1::CreateProjectRequest* request,
                                          v1::Project* response) override;
  grpc::ServerUnaryReactor* GetProject(grpc::CallbackServerContext* ctx, const v1::GetProjectRequest* request,
                                       v1::Project* response) override;
  grpc::ServerUnaryReactor* ListProjects(grpc::CallbackServerContext* ctx, const v1::ListProjectsRequest* request,
                                         v1::ListProjectsResponse* response) override;
  grpc::ServerUnaryReactor* ScreenProject(grpc::CallbackServerContext* ctx, const v1::ScreenProjectRequest* request,
                                          v1::Project* response) override;
  grpc::ServerUnaryReactor* AttachSupervisionGroup(grpc::CallbackServerContext* ctx,
                                                   const v1::AttachSupervisionGroupRequest* request,
                                                   v1::Project* response) override;
  grpc::ServerUnaryReactor* PostProgress(grpc::CallbackServerContext* ctx, const v1::PostProgressRequest* request,
                                         v1::ProgressReport* response) override;
  grpc::ServerUnaryReactor* ListProgress(grpc::CallbackServerContext* ctx, const v1::ListProgressRequest* request,
                                         v1::ListProgressResponse* response) override;
  grpc::ServerUnaryReactor* OpenSatisfactionRound(grpc::CallbackServerContext* ctx,
                                                  const v1::OpenSatisfactionRoundRequest* request,
                                                  v1::Satisfaction* response) override;
  grpc::ServerUnaryReactor* RateProject(grpc::CallbackServerContext* ctx, const v1::RateProjectRequest* request,
                                        v1::Satisfaction* response) override;
  grpc::ServerUnaryReactor* GetSatisfaction(grpc::CallbackServerContext* ctx,
                                            const v1::GetSatisfactionRequest* request,
                                            v1::Satisfaction* response) override;
  grpc::ServerUnaryReactor* CreateVote(grpc::CallbackServerContext* ctx, const v1::CreateVoteRequest* request,
                                       v1::Vote* response) override;
  grpc::ServerUnaryReactor* GetVote(grpc::CallbackServerContext* ctx, const v1::GetVoteRequest* request,
                                    v1::Vote* response) override;
  grpc::ServerUnaryReactor* ListVotes(grpc::CallbackServerContext* ctx, const v1::ListVotesRequest* request,
                                      v1::ListVotesResponse* response) override;
  grpc::ServerUnaryReactor* OpenVote(grpc::CallbackServerContext* ctx, const v1::OpenVoteRequest* request,
                                     v1::Vote* response) override;
  grpc::ServerUnaryReactor* CheckIn(grpc::CallbackServerContext* ctx, const v1::CheckInRequest* request,
                                    v1::CheckInResponse* response) override;
  grpc::ServerUnaryReactor* GetTurnout(grpc::CallbackServerContext* ctx, const v1::GetTurnoutRequest* request,
                                       v1::Turnout* response) override;
  grpc::ServerUnaryReactor* CastBallot(grpc::CallbackServerContext* ctx, const v1::CastBallotRequest* request,
                                       v1::BallotReceipt* response) override;
  grpc::ServerUnaryReactor* CloseVote(grpc::CallbackServerContext* ctx, const v1::CloseVoteRequest* request,
                                      v1::Vote* response) override;
  grpc::ServerUnaryReactor* AnnounceResult(grpc::CallbackServerContext* ctx, const v1::AnnounceResultRequest* request,
                                           v1::Vote* response) override;
  grpc::ServerUnaryReactor* CreateRunoff(grpc::CallbackServerContext* ctx, const v1::CreateRunoffRequest* request,
                                         v1::Vote* response) override;
  grpc::ServerUnaryReactor* GetResult(grpc::CallbackServerContext* ctx, const v1::GetResultRequest* request,
                                      v1::VoteResult* response) override;
  grpc::ServerUnaryReactor* GetBulletin(grpc::CallbackServerContext* ctx, const v1::GetBulletinRequest* request,
                                        v1::Bulletin* response) override;

 private:
  Projects& projects_;
  Votes& votes_;
  BallotBox& ballot_box_;
};

}  // namespace minyi::voting

#include "voting/rpc.h"

#include "common/rpc.h"
#include "common/status.h"

namespace minyi::voting {

grpc::ServerUnaryReactor* VotingRpc::CreateProject(grpc::CallbackServerContext* ctx,
                                                   const v1::CreateProjectRequest* request,
                                                   v1::Project* response) {
  return Serve(ctx, projects_, &Projects::Create, request, response);
}

grpc::ServerUnaryReactor* VotingRpc::GetProject(grpc::CallbackServerContext* ctx, const v1::GetProjectRequest* request,
                                                v1::Project* response) {
  return Serve(ctx, projects_, &Projects::Get, request, response);
}

grpc::ServerUnaryReactor* VotingRpc::ListProjects(grpc::CallbackServerContext* ctx,
                                                  const v1::ListProjectsRequest* request,
                                                  v1::ListProjectsResponse* response) {
  return Serve(ctx, projects_, &Projects::List, request, response);
}

grpc::ServerUnaryReactor* VotingRpc::ScreenProject(grpc::CallbackServerContext* ctx,
                                                   const v1::ScreenProjectRequest* request,
                                                   v1::Project* response) {
  return Serve(ctx, projects_, &Projects::Screen, request, response);
}

grpc::ServerUnaryReactor* VotingRpc::AttachSupervisionGroup(grpc::CallbackServerContext* ctx,
                                                            const v1::AttachSupervisionGroupRequest* request,
                                                            v1::Project* response) {
  return Serve(ctx, projects_, &Projects::AttachSupervisionGroup, request, response);
}

grpc::ServerUnaryReactor* VotingRpc::PostProgress(grpc::CallbackServerContext* ctx,
                                                  const v1::PostProgressRequest* request,
                                                  v1::ProgressReport* response) {
  return Serve(ctx, projects_, &Projects::PostProgress, request, response);
}

grpc::ServerUnaryReactor* VotingRpc::ListProgress(grpc::CallbackServerContext* ctx,
                                                  const v1::ListProgressRequest* request,
                                                  v1::ListProgressResponse* response) {
  return Serve(ctx, projects_, &Projects::ListProgress, request, response);
}

grpc::ServerUnaryReactor* VotingRpc::OpenSatisfactionRound(grpc::CallbackServerContext* ctx,
                                                           const v1::OpenSatisfactionRoundRequest* request,
                                                           v1::Satisfaction* response) {
  return Serve(ctx, projects_, &Projects::OpenSatisfactionRound, request, response);
}

grpc::ServerUnaryReactor* VotingRpc::RateProject(grpc::CallbackServerContext* ctx,
                                                 const v1::RateProjectRequest* request,
                                                 v1::Satisfaction* response) {
  return Serve(ctx, projects_, &Projects::Rate, request, response);
}

grpc::ServerUnaryReactor* VotingRpc::GetSatisfaction(grpc::CallbackServerContext* ctx,
                                                     const v1::GetSatisfactionRequest* request,
                                                     v1::Satisfaction* response) {
  return Serve(ctx, projects_, &Projects::GetSatisfaction, request, response);
}

grpc::ServerUnaryReactor* VotingRpc::CreateVote(grpc::CallbackServerContext* ctx, const v1::CreateVoteRequest* request,
                                                v1::Vote* response) {
  return Serve(ctx, votes_, &Votes::Create, request, response);
}

grpc::ServerUnaryReactor* VotingRpc::GetVote(grpc::CallbackServerContext* ctx, const v1::GetVoteRequest* request,
                                             v1::Vote* response) {
  return Serve(ctx, votes_, &Votes::Get, request, response);
}

grpc::ServerUnaryReactor* VotingRpc::ListVotes(grpc::CallbackServerContext* ctx, const v1::ListVotesRequest* request,
                                               v1::ListVotesResponse* response) {
  return Serve(ctx, votes_, &Votes::List, request, response);
}

grpc::ServerUnaryReactor* VotingRpc::OpenVote(grpc::CallbackServerContext* ctx, const v1::OpenVoteRequest* request,
                                              v1::Vote* response) {
  return Serve(ctx, votes_, &Votes::Open, request, response);
}

grpc::ServerUnaryReactor* VotingRpc::CheckIn(grpc::CallbackServerContext* ctx, const v1::CheckInRequest* request,
                                             v1::CheckInResponse* response) {
  return Serve(ctx, votes_, &Votes::CheckIn, request, response);
}

grpc::ServerUnaryReactor* VotingRpc::GetTurnout(grpc::CallbackServerContext* ctx, const v1::GetTurnoutRequest* request,
                                                v1::Turnout* response) {
  return Serve(ctx, votes_, &Votes::GetTurnout, request, response);
}

// Casting does not go through Serve: the cast joins the ballot box's batch, which finishes the call
// (docs/voting.md, "Casting").
grpc::ServerUnaryReactor* VotingRpc::CastBallot(grpc::CallbackServerContext* ctx, const v1::CastBallotRequest* request,
                                                v1::BallotReceipt* response) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  ballot_box_.Cast({.call = CallOf(*ctx),
                   .cancelled = [ctx] { return ctx->IsCancelled(); },
                   .finish = [reactor](const absl::Status& status) { reactor->Finish(ToGrpc(status)); }},
                  *request, response);
  return reactor;
}

grpc::ServerUnaryReactor* VotingRpc::CloseVote(grpc::CallbackServerContext* ctx, const v1::CloseVoteRequest* request,
                                               v1::Vote* response) {
  return Serve(ctx, votes_, &Votes::Close, request, response);
}

grpc::ServerUnaryReactor* VotingRpc::AnnounceResult(grpc::CallbackServerContext* ctx,
                                                    const v1::AnnounceResultRequest* request,
                                                    v1::Vote* response) {
  return Serve(ctx, votes_, &Votes::AnnounceResult, request, response);
}

grpc::ServerUnaryReactor* VotingRpc::CreateRunoff(grpc::CallbackServerContext* ctx,
                                                  const v1::CreateRunoffRequest* request,
                                                  v1::Vote* response) {
  return Serve(ctx, votes_, &Votes::CreateRunoff, request, response);
}

grpc::ServerUnaryReactor* VotingRpc::GetResult(grpc::CallbackServerContext* ctx, const v1::GetResultRequest* request,
                                               v1::VoteResult* response) {
  return Serve(ctx, votes_, &Votes::GetResult, request, response);
}

grpc::ServerUnaryReactor* VotingRpc::GetBulletin(grpc::CallbackServerContext* ctx,
                                                 const v1::GetBulletinRequest* request,
                                                 v1::Bulletin* response) {
  return Serve(ctx, votes_, &Votes::GetBulletin, request, response);
}

}  // namespace minyi::voting

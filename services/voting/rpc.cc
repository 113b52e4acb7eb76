// The gRPC boundary: each RPC converts its Do* method's status.
#include "voting/service.h"

#include "common/status.h"
#include "common/rpc.h"
#include "grpcpp/server_context.h"

namespace minyi::voting {

grpc::ServerUnaryReactor* VotingService::CreateProject(grpc::CallbackServerContext* ctx, const minyi::voting::v1::CreateProjectRequest* request,
                                   minyi::voting::v1::Project* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoCreateProject(call, *request, response); });
}

grpc::ServerUnaryReactor* VotingService::GetProject(grpc::CallbackServerContext* ctx, const minyi::voting::v1::GetProjectRequest* request,
                                   minyi::voting::v1::Project* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoGetProject(call, *request, response); });
}

grpc::ServerUnaryReactor* VotingService::ListProjects(grpc::CallbackServerContext* ctx, const minyi::voting::v1::ListProjectsRequest* request,
                                   minyi::voting::v1::ListProjectsResponse* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoListProjects(call, *request, response); });
}

grpc::ServerUnaryReactor* VotingService::ScreenProject(grpc::CallbackServerContext* ctx, const minyi::voting::v1::ScreenProjectRequest* request,
                                   minyi::voting::v1::Project* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoScreenProject(call, *request, response); });
}

grpc::ServerUnaryReactor* VotingService::AttachSupervisionGroup(grpc::CallbackServerContext* ctx, const minyi::voting::v1::AttachSupervisionGroupRequest* request,
                                   minyi::voting::v1::Project* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoAttachSupervisionGroup(call, *request, response); });
}

grpc::ServerUnaryReactor* VotingService::PostProgress(grpc::CallbackServerContext* ctx, const minyi::voting::v1::PostProgressRequest* request,
                                   minyi::voting::v1::ProgressReport* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoPostProgress(call, *request, response); });
}

grpc::ServerUnaryReactor* VotingService::ListProgress(grpc::CallbackServerContext* ctx, const minyi::voting::v1::ListProgressRequest* request,
                                   minyi::voting::v1::ListProgressResponse* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoListProgress(call, *request, response); });
}

grpc::ServerUnaryReactor* VotingService::OpenSatisfactionRound(grpc::CallbackServerContext* ctx, const minyi::voting::v1::OpenSatisfactionRoundRequest* request,
                                   minyi::voting::v1::Satisfaction* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoOpenSatisfactionRound(call, *request, response); });
}

grpc::ServerUnaryReactor* VotingService::RateProject(grpc::CallbackServerContext* ctx, const minyi::voting::v1::RateProjectRequest* request,
                                   minyi::voting::v1::Satisfaction* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoRateProject(call, *request, response); });
}

grpc::ServerUnaryReactor* VotingService::GetSatisfaction(grpc::CallbackServerContext* ctx, const minyi::voting::v1::GetSatisfactionRequest* request,
                                   minyi::voting::v1::Satisfaction* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoGetSatisfaction(call, *request, response); });
}

grpc::ServerUnaryReactor* VotingService::CreateVote(grpc::CallbackServerContext* ctx, const minyi::voting::v1::CreateVoteRequest* request,
                                   minyi::voting::v1::Vote* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoCreateVote(call, *request, response); });
}

grpc::ServerUnaryReactor* VotingService::GetVote(grpc::CallbackServerContext* ctx, const minyi::voting::v1::GetVoteRequest* request,
                                   minyi::voting::v1::Vote* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoGetVote(call, *request, response); });
}

grpc::ServerUnaryReactor* VotingService::ListVotes(grpc::CallbackServerContext* ctx, const minyi::voting::v1::ListVotesRequest* request,
                                   minyi::voting::v1::ListVotesResponse* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoListVotes(call, *request, response); });
}

grpc::ServerUnaryReactor* VotingService::OpenVote(grpc::CallbackServerContext* ctx, const minyi::voting::v1::OpenVoteRequest* request,
                                   minyi::voting::v1::Vote* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoOpenVote(call, *request, response); });
}

grpc::ServerUnaryReactor* VotingService::CheckIn(grpc::CallbackServerContext* ctx, const minyi::voting::v1::CheckInRequest* request,
                                   minyi::voting::v1::CheckInResponse* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoCheckIn(call, *request, response); });
}

grpc::ServerUnaryReactor* VotingService::GetTurnout(grpc::CallbackServerContext* ctx, const minyi::voting::v1::GetTurnoutRequest* request,
                                   minyi::voting::v1::Turnout* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoGetTurnout(call, *request, response); });
}

grpc::ServerUnaryReactor* VotingService::CastBallot(grpc::CallbackServerContext* ctx, const minyi::voting::v1::CastBallotRequest* request,
                                   minyi::voting::v1::BallotReceipt* response) {
  return SubmitCast(ctx, request, response);
}

grpc::ServerUnaryReactor* VotingService::CloseVote(grpc::CallbackServerContext* ctx, const minyi::voting::v1::CloseVoteRequest* request,
                                   minyi::voting::v1::Vote* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoCloseVote(call, *request, response); });
}

grpc::ServerUnaryReactor* VotingService::AnnounceResult(grpc::CallbackServerContext* ctx, const minyi::voting::v1::AnnounceResultRequest* request,
                                   minyi::voting::v1::Vote* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoAnnounceResult(call, *request, response); });
}

grpc::ServerUnaryReactor* VotingService::CreateRunoff(grpc::CallbackServerContext* ctx, const minyi::voting::v1::CreateRunoffRequest* request,
                                   minyi::voting::v1::Vote* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoCreateRunoff(call, *request, response); });
}

grpc::ServerUnaryReactor* VotingService::GetResult(grpc::CallbackServerContext* ctx, const minyi::voting::v1::GetResultRequest* request,
                                   minyi::voting::v1::VoteResult* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoGetResult(call, *request, response); });
}

grpc::ServerUnaryReactor* VotingService::GetBulletin(grpc::CallbackServerContext* ctx, const minyi::voting::v1::GetBulletinRequest* request,
                                   minyi::voting::v1::Bulletin* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoGetBulletin(call, *request, response); });
}

}  // namespace minyi::voting

// The gRPC boundary: each RPC converts its Do* method's status.
#include "voting/service.h"

#include "common/status.h"
#include "common/workers.h"
#include "grpcpp/server_context.h"

namespace minyi::voting {

grpc::ServerUnaryReactor* VotingService::CreateProject(grpc::CallbackServerContext* ctx, const minyi::voting::v1::CreateProjectRequest* request,
                                   minyi::voting::v1::Project* response) {
  return Serve(ctx, [=, this] { return DoCreateProject(*ctx, *request, response); });
}

grpc::ServerUnaryReactor* VotingService::GetProject(grpc::CallbackServerContext* ctx, const minyi::voting::v1::GetProjectRequest* request,
                                   minyi::voting::v1::Project* response) {
  return Serve(ctx, [=, this] { return DoGetProject(*ctx, *request, response); });
}

grpc::ServerUnaryReactor* VotingService::ListProjects(grpc::CallbackServerContext* ctx, const minyi::voting::v1::ListProjectsRequest* request,
                                   minyi::voting::v1::ListProjectsResponse* response) {
  return Serve(ctx, [=, this] { return DoListProjects(*ctx, *request, response); });
}

grpc::ServerUnaryReactor* VotingService::ScreenProject(grpc::CallbackServerContext* ctx, const minyi::voting::v1::ScreenProjectRequest* request,
                                   minyi::voting::v1::Project* response) {
  return Serve(ctx, [=, this] { return DoScreenProject(*ctx, *request, response); });
}

grpc::ServerUnaryReactor* VotingService::AttachSupervisionGroup(grpc::CallbackServerContext* ctx, const minyi::voting::v1::AttachSupervisionGroupRequest* request,
                                   minyi::voting::v1::Project* response) {
  return Serve(ctx, [=, this] { return DoAttachSupervisionGroup(*ctx, *request, response); });
}

grpc::ServerUnaryReactor* VotingService::PostProgress(grpc::CallbackServerContext* ctx, const minyi::voting::v1::PostProgressRequest* request,
                                   minyi::voting::v1::ProgressReport* response) {
  return Serve(ctx, [=, this] { return DoPostProgress(*ctx, *request, response); });
}

grpc::ServerUnaryReactor* VotingService::ListProgress(grpc::CallbackServerContext* ctx, const minyi::voting::v1::ListProgressRequest* request,
                                   minyi::voting::v1::ListProgressResponse* response) {
  return Serve(ctx, [=, this] { return DoListProgress(*ctx, *request, response); });
}

grpc::ServerUnaryReactor* VotingService::OpenSatisfactionRound(grpc::CallbackServerContext* ctx, const minyi::voting::v1::OpenSatisfactionRoundRequest* request,
                                   minyi::voting::v1::Satisfaction* response) {
  return Serve(ctx, [=, this] { return DoOpenSatisfactionRound(*ctx, *request, response); });
}

grpc::ServerUnaryReactor* VotingService::RateProject(grpc::CallbackServerContext* ctx, const minyi::voting::v1::RateProjectRequest* request,
                                   minyi::voting::v1::Satisfaction* response) {
  return Serve(ctx, [=, this] { return DoRateProject(*ctx, *request, response); });
}

grpc::ServerUnaryReactor* VotingService::GetSatisfaction(grpc::CallbackServerContext* ctx, const minyi::voting::v1::GetSatisfactionRequest* request,
                                   minyi::voting::v1::Satisfaction* response) {
  return Serve(ctx, [=, this] { return DoGetSatisfaction(*ctx, *request, response); });
}

grpc::ServerUnaryReactor* VotingService::CreateVote(grpc::CallbackServerContext* ctx, const minyi::voting::v1::CreateVoteRequest* request,
                                   minyi::voting::v1::Vote* response) {
  return Serve(ctx, [=, this] { return DoCreateVote(*ctx, *request, response); });
}

grpc::ServerUnaryReactor* VotingService::GetVote(grpc::CallbackServerContext* ctx, const minyi::voting::v1::GetVoteRequest* request,
                                   minyi::voting::v1::Vote* response) {
  return Serve(ctx, [=, this] { return DoGetVote(*ctx, *request, response); });
}

grpc::ServerUnaryReactor* VotingService::ListVotes(grpc::CallbackServerContext* ctx, const minyi::voting::v1::ListVotesRequest* request,
                                   minyi::voting::v1::ListVotesResponse* response) {
  return Serve(ctx, [=, this] { return DoListVotes(*ctx, *request, response); });
}

grpc::ServerUnaryReactor* VotingService::OpenVote(grpc::CallbackServerContext* ctx, const minyi::voting::v1::OpenVoteRequest* request,
                                   minyi::voting::v1::Vote* response) {
  return Serve(ctx, [=, this] { return DoOpenVote(*ctx, *request, response); });
}

grpc::ServerUnaryReactor* VotingService::CheckIn(grpc::CallbackServerContext* ctx, const minyi::voting::v1::CheckInRequest* request,
                                   minyi::voting::v1::CheckInResponse* response) {
  return Serve(ctx, [=, this] { return DoCheckIn(*ctx, *request, response); });
}

grpc::ServerUnaryReactor* VotingService::GetTurnout(grpc::CallbackServerContext* ctx, const minyi::voting::v1::GetTurnoutRequest* request,
                                   minyi::voting::v1::Turnout* response) {
  return Serve(ctx, [=, this] { return DoGetTurnout(*ctx, *request, response); });
}

grpc::ServerUnaryReactor* VotingService::CastBallot(grpc::CallbackServerContext* ctx, const minyi::voting::v1::CastBallotRequest* request,
                                   minyi::voting::v1::BallotReceipt* response) {
  return SubmitCast(ctx, request, response);
}

grpc::ServerUnaryReactor* VotingService::CloseVote(grpc::CallbackServerContext* ctx, const minyi::voting::v1::CloseVoteRequest* request,
                                   minyi::voting::v1::Vote* response) {
  return Serve(ctx, [=, this] { return DoCloseVote(*ctx, *request, response); });
}

grpc::ServerUnaryReactor* VotingService::AnnounceResult(grpc::CallbackServerContext* ctx, const minyi::voting::v1::AnnounceResultRequest* request,
                                   minyi::voting::v1::Vote* response) {
  return Serve(ctx, [=, this] { return DoAnnounceResult(*ctx, *request, response); });
}

grpc::ServerUnaryReactor* VotingService::CreateRunoff(grpc::CallbackServerContext* ctx, const minyi::voting::v1::CreateRunoffRequest* request,
                                   minyi::voting::v1::Vote* response) {
  return Serve(ctx, [=, this] { return DoCreateRunoff(*ctx, *request, response); });
}

grpc::ServerUnaryReactor* VotingService::GetResult(grpc::CallbackServerContext* ctx, const minyi::voting::v1::GetResultRequest* request,
                                   minyi::voting::v1::VoteResult* response) {
  return Serve(ctx, [=, this] { return DoGetResult(*ctx, *request, response); });
}

grpc::ServerUnaryReactor* VotingService::GetBulletin(grpc::CallbackServerContext* ctx, const minyi::voting::v1::GetBulletinRequest* request,
                                   minyi::voting::v1::Bulletin* response) {
  return Serve(ctx, [=, this] { return DoGetBulletin(*ctx, *request, response); });
}

}  // namespace minyi::voting

// The gRPC boundary: each RPC converts its Do* method's status.
#include "voting/service.h"

#include "common/status.h"
#include "grpcpp/server_context.h"

namespace minyi::voting {

grpc::Status VotingService::CreateProject(grpc::ServerContext* ctx, const minyi::voting::v1::CreateProjectRequest* request,
                                   minyi::voting::v1::Project* response) {
  return ToGrpc(DoCreateProject(*ctx, *request, response));
}

grpc::Status VotingService::GetProject(grpc::ServerContext* ctx, const minyi::voting::v1::GetProjectRequest* request,
                                   minyi::voting::v1::Project* response) {
  return ToGrpc(DoGetProject(*ctx, *request, response));
}

grpc::Status VotingService::ListProjects(grpc::ServerContext* ctx, const minyi::voting::v1::ListProjectsRequest* request,
                                   minyi::voting::v1::ListProjectsResponse* response) {
  return ToGrpc(DoListProjects(*ctx, *request, response));
}

grpc::Status VotingService::ScreenProject(grpc::ServerContext* ctx, const minyi::voting::v1::ScreenProjectRequest* request,
                                   minyi::voting::v1::Project* response) {
  return ToGrpc(DoScreenProject(*ctx, *request, response));
}

grpc::Status VotingService::AttachSupervisionGroup(grpc::ServerContext* ctx, const minyi::voting::v1::AttachSupervisionGroupRequest* request,
                                   minyi::voting::v1::Project* response) {
  return ToGrpc(DoAttachSupervisionGroup(*ctx, *request, response));
}

grpc::Status VotingService::PostProgress(grpc::ServerContext* ctx, const minyi::voting::v1::PostProgressRequest* request,
                                   minyi::voting::v1::ProgressReport* response) {
  return ToGrpc(DoPostProgress(*ctx, *request, response));
}

grpc::Status VotingService::ListProgress(grpc::ServerContext* ctx, const minyi::voting::v1::ListProgressRequest* request,
                                   minyi::voting::v1::ListProgressResponse* response) {
  return ToGrpc(DoListProgress(*ctx, *request, response));
}

grpc::Status VotingService::OpenSatisfactionRound(grpc::ServerContext* ctx, const minyi::voting::v1::OpenSatisfactionRoundRequest* request,
                                   minyi::voting::v1::Satisfaction* response) {
  return ToGrpc(DoOpenSatisfactionRound(*ctx, *request, response));
}

grpc::Status VotingService::RateProject(grpc::ServerContext* ctx, const minyi::voting::v1::RateProjectRequest* request,
                                   minyi::voting::v1::Satisfaction* response) {
  return ToGrpc(DoRateProject(*ctx, *request, response));
}

grpc::Status VotingService::GetSatisfaction(grpc::ServerContext* ctx, const minyi::voting::v1::GetSatisfactionRequest* request,
                                   minyi::voting::v1::Satisfaction* response) {
  return ToGrpc(DoGetSatisfaction(*ctx, *request, response));
}

grpc::Status VotingService::CreateVote(grpc::ServerContext* ctx, const minyi::voting::v1::CreateVoteRequest* request,
                                   minyi::voting::v1::Vote* response) {
  return ToGrpc(DoCreateVote(*ctx, *request, response));
}

grpc::Status VotingService::GetVote(grpc::ServerContext* ctx, const minyi::voting::v1::GetVoteRequest* request,
                                   minyi::voting::v1::Vote* response) {
  return ToGrpc(DoGetVote(*ctx, *request, response));
}

grpc::Status VotingService::ListVotes(grpc::ServerContext* ctx, const minyi::voting::v1::ListVotesRequest* request,
                                   minyi::voting::v1::ListVotesResponse* response) {
  return ToGrpc(DoListVotes(*ctx, *request, response));
}

grpc::Status VotingService::OpenVote(grpc::ServerContext* ctx, const minyi::voting::v1::OpenVoteRequest* request,
                                   minyi::voting::v1::Vote* response) {
  return ToGrpc(DoOpenVote(*ctx, *request, response));
}

grpc::Status VotingService::CheckIn(grpc::ServerContext* ctx, const minyi::voting::v1::CheckInRequest* request,
                                   minyi::voting::v1::CheckInResponse* response) {
  return ToGrpc(DoCheckIn(*ctx, *request, response));
}

grpc::Status VotingService::GetTurnout(grpc::ServerContext* ctx, const minyi::voting::v1::GetTurnoutRequest* request,
                                   minyi::voting::v1::Turnout* response) {
  return ToGrpc(DoGetTurnout(*ctx, *request, response));
}

grpc::Status VotingService::CastBallot(grpc::ServerContext* ctx, const minyi::voting::v1::CastBallotRequest* request,
                                   minyi::voting::v1::BallotReceipt* response) {
  return ToGrpc(DoCastBallot(*ctx, *request, response));
}

grpc::Status VotingService::CloseVote(grpc::ServerContext* ctx, const minyi::voting::v1::CloseVoteRequest* request,
                                   minyi::voting::v1::Vote* response) {
  return ToGrpc(DoCloseVote(*ctx, *request, response));
}

grpc::Status VotingService::AnnounceResult(grpc::ServerContext* ctx, const minyi::voting::v1::AnnounceResultRequest* request,
                                   minyi::voting::v1::Vote* response) {
  return ToGrpc(DoAnnounceResult(*ctx, *request, response));
}

grpc::Status VotingService::CreateRunoff(grpc::ServerContext* ctx, const minyi::voting::v1::CreateRunoffRequest* request,
                                   minyi::voting::v1::Vote* response) {
  return ToGrpc(DoCreateRunoff(*ctx, *request, response));
}

grpc::Status VotingService::GetResult(grpc::ServerContext* ctx, const minyi::voting::v1::GetResultRequest* request,
                                   minyi::voting::v1::VoteResult* response) {
  return ToGrpc(DoGetResult(*ctx, *request, response));
}

grpc::Status VotingService::GetBulletin(grpc::ServerContext* ctx, const minyi::voting::v1::GetBulletinRequest* request,
                                   minyi::voting::v1::Bulletin* response) {
  return ToGrpc(DoGetBulletin(*ctx, *request, response));
}

}  // namespace minyi::voting

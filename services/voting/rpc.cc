#include "voting/rpc.h"

#include "minyi/voting/v1/voting.grpc.pb.h"

namespace minyi::voting {

std::unique_ptr<RpcService> VotingRpc(Projects& projects, Votes& votes, BallotBox& ballot_box) {
  auto rpc = std::make_unique<RpcService>(v1::Voting::service_full_name());
  (*rpc)
      .Bind("CreateProject", projects, &Projects::Create)
      .Bind("GetProject", projects, &Projects::Get)
      .Bind("ListProjects", projects, &Projects::List)
      .Bind("ScreenProject", projects, &Projects::Screen)
      .Bind("AttachSupervisionGroup", projects, &Projects::AttachSupervisionGroup)
      .Bind("PostProgress", projects, &Projects::PostProgress)
      .Bind("ListProgress", projects, &Projects::ListProgress)
      .Bind("OpenSatisfactionRound", projects, &Projects::OpenSatisfactionRound)
      .Bind("RateProject", projects, &Projects::Rate)
      .Bind("GetSatisfaction", projects, &Projects::GetSatisfaction)
      .Bind("CreateVote", votes, &Votes::Create)
      .Bind("GetVote", votes, &Votes::Get)
      .Bind("ListVotes", votes, &Votes::List)
      .Bind("OpenVote", votes, &Votes::Open)
      .Bind("CheckIn", votes, &Votes::CheckIn)
      .Bind("GetTurnout", votes, &Votes::GetTurnout)
      // A cast joins the ballot box's batch, which finishes the call (docs/voting.md, "Casting").
      .BindReactor<v1::CastBallotRequest, v1::BallotReceipt>(
          "CastBallot",
          [&ballot_box](grpc::CallbackServerContext* ctx, const v1::CastBallotRequest* request,
                        v1::BallotReceipt* response) {
            grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
            ballot_box.Cast({.call = CallOf(*ctx),
                             .cancelled = [ctx] { return ctx->IsCancelled(); },
                             .finish = [reactor](const absl::Status& status) { reactor->Finish(ToGrpc(status)); }},
                            *request, response);
            return reactor;
          })
      .Bind("CloseVote", votes, &Votes::Close)
      .Bind("AnnounceResult", votes, &Votes::AnnounceResult)
      .Bind("CreateRunoff", votes, &Votes::CreateRunoff)
      .Bind("GetResult", votes, &Votes::GetResult)
      .Bind("GetBulletin", votes, &Votes::GetBulletin);
  return rpc;
}

std::unique_ptr<RpcService> PublicVotingRpc(PublicReads& reads) {
  auto rpc = std::make_unique<RpcService>(v1::PublicVoting::service_full_name());
  (*rpc)
      .Bind("ListPublicVotes", reads, &PublicReads::ListVotes)
      .Bind("GetPublicVoteResult", reads, &PublicReads::GetResult)
      .Bind("GetPublicBulletin", reads, &PublicReads::GetBulletin)
      .Bind("ListPublicProjects", reads, &PublicReads::ListProjects)
      .Bind("GetPublicProject", reads, &PublicReads::GetProject)
      .Bind("ListPublicProgress", reads, &PublicReads::ListProgress)
      .Bind("GetPublicSatisfaction", reads, &PublicReads::GetSatisfaction);
  return rpc;
}

}  // namespace minyi::voting

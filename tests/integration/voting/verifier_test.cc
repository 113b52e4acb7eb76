// Verifiability: anyone recounts the published bulletin with minyi-verify-bulletin and gets the
// published result; a voter finds their tracker; a tampered result is caught. A tie at the cut-off leads
// to a run-off between the tied candidates.
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>

#include "google/protobuf/util/json_util.h"
#include "integration/voting/fixture.h"

namespace minyi::testing {
namespace {

using ::minyi::voting::v1::BallotReceipt;

class VerifierTest : public VotingServiceTest {
 protected:
  static std::string WriteJson(const google::protobuf::Message& m, const std::string& name) {
    std::string json;
    EXPECT_TRUE(google::protobuf::util::MessageToJsonString(m, &json).ok());
    const std::string path = TempDir("verify") + "/" + name;
    std::ofstream(path) << json;
    return path;
  }

  // The verifier's exit code.
  static int Verify(const std::string& args) {
    const std::string cmd = BuildPath("services/voting/verify/minyi-verify-bulletin") + " " + args + " > " +
                            TempDir("verify-out") + "/out.json 2>&1";
    const int status = std::system(cmd.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
};

TEST_F(VerifierTest, TheBulletinRecountsToThePublishedResultAndTamperingIsCaught) {
  // 5 deputies, 4 candidates, 1 slot; one blank ballot.
  const OpenedVote vote = OpenApprovalVote(4, 1, 5);
  const std::vector<std::vector<int>> choices = {{0}, {0}, {1}, {1}, {}};
  std::vector<std::string> trackers;
  for (std::size_t v = 0; v < choices.size(); ++v) {
    std::vector<std::string> approvals;
    for (int c : choices[v]) {
      approvals.push_back(vote.candidates[c]);
    }
    BallotReceipt receipt;
    grpc::Status st = Cast(vote.deputies[v], ApprovalBallot(vote.name, approvals, Nonce(absl::StrCat("vf", v))), &receipt);
    ASSERT_TRUE(st.ok()) << st.error_message();
    trackers.push_back(receipt.tracker());
  }
  Close(vote.name);

  minyi::voting::v1::GetBulletinRequest bulletin_request;
  bulletin_request.set_name(vote.name + "/bulletin");
  minyi::voting::v1::Bulletin bulletin;
  // The bulletin is public after closing: a citizen may read it.
  ASSERT_TRUE(stub_->GetBulletin(CallContext(Token(minyi::common::v1::ROLE_CITIZEN)).get(), bulletin_request, &bulletin)
                  .ok());
  EXPECT_EQ(bulletin.ballots_size(), 5);
  minyi::voting::v1::GetResultRequest result_request;
  result_request.set_name(vote.name + "/result");
  minyi::voting::v1::VoteResult result;
  // The result itself reaches the public only once announced.
  EXPECT_EQ(stub_->GetResult(CallContext(Token(minyi::common::v1::ROLE_CITIZEN)).get(), result_request, &result)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(stub_->GetResult(CallContext(Staff()).get(), result_request, &result).ok());
  EXPECT_EQ(result.ballots_cast(), 5);
  EXPECT_EQ(result.candidates(0).votes_for(), 2);

  const std::string bulletin_path = WriteJson(bulletin, "bulletin.json");
  const std::string result_path = WriteJson(result, "result.json");
  EXPECT_EQ(Verify(bulletin_path + " " + result_path + " --tracker " + trackers[2]), 0);
  EXPECT_EQ(Verify(bulletin_path + " --tracker " + std::string(64, 'a')), 1);

  minyi::voting::v1::VoteResult tampered = result;
  tampered.mutable_candidates(1)->set_votes_for(result.candidates(1).votes_for() + 1);
  EXPECT_EQ(Verify(bulletin_path + " " + WriteJson(tampered, "tampered.json")), 1);
  minyi::voting::v1::Bulletin stuffed = bulletin;
  *stuffed.add_ballots() = bulletin.ballots(0);  // a ballot counted twice
  EXPECT_EQ(Verify(WriteJson(stuffed, "stuffed.json") + " " + result_path), 1);
  EXPECT_EQ(Verify("/nonexistent.json"), 2);
}

TEST_F(VerifierTest, ATieAtTheCutOffIsSettledByARunoffBetweenTheTiedCandidates) {
  // Candidates and deputies from a vote set up for the purpose; the tie is in a for/against vote over them
  // with one slot and up to two "for" per ballot, where candidates 1 and 2 get 3 of 4 each.
  const OpenedVote vote = OpenApprovalVote(3, 1, 4, /*check_in=*/false);
  minyi::voting::v1::CreateVoteRequest create;
  create.mutable_vote()->set_title("并列测试");
  create.mutable_vote()->set_form(minyi::voting::v1::BALLOT_FORM_FOR_AGAINST);
  create.mutable_vote()->set_slots(1);
  create.mutable_vote()->set_max_approvals(2);
  for (const std::string& c : vote.candidates) {
    create.mutable_vote()->add_candidates(c);
  }
  for (const std::string& d : vote.deputies) {
    create.mutable_vote()->add_electorate(d);
  }
  minyi::voting::v1::Vote tie_vote;
  ASSERT_TRUE(stub_->CreateVote(CallContext(Staff()).get(), create, &tie_vote).ok());
  minyi::voting::v1::OpenVoteRequest open;
  open.set_name(tie_vote.name());
  ASSERT_TRUE(stub_->OpenVote(CallContext(Staff()).get(), open, &tie_vote).ok());
  for (int v = 0; v < 4; ++v) {
    CheckIn(tie_vote.name(), vote.deputies[v]);
    minyi::voting::v1::CastBallotRequest request;
    request.set_parent(tie_vote.name());
    request.mutable_ballot()->set_nonce(Nonce(absl::StrCat("tie", v)));
    for (int c = 0; c < 3; ++c) {
      auto* choice = request.mutable_ballot()->mutable_content()->add_choices();
      choice->set_candidate(vote.candidates[c]);
      // Voters 0-2 are for 1; voters 1-3 are for 2; everyone is against 3.
      const bool for_it = (c == 0 && v <= 2) || (c == 1 && v >= 1);
      choice->set_choice(for_it ? minyi::voting::v1::CHOICE_FOR : minyi::voting::v1::CHOICE_AGAINST);
    }
    BallotReceipt receipt;
    grpc::Status st = Cast(vote.deputies[v], request, &receipt);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }
  Close(tie_vote.name());
  minyi::voting::v1::GetResultRequest result_request;
  result_request.set_name(tie_vote.name() + "/result");
  minyi::voting::v1::VoteResult result;
  ASSERT_TRUE(stub_->GetResult(CallContext(Staff()).get(), result_request, &result).ok());
  EXPECT_TRUE(result.quorum_met());
  EXPECT_TRUE(result.runoff_needed());
  EXPECT_EQ(result.runoff_slots(), 1);
  EXPECT_TRUE(result.candidates(0).tied());
  EXPECT_TRUE(result.candidates(1).tied());
  EXPECT_EQ(result.candidates(2).votes_against(), 4);

  minyi::voting::v1::CreateRunoffRequest runoff_request;
  runoff_request.set_name(tie_vote.name());
  minyi::voting::v1::Vote runoff;
  ASSERT_TRUE(stub_->CreateRunoff(CallContext(Staff()).get(), runoff_request, &runoff).ok());
  EXPECT_EQ(runoff.runoff_of(), tie_vote.name());
  EXPECT_EQ(runoff.slots(), 1);
  ASSERT_EQ(runoff.candidates_size(), 2);
  EXPECT_EQ(runoff.candidates(0), vote.candidates[0]);
  EXPECT_EQ(runoff.candidates(1), vote.candidates[1]);
  EXPECT_EQ(runoff.electorate_size(), 4);
  EXPECT_EQ(runoff.state(), minyi::voting::v1::VOTE_STATE_DRAFT);
}

}  // namespace
}  // namespace minyi::testing

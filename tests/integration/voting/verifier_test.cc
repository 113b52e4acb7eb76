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
    grpc::Status st =
        Cast(vote.deputies[v], ApprovalBallot(vote.name, approvals, Nonce(absl::StrCat("vf", v))), &receipt);
    ASSERT_TRUE(st.ok()) << st.error_message();
    trackers.push_back(receipt.tracker());
  }
  Close(vote.name);

  minyi::voting::v1::GetBulletinRequest bulletin_request;
  bulletin_request.set_name(vote.name + "/bulletin");
  minyi::voting::v1::Bulletin bulletin;
  minyi::voting::v1::GetResultRequest result_request;
  result_request.set_name(vote.name + "/result");
  minyi::voting::v1::VoteResult result;
  // Bulletin and result reach the public together, once announced (per role: tests/e2e/voting).
  const std::string citizen = Token(minyi::common::v1::ROLE_CITIZEN);
  EXPECT_EQ(stub_->GetBulletin(CallContext(citizen).get(), bulletin_request, &bulletin).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(stub_->GetResult(CallContext(citizen).get(), result_request, &result).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  Announce(vote.name);
  ASSERT_TRUE(stub_->GetBulletin(CallContext(citizen).get(), bulletin_request, &bulletin).ok());
  EXPECT_EQ(bulletin.ballots_size(), 5);
  ASSERT_TRUE(stub_->GetResult(CallContext(citizen).get(), result_request, &result).ok());
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

TEST_F(VerifierTest, ATieAtTheCutOffIsSettledByARunoffBetweenTheTiedCandidatesOnceAnnounced) {
  const OpenedVote tie = ClosedTie();
  minyi::voting::v1::GetResultRequest result_request;
  result_request.set_name(tie.name + "/result");
  minyi::voting::v1::VoteResult result;
  ASSERT_TRUE(stub_->GetResult(CallContext(Staff()).get(), result_request, &result).ok());
  EXPECT_TRUE(result.quorum_met());
  EXPECT_TRUE(result.runoff_needed());
  EXPECT_EQ(result.runoff_slots(), 1);
  EXPECT_TRUE(result.candidates(0).tied());
  EXPECT_TRUE(result.candidates(1).tied());
  EXPECT_EQ(result.candidates(2).votes_against(), 4);

  // The tie is part of the result: the run-off, which everyone sees, waits for the announcement.
  minyi::voting::v1::CreateRunoffRequest runoff_request;
  runoff_request.set_name(tie.name);
  minyi::voting::v1::Vote runoff;
  grpc::Status st = stub_->CreateRunoff(CallContext(Staff()).get(), runoff_request, &runoff);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << st.error_message();
  Announce(tie.name);
  st = stub_->CreateRunoff(CallContext(Staff()).get(), runoff_request, &runoff);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(runoff.runoff_of(), tie.name);
  EXPECT_EQ(runoff.slots(), 1);
  ASSERT_EQ(runoff.candidates_size(), 2);
  EXPECT_EQ(runoff.candidates(0), tie.candidates[0]);
  EXPECT_EQ(runoff.candidates(1), tie.candidates[1]);
  EXPECT_EQ(runoff.electorate_size(), 4);
  EXPECT_EQ(runoff.state(), minyi::voting::v1::VOTE_STATE_DRAFT);
}

}  // namespace
}  // namespace minyi::testing

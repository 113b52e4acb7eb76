// Casting: exactly one ballot per deputy under concurrent duplicates, retries return the same receipt,
// and only entitled, checked-in deputies cast valid ballots while the vote is open.
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "integration/voting/fixture.h"

namespace minyi::testing {
namespace {

using ::minyi::voting::v1::BallotReceipt;
using ::minyi::voting::v1::CastBallotRequest;

class CastingTest : public VotingServiceTest {};

TEST_F(CastingTest, ConcurrentDuplicatesMakeOneBallotAndAllGetTheSameReceipt) {
  const OpenedVote vote = OpenApprovalVote(3, 1, 3);
  const std::string voter = vote.deputies[0];
  const CastBallotRequest request = ApprovalBallot(vote.name, {vote.candidates[1]}, Nonce("dup"));
  constexpr int kThreads = 24;
  std::vector<BallotReceipt> receipts(kThreads);
  std::vector<grpc::Status> statuses(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    // A third retry with one key, a third with fresh keys, a third without any key.
    const std::string key = i % 3 == 0 ? "same-key" : i % 3 == 1 ? absl::StrCat("key-", i) : "";
    threads.emplace_back([&, i, key] { statuses[i] = Cast(voter, request, &receipts[i], key); });
  }
  for (std::thread& t : threads) {
    t.join();
  }
  std::set<std::string> trackers;
  for (int i = 0; i < kThreads; ++i) {
    ASSERT_TRUE(statuses[i].ok()) << i << ": " << statuses[i].error_message();
    trackers.insert(receipts[i].tracker());
  }
  EXPECT_EQ(trackers.size(), 1u);
  EXPECT_EQ(receipts[0].tracker().size(), 64u);
  const std::string id = vote.name.substr(6);
  EXPECT_EQ(Query("SELECT count(*) FROM voters WHERE vote_id = " + id), "1");
  EXPECT_EQ(Query("SELECT count(*) FROM sealed_ballots WHERE vote_id = " + id), "1");
  EXPECT_EQ(Query("SELECT count(*) FROM outbox WHERE event_type = 'minyi.voting.v1.BallotCast' AND subject = '" +
                  vote.name + "'"),
            "1");

  // A later retry, after the first committed, still gets the same receipt.
  BallotReceipt again;
  ASSERT_TRUE(Cast(voter, request, &again, "another-key").ok());
  EXPECT_EQ(again.tracker(), receipts[0].tracker());

  // A different ballot is a second vote: one per deputy, so ALREADY_EXISTS, nothing stored.
  BallotReceipt other;
  grpc::Status st = Cast(voter, ApprovalBallot(vote.name, {vote.candidates[0]}, Nonce("dup")), &other);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_NE(st.error_message().find("已经投过票"), std::string::npos) << st.error_message();
  st = Cast(voter, ApprovalBallot(vote.name, {vote.candidates[1]}, Nonce("fresh")), &other);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(Query("SELECT count(*) FROM sealed_ballots WHERE vote_id = " + id), "1");

  // The tracker is on the bulletin after closing, counted once.
  Close(vote.name);
  EXPECT_EQ(
      Query("SELECT count(*) FROM bulletin WHERE vote_id = " + id + " AND tracker = '" + receipts[0].tracker() + "'"),
      "1");
  EXPECT_EQ(Query("SELECT count(*) FROM bulletin WHERE vote_id = " + id), "1");
}

TEST_F(CastingTest, ManyVotersConcurrentlyEachCastExactlyOnce) {
  constexpr int kVoters = 20;
  const OpenedVote vote = OpenApprovalVote(3, 1, kVoters);
  std::vector<std::thread> threads;
  std::vector<std::set<std::string>> trackers(kVoters);
  std::mutex mu;
  std::vector<CastBallotRequest> requests;
  for (int v = 0; v < kVoters; ++v) {
    requests.push_back(ApprovalBallot(vote.name, {vote.candidates[v % 3]}, Nonce(absl::StrCat("v", v))));
  }
  for (int v = 0; v < kVoters; ++v) {
    for (int copy = 0; copy < 2; ++copy) {
      threads.emplace_back([&, v] {
        const CastBallotRequest& request = requests[v];
        BallotReceipt receipt;
        grpc::Status st = Cast(vote.deputies[v], request, &receipt, absl::StrCat("k", v));
        std::lock_guard<std::mutex> lock(mu);
        EXPECT_TRUE(st.ok()) << st.error_message();
        trackers[v].insert(receipt.tracker());
      });
    }
  }
  for (std::thread& t : threads) {
    t.join();
  }
  const std::string id = vote.name.substr(6);
  EXPECT_EQ(Query("SELECT count(*) FROM voters WHERE vote_id = " + id), std::to_string(kVoters));
  EXPECT_EQ(Query("SELECT count(*) FROM sealed_ballots WHERE vote_id = " + id), std::to_string(kVoters));
  // Casts written in one transaction still get one event and one audit row each.
  EXPECT_EQ(Query("SELECT count(DISTINCT event_id) FROM outbox WHERE event_type = 'minyi.voting.v1.BallotCast' "
                  "AND subject = '" +
                  vote.name + "'"),
            std::to_string(kVoters));
  EXPECT_EQ(Query("SELECT count(DISTINCT actor) FROM audit_log WHERE action = 'CastBallot' AND resource = '" +
                  vote.name + "'"),
            std::to_string(kVoters));
  for (int v = 0; v < kVoters; ++v) {
    EXPECT_EQ(trackers[v].size(), 1u) << "voter " << v;
  }
}

TEST_F(CastingTest, OnlyEntitledCheckedInDeputiesCastValidBallotsWhileOpen) {
  const OpenedVote vote = OpenApprovalVote(3, 1, 3, /*check_in=*/false);
  BallotReceipt receipt;
  const CastBallotRequest ballot = ApprovalBallot(vote.name, {vote.candidates[0]}, Nonce("rules"));

  grpc::Status st = Cast(vote.deputies[0], ballot, &receipt);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << st.error_message();
  st = Cast("deputies/999999", ballot, &receipt);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::PERMISSION_DENIED) << st.error_message();
  st = stub_->CastBallot(CallContext(Staff()).get(), ballot, &receipt);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::PERMISSION_DENIED);

  CheckIn(vote.name, vote.deputies[0]);
  // Too many approvals and an unknown candidate are rejected with the reason and count nothing.
  st =
      Cast(vote.deputies[0], ApprovalBallot(vote.name, {vote.candidates[0], vote.candidates[1]}, Nonce("a")), &receipt);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  st = Cast(vote.deputies[0], ApprovalBallot(vote.name, {"projects/987654"}, Nonce("b")), &receipt);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(st.error_message().find("projects/987654"), std::string::npos);
  st = Cast(vote.deputies[0], ApprovalBallot(vote.name, {vote.candidates[0]}, "short"), &receipt);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  const std::string id = vote.name.substr(6);
  EXPECT_EQ(Query("SELECT count(*) FROM voters WHERE vote_id = " + id), "0");

  // The deputy can still cast a valid ballot.
  ASSERT_TRUE(Cast(vote.deputies[0], ballot, &receipt).ok());

  // No partial results while open, but live turnout.
  minyi::voting::v1::GetResultRequest result_request;
  result_request.set_name(vote.name + "/result");
  minyi::voting::v1::VoteResult result;
  st = stub_->GetResult(CallContext(Staff()).get(), result_request, &result);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  minyi::voting::v1::GetTurnoutRequest turnout_request;
  turnout_request.set_name(vote.name + "/turnout");
  minyi::voting::v1::Turnout turnout;
  ASSERT_TRUE(stub_->GetTurnout(CallContext(Staff()).get(), turnout_request, &turnout).ok());
  EXPECT_EQ(turnout.electorate(), 3);
  EXPECT_EQ(turnout.checked_in(), 1);
  EXPECT_EQ(turnout.ballots_cast(), 1);

  // Closed: no more ballots.
  Close(vote.name);
  st = Cast(vote.deputies[1], ApprovalBallot(vote.name, {vote.candidates[0]}, Nonce("late")), &receipt);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(CastingTest, SetUpRefusesAVoteWithoutMoreCandidatesThanSlots) {
  minyi::voting::v1::CreateVoteRequest create;
  create.mutable_vote()->set_title("等额");
  create.mutable_vote()->set_form(minyi::voting::v1::BALLOT_FORM_APPROVAL);
  create.mutable_vote()->set_slots(2);
  create.mutable_vote()->add_candidates(CandidateProject("甲"));
  create.mutable_vote()->add_candidates(CandidateProject("乙"));
  create.mutable_vote()->add_electorate("deputies/1");
  minyi::voting::v1::Vote vote;
  grpc::Status st = stub_->CreateVote(CallContext(Staff()).get(), create, &vote);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(st.error_message().find("差额"), std::string::npos) << st.error_message();
}

}  // namespace
}  // namespace minyi::testing

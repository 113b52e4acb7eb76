#include "voting/admission.h"

#include <string>

#include "common/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace minyi::voting {
namespace {

using ::minyi::voting::v1::CastBallotRequest;
using ::testing::HasSubstr;

constexpr char kNonce[] = "q3Jx0V9bYp2T4mZr8LwC1A";

Caller Deputy() {
  Caller caller;
  caller.set_account_id("7");
  caller.set_role(minyi::common::v1::ROLE_DEPUTY);
  caller.set_deputy("deputies/3");
  return caller;
}

CastBallotRequest Cast(const std::string& parent, const std::string& nonce) {
  CastBallotRequest request;
  request.set_parent(parent);
  request.mutable_ballot()->set_nonce(nonce);
  request.mutable_ballot()->mutable_content()->add_approvals("projects/1");
  return request;
}

VoteRules ApprovalRules() {
  VoteRules rules;
  rules.form = minyi::voting::v1::BALLOT_FORM_APPROVAL;
  rules.slots = 1;
  rules.max_approvals = 1;
  rules.candidates = {"projects/1", "projects/2"};
  return rules;
}

TEST(AdmitCastTest, ADeputyWithAWellFormedCastIsAdmittedToTheVoteItNames) {
  absl::StatusOr<AdmittedCast> admitted = AdmitCast(Deputy(), Cast("votes/12", kNonce));
  ASSERT_TRUE(admitted.ok()) << admitted.status();
  EXPECT_EQ(admitted->vote_id, 12);
  EXPECT_EQ(admitted->caller.deputy(), "deputies/3");
}

TEST(AdmitCastTest, TheCallersErrorComesBeforeTheNameAndTheNonce) {
  absl::StatusOr<AdmittedCast> admitted = AdmitCast(PermissionDenied("not a deputy"), Cast("votes/x", "short"));
  EXPECT_EQ(admitted.status().code(), absl::StatusCode::kPermissionDenied);
}

TEST(AdmitCastTest, TheVotesNameComesBeforeTheNonce) {
  absl::StatusOr<AdmittedCast> admitted = AdmitCast(Deputy(), Cast("votes/012", "short"));
  EXPECT_EQ(admitted.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(admitted.status().message(), HasSubstr("parent"));
}

TEST(AdmitCastTest, AShortOrMalformedNonceIsRefused) {
  for (const std::string& nonce :
       {std::string("short"), std::string("q3Jx0V9bYp2T4mZr8LwC1A+/"), std::string(129, 'a')}) {
    absl::StatusOr<AdmittedCast> admitted = AdmitCast(Deputy(), Cast("votes/12", nonce));
    EXPECT_EQ(admitted.status().code(), absl::StatusCode::kInvalidArgument) << nonce;
    EXPECT_THAT(admitted.status().message(), HasSubstr("ballot.nonce")) << nonce;
  }
}

TEST(JudgeCastTest, OnlyACheckedInElectorCastsInAnOpenVote) {
  CastContext context{.state = minyi::voting::v1::VOTE_STATE_OPEN, .elector = true, .checked_in = true};
  EXPECT_TRUE(JudgeCast(&context, "votes/12").ok());

  EXPECT_EQ(JudgeCast(nullptr, "votes/12").code(), absl::StatusCode::kNotFound);

  context.checked_in = false;
  EXPECT_EQ(JudgeCast(&context, "votes/12").code(), absl::StatusCode::kFailedPrecondition);
  context.elector = false;
  EXPECT_EQ(JudgeCast(&context, "votes/12").code(), absl::StatusCode::kPermissionDenied);
  for (auto state : {minyi::voting::v1::VOTE_STATE_DRAFT, minyi::voting::v1::VOTE_STATE_CLOSED,
                     minyi::voting::v1::VOTE_STATE_ANNOUNCED}) {
    context = {.state = state, .elector = true, .checked_in = true};
    absl::Status st = JudgeCast(&context, "votes/12");
    EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(st.message(), HasSubstr(minyi::voting::v1::VoteState_Name(state)));
  }
}

TEST(PrepareBallotTest, TheTrackerIsTheBulletinsAndTheReceiptCheckIsKeptApart) {
  const CastBallotRequest request = Cast("votes/12", kNonce);
  absl::StatusOr<PreparedBallot> ballot = PrepareBallot(ApprovalRules(), request.parent(), request.ballot());
  ASSERT_TRUE(ballot.ok()) << ballot.status();
  EXPECT_EQ(ballot->entry.tracker().size(), 64u);
  EXPECT_THAT(ballot->entry.content().approvals(), ::testing::ElementsAre("projects/1"));
  EXPECT_FALSE(ballot->receipt_check.empty());
  EXPECT_EQ(ballot->entry.tracker().find(ballot->receipt_check), std::string::npos);
  // The same ballot again (a retry) prepares alike; in another vote it does not.
  absl::StatusOr<PreparedBallot> again = PrepareBallot(ApprovalRules(), request.parent(), request.ballot());
  EXPECT_EQ(again->entry.tracker(), ballot->entry.tracker());
  EXPECT_EQ(again->receipt_check, ballot->receipt_check);
  absl::StatusOr<PreparedBallot> elsewhere = PrepareBallot(ApprovalRules(), "votes/13", request.ballot());
  EXPECT_NE(elsewhere->entry.tracker(), ballot->entry.tracker());
}

TEST(PrepareBallotTest, AnInvalidBallotIsRefused) {
  CastBallotRequest request = Cast("votes/12", kNonce);
  request.mutable_ballot()->mutable_content()->add_approvals("projects/2");  // more than max_approvals
  EXPECT_EQ(PrepareBallot(ApprovalRules(), request.parent(), request.ballot()).status().code(),
            absl::StatusCode::kInvalidArgument);
  request = Cast("votes/12", kNonce);
  request.mutable_ballot()->mutable_content()->set_approvals(0, "projects/9");  // not a candidate
  EXPECT_EQ(PrepareBallot(ApprovalRules(), request.parent(), request.ballot()).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace minyi::voting

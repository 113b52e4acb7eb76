// A vote's electorate is the registry's: when a vote or its run-off is set up, every elector must exist
// in the deputies service and be serving. Both services run here as they ship.
#include <string>

#include "integration/voting/fixture.h"

namespace minyi::testing {
namespace {

class ElectorateTest : public VotingServiceTest {
 protected:
  static minyi::voting::v1::CreateVoteRequest VoteOf(const std::vector<std::string>& electorate) {
    minyi::voting::v1::CreateVoteRequest create;
    create.mutable_vote()->set_title("名册核对");
    create.mutable_vote()->set_form(minyi::voting::v1::BALLOT_FORM_APPROVAL);
    create.mutable_vote()->set_slots(1);
    create.mutable_vote()->add_candidates(CandidateProject("甲"));
    create.mutable_vote()->add_candidates(CandidateProject("乙"));
    *create.mutable_vote()->mutable_electorate() = {electorate.begin(), electorate.end()};
    return create;
  }

  static void Resign(const std::string& deputy) {
    minyi::deputies::v1::UpdateDeputyRequest update;
    update.mutable_deputy()->set_name(deputy);
    update.mutable_deputy()->set_status(minyi::deputies::v1::DEPUTY_STATUS_RESIGNED);
    update.mutable_update_mask()->add_paths("status");
    minyi::deputies::v1::Deputy out;
    grpc::Status st = deputies_->UpdateDeputy(CallContext(Staff()).get(), update, &out);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }
};

TEST_F(ElectorateTest, UnknownAndNotServingElectorsAreRefusedByName) {
  const std::string serving = NewDeputy();
  const std::string resigned = NewDeputy(minyi::deputies::v1::DEPUTY_STATUS_RESIGNED);
  const std::string terminated = NewDeputy(minyi::deputies::v1::DEPUTY_STATUS_TERMINATED);
  const std::string votes_before = Query("SELECT count(*) FROM votes");
  minyi::voting::v1::Vote vote;
  grpc::Status st =
      stub_->CreateVote(CallContext(Staff()).get(), VoteOf({serving, resigned, "deputies/987654", terminated}), &vote);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(st.error_message(), absl::StrCat("vote.electorate: 代表名册中没有 deputies/987654；", resigned, "、",
                                             terminated, " 不是在任代表"));
  EXPECT_EQ(Query("SELECT count(*) FROM votes"), votes_before);

  st = stub_->CreateVote(CallContext(Staff()).get(), VoteOf({serving, NewDeputy()}), &vote);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(vote.electorate_size(), 2);
}

TEST_F(ElectorateTest, ARunoffIsCheckedAgainstTheRegistryAsItStandsThen) {
  const OpenedVote tie = ClosedTie();
  Announce(tie.name);
  Resign(tie.deputies[2]);
  minyi::voting::v1::CreateRunoffRequest request;
  request.set_name(tie.name);
  minyi::voting::v1::Vote runoff;
  grpc::Status st = stub_->CreateRunoff(CallContext(Staff()).get(), request, &runoff);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(st.error_message(), absl::StrCat("vote.electorate: ", tie.deputies[2], " 不是在任代表"));
  EXPECT_EQ(Query("SELECT count(*) FROM votes WHERE runoff_of = " + tie.name.substr(6)), "0");
}

// The registry read voting uses is internal: office staff and services only.
TEST_F(ElectorateTest, TheStatusReadIsForOfficeStaffAndServices) {
  const std::string serving = NewDeputy();
  minyi::deputies::v1::BatchGetDeputyStatusesRequest request;
  request.add_names(serving);
  request.add_names("deputies/987654");
  minyi::deputies::v1::BatchGetDeputyStatusesResponse response;
  grpc::Status st = deputies_->BatchGetDeputyStatuses(CallContext(Staff()).get(), request, &response);
  ASSERT_TRUE(st.ok()) << st.error_message();
  ASSERT_EQ(response.deputies_size(), 1);
  EXPECT_EQ(response.deputies(0).name(), serving);
  EXPECT_EQ(response.deputies(0).status(), minyi::deputies::v1::DEPUTY_STATUS_SERVING);
  for (minyi::common::v1::Role role : {minyi::common::v1::ROLE_CITIZEN, minyi::common::v1::ROLE_LEADER}) {
    st = deputies_->BatchGetDeputyStatuses(CallContext(Token(role)).get(), request, &response);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::PERMISSION_DENIED) << role;
  }
  st = deputies_->BatchGetDeputyStatuses(CallContext(DeputyToken(serving)).get(), request, &response);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  request.add_names("stations/1");
  st = deputies_->BatchGetDeputyStatuses(CallContext(Staff()).get(), request, &response);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(st.error_message().find("names[2]"), std::string::npos) << st.error_message();
}

}  // namespace
}  // namespace minyi::testing

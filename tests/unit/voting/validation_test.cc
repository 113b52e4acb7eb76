#include "voting/validation.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace minyi::voting {
namespace {

using ::minyi::voting::v1::Project;
using ::minyi::voting::v1::ScreenProjectRequest;
using ::minyi::voting::v1::Vote;
using ::testing::HasSubstr;
using ::testing::StartsWith;

Caller As(minyi::common::v1::Role role) {
  Caller caller;
  caller.set_account_id("7");
  caller.set_role(role);
  caller.set_deputy(role == minyi::common::v1::ROLE_DEPUTY ? "deputies/3" : "");
  caller.set_department(role == minyi::common::v1::ROLE_DEPARTMENT ? "jtj" : "");
  return caller;
}

Project Nomination() {
  Project project;
  project.set_title("城南菜市场改造");
  project.set_department("jtj");
  return project;
}

// The field an INVALID_ARGUMENT names (its message starts with it).
std::string FieldOf(const absl::Status& status) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  return std::string(status.message().substr(0, status.message().find(':')));
}

TEST(CheckNominationTest, TheCallersRoleFixesTheSourceAndNominator) {
  Project project = Nomination();
  project.set_source(minyi::voting::v1::NOMINATION_SOURCE_TOWN);  // overridden
  ASSERT_TRUE(CheckNomination(As(minyi::common::v1::ROLE_CITIZEN), &project).ok());
  EXPECT_EQ(project.source(), minyi::voting::v1::NOMINATION_SOURCE_CITIZEN);
  EXPECT_EQ(project.nominator(), "accounts/7");

  project = Nomination();
  ASSERT_TRUE(CheckNomination(As(minyi::common::v1::ROLE_DEPUTY), &project).ok());
  EXPECT_EQ(project.source(), minyi::voting::v1::NOMINATION_SOURCE_DEPUTY);
  EXPECT_EQ(project.nominator(), "deputies/3");

  project = Nomination();
  ASSERT_TRUE(CheckNomination(As(minyi::common::v1::ROLE_DEPARTMENT), &project).ok());
  EXPECT_EQ(project.source(), minyi::voting::v1::NOMINATION_SOURCE_DEPARTMENT);
  EXPECT_EQ(project.nominator(), "jtj");
}

TEST(CheckNominationTest, OfficeStaffRecordAnyPartysNominationAndMustSayWhose) {
  Project project = Nomination();
  EXPECT_EQ(FieldOf(CheckNomination(As(minyi::common::v1::ROLE_STAFF), &project)), "project.source");
  project.set_source(minyi::voting::v1::NOMINATION_SOURCE_TOWN);
  project.set_nominator("城关镇");
  ASSERT_TRUE(CheckNomination(As(minyi::common::v1::ROLE_STAFF), &project).ok());
  EXPECT_EQ(project.source(), minyi::voting::v1::NOMINATION_SOURCE_TOWN);
  EXPECT_EQ(project.nominator(), "城关镇");
}

TEST(CheckNominationTest, TitleAndDepartmentAreRequired) {
  Project project = Nomination();
  project.clear_title();
  EXPECT_EQ(FieldOf(CheckNomination(As(minyi::common::v1::ROLE_CITIZEN), &project)), "project.title");
  project = Nomination();
  project.clear_department();
  EXPECT_EQ(FieldOf(CheckNomination(As(minyi::common::v1::ROLE_CITIZEN), &project)), "project.department");
}

TEST(CheckScreeningTest, AnExclusionGivesItsReasonAndAnAdmissionNone) {
  ScreenProjectRequest request;
  request.set_admit(true);
  EXPECT_TRUE(CheckScreening(request).ok());
  request.set_exclusion_reason(minyi::voting::v1::EXCLUSION_REASON_OTHER);
  EXPECT_EQ(FieldOf(CheckScreening(request)), "exclusion_reason");

  request.set_admit(false);
  request.clear_exclusion_reason();
  EXPECT_EQ(FieldOf(CheckScreening(request)), "exclusion_reason");
  // "Other" needs a note.
  request.set_exclusion_reason(minyi::voting::v1::EXCLUSION_REASON_OTHER);
  EXPECT_EQ(FieldOf(CheckScreening(request)), "note");
  request.set_note("与已有项目重复");
  EXPECT_TRUE(CheckScreening(request).ok());
  request.mutable_department_opinion()->set_budget_yuan(-1);
  EXPECT_EQ(FieldOf(CheckScreening(request)), "department_opinion.budget_yuan");
}

TEST(CheckProgressReportTest, PercentMilestoneAndPhotosAreBounded) {
  minyi::voting::v1::ProgressReport report;
  report.set_percent(40);
  report.set_milestone("完成招标");
  EXPECT_TRUE(CheckProgressReport(report).ok());
  report.set_percent(101);
  EXPECT_EQ(FieldOf(CheckProgressReport(report)), "report.percent");
  report.set_percent(100);
  report.clear_milestone();
  EXPECT_EQ(FieldOf(CheckProgressReport(report)), "report.milestone");
  report.set_milestone("竣工");
  for (int i = 0; i < 21; ++i) {
    report.add_photos("https://example.org/p.jpg");
  }
  EXPECT_EQ(FieldOf(CheckProgressReport(report)), "report.photos");
  report.mutable_photos()->RemoveLast();
  EXPECT_TRUE(CheckProgressReport(report).ok());
  report.set_photos(3, "");
  EXPECT_EQ(FieldOf(CheckProgressReport(report)), "report.photos[3]");
}

Vote NewVote(int candidates, int slots) {
  Vote vote;
  vote.set_title("民生实事项目票决");
  vote.set_form(minyi::voting::v1::BALLOT_FORM_APPROVAL);
  vote.set_slots(slots);
  for (int i = 1; i <= candidates; ++i) {
    vote.add_candidates("projects/" + std::to_string(i));
  }
  vote.add_electorate("deputies/1");
  vote.add_electorate("deputies/2");
  return vote;
}

TEST(CheckNewVoteTest, AVoteHasMoreCandidatesThanSlotsAndApprovalsDefaultToTheSlots) {
  Vote vote = NewVote(3, 2);
  ASSERT_TRUE(CheckNewVote(&vote).ok());
  EXPECT_EQ(vote.max_approvals(), 2);
  vote = NewVote(2, 2);
  absl::Status st = CheckNewVote(&vote);
  EXPECT_EQ(FieldOf(st), "vote.candidates");
  EXPECT_THAT(st.message(), HasSubstr("差额票决"));
  vote = NewVote(3, 2);
  vote.set_max_approvals(4);
  EXPECT_EQ(FieldOf(CheckNewVote(&vote)), "vote.max_approvals");
}

TEST(CheckNewVoteTest, NamesAreDistinctAndCanonical) {
  Vote vote = NewVote(3, 1);
  vote.set_candidates(2, "projects/1");
  EXPECT_EQ(FieldOf(CheckNewVote(&vote)), "vote.candidates[2]");
  vote = NewVote(3, 1);
  vote.set_electorate(1, "deputies/02");
  EXPECT_THAT(FieldOf(CheckNewVote(&vote)), StartsWith("vote.electorate[1]"));
  vote = NewVote(3, 1);
  vote.clear_electorate();
  EXPECT_EQ(FieldOf(CheckNewVote(&vote)), "vote.electorate");
  vote = NewVote(3, 1);
  vote.set_form(minyi::voting::v1::BALLOT_FORM_UNSPECIFIED);
  EXPECT_EQ(FieldOf(CheckNewVote(&vote)), "vote.form");
}

}  // namespace
}  // namespace minyi::voting

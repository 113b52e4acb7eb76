#include "evaluation/visibility.h"

#include "gtest/gtest.h"

namespace minyi::evaluation {
namespace {

namespace v1 = ::minyi::evaluation::v1;

// Two subjects (a department and an official), one group of two raters.
v1::Campaign TwoSubjects(v1::CampaignState state) {
  v1::Campaign c;
  c.set_name("evaluations/3");
  c.set_state(state);
  auto* department = c.add_subjects();
  department->set_kind(v1::SUBJECT_KIND_DEPARTMENT);
  department->set_department("natural-resources");
  auto* official = c.add_subjects();
  official->set_kind(v1::SUBJECT_KIND_OFFICIAL);
  official->set_account("accounts/20");
  auto* g = c.add_rater_groups();
  g->add_raters("deputies/1");
  g->add_raters("accounts/7");
  return c;
}

Caller WithRole(minyi::common::v1::Role role, const std::string& account) {
  Caller caller;
  caller.set_role(role);
  caller.set_account_id(account);
  return caller;
}

Caller Staff() { return WithRole(minyi::common::v1::ROLE_STAFF, "2"); }
Caller Rater() { return WithRole(minyi::common::v1::ROLE_CITIZEN, "7"); }
Caller Official() { return WithRole(minyi::common::v1::ROLE_CITIZEN, "20"); }
Caller Stranger() { return WithRole(minyi::common::v1::ROLE_CITIZEN, "99"); }

Caller Deputy() {
  Caller caller = WithRole(minyi::common::v1::ROLE_DEPUTY, "5");
  caller.set_deputy("deputies/1");
  return caller;
}

Caller Department() {
  Caller caller = WithRole(minyi::common::v1::ROLE_DEPARTMENT, "6");
  caller.set_department("natural-resources");
  return caller;
}

TEST(VisibilityTest, ParticipantsAreStaffLeadersRatersAndSubjects) {
  const v1::Campaign c = TwoSubjects(v1::CAMPAIGN_STATE_OPEN);
  EXPECT_TRUE(SeesEverything(Staff()));
  EXPECT_TRUE(SeesEverything(WithRole(minyi::common::v1::ROLE_LEADER, "3")));
  EXPECT_FALSE(SeesEverything(Deputy()));
  EXPECT_TRUE(IsRater(c, Deputy()));
  EXPECT_TRUE(IsRater(c, Rater()));
  EXPECT_FALSE(IsRater(c, Official()));
  for (const Caller& caller : {Staff(), Deputy(), Rater(), Official(), Department()}) {
    EXPECT_TRUE(RequireParticipant(c, caller).ok()) << caller.account_id();
  }
  EXPECT_EQ(RequireParticipant(c, Stranger()).code(), absl::StatusCode::kPermissionDenied);
}

TEST(VisibilityTest, SheetsAreTheRatersOwnUntilTheClose) {
  const v1::Campaign open = TwoSubjects(v1::CAMPAIGN_STATE_OPEN);
  EXPECT_EQ(SheetsVisibleTo(open, Staff()).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(*SheetsVisibleTo(open, Deputy()), "deputies/1");
  EXPECT_EQ(*SheetsVisibleTo(open, Rater()), "accounts/7");
  EXPECT_EQ(SheetsVisibleTo(open, Official()).status().code(), absl::StatusCode::kPermissionDenied);
  const v1::Campaign closed = TwoSubjects(v1::CAMPAIGN_STATE_CLOSED);
  EXPECT_EQ(*SheetsVisibleTo(closed, Staff()), "");
  EXPECT_EQ(*SheetsVisibleTo(closed, Rater()), "accounts/7");
}

TEST(VisibilityTest, ASubjectReadsOnlyWhatWasFoundAboutItself) {
  const v1::Campaign c = TwoSubjects(v1::CAMPAIGN_STATE_OPEN);
  EXPECT_EQ(*InvestigationsVisibleTo(c, Staff(), 0), (std::set<int>{1, 2}));
  EXPECT_EQ(*InvestigationsVisibleTo(c, Staff(), 2), (std::set<int>{1, 2}));
  EXPECT_EQ(*InvestigationsVisibleTo(c, Department(), 0), (std::set<int>{1}));
  EXPECT_EQ(*InvestigationsVisibleTo(c, Department(), 1), (std::set<int>{1}));
  EXPECT_EQ(InvestigationsVisibleTo(c, Department(), 2).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(*InvestigationsVisibleTo(c, Official(), 0), (std::set<int>{2}));
  // Raters are not told what was found about the subjects they rate.
  EXPECT_EQ(InvestigationsVisibleTo(c, Rater(), 0).status().code(), absl::StatusCode::kPermissionDenied);
}

TEST(VisibilityTest, RatersReadEveryResultASubjectOnlyItsOwn) {
  const v1::Campaign c = TwoSubjects(v1::CAMPAIGN_STATE_CLOSED);
  EXPECT_EQ(ResultsVisibleTo(c, Staff()), (std::set<int>{1, 2}));
  EXPECT_EQ(ResultsVisibleTo(c, Deputy()), (std::set<int>{1, 2}));
  EXPECT_EQ(ResultsVisibleTo(c, Department()), (std::set<int>{1}));
  EXPECT_EQ(ResultsVisibleTo(c, Official()), (std::set<int>{2}));
  EXPECT_TRUE(ResultsVisibleTo(c, Stranger()).empty());
}

}  // namespace
}  // namespace minyi::evaluation

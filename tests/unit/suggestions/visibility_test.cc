#include "suggestions/visibility.h"

#include <string>
#include <utility>

#include "gtest/gtest.h"

namespace minyi::suggestions {
namespace {

using namespace ::minyi::suggestions::v1;  // NOLINT: kinds and states read as a table
using ::minyi::common::v1::Role;

Caller As(Role role, const std::string& deputy = "", const std::string& department = "") {
  Caller c;
  c.set_account_id("42");
  c.set_role(role);
  c.set_deputy(deputy);
  c.set_department(department);
  return c;
}

Caller Deputy(const std::string& deputy) { return As(minyi::common::v1::ROLE_DEPUTY, deputy); }

Suggestion Joint() {
  Suggestion s;
  s.set_kind(SUGGESTION_KIND_JOINT);
  s.set_state(SUGGESTION_STATE_ASSIGNED);
  s.add_deputies("deputies/1");
  s.add_deputies("deputies/2");
  s.set_lead_department("交通运输局");
  s.add_co_departments("公安局");
  return s;
}

Suggestion Opinion() {
  Suggestion s;
  s.set_kind(SUGGESTION_KIND_CITIZEN_OPINION);
  s.set_state(SUGGESTION_STATE_SUBMITTED);
  s.set_citizen_account("accounts/42");
  s.set_station("stations/7");
  return s;
}

TEST(VisibilityTest, OfficeAndLeadersReadEverything) {
  for (Role role : {minyi::common::v1::ROLE_ADMIN, minyi::common::v1::ROLE_STAFF, minyi::common::v1::ROLE_LEADER}) {
    EXPECT_TRUE(CanRead(As(role), Joint())) << Role_Name(role);
    EXPECT_TRUE(CanRead(As(role), Opinion())) << Role_Name(role);
  }
}

TEST(VisibilityTest, DeputiesReadWhatTheySubmittedOrEntered) {
  EXPECT_TRUE(CanRead(Deputy("deputies/1"), Joint()));
  EXPECT_TRUE(CanRead(Deputy("deputies/2"), Joint()));
  EXPECT_FALSE(CanRead(Deputy("deputies/3"), Joint()));
  EXPECT_FALSE(CanRead(As(minyi::common::v1::ROLE_DEPUTY), Joint())) << "a deputy account bound to no deputy";
  Suggestion entered = Opinion();
  entered.set_citizen_account("");
  entered.set_entered_by("deputies/3");
  EXPECT_TRUE(CanRead(Deputy("deputies/3"), entered));
  EXPECT_FALSE(CanRead(Deputy("deputies/1"), entered));
}

TEST(VisibilityTest, DeputiesReadTheSubmittedOpinionsOfTheirStations) {
  const Caller deputy = Deputy("deputies/5");
  EXPECT_TRUE(NeedsStations(deputy, Opinion()));
  EXPECT_TRUE(CanRead(deputy, Opinion(), {"stations/3", "stations/7"}));
  EXPECT_FALSE(CanRead(deputy, Opinion(), {"stations/3"}));
  EXPECT_FALSE(CanRead(deputy, Opinion())) << "no stations, no station's opinions";
  Suggestion draft = Opinion();
  draft.set_state(SUGGESTION_STATE_DRAFT);
  EXPECT_FALSE(NeedsStations(deputy, draft));
  EXPECT_FALSE(CanRead(deputy, draft, {"stations/7"})) << "a citizen's draft is theirs alone";
  Suggestion suggestion = Joint();
  suggestion.set_station("stations/7");
  EXPECT_FALSE(NeedsStations(deputy, suggestion));
  EXPECT_FALSE(CanRead(deputy, suggestion, {"stations/7"})) << "only citizens' opinions belong to a station";
  // Other roles' answers never depend on stations.
  EXPECT_FALSE(NeedsStations(As(minyi::common::v1::ROLE_STAFF), Opinion()));
  EXPECT_FALSE(NeedsStations(As(minyi::common::v1::ROLE_CITIZEN), Opinion()));
  EXPECT_FALSE(CanRead(As(minyi::common::v1::ROLE_DEPARTMENT, "", "交通运输局"), Opinion(), {"stations/7"}));
}

TEST(VisibilityTest, NamedCoSignersReadTheDraftTheyAreAskedToSignButAreNoSubmitters) {
  Suggestion draft = Joint();
  draft.set_state(SUGGESTION_STATE_DRAFT);
  draft.mutable_deputies()->DeleteSubrange(1, 1);  // the lead alone has signed
  for (auto [deputy, state] :
       {std::pair{"deputies/2", CO_SIGNER_STATE_INVITED}, std::pair{"deputies/3", CO_SIGNER_STATE_DECLINED}}) {
    CoSigner* c = draft.add_co_signers();
    c->set_deputy(deputy);
    c->set_state(state);
  }
  EXPECT_TRUE(CanRead(Deputy("deputies/2"), draft));
  EXPECT_TRUE(CanRead(Deputy("deputies/3"), draft));
  EXPECT_FALSE(CanRead(Deputy("deputies/4"), draft));
  EXPECT_FALSE(IsSubmitter(Deputy("deputies/2"), draft)) << "named is not signed";
  ASSERT_NE(CoSignerOf(Deputy("deputies/3"), draft), nullptr);
  EXPECT_EQ(CoSignerOf(Deputy("deputies/3"), draft)->state(), CO_SIGNER_STATE_DECLINED);
  EXPECT_EQ(CoSignerOf(Deputy("deputies/4"), draft), nullptr);
  EXPECT_EQ(CoSignerOf(As(minyi::common::v1::ROLE_STAFF), draft), nullptr);
}

TEST(VisibilityTest, DepartmentsReadWhatIsAssignedToThem) {
  EXPECT_TRUE(CanRead(As(minyi::common::v1::ROLE_DEPARTMENT, "", "交通运输局"), Joint()));
  EXPECT_TRUE(CanRead(As(minyi::common::v1::ROLE_DEPARTMENT, "", "公安局"), Joint()));
  EXPECT_FALSE(CanRead(As(minyi::common::v1::ROLE_DEPARTMENT, "", "卫健局"), Joint()));
  EXPECT_FALSE(CanRead(As(minyi::common::v1::ROLE_DEPARTMENT), Suggestion())) << "no department, no match on empty";
}

TEST(VisibilityTest, CitizensReadTheirOwnOpinionAndTheShowcase) {
  const Caller citizen = As(minyi::common::v1::ROLE_CITIZEN);
  EXPECT_TRUE(CanRead(citizen, Opinion()));
  Suggestion other = Opinion();
  other.set_citizen_account("accounts/43");
  EXPECT_FALSE(CanRead(citizen, other));
  EXPECT_FALSE(CanRead(citizen, Joint()));
  Suggestion showcased = Joint();
  showcased.set_showcased(true);
  EXPECT_TRUE(CanRead(citizen, showcased));
}

TEST(VisibilityTest, TheAuthorIsTheLeadSubmitterTheEnteringDeputyOrTheCitizen) {
  EXPECT_TRUE(IsAuthor(Deputy("deputies/1"), Joint()));
  EXPECT_FALSE(IsAuthor(Deputy("deputies/2"), Joint())) << "a co-signer is not the author";
  EXPECT_TRUE(IsAuthor(As(minyi::common::v1::ROLE_CITIZEN), Opinion()));
}

TEST(VisibilityTest, CitizensSeeThePublicViewAndOthersAMaskedPhoneOutsideTheOffice) {
  Suggestion s = Opinion();
  s.set_contact_phone("13812345678");
  s.set_entered_by("deputies/3");
  s.mutable_rating()->set_attitude(SATISFACTION_SATISFIED);
  s.mutable_rating()->set_comment("谢谢");
  const Suggestion citizen = View(As(minyi::common::v1::ROLE_CITIZEN), s, false);
  EXPECT_EQ(citizen.station(), "stations/7");
  EXPECT_TRUE(citizen.contact_phone().empty());
  EXPECT_TRUE(citizen.citizen_account().empty());
  EXPECT_TRUE(citizen.entered_by().empty());
  EXPECT_EQ(citizen.rating().attitude(), SATISFACTION_SATISFIED);
  EXPECT_TRUE(citizen.rating().comment().empty()) << "the rating's comment is the rater's";
  EXPECT_EQ(View(As(minyi::common::v1::ROLE_STAFF), s, false).contact_phone(), "13812345678");
  EXPECT_NE(View(As(minyi::common::v1::ROLE_STAFF), s, true).contact_phone(), "13812345678") << "masked in lists";
  EXPECT_NE(View(Deputy("deputies/3"), s, false).contact_phone(), "13812345678");
  EXPECT_EQ(View(Deputy("deputies/3"), s, false).entered_by(), "deputies/3");
}

TEST(VisibilityTest, OnlyOfficeStaffPassTheOfficeCheck) {
  EXPECT_TRUE(RequireOfficeCaller(As(minyi::common::v1::ROLE_STAFF), "立案").ok());
  const absl::Status denied = RequireOfficeCaller(As(minyi::common::v1::ROLE_LEADER), "立案");
  EXPECT_EQ(denied.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(denied.message(), "无权立案");
}

}  // namespace
}  // namespace minyi::suggestions

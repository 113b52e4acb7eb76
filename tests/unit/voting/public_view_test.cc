#include "voting/public_view.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/proto_json.h"

namespace minyi::voting {
namespace {

namespace v1 = ::minyi::voting::v1;
using ::minyi::testing::JsonOf;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(PublicViewTest, ScreenedInChosenAndCompletedProjectsArePublicNominationsAndExclusionsAreNot) {
  EXPECT_TRUE(IsPublic(v1::PROJECT_STATE_CANDIDATE));
  EXPECT_TRUE(IsPublic(v1::PROJECT_STATE_CHOSEN));
  EXPECT_TRUE(IsPublic(v1::PROJECT_STATE_COMPLETED));
  EXPECT_FALSE(IsPublic(v1::PROJECT_STATE_NOMINATED));
  EXPECT_FALSE(IsPublic(v1::PROJECT_STATE_EXCLUDED));
  EXPECT_FALSE(IsPublic(v1::PROJECT_STATE_UNSPECIFIED));
}

TEST(PublicViewTest, APublicProjectKeepsWhatSocietyIsToldAndNothingOfNominationScreeningOrSupervision) {
  v1::Project p;
  p.set_name("projects/7");
  p.set_title("社区老年食堂");
  p.set_description("为辖区老人提供助餐服务");
  p.set_source(v1::NOMINATION_SOURCE_CITIZEN);
  p.set_nominator("张三（群众）");
  p.set_department("mzj");
  p.set_state(v1::PROJECT_STATE_CHOSEN);
  p.set_screening_note("内部筛选意见");
  p.mutable_department_opinion()->set_opinion("部门内部意见");
  p.mutable_department_opinion()->set_budget_yuan(1234567);
  p.set_supervision_group("supervisionGroups/3");
  p.add_supervision_members("deputies/41");
  p.set_percent_complete(40);
  p.set_created_by("accounts/99");
  p.mutable_create_time()->set_seconds(1700000000);

  const v1::PublicProject out = PublicProjectOf(p);
  EXPECT_EQ(out.name(), "projects/7");
  EXPECT_EQ(out.title(), "社区老年食堂");
  EXPECT_EQ(out.description(), "为辖区老人提供助餐服务");
  EXPECT_EQ(out.source(), v1::NOMINATION_SOURCE_CITIZEN);
  EXPECT_EQ(out.department(), "mzj");
  EXPECT_EQ(out.state(), v1::PROJECT_STATE_CHOSEN);
  EXPECT_EQ(out.percent_complete(), 40);
  EXPECT_EQ(out.create_time().seconds(), 1700000000);
  const std::string json = JsonOf(out);
  for (const char* hidden :
       {"张三", "内部筛选意见", "部门内部意见", "1234567", "supervisionGroups/3", "deputies/41", "accounts/99"}) {
    EXPECT_THAT(json, Not(HasSubstr(hidden))) << hidden;
  }
}

TEST(PublicViewTest, AProgressReportIsPublishedWithoutWhoPostedIt) {
  v1::ProgressReport r;
  r.set_name("projects/7/progress/2");
  r.set_percent(60);
  r.set_milestone("主体完工");
  r.set_problems("雨季延误");
  r.add_photos("photos/a.jpg");
  r.set_department("mzj");
  r.set_posted_by("accounts/55");
  const v1::PublicProgressReport out = PublicProgressOf(r);
  EXPECT_EQ(out.percent(), 60);
  EXPECT_EQ(out.milestone(), "主体完工");
  EXPECT_EQ(out.problems(), "雨季延误");
  EXPECT_EQ(out.photos_size(), 1);
  EXPECT_EQ(out.department(), "mzj");
  EXPECT_THAT(JsonOf(out), Not(HasSubstr("accounts/55")));
}

TEST(PublicViewTest, AVoteIsPublishedWithoutItsElectorateOrWhoSetItUp) {
  v1::Vote v;
  v.set_name("votes/4");
  v.set_title("2027年民生实事项目票决");
  v.add_candidates("projects/1");
  v.add_candidates("projects/2");
  v.set_slots(1);
  v.set_form(v1::BALLOT_FORM_APPROVAL);
  v.set_state(v1::VOTE_STATE_ANNOUNCED);
  v.add_electorate("deputies/12");
  v.set_created_by("accounts/3");
  const v1::PublicVote out = PublicVoteOf(v);
  EXPECT_EQ(out.name(), "votes/4");
  EXPECT_EQ(out.candidates_size(), 2);
  EXPECT_EQ(out.state(), v1::VOTE_STATE_ANNOUNCED);
  const std::string json = JsonOf(out);
  EXPECT_THAT(json, Not(HasSubstr("deputies/12")));
  EXPECT_THAT(json, Not(HasSubstr("accounts/3")));
}

// The public result and bulletin carry every field of the staff ones under the same names, so the bulletin
// verifier recounts either.
TEST(PublicViewTest, TheResultAndTheBulletinArePublishedWhole) {
  v1::VoteResult r;
  r.set_vote("votes/4");
  r.set_electorate(5);
  r.set_checked_in(4);
  r.set_ballots_cast(4);
  r.set_quorum_met(true);
  r.set_slots(1);
  v1::CandidateResult* c = r.add_candidates();
  c->set_candidate("projects/1");
  c->set_title("城区道路改造");
  c->set_votes_for(3);
  c->set_votes_against(1);
  c->set_abstentions(1);
  c->set_approval_rate(0.6);
  c->set_passed(true);
  c->set_chosen(true);
  c->set_tied(true);
  c->set_rank(1);
  r.set_runoff_needed(true);
  r.set_runoff_slots(1);
  r.set_state(v1::VOTE_STATE_ANNOUNCED);
  EXPECT_EQ(JsonOf(PublicResultOf(r)), JsonOf(r));

  v1::Bulletin b;
  b.set_vote("votes/4");
  b.set_form(v1::BALLOT_FORM_FOR_AGAINST);
  b.set_slots(1);
  b.set_max_approvals(1);
  b.add_candidates("projects/1");
  b.set_electorate(5);
  b.set_checked_in(4);
  v1::BulletinEntry* e = b.add_ballots();
  e->set_tracker("ab12");
  v1::CandidateChoice* choice = e->mutable_content()->add_choices();
  choice->set_candidate("projects/1");
  choice->set_choice(v1::CHOICE_FOR);
  EXPECT_EQ(JsonOf(PublicBulletinOf(b)), JsonOf(b));
}

TEST(PublicViewTest, SatisfactionIsPublishedAsCounts) {
  v1::Satisfaction s;
  s.set_name("projects/7/satisfaction");
  s.set_raters(4);
  s.set_rated(3);
  s.set_satisfied(1);
  s.set_basically_satisfied(1);
  s.set_unsatisfied(1);
  s.set_satisfaction_rate(2.0 / 3);
  EXPECT_EQ(JsonOf(PublicSatisfactionOf(s)), JsonOf(s));
}

}  // namespace
}  // namespace minyi::voting

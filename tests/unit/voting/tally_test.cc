#include "voting/tally.h"

#include <algorithm>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace minyi::voting {
namespace {

using ::minyi::voting::v1::BallotContent;
using ::minyi::voting::v1::VoteResult;

constexpr auto kFor = minyi::voting::v1::CHOICE_FOR;
constexpr auto kAgainst = minyi::voting::v1::CHOICE_AGAINST;
constexpr auto kAbstain = minyi::voting::v1::CHOICE_ABSTAIN;

VoteRules Rules(minyi::voting::v1::BallotForm form, int candidates, int slots, int electorate) {
  VoteRules r;
  r.form = form;
  r.slots = slots;
  r.max_approvals = slots;
  for (int i = 1; i <= candidates; ++i) {
    r.candidates.push_back("projects/" + std::to_string(i));
  }
  r.electorate = electorate;
  r.checked_in = electorate;
  return r;
}

VoteRules Approval(int candidates, int slots, int electorate) {
  return Rules(minyi::voting::v1::BALLOT_FORM_APPROVAL, candidates, slots, electorate);
}

// `count` approval ballots approving the candidates at 1-based `positions`.
void AddApprovals(const VoteRules& rules, std::vector<Marks>* out, int count, std::vector<int> positions) {
  BallotContent content;
  for (int p : positions) {
    content.add_approvals(rules.candidates[p - 1]);
  }
  absl::StatusOr<Marks> marks = ReadBallot(rules, content);
  ASSERT_TRUE(marks.ok()) << marks.status();
  out->insert(out->end(), count, *marks);
}

const minyi::voting::v1::CandidateResult& Candidate(const VoteResult& r, int position) {
  return r.candidates(position - 1);
}

TEST(TallyTest, ApprovalFormChoosesTopKAmongThoseWithAMajorityOfTheElectorate) {
  const VoteRules rules = Approval(4, 2, 10);
  std::vector<Marks> ballots;
  AddApprovals(rules, &ballots, 5, {1, 2});
  AddApprovals(rules, &ballots, 3, {1, 3});
  const VoteResult r = Tally(rules, ballots);
  EXPECT_TRUE(r.quorum_met());
  EXPECT_EQ(r.ballots_cast(), 8);
  EXPECT_EQ(Candidate(r, 1).votes_for(), 8);
  EXPECT_EQ(Candidate(r, 1).abstentions(), 0);
  EXPECT_DOUBLE_EQ(Candidate(r, 1).approval_rate(), 0.8);
  EXPECT_TRUE(Candidate(r, 1).chosen());
  // 5 of 10 is not more than half: fails even though it is second.
  EXPECT_EQ(Candidate(r, 2).votes_for(), 5);
  EXPECT_FALSE(Candidate(r, 2).passed());
  EXPECT_FALSE(Candidate(r, 2).chosen());
  EXPECT_EQ(Candidate(r, 3).votes_for(), 3);
  EXPECT_EQ(Candidate(r, 3).abstentions(), 5);
  EXPECT_FALSE(r.runoff_needed());
}

TEST(TallyTest, MajorityIsCountedAgainstTheElectorateNotTheTurnout) {
  // 7 of 12 cast (a quorum) and 6 approve candidate 1: six of seven voters, but only half the electorate.
  VoteRules rules = Approval(3, 1, 12);
  std::vector<Marks> ballots;
  AddApprovals(rules, &ballots, 6, {1});
  AddApprovals(rules, &ballots, 1, {2});
  VoteResult r = Tally(rules, ballots);
  EXPECT_TRUE(r.quorum_met());
  EXPECT_FALSE(Candidate(r, 1).passed());
  EXPECT_FALSE(Candidate(r, 1).chosen());
  EXPECT_DOUBLE_EQ(Candidate(r, 1).approval_rate(), 0.5);
  // With an electorate of 11 the same six approvals are a majority.
  rules.electorate = 11;
  r = Tally(rules, ballots);
  EXPECT_TRUE(Candidate(r, 1).passed());
  EXPECT_TRUE(Candidate(r, 1).chosen());
}

TEST(TallyTest, WithoutQuorumNothingPassesAndTheResultSaysSo) {
  const VoteRules rules = Approval(3, 1, 10);
  std::vector<Marks> ballots;
  AddApprovals(rules, &ballots, 5, {1});
  const VoteResult r = Tally(rules, ballots);
  EXPECT_FALSE(r.quorum_met());
  for (const auto& c : r.candidates()) {
    EXPECT_FALSE(c.passed());
    EXPECT_FALSE(c.chosen());
  }
}

TEST(TallyTest, QuorumIsJudgedOnCheckInsAsWellAsBallots) {
  VoteRules rules = Approval(3, 1, 10);
  std::vector<Marks> ballots;
  AddApprovals(rules, &ballots, 6, {1});
  rules.checked_in = 5;  // half present: not a quorate sitting
  VoteResult r = Tally(rules, ballots);
  EXPECT_FALSE(r.quorum_met());
  EXPECT_FALSE(Candidate(r, 1).passed());
  rules.checked_in = 6;
  r = Tally(rules, ballots);
  EXPECT_TRUE(r.quorum_met());
  EXPECT_TRUE(Candidate(r, 1).chosen());
}

TEST(TallyTest, ATieAtTheCutOffIsReportedAndNeedsARunoff) {
  VoteRules rules = Approval(4, 1, 10);
  rules.max_approvals = 2;
  std::vector<Marks> ballots;
  AddApprovals(rules, &ballots, 4, {1, 2});
  AddApprovals(rules, &ballots, 2, {1, 3});
  AddApprovals(rules, &ballots, 4, {3, 4});  // 1: 6, 2: 4, 3: 6, 4: 4
  VoteResult r = Tally(rules, ballots);
  EXPECT_TRUE(r.runoff_needed());
  EXPECT_EQ(r.runoff_slots(), 1);
  EXPECT_TRUE(Candidate(r, 1).tied());
  EXPECT_TRUE(Candidate(r, 3).tied());
  EXPECT_FALSE(Candidate(r, 1).chosen());
  EXPECT_FALSE(Candidate(r, 3).chosen());
  EXPECT_EQ(Candidate(r, 1).rank(), 1);
  EXPECT_EQ(Candidate(r, 3).rank(), 1);
  EXPECT_FALSE(Candidate(r, 2).tied());

  // The same tie across two slots fits them both: no run-off.
  rules.slots = 2;
  r = Tally(rules, ballots);
  EXPECT_TRUE(Candidate(r, 1).chosen());
  EXPECT_TRUE(Candidate(r, 3).chosen());
  EXPECT_FALSE(r.runoff_needed());
}

TEST(TallyTest, TieBelowAClearWinnerLeavesOnlyTheRemainingSlotsForTheRunoff) {
  const VoteRules rules = Approval(4, 2, 10);
  std::vector<Marks> ballots;
  AddApprovals(rules, &ballots, 4, {1, 2});
  AddApprovals(rules, &ballots, 4, {1, 3});
  AddApprovals(rules, &ballots, 2, {2, 3});  // 1: 8, 2: 6, 3: 6
  const VoteResult r = Tally(rules, ballots);
  EXPECT_TRUE(Candidate(r, 1).chosen());
  EXPECT_FALSE(Candidate(r, 1).tied());
  EXPECT_TRUE(r.runoff_needed());
  EXPECT_EQ(r.runoff_slots(), 1);
  EXPECT_TRUE(Candidate(r, 2).tied());
  EXPECT_TRUE(Candidate(r, 3).tied());
  EXPECT_FALSE(Candidate(r, 2).chosen());
  EXPECT_EQ(Candidate(r, 2).rank(), 2);
  EXPECT_EQ(Candidate(r, 4).rank(), 0);
}

TEST(TallyTest, KLargerThanThePassingSetChoosesEveryPassingCandidate) {
  const VoteRules rules = Approval(5, 4, 10);
  std::vector<Marks> ballots;
  AddApprovals(rules, &ballots, 8, {1, 2});
  AddApprovals(rules, &ballots, 2, {3});
  const VoteResult r = Tally(rules, ballots);
  EXPECT_TRUE(Candidate(r, 1).chosen());
  EXPECT_TRUE(Candidate(r, 2).chosen());
  EXPECT_FALSE(Candidate(r, 3).chosen());
  EXPECT_FALSE(r.runoff_needed());
  int chosen = 0;
  for (const auto& c : r.candidates()) {
    chosen += c.chosen() ? 1 : 0;
  }
  EXPECT_EQ(chosen, 2);
}

TEST(TallyTest, ForAgainstFormCountsEachMarkAndUnmarkedAsAbstain) {
  const VoteRules rules = Rules(minyi::voting::v1::BALLOT_FORM_FOR_AGAINST, 3, 1, 5);
  BallotContent a;
  auto* c = a.add_choices();
  c->set_candidate("projects/1");
  c->set_choice(kFor);
  c = a.add_choices();
  c->set_candidate("projects/2");
  c->set_choice(kAgainst);
  BallotContent b;
  c = b.add_choices();
  c->set_candidate("projects/1");
  c->set_choice(kFor);
  c = b.add_choices();
  c->set_candidate("projects/3");
  c->set_choice(kAbstain);
  std::vector<Marks> ballots;
  for (int i = 0; i < 2; ++i) {
    ballots.push_back(*ReadBallot(rules, a));
  }
  ballots.push_back(*ReadBallot(rules, b));
  const VoteResult r = Tally(rules, ballots);
  EXPECT_EQ(Candidate(r, 1).votes_for(), 3);
  EXPECT_TRUE(Candidate(r, 1).chosen());
  EXPECT_EQ(Candidate(r, 2).votes_against(), 2);
  EXPECT_EQ(Candidate(r, 2).abstentions(), 1);
  EXPECT_EQ(Candidate(r, 3).abstentions(), 3);
  EXPECT_DOUBLE_EQ(Candidate(r, 1).approval_rate(), 0.6);
}

TEST(BallotTest, InvalidBallotsAreRejectedNamingTheField) {
  const VoteRules rules = Approval(4, 2, 10);
  BallotContent too_many;
  for (int i = 1; i <= 3; ++i) {
    too_many.add_approvals("projects/" + std::to_string(i));
  }
  absl::StatusOr<Marks> m = ReadBallot(rules, too_many);
  EXPECT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(m.status().message().find("2"), std::string::npos);

  BallotContent unknown;
  unknown.add_approvals("projects/99");
  EXPECT_EQ(ReadBallot(rules, unknown).status().code(), absl::StatusCode::kInvalidArgument);

  BallotContent twice;
  twice.add_approvals("projects/1");
  twice.add_approvals("projects/1");
  EXPECT_EQ(ReadBallot(rules, twice).status().code(), absl::StatusCode::kInvalidArgument);

  BallotContent wrong_form;
  auto* c = wrong_form.add_choices();
  c->set_candidate("projects/1");
  c->set_choice(kFor);
  EXPECT_EQ(ReadBallot(rules, wrong_form).status().code(), absl::StatusCode::kInvalidArgument);

  const VoteRules faa = Rules(minyi::voting::v1::BALLOT_FORM_FOR_AGAINST, 3, 1, 5);
  BallotContent two_for;
  for (int i = 1; i <= 2; ++i) {
    auto* x = two_for.add_choices();
    x->set_candidate("projects/" + std::to_string(i));
    x->set_choice(kFor);
  }
  EXPECT_EQ(ReadBallot(faa, two_for).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(BallotTest, EqualIntentionsHaveOneCanonicalFormAndPublishedContentReadsBack) {
  const VoteRules rules = Approval(4, 2, 10);
  BallotContent ab;
  ab.add_approvals("projects/1");
  ab.add_approvals("projects/3");
  BallotContent ba;
  ba.add_approvals("projects/3");
  ba.add_approvals("projects/1");
  const Marks m1 = *ReadBallot(rules, ab);
  const Marks m2 = *ReadBallot(rules, ba);
  EXPECT_EQ(CanonicalContent(rules, m1), CanonicalContent(rules, m2));
  BallotContent other;
  other.add_approvals("projects/1");
  EXPECT_NE(CanonicalContent(rules, m1), CanonicalContent(rules, *ReadBallot(rules, other)));
  EXPECT_EQ(*ReadBallot(rules, PublishedContent(rules, m2)), m1);
}

// Every valid ballot of `rules`, as its marks: each candidate for, against or abstaining (approval form:
// for or not), with at most max_approvals "for".
std::vector<Marks> EveryBallot(const VoteRules& rules) {
  const bool approval = rules.form == minyi::voting::v1::BALLOT_FORM_APPROVAL;
  const std::vector<minyi::voting::v1::Choice> choices =
      approval ? std::vector<minyi::voting::v1::Choice>{kFor, kAbstain}
               : std::vector<minyi::voting::v1::Choice>{kFor, kAgainst, kAbstain};
  std::vector<Marks> out = {{}};
  for (std::size_t c = 0; c < rules.candidates.size(); ++c) {
    std::vector<Marks> next;
    for (const Marks& m : out) {
      for (minyi::voting::v1::Choice choice : choices) {
        Marks longer = m;
        longer.push_back(choice);
        if (std::count(longer.begin(), longer.end(), kFor) <= rules.max_approvals) {
          next.push_back(std::move(longer));
        }
      }
    }
    out = std::move(next);
  }
  return out;
}

TEST(BallotTest, TheLongestEntryBoundsEveryBallotOfTheVoteAndIsReached) {
  for (const auto form : {minyi::voting::v1::BALLOT_FORM_APPROVAL, minyi::voting::v1::BALLOT_FORM_FOR_AGAINST}) {
    VoteRules rules = Rules(form, 0, 2, 10);
    // Names of one to five digits, the longest not first: the bound must follow the names, not the order.
    rules.candidates = {"projects/7", "projects/12", "projects/1234", "projects/98765", "projects/345"};
    std::size_t longest_seen = 0;
    for (const Marks& marks : EveryBallot(rules)) {
      minyi::voting::v1::BulletinEntry entry;
      entry.set_tracker(std::string(64, 'f'));
      *entry.mutable_content() = PublishedContent(rules, marks);
      ASSERT_TRUE(ReadBallot(rules, entry.content()).ok());
      EXPECT_LE(entry.ByteSizeLong(), LongestEntrySize(rules)) << CanonicalContent(rules, marks);
      longest_seen = std::max(longest_seen, entry.ByteSizeLong());
    }
    EXPECT_EQ(longest_seen, LongestEntrySize(rules)) << form;
  }
}

}  // namespace
}  // namespace minyi::voting

#include "suggestions/lifecycle.h"

#include <map>
#include <tuple>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace minyi::suggestions {
namespace {

using namespace ::minyi::suggestions::v1;  // NOLINT: states read as a table

const std::vector<State> kAllStates = {
    SUGGESTION_STATE_DRAFT,    SUGGESTION_STATE_SUBMITTED, SUGGESTION_STATE_ACCEPTED,    SUGGESTION_STATE_NOT_ACCEPTED,
    SUGGESTION_STATE_MERGED,   SUGGESTION_STATE_ASSIGNED,  SUGGESTION_STATE_IN_PROGRESS, SUGGESTION_STATE_ANSWERED,
    SUGGESTION_STATE_REOPENED, SUGGESTION_STATE_CLOSED,    SUGGESTION_STATE_LINKED,
};
const std::vector<Action> kAllActions = {
    Action::kSubmit,
    Action::kAccept,
    Action::kReject,
    Action::kMerge,
    Action::kAssign,
    Action::kContact,
    Action::kCoUnitOpinion,
    Action::kAnswer,
    Action::kRate,
    Action::kReopen,
    Action::kEscalate,
    Action::kLink,
    Action::kRequestExtension,
    Action::kDecideExtension,
    Action::kFlag,
    Action::kAllocateFund,
    Action::kShowcase,
    Action::kConfirmCoSigning,
    Action::kDeclineCoSigning,
};

// The whole legal table for a first-round deputy suggestion (satisfied rating). Everything else is illegal.
std::map<std::pair<State, Action>, State> DeputyTable() {
  std::map<std::pair<State, Action>, State> t;
  t[{SUGGESTION_STATE_DRAFT, Action::kSubmit}] = SUGGESTION_STATE_SUBMITTED;
  t[{SUGGESTION_STATE_SUBMITTED, Action::kAccept}] = SUGGESTION_STATE_ACCEPTED;
  t[{SUGGESTION_STATE_SUBMITTED, Action::kReject}] = SUGGESTION_STATE_NOT_ACCEPTED;
  t[{SUGGESTION_STATE_SUBMITTED, Action::kMerge}] = SUGGESTION_STATE_MERGED;
  t[{SUGGESTION_STATE_ACCEPTED, Action::kMerge}] = SUGGESTION_STATE_MERGED;
  t[{SUGGESTION_STATE_ACCEPTED, Action::kAssign}] = SUGGESTION_STATE_ASSIGNED;
  for (State s : {SUGGESTION_STATE_ASSIGNED, SUGGESTION_STATE_IN_PROGRESS, SUGGESTION_STATE_REOPENED}) {
    t[{s, Action::kContact}] = SUGGESTION_STATE_IN_PROGRESS;
    t[{s, Action::kCoUnitOpinion}] = s;
  }
  t[{SUGGESTION_STATE_IN_PROGRESS, Action::kAnswer}] = SUGGESTION_STATE_ANSWERED;
  t[{SUGGESTION_STATE_ANSWERED, Action::kRate}] = SUGGESTION_STATE_CLOSED;
  t[{SUGGESTION_STATE_CLOSED, Action::kReopen}] = SUGGESTION_STATE_REOPENED;
  for (State s : {SUGGESTION_STATE_ASSIGNED, SUGGESTION_STATE_IN_PROGRESS}) {
    t[{s, Action::kRequestExtension}] = s;
    t[{s, Action::kDecideExtension}] = s;
  }
  for (State s :
       {SUGGESTION_STATE_SUBMITTED, SUGGESTION_STATE_ACCEPTED, SUGGESTION_STATE_ASSIGNED, SUGGESTION_STATE_IN_PROGRESS,
        SUGGESTION_STATE_ANSWERED, SUGGESTION_STATE_REOPENED, SUGGESTION_STATE_CLOSED}) {
    t[{s, Action::kFlag}] = s;
  }
  for (State s : {SUGGESTION_STATE_ACCEPTED, SUGGESTION_STATE_ASSIGNED, SUGGESTION_STATE_IN_PROGRESS,
                  SUGGESTION_STATE_ANSWERED, SUGGESTION_STATE_REOPENED, SUGGESTION_STATE_CLOSED}) {
    t[{s, Action::kAllocateFund}] = s;
  }
  t[{SUGGESTION_STATE_CLOSED, Action::kShowcase}] = SUGGESTION_STATE_CLOSED;
  return t;
}

void ExpectTable(const std::map<std::pair<State, Action>, State>& table, const TransitionContext& context) {
  for (State s : kAllStates) {
    for (Action a : kAllActions) {
      absl::StatusOr<State> next = Next(s, a, context);
      auto it = table.find({s, a});
      if (it != table.end()) {
        ASSERT_TRUE(next.ok()) << SuggestionState_Name(s) << " " << ActionName(a) << ": " << next.status();
        EXPECT_EQ(*next, it->second) << SuggestionState_Name(s) << " " << ActionName(a);
      } else {
        ASSERT_FALSE(next.ok()) << SuggestionState_Name(s) << " " << ActionName(a) << " should be illegal";
        EXPECT_EQ(next.status().code(), absl::StatusCode::kFailedPrecondition);
        // The message names the current state, in Chinese and as the API spells it.
        EXPECT_NE(next.status().message().find(SuggestionState_Name(s)), std::string::npos) << next.status();
        EXPECT_NE(next.status().message().find(StateLabel(s)), std::string::npos) << next.status();
      }
    }
  }
}

TEST(LifecycleTest, EveryTransitionOfADeputySuggestion) {
  ExpectTable(DeputyTable(), {.kind = SUGGESTION_KIND_DEPUTY, .round = 1});
}

TEST(LifecycleTest, JointAndDelegationSuggestionsFollowTheSameTable) {
  auto joint = DeputyTable();
  // Co-signers answer while the joint suggestion is a draft, and only then.
  joint[{SUGGESTION_STATE_DRAFT, Action::kConfirmCoSigning}] = SUGGESTION_STATE_DRAFT;
  joint[{SUGGESTION_STATE_DRAFT, Action::kDeclineCoSigning}] = SUGGESTION_STATE_DRAFT;
  ExpectTable(joint, {.kind = SUGGESTION_KIND_JOINT, .round = 1});
  ExpectTable(DeputyTable(), {.kind = SUGGESTION_KIND_DELEGATION, .round = 1});
}

TEST(LifecycleTest, EveryTransitionOfACitizensOpinion) {
  auto table = DeputyTable();
  // Opinions also move up a tier and can be taken into a deputy's suggestion while under review.
  for (State s : {SUGGESTION_STATE_SUBMITTED, SUGGESTION_STATE_ACCEPTED}) {
    table[{s, Action::kEscalate}] = s;
    table[{s, Action::kLink}] = SUGGESTION_STATE_LINKED;
  }
  ExpectTable(table, {.kind = SUGGESTION_KIND_CITIZEN_OPINION, .round = 1});
}

TEST(LifecycleTest, OpinionAtTheDistrictCannotEscalateFurther) {
  absl::StatusOr<State> next = Next(SUGGESTION_STATE_SUBMITTED, Action::kEscalate,
                                    {.kind = SUGGESTION_KIND_CITIZEN_OPINION, .at_top_tier = true});
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(LifecycleTest, UnsatisfiedRatingReopensOnceThenCloses) {
  EXPECT_EQ(*Next(SUGGESTION_STATE_ANSWERED, Action::kRate, {.round = 1, .unsatisfied = true}),
            SUGGESTION_STATE_REOPENED);
  EXPECT_EQ(*Next(SUGGESTION_STATE_ANSWERED, Action::kRate, {.round = kMaxRounds, .unsatisfied = true}),
            SUGGESTION_STATE_CLOSED);
  EXPECT_EQ(*Next(SUGGESTION_STATE_ANSWERED, Action::kRate, {.round = 2, .unsatisfied = false}),
            SUGGESTION_STATE_CLOSED);
}

TEST(LifecycleTest, ReHandlingCannotBeExtended) {
  auto table = DeputyTable();
  for (State s : {SUGGESTION_STATE_ASSIGNED, SUGGESTION_STATE_IN_PROGRESS}) {
    table.erase({s, Action::kRequestExtension});
    table.erase({s, Action::kDecideExtension});
  }
  ExpectTable(table, {.kind = SUGGESTION_KIND_DEPUTY, .round = 2});
}

TEST(LifecycleTest, AnsweringBeforeContactSaysWhy) {
  absl::StatusOr<State> next = Next(SUGGESTION_STATE_ASSIGNED, Action::kAnswer);
  ASSERT_FALSE(next.ok());
  EXPECT_NE(next.status().message().find("联系沟通"), std::string::npos);
}

TEST(LifecycleTest, MissingCoUnitOpinions) {
  EXPECT_EQ(MissingCoUnitOpinions({"交通运输局", "公安局"}, {"公安局"}), std::vector<std::string>{"交通运输局"});
  EXPECT_TRUE(MissingCoUnitOpinions({"公安局"}, {"公安局"}).empty());
  EXPECT_TRUE(MissingCoUnitOpinions({}, {}).empty());
}

}  // namespace
}  // namespace minyi::suggestions

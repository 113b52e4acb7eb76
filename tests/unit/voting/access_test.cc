#include "voting/access.h"

#include <optional>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace minyi::voting {
namespace {

using ::minyi::voting::v1::Vote;
using ::testing::HasSubstr;

TEST(AccessTest, OnlyOfficeStaffAndLeadersSeeWhatIsNotYetAnnounced) {
  Caller caller;
  for (auto role : {minyi::common::v1::ROLE_ADMIN, minyi::common::v1::ROLE_STAFF, minyi::common::v1::ROLE_LEADER}) {
    caller.set_role(role);
    EXPECT_TRUE(SeesUnannounced(caller)) << role;
  }
  for (auto role :
       {minyi::common::v1::ROLE_DEPUTY, minyi::common::v1::ROLE_DEPARTMENT, minyi::common::v1::ROLE_CITIZEN}) {
    caller.set_role(role);
    EXPECT_FALSE(SeesUnannounced(caller)) << role;
  }
}

TEST(AccessTest, ANameWithASuffixParsesOnlyWithThatSuffix) {
  EXPECT_EQ(*ParseWithSuffix("votes/3/result", kVotes, "/result", "name"), 3);
  EXPECT_EQ(ParseWithSuffix("votes/3", kVotes, "/result", "name").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseWithSuffix("votes/3/bulletin", kVotes, "/result", "name").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseWithSuffix("projects/3/result", kVotes, "/result", "name").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(AccessTest, NamesAreCountedCanonicalAndDistinct) {
  google::protobuf::RepeatedPtrField<std::string> names;
  EXPECT_EQ(CheckNames(names, kDeputies, "deputies", 1, 2).code(), absl::StatusCode::kInvalidArgument);
  *names.Add() = "deputies/1";
  *names.Add() = "deputies/2";
  EXPECT_TRUE(CheckNames(names, kDeputies, "deputies", 1, 2).ok());
  *names.Add() = "deputies/3";
  EXPECT_EQ(CheckNames(names, kDeputies, "deputies", 1, 2).code(), absl::StatusCode::kInvalidArgument);
  names[2] = "deputies/1";
  absl::Status st = CheckNames(names, kDeputies, "deputies", 1, 3);
  EXPECT_THAT(st.message(), HasSubstr("deputies[2]"));
  names[2] = "deputies/03";
  EXPECT_THAT(CheckNames(names, kDeputies, "deputies", 1, 3).message(), HasSubstr("deputies[2]"));
}

TEST(AccessTest, InStateNamesTheMissingResourceOrTheStateItIsIn) {
  EXPECT_EQ((InState<Vote, v1::VoteState>(std::nullopt, "votes/9", {v1::VOTE_STATE_OPEN}, "x").status().code()),
            absl::StatusCode::kNotFound);
  Vote vote;
  vote.set_state(v1::VOTE_STATE_CLOSED);
  absl::StatusOr<Vote> wrong =
      InState(std::optional<Vote>(vote), "votes/9", {v1::VOTE_STATE_OPEN}, "只有进行中的票决可以结束");
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(wrong.status().message(), HasSubstr("VOTE_STATE_CLOSED"));
  EXPECT_TRUE(InState(std::optional<Vote>(vote), "votes/9", {v1::VOTE_STATE_OPEN, v1::VOTE_STATE_CLOSED}, "x").ok());
}

}  // namespace
}  // namespace minyi::voting

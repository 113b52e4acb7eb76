#include "suggestions/draft.h"

#include <string>

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace minyi::suggestions {
namespace {

using namespace ::minyi::suggestions::v1;  // NOLINT: kinds and states read as a table
using ::minyi::common::v1::Role;

Caller As(Role role, const std::string& deputy = "") {
  Caller c;
  c.set_account_id("42");
  c.set_role(role);
  c.set_deputy(deputy);
  return c;
}

Suggestion Text(SuggestionKind kind) {
  Suggestion s;
  s.set_kind(kind);
  s.set_title("关于增开公交线路的建议");
  s.set_body("工业园区职工上下班乘车难。");
  return s;
}

TEST(DraftTest, ADeputyIsTheSubmitterWhateverTheBodyNames) {
  Suggestion in = Text(SUGGESTION_KIND_DEPUTY);
  in.add_deputies("deputies/9");
  Suggestion out;
  DraftPeople people;
  ASSERT_TRUE(PrepareDraft(As(minyi::common::v1::ROLE_DEPUTY, "deputies/3"), in, &out, &people).ok());
  ASSERT_EQ(out.deputies_size(), 1);
  EXPECT_EQ(out.deputies(0), "deputies/3");
  EXPECT_EQ(people.submitters, std::vector<int64_t>{3});
  EXPECT_TRUE(people.co_signers.empty());
}

TEST(DraftTest, AJointSuggestionsOthersAreNamedCoSignersNotSubmitters) {
  Suggestion in = Text(SUGGESTION_KIND_JOINT);
  in.add_deputies("deputies/4");
  in.add_deputies("deputies/5");
  in.add_deputies("deputies/4");  // named twice, counted once
  Suggestion out;
  DraftPeople people;
  ASSERT_TRUE(PrepareDraft(As(minyi::common::v1::ROLE_DEPUTY, "deputies/3"), in, &out, &people).ok());
  EXPECT_EQ(people.submitters, std::vector<int64_t>{3});
  EXPECT_EQ(people.co_signers, (std::vector<int64_t>{4, 5}));
  ASSERT_EQ(out.deputies_size(), 1);
  Suggestion alone = Text(SUGGESTION_KIND_JOINT);
  EXPECT_EQ(PrepareDraft(As(minyi::common::v1::ROLE_DEPUTY, "deputies/3"), alone, &out, &people).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(DraftTest, OnlyDeputiesAndStaffProposeDeputySuggestions) {
  Suggestion out;
  DraftPeople people;
  EXPECT_EQ(PrepareDraft(As(minyi::common::v1::ROLE_CITIZEN), Text(SUGGESTION_KIND_DEPUTY), &out, &people).code(),
            absl::StatusCode::kPermissionDenied);
  Suggestion named = Text(SUGGESTION_KIND_DELEGATION);
  named.add_deputies("deputies/7");
  EXPECT_EQ(PrepareDraft(As(minyi::common::v1::ROLE_STAFF), named, &out, &people).code(),
            absl::StatusCode::kInvalidArgument)
      << "a delegation suggestion names its delegation";
  named.set_delegation("工商联");
  EXPECT_TRUE(PrepareDraft(As(minyi::common::v1::ROLE_STAFF), named, &out, &people).ok());
}

TEST(DraftTest, ACitizensOpinionNamesItsAuthorOrTheDeputyWhoEnteredIt) {
  Suggestion in = Text(SUGGESTION_KIND_CITIZEN_OPINION);
  in.set_station("stations/2");
  in.set_contact_phone("+86 138-0000-0000");
  Suggestion out;
  DraftPeople people;
  ASSERT_TRUE(PrepareDraft(As(minyi::common::v1::ROLE_CITIZEN), in, &out, &people).ok());
  EXPECT_EQ(out.citizen_account(), "accounts/42");
  EXPECT_EQ(out.level(), OPINION_LEVEL_STATION);
  Suggestion entered;
  ASSERT_TRUE(PrepareDraft(As(minyi::common::v1::ROLE_DEPUTY, "deputies/3"), in, &entered, &people).ok());
  EXPECT_EQ(entered.entered_by(), "deputies/3");
  EXPECT_TRUE(entered.citizen_account().empty());
  in.set_contact_phone("138x");
  EXPECT_EQ(PrepareDraft(As(minyi::common::v1::ROLE_CITIZEN), in, &out, &people).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(DraftTest, AnUpdateLaysItsFieldsOverTheDraftAndKeepsTheCoSigners) {
  Suggestion before = Text(SUGGESTION_KIND_JOINT);
  before.add_deputies("deputies/3");
  before.add_deputies("deputies/4");  // confirmed, so a submitter
  for (const char* d : {"deputies/4", "deputies/5"}) {
    before.add_co_signers()->set_deputy(d);
  }
  UpdateSuggestionRequest request;
  request.mutable_suggestion()->set_title("新标题");
  request.mutable_update_mask()->add_paths("title");
  ASSERT_TRUE(CheckUpdatePaths(request).ok());
  const Suggestion patched = Patched(before, request);
  EXPECT_EQ(patched.title(), "新标题");
  EXPECT_EQ(patched.body(), before.body());
  ASSERT_EQ(patched.deputies_size(), 3);
  EXPECT_EQ(patched.deputies(0), "deputies/3");
  EXPECT_EQ(patched.deputies(1), "deputies/4");
  EXPECT_EQ(patched.deputies(2), "deputies/5");
  request.mutable_update_mask()->add_paths("state");
  EXPECT_EQ(CheckUpdatePaths(request).code(), absl::StatusCode::kInvalidArgument);
}

TEST(DraftTest, ChangedTextAsksEveryoneWhoAnsweredAgain) {
  Suggestion before;
  CoSigner* confirmed = before.add_co_signers();
  confirmed->set_deputy("deputies/4");
  confirmed->set_state(CO_SIGNER_STATE_CONFIRMED);
  CoSigner* invited = before.add_co_signers();
  invited->set_deputy("deputies/5");
  invited->set_state(CO_SIGNER_STATE_INVITED);
  EXPECT_EQ(Invited(before, {4, 5, 6}, /*reinvite=*/false), std::vector<std::string>{"deputies/6"});
  EXPECT_EQ(Invited(before, {4, 5, 6}, /*reinvite=*/true), (std::vector<std::string>{"deputies/4", "deputies/6"}));
}

}  // namespace
}  // namespace minyi::suggestions

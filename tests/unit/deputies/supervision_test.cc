#include "deputies/supervision.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace minyi::deputies {
namespace {

namespace v1 = ::minyi::deputies::v1;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

v1::SupervisionTarget Target(std::vector<std::string> keywords,
                             v1::SupervisionTargetKind kind = v1::SUPERVISION_TARGET_KIND_LIVELIHOOD_PROJECT) {
  v1::SupervisionTarget t;
  t.set_kind(kind);
  t.set_name("城区道路改造");
  for (std::string& k : keywords) {
    t.add_keywords(std::move(k));
  }
  return t;
}

DeputyProfile D(int64_t id, std::string sector, std::string delegation = "") {
  return {.deputy_id = id, .display_name = "代表", .sector = std::move(sector), .delegation = std::move(delegation)};
}

std::vector<std::string> Deputies(const std::vector<v1::SupervisionCandidate>& candidates) {
  std::vector<std::string> out;
  for (const v1::SupervisionCandidate& c : candidates) {
    out.push_back(c.deputy());
  }
  return out;
}

TEST(SupervisionTest, CjkKeywordsMatchAsSubstrings) {
  auto r = ProposeCandidates(Target({"交通"}), {D(1, "交通运输"), D(2, "教育"), D(3, "城市公共交通")}, 0);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(Deputies(*r), ElementsAre("deputies/1", "deputies/3"));
  ASSERT_EQ((*r)[0].matches_size(), 1);
  EXPECT_EQ((*r)[0].matches(0).keyword(), "交通");
  EXPECT_EQ((*r)[0].matches(0).field(), v1::SUPERVISION_MATCH_FIELD_SECTOR);
  EXPECT_EQ((*r)[0].display_name(), "代表");
}

TEST(SupervisionTest, NoPartialCharacterMatches) {
  // 通 (E9 80 9A) and 道 (E9 81 93) share a lead byte: bytes match only on whole characters.
  auto r = ProposeCandidates(Target({"道"}), {D(1, "交通"), D(2, "道路桥梁")}, 0);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(Deputies(*r), ElementsAre("deputies/2"));
}

TEST(SupervisionTest, SectorWeighsMoreThanDelegation) {
  auto r = ProposeCandidates(Target({"交通", "道路"}),
                             {D(1, "", "交通系统代表团"), D(2, "道路养护"), D(3, "交通道路", "交通代表团")}, 0);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(Deputies(*r), ElementsAre("deputies/3", "deputies/2", "deputies/1"));
  EXPECT_EQ((*r)[0].score(), 2 * kSectorMatchWeight + kDelegationMatchWeight);
  EXPECT_EQ((*r)[1].score(), kSectorMatchWeight);
  EXPECT_EQ((*r)[2].score(), kDelegationMatchWeight);
  // The reasons, in keyword order, sector before delegation.
  ASSERT_EQ((*r)[0].matches_size(), 3);
  EXPECT_EQ((*r)[0].matches(0).keyword(), "交通");
  EXPECT_EQ((*r)[0].matches(0).field(), v1::SUPERVISION_MATCH_FIELD_SECTOR);
  EXPECT_EQ((*r)[0].matches(1).keyword(), "交通");
  EXPECT_EQ((*r)[0].matches(1).field(), v1::SUPERVISION_MATCH_FIELD_DELEGATION);
  EXPECT_EQ((*r)[0].matches(2).keyword(), "道路");
  EXPECT_EQ((*r)[0].matches(2).field(), v1::SUPERVISION_MATCH_FIELD_SECTOR);
  EXPECT_EQ((*r)[2].matches(0).field(), v1::SUPERVISION_MATCH_FIELD_DELEGATION);
}

TEST(SupervisionTest, TiesGoToTheLowerIdWhateverTheInputOrder) {
  auto r = ProposeCandidates(Target({"医疗"}), {D(9, "医疗卫生"), D(4, "医疗器械"), D(7, "基层医疗")}, 0);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(Deputies(*r), ElementsAre("deputies/4", "deputies/7", "deputies/9"));
}

TEST(SupervisionTest, AsciiKeywordsIgnoreCase) {
  auto r = ProposeCandidates(Target({"it"}), {D(1, "IT产业"), D(2, "农业")}, 0);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(Deputies(*r), ElementsAre("deputies/1"));
  EXPECT_EQ((*r)[0].matches(0).keyword(), "it");  // the keyword as the caller spelled it
}

TEST(SupervisionTest, CappedAtTheSizeDefaultTwelveAtMostFifty) {
  std::vector<DeputyProfile> many;
  for (int64_t id = 60; id >= 1; --id) {
    many.push_back(D(id, "教育"));
  }
  auto r = ProposeCandidates(Target({"教育"}), many, 0);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), static_cast<std::size_t>(kDefaultProposalSize));
  EXPECT_EQ(r->front().deputy(), "deputies/1");
  EXPECT_EQ(r->back().deputy(), "deputies/12");
  r = ProposeCandidates(Target({"教育"}), many, 3);
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(Deputies(*r), ElementsAre("deputies/1", "deputies/2", "deputies/3"));
  r = ProposeCandidates(Target({"教育"}), many, kMaxSupervisionGroupSize);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size(), 50u);
  for (int32_t size : {-1, kMaxSupervisionGroupSize + 1}) {
    r = ProposeCandidates(Target({"教育"}), many, size);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(r.status().message(), HasSubstr("size"));
  }
}

TEST(SupervisionTest, NobodyMatchesIsAnEmptyProposal) {
  auto r = ProposeCandidates(Target({"航天"}), {D(1, "农业"), D(2, "")}, 0);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(*r, IsEmpty());
}

TEST(SupervisionTest, TargetNeedsKindNameAndKeywords) {
  auto r = ProposeCandidates(Target({}), {D(1, "交通")}, 0);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("target.keywords"));

  EXPECT_THAT(ProposeCandidates(Target({"交通", ""}), {}, 0).status().message(), HasSubstr("target.keywords[1]"));
  EXPECT_THAT(ProposeCandidates(Target({"交通", "交通"}), {}, 0).status().message(), HasSubstr("target.keywords[1]"));
  EXPECT_THAT(ProposeCandidates(Target({"交通运输与城乡道路建设管理及公共交通服务"}), {}, 0).status().message(),
              HasSubstr("target.keywords[0]"));
  EXPECT_THAT(ProposeCandidates(Target({"交通"}, v1::SUPERVISION_TARGET_KIND_UNSPECIFIED), {}, 0).status().message(),
              HasSubstr("target.kind"));
  v1::SupervisionTarget unnamed = Target({"交通"}, v1::SUPERVISION_TARGET_KIND_DEPARTMENT);
  unnamed.clear_name();
  EXPECT_THAT(ProposeCandidates(unnamed, {}, 0).status().message(), HasSubstr("target.name"));
  EXPECT_TRUE(ValidateSupervisionTarget(Target({"交通"}, v1::SUPERVISION_TARGET_KIND_DEPARTMENT), "t").ok());
  EXPECT_THAT(ValidateSupervisionTarget(Target({}), "supervision_group.target").message(),
              HasSubstr("supervision_group.target.keywords"));
}

v1::SupervisionGroup Group(std::vector<std::string> members) {
  v1::SupervisionGroup g;
  g.mutable_target()->CopyFrom(Target({"交通"}));
  for (std::string& m : members) {
    g.add_members(std::move(m));
  }
  return g;
}

TEST(SupervisionTest, NewGroupsKeepOnlyClientFieldsAndTakeTheTargetsName) {
  v1::SupervisionGroup g = Group({"deputies/1"});
  g.set_name("supervisionGroups/7");
  g.set_created_by("forged");
  PrepareNewSupervisionGroup(&g);
  EXPECT_EQ(g.name(), "");
  EXPECT_EQ(g.created_by(), "");
  EXPECT_EQ(g.display_name(), "城区道路改造");
  EXPECT_THAT(g.members(), ElementsAre("deputies/1"));
  g.set_display_name("道路监督组");
  PrepareNewSupervisionGroup(&g);
  EXPECT_EQ(g.display_name(), "道路监督组");
}

TEST(SupervisionTest, MembersAreDistinctDeputyNamesOneToFifty) {
  v1::SupervisionGroup g = Group({"deputies/3", "deputies/1"});
  PrepareNewSupervisionGroup(&g);
  ASSERT_TRUE(ValidateSupervisionGroup(g).ok());
  EXPECT_THAT(MemberIds(g), ElementsAre(3, 1));

  g = Group({});
  PrepareNewSupervisionGroup(&g);
  EXPECT_THAT(ValidateSupervisionGroup(g).message(), HasSubstr("supervision_group.members"));
  g = Group({"deputies/1", "stations/2"});
  PrepareNewSupervisionGroup(&g);
  EXPECT_THAT(ValidateSupervisionGroup(g).message(), HasSubstr("supervision_group.members[1]"));
  g = Group({"deputies/1", "deputies/2", "deputies/1"});
  PrepareNewSupervisionGroup(&g);
  EXPECT_THAT(ValidateSupervisionGroup(g).message(), HasSubstr("supervision_group.members[2]"));
  std::vector<std::string> too_many;
  for (int i = 1; i <= kMaxSupervisionGroupSize + 1; ++i) {
    too_many.push_back("deputies/" + std::to_string(i));
  }
  g = Group(too_many);
  PrepareNewSupervisionGroup(&g);
  EXPECT_THAT(ValidateSupervisionGroup(g).message(), HasSubstr("supervision_group.members"));
}

}  // namespace
}  // namespace minyi::deputies

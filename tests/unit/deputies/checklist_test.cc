#include "deputies/checklist.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace minyi::deputies {
namespace {

using ::minyi::deputies::v1::ChecklistDefinition;
using ::minyi::deputies::v1::ChecklistItem;
using ::minyi::deputies::v1::StationChecklist;

const std::vector<std::string> kNineHaves = {"有场所", "有牌子", "有制度", "有人员", "有经费",
                                             "有活动", "有台账", "有计划", "有成效"};

std::string Field(const absl::Status& st) { return std::string(st.message()).substr(0, st.message().find(':')); }

ChecklistDefinition Definition(const std::vector<std::string>& items) {
  ChecklistDefinition d;
  for (const std::string& item : items) {
    d.add_items(item);
  }
  return d;
}

ChecklistItem Item(const std::string& name, bool met, const std::vector<std::string>& evidence = {}) {
  ChecklistItem item;
  item.set_item(name);
  item.set_met(met);
  for (const std::string& e : evidence) {
    item.add_evidence(e);
  }
  return item;
}

TEST(ChecklistTest, DefinitionNeedsDistinctShortNames) {
  EXPECT_TRUE(ValidateChecklistDefinition(Definition(kNineHaves)).ok());
  EXPECT_EQ(Field(ValidateChecklistDefinition(Definition({}))), "checklist_definition.items");
  EXPECT_EQ(Field(ValidateChecklistDefinition(Definition({"有场所", "有场所"}))), "checklist_definition.items[1]");
  EXPECT_EQ(Field(ValidateChecklistDefinition(Definition({"有场所", ""}))), "checklist_definition.items[1]");
  // 33 CJK characters: counted in characters, not bytes.
  std::string long_name;
  for (int i = 0; i < 33; ++i) {
    long_name += "有";
  }
  EXPECT_EQ(Field(ValidateChecklistDefinition(Definition({long_name}))), "checklist_definition.items[0]");
  EXPECT_TRUE(ValidateChecklistDefinition(Definition({long_name.substr(3)})).ok());
  EXPECT_EQ(Field(ValidateChecklistDefinition(Definition(std::vector<std::string>(31, "x")))),
            "checklist_definition.items");
}

TEST(ChecklistTest, AssessmentNamesDefinedItemsOnceWithValidEvidence) {
  StationChecklist update;
  EXPECT_EQ(Field(ValidateChecklistAssessment(update, kNineHaves)), "checklist.items");
  *update.add_items() = Item("有场所", true, {"files/1"});
  *update.add_items() = Item("有经费", false);
  EXPECT_TRUE(ValidateChecklistAssessment(update, kNineHaves).ok());
  *update.add_items() = Item("有食堂", true);
  EXPECT_EQ(Field(ValidateChecklistAssessment(update, kNineHaves)), "checklist.items[2].item");
  update.mutable_items(2)->set_item("有场所");
  EXPECT_EQ(Field(ValidateChecklistAssessment(update, kNineHaves)), "checklist.items[2].item");
  update.mutable_items(2)->set_item("有活动");
  update.mutable_items(2)->add_evidence("");
  EXPECT_EQ(Field(ValidateChecklistAssessment(update, kNineHaves)), "checklist.items[2].evidence[0]");
}

TEST(ChecklistTest, ComposeFollowsTheDefinitionAndCountsMet) {
  std::map<std::string, ChecklistItem> assessed = {
      {"有场所", Item("有场所", true, {"files/1"})},
      {"有牌子", Item("有牌子", false)},
      {"有食堂", Item("有食堂", true)},  // no longer defined: neither shown nor counted
  };
  assessed["有场所"].set_assessed_by("acct-1");
  const StationChecklist out = ComposeChecklist("stations/3/checklist", {"有牌子", "有场所", "有计划"}, assessed);
  EXPECT_EQ(out.name(), "stations/3/checklist");
  ASSERT_EQ(out.items_size(), 3);
  EXPECT_EQ(out.items(0).item(), "有牌子");
  EXPECT_FALSE(out.items(0).met());
  EXPECT_EQ(out.items(1).item(), "有场所");
  EXPECT_TRUE(out.items(1).met());
  EXPECT_EQ(out.items(1).assessed_by(), "acct-1");
  EXPECT_THAT(out.items(1).evidence(), ::testing::ElementsAre("files/1"));
  EXPECT_EQ(out.items(2).item(), "有计划");
  EXPECT_FALSE(out.items(2).met());
  EXPECT_TRUE(out.items(2).assessed_by().empty());
  EXPECT_EQ(out.items_met(), 1);
}

}  // namespace
}  // namespace minyi::deputies

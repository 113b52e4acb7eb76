#include "suggestions/routing.h"

#include "gtest/gtest.h"

namespace minyi::suggestions {
namespace {

minyi::suggestions::v1::RoutingRules Rules() {
  minyi::suggestions::v1::RoutingRules rules;
  auto* traffic = rules.add_rules();
  traffic->add_keywords("红绿灯");
  traffic->add_keywords("公交");
  traffic->add_keywords("道路");
  traffic->set_department("交通运输局");
  auto* health = rules.add_rules();
  health->add_keywords("医院");
  health->add_keywords("医生");
  health->set_department("卫健局");
  auto* water = rules.add_rules();
  water->add_keywords("医院");
  water->add_keywords("供水");
  water->set_department("水务局");
  return rules;
}

TEST(RoutingTest, MostMatchedKeywordsWin) {
  const auto p = ProposeDepartment(Rules(), "县医院儿科医生不足，建议增加编制");
  EXPECT_EQ(p.department(), "卫健局");
  EXPECT_EQ(p.matched_keywords_size(), 2);
}

TEST(RoutingTest, TiesGoToTheEarlierRule) { EXPECT_EQ(ProposeDepartment(Rules(), "医院门口").department(), "卫健局"); }

TEST(RoutingTest, NothingMatchedProposesNothing) {
  EXPECT_TRUE(ProposeDepartment(Rules(), "图书馆开放时间").department().empty());
}

TEST(RoutingTest, ValidationNamesTheField) {
  auto rules = Rules();
  rules.mutable_rules(1)->add_keywords("");
  const absl::Status st = ValidateRoutingRules(rules);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("routing_rules.rules[1].keywords[2]"), std::string::npos) << st;
  EXPECT_TRUE(ValidateRoutingRules(Rules()).ok());
}

}  // namespace
}  // namespace minyi::suggestions

#include "common/query.h"

#include "gtest/gtest.h"

namespace minyi {
namespace {

// Registered before main, as a service's store constants are.
const Query kSecond{"querytest_b", "SELECT 2"};
const Query kFirst{"querytest_a", "SELECT $1::int"};
const Query kOther{"otherprefix_a", "SELECT 3"};

TEST(Query, APoolGetsTheQueriesOfItsPrefixInNameOrder) {
  const std::vector<PreparedStatement> mine = QueriesOf("querytest_");
  ASSERT_EQ(mine.size(), 2u);
  EXPECT_EQ(mine[0].name, "querytest_a");
  EXPECT_EQ(mine[0].sql, "SELECT $1::int");
  EXPECT_EQ(mine[1].name, "querytest_b");
  EXPECT_EQ(mine[1].sql, "SELECT 2");
  EXPECT_EQ(QueriesOf("otherprefix_").size(), 1u);
  EXPECT_TRUE(QueriesOf("nothing_").empty());
}

TEST(Query, RunsByItsName) {
  const std::string& name = kFirst;  // what exec_prepared receives
  EXPECT_EQ(name, "querytest_a");
  EXPECT_EQ(&name, &kFirst.name());
}

TEST(Query, IdArrayIsAnArrayLiteral) {
  EXPECT_EQ(IdArray({}), "{}");
  EXPECT_EQ(IdArray({7}), "{7}");
  EXPECT_EQ(IdArray({1, -2, 30}), "{1,-2,30}");
}

}  // namespace
}  // namespace minyi

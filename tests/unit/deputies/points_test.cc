#include "deputies/points.h"

#include <map>
#include <tuple>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace minyi::deputies {
namespace {

using ::minyi::deputies::v1::DUTY_CATEGORY_BALLOT;
using ::minyi::deputies::v1::DUTY_CATEGORY_RECEIVING_VOTERS;
using ::minyi::deputies::v1::DUTY_CATEGORY_TRAINING;
using ::testing::ElementsAre;
using ::testing::Pair;

bool IsPeriodError(const absl::StatusOr<Period>& p) {
  return p.status().code() == absl::StatusCode::kInvalidArgument &&
         std::string(p.status().message()).rfind("period:", 0) == 0;
}

TEST(PeriodTest, Month) {
  absl::StatusOr<Period> p = ParsePeriod("2026-02");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->label, "2026-02");
  EXPECT_EQ(p->first_day, "2026-02-01");
  EXPECT_EQ(p->last_day, "2026-02-28");
  EXPECT_THAT(p->months, ElementsAre("2026-02"));
  EXPECT_EQ(ParsePeriod("2024-02")->last_day, "2024-02-29");  // leap year
  EXPECT_EQ(ParsePeriod("2100-02")->last_day, "2100-02-28");  // century, not leap
  EXPECT_EQ(ParsePeriod("2000-02")->last_day, "2000-02-29");
}

TEST(PeriodTest, QuarterBoundaries) {
  absl::StatusOr<Period> q1 = ParsePeriod("2026-Q1");
  ASSERT_TRUE(q1.ok());
  EXPECT_EQ(q1->first_day, "2026-01-01");
  EXPECT_EQ(q1->last_day, "2026-03-31");
  EXPECT_THAT(q1->months, ElementsAre("2026-01", "2026-02", "2026-03"));
  EXPECT_EQ(ParsePeriod("2026-Q2")->first_day, "2026-04-01");
  EXPECT_EQ(ParsePeriod("2026-Q2")->last_day, "2026-06-30");
  EXPECT_EQ(ParsePeriod("2026-Q3")->last_day, "2026-09-30");
  EXPECT_EQ(ParsePeriod("2026-Q4")->first_day, "2026-10-01");
  EXPECT_EQ(ParsePeriod("2026-Q4")->last_day, "2026-12-31");
}

TEST(PeriodTest, Year) {
  absl::StatusOr<Period> y = ParsePeriod("2026");
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(y->first_day, "2026-01-01");
  EXPECT_EQ(y->last_day, "2026-12-31");
  EXPECT_EQ(y->months.size(), 12u);
}

TEST(PeriodTest, RejectsEverythingElse) {
  for (const char* bad : {"", "26", "2026-", "2026-13", "2026-00", "2026-1", "2026-Q0", "2026-Q5", "2026-q1",
                          "2026-Q12", "2026-03-01", "1900", "+2026", "２０２６", "2026 ", "abcd"}) {
    EXPECT_TRUE(IsPeriodError(ParsePeriod(bad))) << bad;
  }
  EXPECT_EQ(std::string(ParsePeriod("x", "quarter").status().message()).rfind("quarter:", 0), 0u);
}

TEST(TallyTest, PointsPerRecordAndBreakdowns) {
  const PointRuleTable rules = {{DUTY_CATEGORY_TRAINING, {.points = 2}}, {DUTY_CATEGORY_BALLOT, {.points = 1}}};
  const Period q1 = *ParsePeriod("2026-Q1");
  PointsTally t = TallyPoints({{"2026-01-05", DUTY_CATEGORY_TRAINING},
                               {"2026-03-31", DUTY_CATEGORY_TRAINING},
                               {"2026-02-10", DUTY_CATEGORY_BALLOT}},
                              rules, q1);
  EXPECT_EQ(t.total, 5);
  EXPECT_THAT(t.by_month, ElementsAre(Pair("2026-01", 2), Pair("2026-02", 1), Pair("2026-03", 2)));
  EXPECT_EQ(t.by_category[DUTY_CATEGORY_TRAINING].records, 2);
  EXPECT_EQ(t.by_category[DUTY_CATEGORY_TRAINING].points, 4);
  EXPECT_EQ(t.by_category[DUTY_CATEGORY_BALLOT].points, 1);
}

TEST(TallyTest, MonthlyCapAppliesPerMonthAndCategory) {
  const PointRuleTable rules = {{DUTY_CATEGORY_RECEIVING_VOTERS, {.points = 3, .monthly_cap = 7}},
                                {DUTY_CATEGORY_TRAINING, {.points = 2, .monthly_cap = 0}}};
  std::vector<DutyFact> facts;
  for (int i = 0; i < 5; ++i) {
    facts.push_back({"2026-01-1" + std::to_string(i), DUTY_CATEGORY_RECEIVING_VOTERS});  // 15 raw -> 7
    facts.push_back({"2026-01-2" + std::to_string(i), DUTY_CATEGORY_TRAINING});          // no cap: 10
  }
  facts.push_back({"2026-02-01", DUTY_CATEGORY_RECEIVING_VOTERS});  // a new month: 3
  PointsTally t = TallyPoints(facts, rules, *ParsePeriod("2026-Q1"));
  EXPECT_EQ(t.by_category[DUTY_CATEGORY_RECEIVING_VOTERS].records, 6);
  EXPECT_EQ(t.by_category[DUTY_CATEGORY_RECEIVING_VOTERS].points, 10);
  EXPECT_EQ(t.by_category[DUTY_CATEGORY_TRAINING].points, 10);
  EXPECT_THAT(t.by_month, ElementsAre(Pair("2026-01", 17), Pair("2026-02", 3), Pair("2026-03", 0)));
  EXPECT_EQ(t.total, 20);
}

TEST(TallyTest, OutsideThePeriodAndUnruledCategoriesEarnNothing) {
  const PointRuleTable rules = {{DUTY_CATEGORY_TRAINING, {.points = 2}}};
  PointsTally t = TallyPoints({{"2025-12-31", DUTY_CATEGORY_TRAINING},  // the day before Q1
                               {"2026-04-01", DUTY_CATEGORY_TRAINING},  // the day after
                               {"2026-01-01", DUTY_CATEGORY_BALLOT}},   // no rule: counted, 0 points
                              rules, *ParsePeriod("2026-Q1"));
  EXPECT_EQ(t.total, 0);
  EXPECT_EQ(t.by_category.count(DUTY_CATEGORY_TRAINING), 0u);
  EXPECT_EQ(t.by_category[DUTY_CATEGORY_BALLOT].records, 1);
  EXPECT_EQ(t.by_category[DUTY_CATEGORY_BALLOT].points, 0);
}

TEST(RankTest, TiesShareARankAndTheNextSkips) {
  std::vector<RankedEntry> ranked = RankByPoints({{.id = 9, .points = 5},
                                                  {.id = 3, .points = 12},
                                                  {.id = 7, .points = 12},
                                                  {.id = 1, .points = 5},
                                                  {.id = 2, .points = 0}});
  ASSERT_EQ(ranked.size(), 5u);
  std::vector<std::pair<int64_t, int32_t>> got;
  for (const RankedEntry& e : ranked) {
    got.emplace_back(e.id, e.rank);
  }
  // Equal points are listed by id.
  EXPECT_THAT(got, ElementsAre(Pair(3, 1), Pair(7, 1), Pair(1, 3), Pair(9, 3), Pair(2, 5)));
}

TEST(RankTest, EmptyAndAllEqual) {
  EXPECT_TRUE(RankByPoints({}).empty());
  for (const RankedEntry& e : RankByPoints({{.id = 2}, {.id = 1}, {.id = 3}})) {
    EXPECT_EQ(e.rank, 1);
  }
}

TEST(RankTest, DeputiesRankedByTheirPointsInThePeriod) {
  const PointRuleTable rules = {{DUTY_CATEGORY_TRAINING, {.points = 2}}};
  const std::map<int64_t, std::vector<DutyFact>> facts = {
      {4, {{"2026-01-05", DUTY_CATEGORY_TRAINING}}},
      {7, {{"2026-01-05", DUTY_CATEGORY_TRAINING}, {"2026-02-05", DUTY_CATEGORY_TRAINING}}},
      {9, {{"2025-12-31", DUTY_CATEGORY_TRAINING}}}};  // outside Q1
  std::vector<std::tuple<int64_t, int64_t, int32_t>> got;
  for (const RankedEntry& e : RankDeputies({9, 4, 7, 2}, facts, rules, *ParsePeriod("2026-Q1"))) {
    got.emplace_back(e.id, e.points, e.rank);
  }
  // Deputy 2 has no records at all and ties with 9 at 0.
  EXPECT_THAT(got, ElementsAre(std::make_tuple(7, 4, 1), std::make_tuple(4, 2, 2), std::make_tuple(2, 0, 3),
                               std::make_tuple(9, 0, 3)));
}

}  // namespace
}  // namespace minyi::deputies

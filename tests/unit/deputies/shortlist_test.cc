#include "deputies/shortlist.h"

#include <map>
#include <optional>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace minyi::deputies {
namespace {

using ::minyi::deputies::v1::TIE_BREAK_LOWER_ID;
using ::minyi::deputies::v1::TIE_BREAK_MORE_RECORDS;
using ::minyi::deputies::v1::TIE_BREAK_NONE;
using ::testing::ElementsAre;

ShortlistCandidate C(int64_t id, int64_t points, int64_t records, std::optional<int32_t> evaluation = std::nullopt) {
  return {.deputy_id = id, .points = points, .duty_records = records, .evaluation_score = evaluation};
}

std::vector<int64_t> Ids(const ShortlistResult& r) {
  std::vector<int64_t> out;
  for (const ShortlistPlace& p : r.places) {
    out.push_back(p.candidate.deputy_id);
  }
  return out;
}

TEST(ShortlistTest, FinalScoreAddsTheWeightedEvaluation) {
  ShortlistResult r = MakeShortlist({C(1, 100, 40), C(2, 50, 20, 30), C(3, 10, 5)}, 10);
  EXPECT_THAT(Ids(r), ElementsAre(2, 1, 3));
  EXPECT_EQ(r.places[0].final_score, 50 + kEvaluationWeight * 30);
  EXPECT_EQ(r.places[1].final_score, 100);  // not evaluated: points only
  EXPECT_THAT(std::vector<int32_t>({r.places[0].rank, r.places[1].rank, r.places[2].rank}), ElementsAre(1, 2, 3));
  EXPECT_EQ(r.tied_beyond_cut, 0);
}

TEST(ShortlistTest, TiesGoToMoreRecordsThenLowerIdAndSaySo) {
  ShortlistResult r = MakeShortlist({C(9, 80, 30), C(4, 80, 30), C(7, 80, 35), C(1, 60, 50)}, 10);
  EXPECT_THAT(Ids(r), ElementsAre(7, 4, 9, 1));
  EXPECT_EQ(r.places[0].tie_break, TIE_BREAK_NONE);
  EXPECT_EQ(r.places[1].tie_break, TIE_BREAK_MORE_RECORDS);
  EXPECT_EQ(r.places[2].tie_break, TIE_BREAK_LOWER_ID);
  EXPECT_EQ(r.places[3].tie_break, TIE_BREAK_NONE);
}

TEST(ShortlistTest, CutCountsTheTiedLeftOut) {
  std::vector<ShortlistCandidate> c;
  for (int64_t id = 1; id <= 5; ++id) {
    c.push_back(C(id, id <= 1 ? 90 : 50, 10));
  }
  ShortlistResult r = MakeShortlist(c, 2);
  EXPECT_THAT(Ids(r), ElementsAre(1, 2));
  EXPECT_EQ(r.tied_beyond_cut, 3);  // deputies 3, 4 and 5 also have 50
  EXPECT_TRUE(MakeShortlist({}, 10).places.empty());
  EXPECT_EQ(MakeShortlist(c, 10).places.size(), 5u);
}

TEST(ShortlistTest, EvaluationResultNames) {
  EXPECT_EQ(EvaluationResultName(3, 2026), "deputies/3/evaluationResults/2026");
  absl::StatusOr<EvaluationKey> key = ParseEvaluationResultName("deputies/3/evaluationResults/2026", "name");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->deputy_id, 3);
  EXPECT_EQ(key->year, 2026);
  for (const char* bad : {"deputies/3/evaluationResults/26", "deputies/3/evaluationResults/1900",
                          "deputies/x/evaluationResults/2026", "deputies/3/evaluationResults/2026a", "deputies/3"}) {
    EXPECT_FALSE(ParseEvaluationResultName(bad, "name").ok()) << bad;
  }
}

TEST(ShortlistTest, CandidatesCarryTheYearsPointsRecordsAndScore) {
  using ::minyi::deputies::v1::DUTY_CATEGORY_BALLOT;
  using ::minyi::deputies::v1::DUTY_CATEGORY_TRAINING;
  const PointRuleTable rules = {{DUTY_CATEGORY_TRAINING, {.points = 2}}};
  const std::map<int64_t, std::vector<DutyFact>> facts = {
      {3, {{"2026-01-05", DUTY_CATEGORY_TRAINING}, {"2026-06-01", DUTY_CATEGORY_BALLOT}}}};
  std::vector<ShortlistCandidate> got =
      ShortlistCandidates({3, 5}, facts, rules, *ParsePeriod("2026", "year"), {{5, 88}});
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].deputy_id, 3);
  EXPECT_EQ(got[0].points, 2);  // a ballot earns nothing without a rule, but is a record
  EXPECT_EQ(got[0].duty_records, 2);
  EXPECT_EQ(got[0].evaluation_score, std::nullopt);
  EXPECT_EQ(got[1].deputy_id, 5);  // no records at all
  EXPECT_EQ(got[1].points, 0);
  EXPECT_EQ(got[1].duty_records, 0);
  EXPECT_EQ(got[1].evaluation_score, 88);
}

}  // namespace
}  // namespace minyi::deputies

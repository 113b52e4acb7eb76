#include "deputies/stars.h"

#include <algorithm>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace minyi::deputies {
namespace {

using ::minyi::deputies::v1::RateStationsRequest;
using ::minyi::deputies::v1::StarQuotas;

StarQuotas Quotas(int five, int four) {
  StarQuotas q;
  q.set_five_star_percent(five);
  q.set_four_star_percent(four);
  return q;
}

// Stars in rank order.
std::vector<int> Stars(const std::vector<StarResult>& results) {
  std::vector<int> out;
  for (const StarResult& r : results) {
    out.push_back(r.stars);
  }
  return out;
}

std::vector<StationScore> Scores(int n) {
  std::vector<StationScore> out;
  for (int i = 1; i <= n; ++i) {
    out.push_back({.station_id = i, .score = 100 - i});
  }
  return out;
}

TEST(StarsTest, DefaultQuotasOnTen) {
  EXPECT_THAT(Stars(AssignStars(Scores(10), Quotas(20, 30))), ::testing::ElementsAre(5, 5, 4, 4, 4, 3, 3, 3, 3, 3));
}

TEST(StarsTest, QuotasThatDoNotDivideEvenlyRoundDown) {
  // 7 stations: five = floor(1.4) = 1, five or four = floor(3.5) = 3.
  EXPECT_THAT(Stars(AssignStars(Scores(7), Quotas(20, 30))), ::testing::ElementsAre(5, 4, 4, 3, 3, 3, 3));
  // 13 stations at 25/25: five = floor(3.25) = 3, five or four = floor(6.5) = 6.
  std::vector<int> stars = Stars(AssignStars(Scores(13), Quotas(25, 25)));
  EXPECT_EQ(std::count(stars.begin(), stars.end(), 5), 3);
  EXPECT_EQ(std::count(stars.begin(), stars.end(), 4), 3);
  EXPECT_EQ(std::count(stars.begin(), stars.end(), 3), 7);
}

TEST(StarsTest, SmallDistricts) {
  EXPECT_TRUE(AssignStars({}, Quotas(20, 30)).empty());
  EXPECT_THAT(Stars(AssignStars(Scores(1), Quotas(20, 30))), ::testing::ElementsAre(3));
  EXPECT_THAT(Stars(AssignStars(Scores(4), Quotas(20, 30))), ::testing::ElementsAre(4, 4, 3, 3));
  EXPECT_THAT(Stars(AssignStars(Scores(5), Quotas(20, 30))), ::testing::ElementsAre(5, 4, 3, 3, 3));
  EXPECT_THAT(Stars(AssignStars(Scores(2), Quotas(100, 0))), ::testing::ElementsAre(5, 5));
}

TEST(StarsTest, TiesBrokenByStationIdDeterministically) {
  std::vector<StationScore> tied = {{.station_id = 30, .score = 8},
                                    {.station_id = 10, .score = 8},
                                    {.station_id = 20, .score = 8},
                                    {.station_id = 40, .score = 9},
                                    {.station_id = 50, .score = 1}};
  std::vector<StarResult> results = AssignStars(tied, Quotas(20, 30));
  std::vector<int64_t> order;
  std::vector<int32_t> ranks;
  for (const StarResult& r : results) {
    order.push_back(r.station_id);
    ranks.push_back(r.rank);
  }
  EXPECT_THAT(order, ::testing::ElementsAre(40, 10, 20, 30, 50));
  EXPECT_THAT(ranks, ::testing::ElementsAre(1, 2, 3, 4, 5));
  // The tie at 8 straddles the four-star boundary (floor(2.5) = 2): the lower id gets four stars.
  EXPECT_THAT(Stars(results), ::testing::ElementsAre(5, 4, 3, 3, 3));
  std::reverse(tied.begin(), tied.end());
  EXPECT_THAT(Stars(AssignStars(tied, Quotas(20, 30))), ::testing::ElementsAre(5, 4, 3, 3, 3));
}

TEST(StarsTest, QuotasValidationAndDefaults) {
  EXPECT_TRUE(ValidateQuotas(Quotas(20, 30)).ok());
  EXPECT_TRUE(ValidateQuotas(Quotas(0, 0)).ok());
  EXPECT_TRUE(ValidateQuotas(Quotas(100, 0)).ok());
  auto field = [](const absl::Status& st) { return std::string(st.message()).substr(0, st.message().find(':')); };
  EXPECT_EQ(field(ValidateQuotas(Quotas(-1, 30))), "quotas.five_star_percent");
  EXPECT_EQ(field(ValidateQuotas(Quotas(20, 101))), "quotas.four_star_percent");
  EXPECT_EQ(field(ValidateQuotas(Quotas(60, 50))), "quotas.four_star_percent");
  RateStationsRequest request;
  EXPECT_EQ(EffectiveQuotas(request).five_star_percent(), 20);
  EXPECT_EQ(EffectiveQuotas(request).four_star_percent(), 30);
  *request.mutable_quotas() = Quotas(10, 0);
  EXPECT_EQ(EffectiveQuotas(request).five_star_percent(), 10);
  EXPECT_EQ(EffectiveQuotas(request).four_star_percent(), 0);
}

TEST(StarsTest, ActivityScore) {
  EXPECT_EQ(ActivityScore(7, 0), 7);
  EXPECT_EQ(ActivityScore(7, 9), 7 + 9 * kChecklistItemWeight);
}

}  // namespace
}  // namespace minyi::deputies

#include "suggestions/search.h"

#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace minyi::suggestions {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsSupersetOf;
using ::testing::Not;

TEST(SearchWordsTest, IdeographsGiveEveryCharacterAndEveryAdjacentPair) {
  EXPECT_THAT(SearchWords("加装电梯"), ElementsAre("加", "加装", "梯", "电", "电梯", "装", "装电"));
}

TEST(SearchWordsTest, PunctuationAndSpaceEndARunSoNoPairCrossesThem) {
  const std::vector<std::string> words = SearchWords("停车难，水管漏 路灯");
  EXPECT_THAT(words, IsSupersetOf({"停车", "车难", "水管", "管漏", "路灯", "水", "难"}));
  EXPECT_THAT(words, Not(Contains("难水")));
  EXPECT_THAT(words, Not(Contains("漏路")));
}

TEST(SearchWordsTest, LatinAndDigitRunsAreWholeWordsFoldedToLowerCaseAndHalfWidth) {
  EXPECT_THAT(SearchWords("建设5G基站ＡＢＣ，WiFi 2026年"),
              IsSupersetOf({"5g", "abc", "wifi", "2026", "建设", "基站", "年"}));
  EXPECT_THAT(SearchWords("5G基站"), Not(Contains("g基")));
}

TEST(SearchWordsTest, EmptyAndSymbolOnlyTextHasNoWords) {
  EXPECT_TRUE(SearchWords("").empty());
  EXPECT_TRUE(SearchWords("，。！？ ……").empty());
}

TEST(SearchWordsTest, MalformedBytesSeparateWordsInsteadOfJoiningThem) {
  EXPECT_THAT(SearchWords(std::string("水\xFF管")), ElementsAre("水", "管"));
}

TEST(SearchWordsTest, RepeatedWordsAppearOnce) { EXPECT_THAT(SearchWords("水水"), ElementsAre("水", "水水")); }

TEST(SearchWordsTest, VeryLongLatinWordsAreCutTheSameInItemsAndQueries) {
  const std::string long_word(100, 'x');
  EXPECT_THAT(SearchWords(long_word), ElementsAre(std::string(64, 'x')));
  EXPECT_EQ(SearchQuery(long_word), "'" + std::string(64, 'x') + "'");
}

TEST(TsVectorLiteralTest, QuotesEachWord) {
  EXPECT_EQ(TsVectorLiteral({"停", "停车", "abc"}), "'停' '停车' 'abc'");
  EXPECT_EQ(TsVectorLiteral({}), "");
}

TEST(SearchQueryTest, OneIdeographIsItsUnigram) { EXPECT_EQ(SearchQuery("水"), "'水'"); }

TEST(SearchQueryTest, TwoIdeographsAreTheirBigram) { EXPECT_EQ(SearchQuery("停车"), "'停车'"); }

TEST(SearchQueryTest, LongerWordsNeedEveryBigram) { EXPECT_EQ(SearchQuery("加装电梯"), "'加装' & '电梯' & '装电'"); }

TEST(SearchQueryTest, SeveralWordsMustAllMatch) { EXPECT_EQ(SearchQuery(" 水  停车，5G "), "'5g' & '停车' & '水'"); }

TEST(SearchQueryTest, AQueryWithoutWordsIsEmpty) {
  EXPECT_EQ(SearchQuery(""), "");
  EXPECT_EQ(SearchQuery("，。 !?"), "");
}

TEST(SearchQueryTest, EveryTermOfAQueryIsAWordOfATextContainingIt) {
  const std::vector<std::string> words =
      SearchWords("关于城东小区加装电梯和解决停车难问题的建议，涉及5G基站与供水管网改造。");
  for (const char* q : {"水", "停车", "加装电梯", "停车难", "5g", "供水管网", "城"}) {
    const std::string query = SearchQuery(q);
    ASSERT_FALSE(query.empty()) << q;
    for (absl::string_view term : absl::StrSplit(query, " & ")) {
      EXPECT_THAT(words, Contains(std::string(absl::StripSuffix(absl::StripPrefix(term, "'"), "'")))) << q;
    }
  }
}

}  // namespace
}  // namespace minyi::suggestions

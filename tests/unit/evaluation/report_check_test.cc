#include "evaluation/report_check.h"

#include <string>

#include "gtest/gtest.h"

namespace minyi::evaluation {
namespace {

// n copies of a CJK character (3 bytes each in UTF-8).
std::string Han(int n, const std::string& ch = "绩") {
  std::string s;
  for (int i = 0; i < n; ++i) {
    s += ch;
  }
  return s;
}

TEST(ReportCheckTest, CountsCharactersNotBytes) {
  EXPECT_EQ(ContentCharacters("自然资源局"), 5);
  EXPECT_EQ(ContentCharacters("完成率98%"), 5);  // 完 成 率 9 8; the percent sign is punctuation
  EXPECT_EQ(ContentCharacters("GDP增长"), 5);
}

TEST(ReportCheckTest, PunctuationAndWhitespaceDoNotCount) {
  EXPECT_EQ(ContentCharacters("一、落实“放管服”改革。\n\t（二）整改！"), 11);
  EXPECT_EQ(ContentCharacters("　，。！？；：……——《》【】"), 0);  // ideographic space and CJK punctuation
  EXPECT_EQ(ContentCharacters("a, b. c!"), 3);
}

TEST(ReportCheckTest, SixThreeOneAtTheBoundsPasses) {
  const auto check = CheckReportSections(Han(60), Han(30, "问"), Han(10, "改"));
  EXPECT_TRUE(check.passed());
  EXPECT_EQ(check.total_characters(), 100);
  EXPECT_TRUE(check.findings().empty());
  EXPECT_EQ(check.sections(0).share(), "60.0");
}

TEST(ReportCheckTest, TooMuchAchievementIsNamed) {
  // 61 + 30 + 10 = 101: achievements 60.4% > 60%; problems 29.7% < 30%; measures 9.9% < 10%. (With
  // problems >= 30% and measures >= 10%, achievements cannot exceed 60%: an excess always shows twice.)
  const auto check = CheckReportSections(Han(61), Han(30, "问"), Han(10, "改"));
  EXPECT_FALSE(check.passed());
  EXPECT_FALSE(check.sections(0).ok());
  EXPECT_FALSE(check.sections(1).ok());
  EXPECT_FALSE(check.sections(2).ok());
  ASSERT_EQ(check.findings_size(), 3);
  EXPECT_NE(check.findings(0).find("工作成绩部分 61 字，占全文 60.4%，超过60% 的上限"), std::string::npos)
      << check.findings(0);
  EXPECT_NE(check.findings(1).find("存在问题部分 30 字，占全文 29.7%，低于30% 的下限"), std::string::npos)
      << check.findings(1);
}

TEST(ReportCheckTest, TooFewProblemsAloneIsNamed) {
  const auto check = CheckReportSections(Han(55), Han(29, "问"), Han(16, "改"));
  EXPECT_FALSE(check.passed());
  EXPECT_TRUE(check.sections(0).ok());
  EXPECT_FALSE(check.sections(1).ok());
  EXPECT_TRUE(check.sections(2).ok());
  ASSERT_EQ(check.findings_size(), 1);
  EXPECT_NE(check.findings(0).find("存在问题"), std::string::npos);
}

TEST(ReportCheckTest, PaddingWithPunctuationDoesNotHelp) {
  // Measures padded with "。" and spaces to look long are still 5 of 100 characters.
  const auto check = CheckReportSections(Han(60), Han(35, "问"), Han(5, "改") + "。。。。。。      ");
  EXPECT_FALSE(check.passed());
  EXPECT_EQ(check.sections(2).characters(), 5);
  EXPECT_FALSE(check.sections(2).ok());
}

TEST(ReportCheckTest, EmptyReportFails) {
  const auto check = CheckReportSections("", "  ", "。");
  EXPECT_FALSE(check.passed());
  EXPECT_EQ(check.total_characters(), 0);
  EXPECT_EQ(check.findings_size(), 1);
}

}  // namespace
}  // namespace minyi::evaluation

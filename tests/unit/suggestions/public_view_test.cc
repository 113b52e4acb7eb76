#include "suggestions/public_view.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/proto_json.h"

namespace minyi::suggestions {
namespace {

namespace v1 = ::minyi::suggestions::v1;
using ::minyi::testing::JsonOf;
using ::testing::HasSubstr;
using ::testing::Not;

// An item carrying every kind of private data the staff message can hold.
v1::Suggestion FullItem(v1::SuggestionKind kind) {
  v1::Suggestion s;
  s.set_name("suggestions/8");
  s.set_kind(kind);
  s.set_title("关于增设公交站点的建议");
  s.set_body("建议在东门增设公交站点。");
  s.add_deputies("deputies/21");
  s.add_deputies("deputies/22");
  s.set_citizen_account("accounts/501");
  s.set_station("stations/9");
  s.set_contact_phone("13800138000");
  s.set_entered_by("deputies/77");
  s.set_lead_department("jtj");
  s.add_co_departments("czj");
  s.mutable_answer()->set_category(v1::ANSWER_CATEGORY_A);
  s.mutable_answer()->set_text("已增设站点。");
  s.mutable_answer()->set_department("jtj");
  s.mutable_answer()->set_on_time(true);
  v1::Commitment* commitment = s.mutable_answer()->add_commitments();
  commitment->set_text("年底前完成");
  commitment->add_checks()->set_checked_by("accounts/602");
  s.add_co_unit_opinions()->set_text("协办内部意见");
  s.add_contacts()->set_summary("电话沟通内部记录");
  s.mutable_rating()->set_attitude(v1::SATISFACTION_SATISFIED);
  s.mutable_rating()->set_result(v1::SATISFACTION_BASIC);
  s.mutable_rating()->set_comment("评价备注");
  s.mutable_rating()->set_rated_by("accounts/503");
  s.set_reject_reason("内部退回理由");
  s.set_funded_fen(500000);
  s.set_showcased(true);
  s.mutable_submit_time()->set_seconds(1700000000);
  return s;
}

TEST(PublicViewTest, AShowcasedDeputysSuggestionShowsItsPublicFieldsAndItsDeputies) {
  const v1::PublicShowcaseItem out = PublicShowcaseItemOf(FullItem(v1::SUGGESTION_KIND_DEPUTY));
  EXPECT_EQ(out.name(), "suggestions/8");
  EXPECT_EQ(out.title(), "关于增设公交站点的建议");
  EXPECT_EQ(out.body(), "建议在东门增设公交站点。");
  EXPECT_THAT(out.deputies(), ::testing::ElementsAre("deputies/21", "deputies/22"));
  EXPECT_EQ(out.lead_department(), "jtj");
  EXPECT_EQ(out.answer().category(), v1::ANSWER_CATEGORY_A);
  EXPECT_EQ(out.answer().text(), "已增设站点。");
  EXPECT_TRUE(out.answer().on_time());
  EXPECT_EQ(out.attitude(), v1::SATISFACTION_SATISFIED);
  EXPECT_EQ(out.result(), v1::SATISFACTION_BASIC);
  EXPECT_EQ(out.submit_time().seconds(), 1700000000);
  const std::string json = JsonOf(out);
  for (const char* hidden : {"accounts/", "13800138000", "deputies/77", "年底前完成", "协办内部意见",
                             "电话沟通内部记录", "评价备注", "内部退回理由", "500000", "stations/9"}) {
    EXPECT_THAT(json, Not(HasSubstr(hidden))) << hidden;
  }
}

TEST(PublicViewTest, AShowcasedCitizensOpinionNamesNoOne) {
  const v1::PublicShowcaseItem out = PublicShowcaseItemOf(FullItem(v1::SUGGESTION_KIND_CITIZEN_OPINION));
  EXPECT_EQ(out.title(), "关于增设公交站点的建议");
  const std::string json = JsonOf(out);
  EXPECT_THAT(json, Not(HasSubstr("deputies/")));
  EXPECT_THAT(json, Not(HasSubstr("accounts/")));
  EXPECT_THAT(json, Not(HasSubstr("13800138000")));
}

TEST(PublicViewTest, AStatsRowIsPublishedWholeWithItsKeyAsTheDepartment) {
  v1::StatsRow row;
  row.set_key("jtj");
  row.set_total(10);
  row.set_answered(8);
  row.set_answered_on_time(6);
  row.set_on_time_rate(0.75);
  row.set_category_a(3);
  row.set_category_b(2);
  row.set_category_c(2);
  row.set_category_d(1);
  row.set_rated(5);
  row.set_attitude_satisfaction_rate(0.8);
  row.set_result_satisfaction_rate(0.6);
  row.set_overdue(2);
  std::string expected = JsonOf(row);
  expected.replace(expected.find("\"key\""), 5, "\"department\"");
  EXPECT_EQ(JsonOf(PublicStatsRowOf(row)), expected);
}

TEST(PublicViewTest, StatisticsCoverThisYearByDefaultAndRefuseYearsOutsideTheRecord) {
  EXPECT_EQ(*PublicStatsYear(0, 2026), 2026);
  EXPECT_EQ(*PublicStatsYear(2024, 2026), 2024);
  EXPECT_EQ(*PublicStatsYear(2000, 2026), 2000);
  EXPECT_EQ(*PublicStatsYear(2026, 2026), 2026);
  for (int bad : {1999, 2027, -1, 20260}) {
    const absl::Status st = PublicStatsYear(bad, 2026).status();
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(st.ToString(), HasSubstr("year")) << bad;
  }
}

}  // namespace
}  // namespace minyi::suggestions

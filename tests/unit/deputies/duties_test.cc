#include "deputies/duties.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace minyi::deputies {
namespace {

using ::minyi::deputies::v1::DutyRecord;
using ::minyi::deputies::v1::PointRules;

std::string Field(const absl::Status& st) { return std::string(st.message()).substr(0, st.message().find(':')); }

DutyRecord Valid() {
  DutyRecord d;
  d.set_date("2026-03-02");
  d.set_category(minyi::deputies::v1::DUTY_CATEGORY_RECEIVING_VOTERS);
  d.set_description("在子尹路社区联络站接待选民12人次，收集意见3条");
  d.set_station("stations/4");
  d.add_evidence("files/88");
  return d;
}

TEST(DutyNameTest, RoundTripAndRejects) {
  absl::StatusOr<DutyKey> key = ParseDutyName("deputies/12/duties/345", "name");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->deputy_id, 12);
  EXPECT_EQ(key->id, 345);
  EXPECT_EQ(DutyName(12, 345), "deputies/12/duties/345");
  for (const char* bad : {"", "deputies/12", "deputies/12/duties/", "deputies/012/duties/3", "deputies/1/duties/x",
                          "stations/1/duties/2", "deputies/1/duties/2/duties/3", "deputies//duties/2"}) {
    absl::StatusOr<DutyKey> k = ParseDutyName(bad, "name");
    EXPECT_EQ(k.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(Field(k.status()), "name") << bad;
  }
}

TEST(ChildNameTest, PointsAndRanking) {
  EXPECT_EQ(*ParseChildOfResource("deputies/3/points", "deputies/", "/points", "name"), 3);
  EXPECT_EQ(*ParseChildOfResource("stations/9/ranking", "stations/", "/ranking", "name"), 9);
  EXPECT_FALSE(ParseChildOfResource("deputies/3", "deputies/", "/points", "name").ok());
  EXPECT_FALSE(ParseChildOfResource("stations/3/points", "deputies/", "/points", "name").ok());
}

TEST(ShanghaiDateTest, DayChangesAtSixteenUtc) {
  EXPECT_EQ(ShanghaiDate(absl::FromCivil(absl::CivilSecond(2026, 3, 31, 15, 59, 59), absl::UTCTimeZone())),
            "2026-03-31");
  // 16:00 UTC on the last day of Q1 is already 1 April, Q2, in Shanghai.
  EXPECT_EQ(ShanghaiDate(absl::FromCivil(absl::CivilSecond(2026, 3, 31, 16, 0, 0), absl::UTCTimeZone())), "2026-04-01");
}

TEST(DutyContentTest, Valid) {
  EXPECT_TRUE(ValidateDutyContent(Valid(), "2026-03-02", "duty").ok());
  DutyRecord no_station = Valid();
  no_station.clear_station();
  no_station.clear_evidence();
  EXPECT_TRUE(ValidateDutyContent(no_station, "2026-12-31", "duty").ok());
}

TEST(DutyContentTest, ErrorsNameTheField) {
  DutyRecord d = Valid();
  d.set_date("2026-02-30");
  EXPECT_EQ(Field(ValidateDutyContent(d, "2026-12-31", "duty")), "duty.date");
  EXPECT_EQ(Field(ValidateDutyContent(Valid(), "2026-03-01", "duty")), "duty.date");  // tomorrow
  d = Valid();
  d.set_category(minyi::deputies::v1::DUTY_CATEGORY_UNSPECIFIED);
  EXPECT_EQ(Field(ValidateDutyContent(d, "2026-12-31", "duty")), "duty.category");
  d.set_category(static_cast<minyi::deputies::v1::DutyCategory>(999));
  EXPECT_EQ(Field(ValidateDutyContent(d, "2026-12-31", "duty")), "duty.category");
  d = Valid();
  d.clear_description();
  EXPECT_EQ(Field(ValidateDutyContent(d, "2026-12-31", "duty")), "duty.description");
  std::string long_text;
  for (int i = 0; i < kMaxDescriptionChars; ++i) {
    long_text += "履";
  }
  d.set_description(long_text);  // 2000 CJK characters, 6000 bytes: allowed
  EXPECT_TRUE(ValidateDutyContent(d, "2026-12-31", "duty").ok());
  d.set_description(long_text + "职");
  EXPECT_EQ(Field(ValidateDutyContent(d, "2026-12-31", "duty")), "duty.description");
  d = Valid();
  d.set_station("station/4");
  EXPECT_EQ(Field(ValidateDutyContent(d, "2026-12-31", "duty")), "duty.station");
  d = Valid();
  d.add_evidence("");
  EXPECT_EQ(Field(ValidateDutyContent(d, "2026-12-31", "duty")), "duty.evidence[1]");
  d = Valid();
  for (int i = 0; i < kMaxEvidence; ++i) {
    d.add_evidence("files/1");
  }
  EXPECT_EQ(Field(ValidateDutyContent(d, "2026-12-31", "duty")), "duty.evidence");
}

TEST(DutyContentTest, KeepsOnlyClientFields) {
  DutyRecord d = Valid();
  d.set_name("deputies/1/duties/2");
  d.set_recorded_by("someone");
  d.set_revision(7);
  d.set_source(minyi::deputies::v1::DUTY_SOURCE_EVENT);
  KeepDutyContent(&d);
  EXPECT_EQ(d.name(), "");
  EXPECT_EQ(d.recorded_by(), "");
  EXPECT_EQ(d.revision(), 0);
  EXPECT_EQ(d.source(), minyi::deputies::v1::DUTY_SOURCE_UNSPECIFIED);
  EXPECT_EQ(d.description(), Valid().description());
  EXPECT_EQ(d.evidence_size(), 1);
}

TEST(PointRulesTest, Validation) {
  PointRules rules;
  auto* r = rules.add_rules();
  r->set_category(minyi::deputies::v1::DUTY_CATEGORY_TRAINING);
  r->set_points(2);
  r->set_monthly_cap(4);
  EXPECT_TRUE(ValidatePointRules(rules).ok());
  EXPECT_EQ(ToRuleTable(rules).at(minyi::deputies::v1::DUTY_CATEGORY_TRAINING).monthly_cap, 4);
  PointRules dup = rules;
  *dup.add_rules() = rules.rules(0);
  EXPECT_EQ(Field(ValidatePointRules(dup)), "point_rules.rules[1].category");
  PointRules bad = rules;
  bad.mutable_rules(0)->set_points(-1);
  EXPECT_EQ(Field(ValidatePointRules(bad)), "point_rules.rules[0].points");
  bad = rules;
  bad.mutable_rules(0)->set_monthly_cap(-5);
  EXPECT_EQ(Field(ValidatePointRules(bad)), "point_rules.rules[0].monthly_cap");
  bad = rules;
  bad.mutable_rules(0)->set_category(minyi::deputies::v1::DUTY_CATEGORY_UNSPECIFIED);
  EXPECT_EQ(Field(ValidatePointRules(bad)), "point_rules.rules[0].category");
}

TEST(EventMappingTest, KnownTypesOnlyEachDescribedInChinese) {
  const std::vector<std::pair<std::string, DutyCategory>> known = {
      {"minyi.suggestions.v1.SuggestionSubmitted", minyi::deputies::v1::DUTY_CATEGORY_MOTION_OR_SUGGESTION},
      {"minyi.voting.v1.BallotCast", minyi::deputies::v1::DUTY_CATEGORY_BALLOT},
      {"minyi.evaluation.v1.ScoreSheetSubmitted", minyi::deputies::v1::DUTY_CATEGORY_EVALUATION},
  };
  for (const auto& [type, category] : known) {
    const std::optional<AutomaticDuty> duty = AutomaticDutyFor(type);
    ASSERT_TRUE(duty.has_value()) << type;
    EXPECT_EQ(duty->category, category) << type;
    // A deputy's file is read in Chinese: no event type or other Latin word leaks into it.
    const std::string description(duty->description);
    EXPECT_FALSE(description.empty()) << type;
    EXPECT_EQ(description.find_first_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"), std::string::npos)
        << description;
  }
  EXPECT_FALSE(AutomaticDutyFor("minyi.deputies.v1.DeputyCreated").has_value());
  EXPECT_FALSE(AutomaticDutyFor("").has_value());
}

}  // namespace
}  // namespace minyi::deputies

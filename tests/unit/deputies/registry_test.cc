#include "deputies/registry.h"

#include <string>

#include "common/names.h"
#include "gtest/gtest.h"

namespace minyi::deputies {
namespace {

using ::minyi::deputies::v1::Deputy;
using ::minyi::deputies::v1::Station;

Deputy Valid() {
  Deputy d;
  d.set_display_name("王芳");
  d.set_gender(minyi::deputies::v1::GENDER_FEMALE);
  d.set_level(minyi::deputies::v1::LEVEL_COUNTY);
  d.set_term(2);
  d.set_delegation("老城街道代表团");
  d.set_sector("教育");
  d.set_phone("13812345678");
  d.set_id_number("11010519491231002X");  // the example in GB 11643-1999
  d.set_status(minyi::deputies::v1::DEPUTY_STATUS_SERVING);
  d.add_stations("stations/1");
  d.set_term_start_date("2022-01-01");
  return d;
}

Station ValidStation() {
  Station s;
  s.set_display_name("子尹路社区代表联络站");
  s.set_kind(minyi::deputies::v1::STATION_KIND_VILLAGE);
  s.add_region_path("红花岗区");
  s.add_region_path("老城街道");
  s.set_address("子尹路 1 号");
  return s;
}

void ExpectField(const absl::Status& st, const std::string& field) {
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << st;
  EXPECT_EQ(std::string(st.message()).rfind(field + ":", 0), 0u) << st;
}

TEST(RegistryTest, AcceptsAValidDeputy) { EXPECT_TRUE(ValidateDeputy(Valid()).ok()); }

TEST(RegistryTest, DisplayName) {
  Deputy d = Valid();
  d.set_display_name("李四");  // two characters, six bytes
  EXPECT_TRUE(ValidateDeputy(d).ok());
  d.set_display_name("");
  ExpectField(ValidateDeputy(d), "deputy.display_name");
  std::string long_name;
  for (int i = 0; i < 33; ++i) {
    long_name += "名";
  }
  d.set_display_name(long_name);
  ExpectField(ValidateDeputy(d), "deputy.display_name");
  d.set_display_name("\xff\xfe");
  ExpectField(ValidateDeputy(d), "deputy.display_name");
}

TEST(RegistryTest, Phone) {
  for (const char* bad : {"1381234567", "138123456789", "23812345678", "1381234567a", "+8613812345678"}) {
    Deputy d = Valid();
    d.set_phone(bad);
    ExpectField(ValidateDeputy(d), "deputy.phone");
  }
  Deputy d = Valid();
  d.clear_phone();
  EXPECT_TRUE(ValidateDeputy(d).ok());
}

TEST(RegistryTest, IdNumberChecksum) {
  EXPECT_TRUE(IsValidIdNumber("11010519491231002X"));
  EXPECT_TRUE(IsValidIdNumber("520102199003070014"));
  EXPECT_FALSE(IsValidIdNumber("110105194912310021"));  // wrong check character
  EXPECT_FALSE(IsValidIdNumber("11010519491231002x"));  // normalized before validation, not here
  EXPECT_FALSE(IsValidIdNumber("11010519491331002X"));  // month 13
  EXPECT_FALSE(IsValidIdNumber("1101051949123100"));
  for (const char* bad : {"110105194912310021", "abcdefghijklmnopqr", "11010519491231002"}) {
    Deputy d = Valid();
    d.set_id_number(bad);
    ExpectField(ValidateDeputy(d), "deputy.id_number");
  }
}

TEST(RegistryTest, NormalizeUpperCasesTheCheckCharacter) {
  Deputy d = Valid();
  d.set_id_number("11010519491231002x");
  NormalizeDeputy(&d);
  EXPECT_EQ(d.id_number(), "11010519491231002X");
  EXPECT_TRUE(ValidateDeputy(d).ok());
}

TEST(RegistryTest, Term) {
  Deputy d = Valid();
  for (int bad : {0, -1, 100}) {
    d.set_term(bad);
    ExpectField(ValidateDeputy(d), "deputy.term");
  }
  d.set_term(99);
  EXPECT_TRUE(ValidateDeputy(d).ok());
}

TEST(RegistryTest, Dates) {
  EXPECT_TRUE(IsValidDate("2024-02-29"));
  EXPECT_FALSE(IsValidDate("2023-02-29"));
  EXPECT_FALSE(IsValidDate("2023-2-1"));
  EXPECT_FALSE(IsValidDate("2023/02/01"));
  EXPECT_FALSE(IsValidDate("2023-00-10"));
  Deputy d = Valid();
  d.set_term_start_date("2022-13-01");
  ExpectField(ValidateDeputy(d), "deputy.term_start_date");
  d = Valid();
  d.set_term_end_date("2021-12-31");
  ExpectField(ValidateDeputy(d), "deputy.term_end_date");
}

TEST(RegistryTest, Enums) {
  Deputy d = Valid();
  d.set_gender(static_cast<minyi::deputies::v1::Gender>(9));
  ExpectField(ValidateDeputy(d), "deputy.gender");
  d = Valid();
  d.set_level(static_cast<minyi::deputies::v1::Level>(9));
  ExpectField(ValidateDeputy(d), "deputy.level");
  d = Valid();
  d.set_status(minyi::deputies::v1::DEPUTY_STATUS_UNSPECIFIED);
  ExpectField(ValidateDeputy(d), "deputy.status");
}

TEST(RegistryTest, Stations) {
  Deputy d = Valid();
  d.add_stations("stations/abc");
  ExpectField(ValidateDeputy(d), "deputy.stations[1]");
  d = Valid();
  d.add_stations("stations/1");
  ExpectField(ValidateDeputy(d), "deputy.stations[1]");
  d = Valid();
  d.clear_stations();
  ExpectField(ValidateDeputy(d), "deputy.stations");  // 代表进站: a serving deputy is in a station
  d.set_status(minyi::deputies::v1::DEPUTY_STATUS_RESIGNED);
  EXPECT_TRUE(ValidateDeputy(d).ok());
  d = Valid();
  d.add_stations("stations/2");
  EXPECT_EQ(StationIds(d), (std::vector<int64_t>{1, 2}));
}

TEST(RegistryTest, PrepareNewDeputyIgnoresOutputOnlyFieldsAndDefaultsStatus) {
  Deputy d = Valid();
  d.set_name("deputies/99");
  d.mutable_create_time()->set_seconds(5);
  d.clear_status();
  PrepareNewDeputy(&d);
  EXPECT_EQ(d.name(), "");
  EXPECT_FALSE(d.has_create_time());
  EXPECT_EQ(d.status(), minyi::deputies::v1::DEPUTY_STATUS_SERVING);
}

TEST(RegistryTest, Station) {
  EXPECT_TRUE(ValidateStation(ValidStation()).ok());
  Station s = ValidStation();
  s.clear_display_name();
  ExpectField(ValidateStation(s), "station.display_name");
  s = ValidStation();
  s.clear_kind();
  ExpectField(ValidateStation(s), "station.kind");
  s = ValidStation();
  s.add_region_path("");
  ExpectField(ValidateStation(s), "station.region_path[2]");
}

TEST(RegistryTest, Names) {
  EXPECT_EQ(*ParseResourceId("stations/12", kStations, "f"), 12);
  EXPECT_EQ(ResourceName(kDeputies, 3), "deputies/3");
  for (const char* bad : {"stations/", "stations/012", "stations/+1", "stations/1 ", "deputies/1", "stations/-1"}) {
    ExpectField(ParseResourceId(bad, kStations, "f").status(), "f");
  }
}

TEST(RegistryTest, DiffMembershipsKeepsCommonStations) {
  MembershipChanges c = DiffMemberships({1, 2, 3}, {3, 4, 1});
  EXPECT_EQ(c.close, (std::vector<int64_t>{2}));
  EXPECT_EQ(c.open, (std::vector<int64_t>{4}));
  c = DiffMemberships({1}, {1});
  EXPECT_TRUE(c.close.empty() && c.open.empty());
}

TEST(RegistryTest, LeavingIsServingToResignedOrTerminated) {
  using ::minyi::deputies::v1::DEPUTY_STATUS_RESIGNED;
  using ::minyi::deputies::v1::DEPUTY_STATUS_SERVING;
  using ::minyi::deputies::v1::DEPUTY_STATUS_TERMINATED;
  EXPECT_TRUE(HasLeft(DEPUTY_STATUS_SERVING, DEPUTY_STATUS_RESIGNED));
  EXPECT_TRUE(HasLeft(DEPUTY_STATUS_SERVING, DEPUTY_STATUS_TERMINATED));
  EXPECT_FALSE(HasLeft(DEPUTY_STATUS_SERVING, DEPUTY_STATUS_SERVING));
  EXPECT_FALSE(HasLeft(DEPUTY_STATUS_RESIGNED, DEPUTY_STATUS_TERMINATED));
  EXPECT_FALSE(HasLeft(DEPUTY_STATUS_RESIGNED, DEPUTY_STATUS_SERVING));
}

}  // namespace
}  // namespace minyi::deputies

#include "deputies/privacy.h"

#include "gtest/gtest.h"

namespace minyi::deputies {
namespace {

Caller Make(minyi::common::v1::Role role, const std::string& deputy = "") {
  Caller c;
  c.set_account_id("7");
  c.set_role(role);
  c.set_deputy(deputy);
  return c;
}

TEST(PrivacyTest, OfficeAndTheDeputyThemselfSeeFullData) {
  EXPECT_TRUE(MaySeePersonalData(Make(minyi::common::v1::ROLE_ADMIN), "deputies/1"));
  EXPECT_TRUE(MaySeePersonalData(Make(minyi::common::v1::ROLE_STAFF), "deputies/1"));
  EXPECT_TRUE(MaySeePersonalData(Make(minyi::common::v1::ROLE_DEPUTY, "deputies/1"), "deputies/1"));
}

TEST(PrivacyTest, EveryoneElseSeesMaskedData) {
  EXPECT_FALSE(MaySeePersonalData(Make(minyi::common::v1::ROLE_DEPUTY, "deputies/2"), "deputies/1"));
  EXPECT_FALSE(MaySeePersonalData(Make(minyi::common::v1::ROLE_DEPUTY), ""));
  EXPECT_FALSE(MaySeePersonalData(Make(minyi::common::v1::ROLE_CITIZEN), "deputies/1"));
  EXPECT_FALSE(MaySeePersonalData(Make(minyi::common::v1::ROLE_LEADER), "deputies/1"));
  EXPECT_FALSE(MaySeePersonalData(Make(minyi::common::v1::ROLE_DEPARTMENT), "deputies/1"));
  // A deputy link on a non-deputy account grants nothing.
  EXPECT_FALSE(MaySeePersonalData(Make(minyi::common::v1::ROLE_CITIZEN, "deputies/1"), "deputies/1"));
}

TEST(PrivacyTest, MasksPhoneAndIdNumber) {
  minyi::deputies::v1::Deputy d;
  d.set_display_name("王芳");
  d.set_phone("13812345678");
  d.set_id_number("11010519491231002X");
  MaskPersonalData(&d);
  EXPECT_EQ(d.phone(), "138****5678");
  EXPECT_EQ(d.id_number(), "110105********002X");
  EXPECT_EQ(d.display_name(), "王芳");
  minyi::deputies::v1::Deputy empty;
  MaskPersonalData(&empty);
  EXPECT_EQ(empty.phone(), "");
  EXPECT_EQ(empty.id_number(), "");
}

TEST(PrivacyTest, OnlyServingDeputiesHaveAPublicProfile) {
  minyi::deputies::v1::Deputy d;
  for (auto status : {minyi::deputies::v1::DEPUTY_STATUS_UNSPECIFIED, minyi::deputies::v1::DEPUTY_STATUS_RESIGNED,
                      minyi::deputies::v1::DEPUTY_STATUS_TERMINATED}) {
    d.set_status(status);
    EXPECT_FALSE(HasPublicProfile(d)) << status;
  }
  d.set_status(minyi::deputies::v1::DEPUTY_STATUS_SERVING);
  EXPECT_TRUE(HasPublicProfile(d));
}

TEST(PrivacyTest, ThePublicProfileCarriesNoContactOrIdentityData) {
  minyi::deputies::v1::Deputy d;
  d.set_name("deputies/7");
  d.set_display_name("王公开");
  d.set_level(minyi::deputies::v1::LEVEL_CITY);
  d.set_delegation("城关镇代表团");
  d.set_sector("教育");
  d.set_electoral_district("第三选区");
  d.set_phone("13912345678");
  d.set_id_number("11010519491231002X");
  d.set_term_start_date("2021-12-28");
  d.add_stations("stations/3");
  const minyi::deputies::v1::PublicDeputy p = PublicProfile(d);
  EXPECT_EQ(p.name(), "deputies/7");
  EXPECT_EQ(p.display_name(), "王公开");
  EXPECT_EQ(p.level(), minyi::deputies::v1::LEVEL_CITY);
  EXPECT_EQ(p.delegation(), "城关镇代表团");
  EXPECT_EQ(p.sector(), "教育");
  ASSERT_EQ(p.stations_size(), 1);
  EXPECT_EQ(p.stations(0).name(), "stations/3");
  const std::string bytes = p.SerializeAsString();
  for (const char* leak : {"13912345678", "11010519491231002X", "第三选区", "2021-12-28"}) {
    EXPECT_EQ(bytes.find(leak), std::string::npos) << leak;
  }
}

}  // namespace
}  // namespace minyi::deputies

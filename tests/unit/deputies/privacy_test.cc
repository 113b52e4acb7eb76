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

}  // namespace
}  // namespace minyi::deputies

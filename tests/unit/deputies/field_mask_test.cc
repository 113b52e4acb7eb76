#include "deputies/field_mask.h"

#include "gtest/gtest.h"
#include "minyi/deputies/v1/deputies.pb.h"

namespace minyi::deputies {
namespace {

using ::minyi::deputies::v1::Deputy;
using ::minyi::deputies::v1::Station;

Deputy Current() {
  Deputy d;
  d.set_name("deputies/1");
  d.set_display_name("王芳");
  d.set_phone("13812345678");
  d.set_sector("教育");
  d.set_term(2);
  d.add_stations("stations/1");
  d.add_stations("stations/2");
  return d;
}

google::protobuf::FieldMask Mask(std::initializer_list<const char*> paths) {
  google::protobuf::FieldMask m;
  for (const char* p : paths) {
    m.add_paths(p);
  }
  return m;
}

TEST(FieldMaskTest, AppliesOnlyNamedFields) {
  Deputy patch;
  patch.set_display_name("王芳芳");
  patch.set_sector("卫生");
  Deputy target = Current();
  auto paths = ApplyFieldMask(patch, Mask({"display_name"}), kDeputyUpdatableFields, &target);
  ASSERT_TRUE(paths.ok()) << paths.status();
  EXPECT_EQ(*paths, std::vector<std::string>{"display_name"});
  EXPECT_EQ(target.display_name(), "王芳芳");
  EXPECT_EQ(target.sector(), "教育");
}

TEST(FieldMaskTest, NamedEmptyFieldIsCleared) {
  Deputy target = Current();
  ASSERT_TRUE(ApplyFieldMask(Deputy(), Mask({"phone"}), kDeputyUpdatableFields, &target).ok());
  EXPECT_EQ(target.phone(), "");
  EXPECT_EQ(target.display_name(), "王芳");
}

TEST(FieldMaskTest, RepeatedFieldsAreReplacedNotAppended) {
  Deputy patch;
  patch.add_stations("stations/3");
  Deputy target = Current();
  ASSERT_TRUE(ApplyFieldMask(patch, Mask({"stations"}), kDeputyUpdatableFields, &target).ok());
  EXPECT_EQ(target.stations_size(), 1);
  EXPECT_EQ(target.stations(0), "stations/3");
}

TEST(FieldMaskTest, EmptyMaskMeansPopulatedUpdatableFields) {
  Deputy patch;
  patch.set_name("deputies/1");  // names the resource; never applied
  patch.set_sector("卫生");
  Deputy target = Current();
  auto paths = ApplyFieldMask(patch, Mask({}), kDeputyUpdatableFields, &target);
  ASSERT_TRUE(paths.ok());
  EXPECT_EQ(*paths, std::vector<std::string>{"sector"});
  EXPECT_EQ(target.sector(), "卫生");
  EXPECT_EQ(target.phone(), "13812345678");
}

TEST(FieldMaskTest, StarReplacesEveryUpdatableField) {
  Deputy patch;
  patch.set_display_name("李四");
  Deputy target = Current();
  auto paths = ApplyFieldMask(patch, Mask({"*"}), kDeputyUpdatableFields, &target);
  ASSERT_TRUE(paths.ok());
  EXPECT_EQ(paths->size(), std::size(kDeputyUpdatableFields));
  EXPECT_EQ(target.display_name(), "李四");
  EXPECT_EQ(target.phone(), "");
  EXPECT_EQ(target.stations_size(), 0);
  EXPECT_EQ(target.name(), "deputies/1");
}

TEST(FieldMaskTest, UnknownOrOutputOnlyPathIsRejectedByName) {
  for (const char* bad : {"nickname", "name", "create_time", "display_name.x"}) {
    Deputy target = Current();
    auto paths = ApplyFieldMask(Deputy(), Mask({"sector", bad}), kDeputyUpdatableFields, &target);
    EXPECT_EQ(paths.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(paths.status().message().find(bad), absl::string_view::npos) << paths.status();
    EXPECT_EQ(target.sector(), "教育");  // nothing applied
  }
}

TEST(FieldMaskTest, DuplicatePathsApplyOnce) {
  Deputy patch;
  patch.set_term(3);
  Deputy target = Current();
  auto paths = ApplyFieldMask(patch, Mask({"term", "term"}), kDeputyUpdatableFields, &target);
  ASSERT_TRUE(paths.ok());
  EXPECT_EQ(*paths, std::vector<std::string>{"term"});
  EXPECT_EQ(target.term(), 3);
}

TEST(FieldMaskTest, WorksForStations) {
  Station target;
  target.set_display_name("旧名");
  target.add_region_path("红花岗区");
  Station patch;
  patch.add_region_path("汇川区");
  patch.add_region_path("上海路街道");
  ASSERT_TRUE(ApplyFieldMask(patch, Mask({"region_path"}), kStationUpdatableFields, &target).ok());
  EXPECT_EQ(target.region_path_size(), 2);
  EXPECT_EQ(target.display_name(), "旧名");
}

TEST(FieldMaskTest, SingletonMaskNamesOnlyItsListField) {
  EXPECT_TRUE(CheckOnlyPath(Mask({}), "items").ok());
  EXPECT_TRUE(CheckOnlyPath(Mask({"items"}), "items").ok());
  absl::Status st = CheckOnlyPath(Mask({"items", "update_time"}), "items");
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("update_mask"), absl::string_view::npos) << st;
  EXPECT_NE(st.message().find("\"update_time\" cannot be updated; only \"items\""), absl::string_view::npos) << st;
}

}  // namespace
}  // namespace minyi::deputies

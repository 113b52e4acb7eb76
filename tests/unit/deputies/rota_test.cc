#include "deputies/rota.h"

#include <string>

#include "gtest/gtest.h"

namespace minyi::deputies {
namespace {

using ::minyi::deputies::v1::RotaEntry;

std::string Field(const absl::Status& st) { return std::string(st.message()).substr(0, st.message().find(':')); }

RotaEntry Entry(const std::string& deputy, const std::string& date, const std::string& note = "") {
  RotaEntry e;
  e.set_deputy(deputy);
  e.set_date(date);
  e.set_note(note);
  return e;
}

TEST(RotaTest, Names) { EXPECT_EQ(RotaEntryName(3, 14), "stations/3/rotaEntries/14"); }

TEST(RotaTest, KeepsOnlyClientFields) {
  RotaEntry e = Entry("deputies/1", "2026-03-02", "上午");
  e.set_name("stations/9/rotaEntries/9");
  e.set_display_name("forged");
  e.set_created_by("forged");
  KeepRotaContent(&e);
  EXPECT_TRUE(e.name().empty());
  EXPECT_TRUE(e.display_name().empty());
  EXPECT_TRUE(e.created_by().empty());
  EXPECT_EQ(e.note(), "上午");
}

TEST(RotaTest, EntryValidation) {
  EXPECT_TRUE(ValidateRotaEntry(Entry("deputies/1", "2026-03-02", "9:00-12:00 接待选民")).ok());
  EXPECT_EQ(Field(ValidateRotaEntry(Entry("stations/1", "2026-03-02"))), "rota_entry.deputy");
  EXPECT_EQ(Field(ValidateRotaEntry(Entry("deputies/1", "2026-02-30"))), "rota_entry.date");
  EXPECT_EQ(Field(ValidateRotaEntry(Entry("deputies/1", ""))), "rota_entry.date");
  std::string long_note;
  for (int i = 0; i <= kMaxRotaNoteChars; ++i) {
    long_note += "值";
  }
  EXPECT_EQ(Field(ValidateRotaEntry(Entry("deputies/1", "2026-03-02", long_note))), "rota_entry.note");
}

TEST(RotaTest, RangeIsRequiredOrderedAndAtMostAYear) {
  EXPECT_TRUE(ValidateRotaRange("2026-03-01", "2026-03-01").ok());
  EXPECT_TRUE(ValidateRotaRange("2026-01-01", "2027-01-02").ok());  // 366 days
  EXPECT_EQ(Field(ValidateRotaRange("2026-01-01", "2027-01-03")), "end_date");
  EXPECT_EQ(Field(ValidateRotaRange("", "2026-03-01")), "start_date");
  EXPECT_EQ(Field(ValidateRotaRange("2026-03-01", "")), "end_date");
  EXPECT_EQ(Field(ValidateRotaRange("2026-03-02", "2026-03-01")), "end_date");
  // Across a leap day.
  EXPECT_TRUE(ValidateRotaRange("2028-02-28", "2029-02-28").ok());
}

}  // namespace
}  // namespace minyi::deputies

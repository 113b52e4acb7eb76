#include "common/text.h"

#include "gtest/gtest.h"

namespace minyi {
namespace {

TEST(Utf8, LengthCountsCharactersNotBytes) {
  EXPECT_EQ(Utf8Length("张三"), 2u);
  EXPECT_EQ(Utf8Length("abc"), 3u);
  EXPECT_EQ(Utf8Length("人大代表联络站 No.1"), 12u);
  EXPECT_EQ(Utf8Length("😀"), 1u);
}

TEST(Utf8, RejectsMalformedSequences) {
  EXPECT_TRUE(IsValidUtf8("代表之家"));
  EXPECT_FALSE(IsValidUtf8("\xE4\xBB"));          // truncated 人
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(IsValidUtf8("a\xFF"));
}

TEST(Utf8, ToValidUtf8ReplacesEachBadByte) {
  EXPECT_EQ(ToValidUtf8("代表之家"), "代表之家");
  EXPECT_EQ(ToValidUtf8("a\xFF"
                        "b"),
            "a\uFFFD"
            "b");
  EXPECT_EQ(ToValidUtf8("\xE4\xBB"), "\uFFFD\uFFFD");
  EXPECT_EQ(ToValidUtf8("\xC0\xAF/"), "\uFFFD\uFFFD/");
}

TEST(CheckText, NamesTheFieldAndCountsCjkAsOne) {
  EXPECT_TRUE(CheckText("deputy.display_name", "欧阳娜娜", 1, 4).ok());
  absl::Status too_long = CheckText("deputy.display_name", "欧阳娜娜娜", 1, 4);
  EXPECT_EQ(too_long.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(too_long.message().find("deputy.display_name"), absl::string_view::npos);
  EXPECT_EQ(CheckText("x", "", 1, 4).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckText("x", "a\x01", 1, 4).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckText("x", "\xE4\xBB", 0, 4).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(CheckText("x", "第一行\n第二行", 1, 10).ok());
}

TEST(Masking, KeepsOnlyTheEnds) {
  EXPECT_EQ(MaskPhone("13812345678"), "138****5678");
  EXPECT_EQ(MaskIdNumber("11010519491231002X"), "110105********002X");
  EXPECT_EQ(MaskPhone("12345"), "*****");
  EXPECT_EQ(MaskIdNumber(""), "");
}

}  // namespace
}  // namespace minyi

#include "common/paging.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace minyi {
namespace {

bool NamesField(const absl::Status& status, absl::string_view field) {
  return status.code() == absl::StatusCode::kInvalidArgument &&
         absl::string_view(status.message()).substr(0, field.size() + 1) == absl::StrCat(field, ":");
}

// The token a list served with `filter` hands out after a full page ending at `last_id`.
std::string NextToken(std::initializer_list<absl::string_view> filter, int64_t last_id) {
  absl::StatusOr<PageRequest> page = ReadPageRequest(2, "", filter);
  std::vector<int64_t> rows = {last_id - 1, last_id, last_id + 1};  // one row past the page
  return TrimToPage(rows, page->size, page->fingerprint, [](int64_t id) { return id; });
}

TEST(ReadPageRequest, FirstPageUsesTheDefaultSize) {
  absl::StatusOr<PageRequest> page = ReadPageRequest(0, "", {"deputies"});
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->size, kDefaultPageSize);
  EXPECT_EQ(page->after_id, 0);
  EXPECT_FALSE(page->fingerprint.empty());
}

TEST(ReadPageRequest, SizeIsKeptUpToTheMaximumAndClampedBeyond) {
  EXPECT_EQ(ReadPageRequest(7, "", {"deputies"})->size, 7);
  EXPECT_EQ(ReadPageRequest(kMaxPageSize, "", {"deputies"})->size, kMaxPageSize);
  EXPECT_EQ(ReadPageRequest(100000, "", {"deputies"})->size, kMaxPageSize);
}

TEST(ReadPageRequest, ServiceDefaultsAndMaximumsApply) {
  EXPECT_EQ(ReadPageRequest(0, "", {"accounts"}, 20, 100)->size, 20);
  EXPECT_EQ(ReadPageRequest(500, "", {"accounts"}, 20, 100)->size, 100);
}

TEST(ReadPageRequest, NegativeSizeNamesPageSize) {
  absl::StatusOr<PageRequest> page = ReadPageRequest(-1, "", {"deputies"});
  EXPECT_TRUE(NamesField(page.status(), "page_size")) << page.status();
}

TEST(ReadPageRequest, TokenOfTheSameFilterContinuesAfterTheLastRowServed) {
  const std::string token = NextToken({"deputies", "stations/3", "教育"}, 42);
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  // The page size is no part of the filter: the next page may ask for another size.
  absl::StatusOr<PageRequest> page = ReadPageRequest(10, token, {"deputies", "stations/3", "教育"});
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->after_id, 42);
  EXPECT_EQ(page->size, 10);
}

TEST(ReadPageRequest, TokenFromAnotherFilterNamesPageToken) {
  const std::string token = NextToken({"deputies", "stations/3", ""}, 5);
  EXPECT_TRUE(NamesField(ReadPageRequest(0, token, {"deputies", "stations/3", "王"}).status(), "page_token"));
  // Nor is a token of one collection good for another with the same filter values.
  EXPECT_TRUE(NamesField(ReadPageRequest(0, token, {"stations", "stations/3", ""}).status(), "page_token"));
  // Filter values are told apart even where their concatenations agree.
  const std::string split = NextToken({"deputies", "stations/1", "2"}, 5);
  EXPECT_TRUE(NamesField(ReadPageRequest(0, split, {"deputies", "stations/12", ""}).status(), "page_token"));
}

TEST(ReadPageRequest, MalformedTokensNamePageToken) {
  const std::string token = NextToken({"votes"}, 42);
  const std::string fingerprint = ReadPageRequest(0, "", {"votes"})->fingerprint;
  for (const std::string& bad :
       {std::string("!!!not base64!!!"), token.substr(0, token.size() - 3) + "***", std::string("AAAA"),
        std::string("\xff\xfe"), EncodePageToken(0, fingerprint), EncodePageToken(-5, fingerprint)}) {
    EXPECT_TRUE(NamesField(ReadPageRequest(0, bad, {"votes"}).status(), "page_token")) << bad;
  }
}

TEST(ReadPageRequest, SizeIsCheckedBeforeTheToken) {
  EXPECT_TRUE(NamesField(ReadPageRequest(-3, "AAAA", {"votes"}).status(), "page_size"));
}

TEST(TrimToPage, LastPageHasNoToken) {
  std::vector<int64_t> rows = {1, 2};
  EXPECT_EQ(TrimToPage(rows, 2, "fp", [](int64_t id) { return id; }), "");
  EXPECT_EQ(rows.size(), 2u);
}

}  // namespace
}  // namespace minyi

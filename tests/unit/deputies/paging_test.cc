#include "deputies/paging.h"

#include "gtest/gtest.h"

namespace minyi::deputies {
namespace {

using ::minyi::deputies::v1::ListDeputiesRequest;
using ::minyi::deputies::v1::ListStationsRequest;

TEST(PagingTest, PageSize) {
  EXPECT_EQ(*EffectivePageSize(0), kDefaultPageSize);
  EXPECT_EQ(*EffectivePageSize(7), 7);
  EXPECT_EQ(*EffectivePageSize(kMaxPageSize), kMaxPageSize);
  EXPECT_EQ(*EffectivePageSize(100000), kMaxPageSize);
  absl::StatusOr<int> negative = EffectivePageSize(-1);
  EXPECT_EQ(negative.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(negative.status().message()).rfind("page_size:", 0), 0u);
}

TEST(PagingTest, TokenRoundTrip) {
  ListDeputiesRequest r;
  r.set_station("stations/3");
  r.set_query("教育");
  const std::string fp = FilterFingerprint(r);
  const std::string token = EncodePageToken(42, fp);
  EXPECT_EQ(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  EXPECT_EQ(*DecodePageToken(token, fp), 42);
  EXPECT_EQ(*DecodePageToken("", fp), 0);
}

TEST(PagingTest, PageSizeIsNotPartOfTheFilter) {
  ListDeputiesRequest a;
  ListDeputiesRequest b;
  b.set_page_size(10);
  b.set_page_token("whatever");
  EXPECT_EQ(FilterFingerprint(a), FilterFingerprint(b));
}

TEST(PagingTest, TokenFromAnotherFilterIsRejected) {
  ListDeputiesRequest a;
  a.set_status(minyi::deputies::v1::DEPUTY_STATUS_SERVING);
  ListDeputiesRequest b = a;
  b.set_query("王");
  const std::string token = EncodePageToken(5, FilterFingerprint(a));
  absl::StatusOr<int64_t> st = DecodePageToken(token, FilterFingerprint(b));
  EXPECT_EQ(st.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(st.status().message()).rfind("page_token:", 0), 0u);
  // Nor is a deputies token good for stations.
  EXPECT_FALSE(DecodePageToken(token, FilterFingerprint(ListStationsRequest())).ok());
}

TEST(PagingTest, FingerprintSeparatesParts) {
  ListDeputiesRequest a;
  a.set_station("stations/1");
  a.set_query("2");
  ListDeputiesRequest b;
  b.set_station("stations/12");
  EXPECT_NE(FilterFingerprint(a), FilterFingerprint(b));
}

TEST(PagingTest, TamperedTokensAreRejected) {
  const std::string fp = FilterFingerprint(ListDeputiesRequest());
  const std::string token = EncodePageToken(42, fp);
  for (const std::string& bad :
       {std::string("!!!not base64!!!"), token.substr(0, token.size() - 3) + "***", std::string("AAAA"),
        EncodePageToken(0, fp), EncodePageToken(-5, fp), std::string("\xff\xfe")}) {
    EXPECT_EQ(DecodePageToken(bad, fp).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace minyi::deputies

#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/repeated_ptr_field.h"

// Keyset pagination (AIP-158): page tokens are base64url minyi.common.v1.PageCursor messages holding the
// last id served and a fingerprint of the filter, so a token cannot be replayed against another filter.
// Tokens are not signed: editing after_id only skips to where the caller could page anyway.
namespace minyi {

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 200;

// The page a list request asks for: how many rows, the id to list after (0 on the first page), and the
// fingerprint of its filter that the next page's token carries.
struct PageRequest {
  int size = kDefaultPageSize;
  int64_t after_id = 0;
  std::string fingerprint;
};

// Reads page_size and page_token of a list request whose filter is `filter` (the collection first, so a
// token for one collection is no good for another). page_size 0 means `default_size`, larger than
// `max_size` is clamped, negative is INVALID_ARGUMENT on "page_size". A malformed token, or one issued for
// another filter, is INVALID_ARGUMENT on "page_token". Validate the filter before calling this.
absl::StatusOr<PageRequest> ReadPageRequest(int32_t page_size, absl::string_view page_token,
                                            std::initializer_list<absl::string_view> filter,
                                            int default_size = kDefaultPageSize, int max_size = kMaxPageSize);

// The token TrimToPage hands out for the page after `after_id`.
std::string EncodePageToken(int64_t after_id, absl::string_view fingerprint);

// A list query fetches one row past the page to learn whether another page follows. Drops that row and
// returns the next page's token ("" on the last page); `id_of` gives a row's id.
template <typename Row, typename IdOf>
std::string TrimToPage(std::vector<Row>& rows, int page_size, absl::string_view fingerprint, IdOf id_of) {
  if (rows.size() <= static_cast<std::size_t>(page_size)) {
    return "";
  }
  rows.pop_back();
  return EncodePageToken(id_of(rows.back()), fingerprint);
}

// The usual end of a list handler: trims `rows` (read one past the page) to `page`, moves them into the
// response's repeated field `out` and returns the next page's token.
template <typename Row, typename IdOf>
std::string MovePage(std::vector<Row>& rows, const PageRequest& page, IdOf id_of,
                     google::protobuf::RepeatedPtrField<Row>* out) {
  std::string token = TrimToPage(rows, page.size, page.fingerprint, id_of);
  for (Row& row : rows) {
    *out->Add() = std::move(row);
  }
  return token;
}

}  // namespace minyi

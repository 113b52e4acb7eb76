#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

// Keyset pagination (AIP-158): page tokens are base64url minyi.common.v1.PageCursor messages holding the
// last id served and a fingerprint of the filter, so a token cannot be replayed against another filter.
// Tokens are not signed: editing after_id only skips to where the caller could page anyway.
namespace minyi {

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 200;

// 0 means `default_size`; larger than `max_size` is clamped; negative is INVALID_ARGUMENT on "page_size".
absl::StatusOr<int> EffectivePageSize(int32_t requested, int default_size = kDefaultPageSize,
                                      int max_size = kMaxPageSize);

// A short hash of a list request's filter fields, length-prefixed so ("ab", "c") and ("a", "bc") differ.
std::string Fingerprint(std::initializer_list<absl::string_view> parts);

std::string EncodePageToken(int64_t after_id, absl::string_view fingerprint);
// The id to list after: 0 for an empty token (the first page). A malformed token, or one issued for
// another filter, is INVALID_ARGUMENT on "page_token".
absl::StatusOr<int64_t> DecodePageToken(absl::string_view token, absl::string_view fingerprint);

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

}  // namespace minyi

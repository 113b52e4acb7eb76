#include "common/paging.h"

#include <sodium.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "minyi/common/v1/common.pb.h"

namespace minyi {
namespace {

absl::StatusOr<int> EffectivePageSize(int32_t requested, int default_size, int max_size) {
  if (requested < 0) {
    return InvalidField("page_size", "must not be negative");
  }
  if (requested == 0) {
    return default_size;
  }
  return requested > max_size ? max_size : requested;
}

// A short hash of the filter fields, length-prefixed so ("ab", "c") and ("a", "bc") differ.
std::string Fingerprint(std::initializer_list<absl::string_view> parts) {
  std::string joined;
  for (absl::string_view part : parts) {
    absl::StrAppend(&joined, part.size(), ":", part, ";");
  }
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(joined.data()), joined.size());
  // 96 bits tell filters apart; the token is no secret.
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), 12));
}

absl::StatusOr<int64_t> DecodePageToken(absl::string_view token, absl::string_view fingerprint) {
  if (token.empty()) {
    return 0;
  }
  std::string bytes;
  minyi::common::v1::PageCursor cursor;
  if (!absl::WebSafeBase64Unescape(token, &bytes) || !cursor.ParseFromString(bytes) || cursor.after_id() <= 0) {
    return InvalidField("page_token", "is not a page token this service issued");
  }
  if (cursor.filter_fingerprint() != fingerprint) {
    return InvalidField("page_token", "was issued for a different filter; start again without a token");
  }
  return cursor.after_id();
}

}  // namespace

std::string EncodePageToken(int64_t after_id, absl::string_view fingerprint) {
  minyi::common::v1::PageCursor cursor;
  cursor.set_after_id(after_id);
  cursor.set_filter_fingerprint(std::string(fingerprint));
  std::string out;
  absl::WebSafeBase64Escape(cursor.SerializeAsString(), &out);
  return out;
}

absl::StatusOr<PageRequest> ReadPageRequest(int32_t page_size, absl::string_view page_token,
                                            std::initializer_list<absl::string_view> filter, int default_size,
                                            int max_size) {
  absl::StatusOr<int> size = EffectivePageSize(page_size, default_size, max_size);
  if (!size.ok()) {
    return size.status();
  }
  PageRequest page{.size = *size, .fingerprint = Fingerprint(filter)};
  absl::StatusOr<int64_t> after = DecodePageToken(page_token, page.fingerprint);
  if (!after.ok()) {
    return after.status();
  }
  page.after_id = *after;
  return page;
}

}  // namespace minyi

#include "names.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "status.h"

namespace minyi {

absl::StatusOr<int64_t> ParseResourceId(absl::string_view name, absl::string_view collection, absl::string_view field) {
  absl::string_view rest = name;
  bool canonical = absl::ConsumePrefix(&rest, collection) && !rest.empty() && rest.size() <= 18 && rest[0] != '0';
  for (char c : rest) {
    canonical = canonical && absl::ascii_isdigit(static_cast<unsigned char>(c));
  }
  int64_t id = 0;
  if (!canonical || !absl::SimpleAtoi(rest, &id)) {
    return InvalidField(field, absl::StrCat("must be a resource name like \"", collection, "123\""));
  }
  return id;
}

std::string ResourceName(absl::string_view collection, int64_t id) { return absl::StrCat(collection, id); }

std::string AccountName(absl::string_view account_id) {
  const bool number = !account_id.empty() && std::all_of(account_id.begin(), account_id.end(), [](char c) {
    return absl::ascii_isdigit(static_cast<unsigned char>(c));
  });
  return number ? absl::StrCat("accounts/", account_id) : std::string(account_id);
}

}  // namespace minyi

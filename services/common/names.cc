#include "names.h"

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

}  // namespace minyi

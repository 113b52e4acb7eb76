#include "voting/access.h"

#include <set>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/names.h"
#include "common/status_macros.h"

namespace minyi::voting {
namespace {

absl::Status StateError(absl::string_view reason, absl::string_view what,
                        const google::protobuf::EnumValueDescriptor* state) {
  return FailedPrecondition(reason, absl::StrCat(what, "（当前状态：", state->name(), "）"));
}

}  // namespace

bool SeesUnannounced(const Caller& caller) {
  return HasRole(caller,
                 {minyi::common::v1::ROLE_ADMIN, minyi::common::v1::ROLE_STAFF, minyi::common::v1::ROLE_LEADER});
}

absl::StatusOr<int64_t> ParseWithSuffix(absl::string_view name, absl::string_view collection, absl::string_view suffix,
                                        absl::string_view field) {
  if (!absl::EndsWith(name, suffix)) {
    return InvalidField(field, absl::StrCat("须形如 ", collection, "{id}", suffix));
  }
  name.remove_suffix(suffix.size());
  return ParseResourceId(name, collection, field);
}

absl::Status CheckNames(const google::protobuf::RepeatedPtrField<std::string>& names, absl::string_view collection,
                        absl::string_view field, int min, int max) {
  if (names.size() < min || names.size() > max) {
    return InvalidField(field, absl::StrCat("须有 ", min, "-", max, " 项"));
  }
  std::set<std::string> seen;
  for (int i = 0; i < names.size(); ++i) {
    const std::string element = absl::StrCat(field, "[", i, "]");
    RETURN_IF_ERROR(ParseResourceId(names[i], collection, element).status());
    if (!seen.insert(names[i]).second) {
      return InvalidField(element, absl::StrCat(names[i], " 重复"));
    }
  }
  return absl::OkStatus();
}

absl::Status WrongState(absl::string_view what, v1::ProjectState state) {
  return StateError("PROJECT_STATE", what, v1::ProjectState_descriptor()->FindValueByNumber(state));
}

absl::Status WrongState(absl::string_view what, v1::VoteState state) {
  return StateError("VOTE_STATE", what, v1::VoteState_descriptor()->FindValueByNumber(state));
}

nlohmann::json JsonList(const google::protobuf::RepeatedPtrField<std::string>& values) {
  return nlohmann::json(std::vector<std::string>(values.begin(), values.end()));
}

}  // namespace minyi::voting

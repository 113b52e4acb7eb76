#pragma once

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "common/auth.h"
#include "common/call.h"
#include "common/paging.h"
#include "deputies/store.h"
#include "google/protobuf/repeated_field.h"
#include "nlohmann/json.hpp"

// What more than one deputies handler uses: who besides office staff may call, the length of a list filter, a
// station list's filters, and lists in audit details.
namespace minyi::deputies {

// A text filter of a list (a search text, a region) is at most this long.
inline constexpr std::size_t kMaxFilterChars = 64;

// The query of a station list's `page` filtered by `kind` and `region` (request fields of those names),
// one row past the page. INVALID_ARGUMENT naming the field that is not a known kind or is too long.
absl::StatusOr<StationQuery> StationListQuery(const PageRequest& page, int kind, const std::string& region);

// The shortlist and supervision-group proposals prepare decisions that office staff and leaders take.
absl::StatusOr<Caller> RequireOfficeOrLeader(const Authorizer& authorizer, const Call& call);

// Rankings are announced to the deputies (每季度通报) and supervision groups are the deputies' own work, so
// any deputy may read them, as may office staff and leaders; citizens and departments may not.
absl::StatusOr<Caller> RequireOfficeLeaderOrDeputy(const Authorizer& authorizer, const Call& call);

// A repeated string field as an audit detail's JSON array.
nlohmann::json JsonList(const google::protobuf::RepeatedPtrField<std::string>& values);

}  // namespace minyi::deputies

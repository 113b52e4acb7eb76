#include "deputies/shared.h"

#include <vector>

#include "common/enums.h"
#include "common/status_macros.h"
#include "common/text.h"

namespace minyi::deputies {

absl::StatusOr<Caller> RequireOfficeOrLeader(const Authorizer& authorizer, const Call& call) {
  return authorizer.Require(
      call, {minyi::common::v1::ROLE_ADMIN, minyi::common::v1::ROLE_STAFF, minyi::common::v1::ROLE_LEADER});
}

absl::StatusOr<Caller> RequireOfficeLeaderOrDeputy(const Authorizer& authorizer, const Call& call) {
  return authorizer.Require(call, {minyi::common::v1::ROLE_ADMIN, minyi::common::v1::ROLE_STAFF,
                                   minyi::common::v1::ROLE_LEADER, minyi::common::v1::ROLE_DEPUTY});
}

absl::StatusOr<StationQuery> StationListQuery(const PageRequest& page, int kind, const std::string& region) {
  StationQuery query{.after_id = page.after_id, .limit = page.size + 1};
  ASSIGN_OR_RETURN(query.kind,
                   EnumFilter<minyi::deputies::v1::StationKind>("kind", kind, "is not a known station kind"));
  RETURN_IF_ERROR(CheckText("region", region, 0, kMaxFilterChars));
  query.region = region;
  return query;
}

nlohmann::json JsonList(const google::protobuf::RepeatedPtrField<std::string>& values) {
  return nlohmann::json(std::vector<std::string>(values.begin(), values.end()));
}

}  // namespace minyi::deputies

#include "deputies/shared.h"

#include <vector>

namespace minyi::deputies {

absl::StatusOr<Caller> RequireOfficeOrLeader(const Authorizer& authorizer, const Call& call) {
  return authorizer.Require(
      call, {minyi::common::v1::ROLE_ADMIN, minyi::common::v1::ROLE_STAFF, minyi::common::v1::ROLE_LEADER});
}

absl::StatusOr<Caller> RequireOfficeLeaderOrDeputy(const Authorizer& authorizer, const Call& call) {
  return authorizer.Require(call, {minyi::common::v1::ROLE_ADMIN, minyi::common::v1::ROLE_STAFF,
                                   minyi::common::v1::ROLE_LEADER, minyi::common::v1::ROLE_DEPUTY});
}

nlohmann::json JsonList(const google::protobuf::RepeatedPtrField<std::string>& values) {
  return nlohmann::json(std::vector<std::string>(values.begin(), values.end()));
}

}  // namespace minyi::deputies

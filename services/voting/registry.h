#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/service_client.h"
#include "google/protobuf/repeated_field.h"
#include "grpcpp/channel.h"
#include "minyi/deputies/v1/deputies.grpc.pb.h"

namespace minyi::voting {

// What voting asks of the deputies service, which owns the registry of deputies and the supervision
// groups, called with this service's own credentials.
class DeputiesRegistry final {
 public:
  DeputiesRegistry(std::shared_ptr<grpc::ChannelInterface> deputies, ServiceCredentials& credentials);

  // Every elector must be a serving deputy in the registry: INVALID_ARGUMENT on "vote.electorate" naming
  // those who are not.
  absl::Status CheckElectorate(const google::protobuf::RepeatedPtrField<std::string>& electorate);
  // The members of `group` as they are now; INVALID_ARGUMENT on "supervision_group" when there is no
  // such group.
  absl::StatusOr<std::vector<std::string>> SupervisionGroupMembers(const std::string& group);

 private:
  std::unique_ptr<minyi::deputies::v1::Deputies::Stub> deputies_;
  ServiceCredentials& credentials_;
};

}  // namespace minyi::voting

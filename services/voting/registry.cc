#include "voting/registry.h"

#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status.h"

namespace minyi::voting {

DeputiesRegistry::DeputiesRegistry(std::shared_ptr<grpc::ChannelInterface> deputies, ServiceCredentials& credentials)
    : deputies_(minyi::deputies::v1::Deputies::NewStub(std::move(deputies))), credentials_(credentials) {}

absl::Status DeputiesRegistry::CheckElectorate(const google::protobuf::RepeatedPtrField<std::string>& electorate) {
  minyi::deputies::v1::BatchGetDeputyStatusesRequest request;
  *request.mutable_names() = electorate;
  minyi::deputies::v1::BatchGetDeputyStatusesResponse response;
  if (grpc::Status st = deputies_->BatchGetDeputyStatuses(credentials_.Context("deputies").get(), request, &response);
      !st.ok()) {
    return FromGrpc(st, "deputies BatchGetDeputyStatuses");
  }
  std::map<std::string, minyi::deputies::v1::DeputyStatus> status;
  for (const minyi::deputies::v1::DeputyStatusEntry& d : response.deputies()) {
    status.emplace(d.name(), d.status());
  }
  std::vector<std::string> unknown;
  std::vector<std::string> not_serving;
  for (const std::string& d : electorate) {
    auto it = status.find(d);
    if (it == status.end()) {
      unknown.push_back(d);
    } else if (it->second != minyi::deputies::v1::DEPUTY_STATUS_SERVING) {
      not_serving.push_back(d);
    }
  }
  std::vector<std::string> problems;
  if (!unknown.empty()) {
    problems.push_back(absl::StrCat("代表名册中没有 ", absl::StrJoin(unknown, "、")));
  }
  if (!not_serving.empty()) {
    problems.push_back(absl::StrCat(absl::StrJoin(not_serving, "、"), " 不是在任代表"));
  }
  return problems.empty() ? absl::OkStatus() : InvalidField("vote.electorate", absl::StrJoin(problems, "；"));
}

absl::StatusOr<std::vector<std::string>> DeputiesRegistry::SupervisionGroupMembers(const std::string& group) {
  minyi::deputies::v1::GetSupervisionGroupRequest request;
  request.set_name(group);
  minyi::deputies::v1::SupervisionGroup response;
  if (grpc::Status st = deputies_->GetSupervisionGroup(credentials_.Context("deputies").get(), request, &response);
      !st.ok()) {
    return st.error_code() == grpc::StatusCode::NOT_FOUND
               ? InvalidField("supervision_group", absl::StrCat(group, " does not exist"))
               : FromGrpc(st, "deputies GetSupervisionGroup");
  }
  return std::vector<std::string>(response.members().begin(), response.members().end());
}

}  // namespace minyi::voting

#include "status.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "config.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace minyi {
namespace {

constexpr absl::string_view kTypePrefix = "type.googleapis.com/";

template <typename Detail>
void Attach(absl::Status& status, const Detail& detail) {
  status.SetPayload(absl::StrCat(kTypePrefix, Detail::descriptor()->full_name()),
                    absl::Cord(detail.SerializeAsString()));
}

absl::Status Make(absl::StatusCode code, absl::string_view reason, absl::string_view message) {
  absl::Status st(code, message);
  return WithReason(std::move(st), reason);
}

}  // namespace

absl::Status WithReason(absl::Status status, absl::string_view reason) {
  google::rpc::ErrorInfo info;
  info.set_reason(std::string(reason));
  info.set_domain(absl::StrCat("minyi.", ServiceName()));
  Attach(status, info);
  return status;
}

absl::Status InvalidField(absl::string_view field, absl::string_view description) {
  absl::Status st = Make(absl::StatusCode::kInvalidArgument, "INVALID_FIELD", absl::StrCat(field, ": ", description));
  google::rpc::BadRequest bad;
  auto* v = bad.add_field_violations();
  v->set_field(std::string(field));
  v->set_description(std::string(description));
  Attach(st, bad);
  return st;
}

absl::Status NotFoundError(absl::string_view resource_name) {
  absl::Status st = Make(absl::StatusCode::kNotFound, "NOT_FOUND", absl::StrCat(resource_name, " not found"));
  google::rpc::ResourceInfo info;
  info.set_resource_name(std::string(resource_name));
  Attach(st, info);
  return st;
}

absl::Status FailedPrecondition(absl::string_view reason, absl::string_view message) {
  return Make(absl::StatusCode::kFailedPrecondition, reason, message);
}

absl::Status PermissionDenied(absl::string_view message) {
  return Make(absl::StatusCode::kPermissionDenied, "PERMISSION_DENIED", message);
}

absl::Status Unauthenticated(absl::string_view reason, absl::string_view message) {
  return Make(absl::StatusCode::kUnauthenticated, reason, message);
}

absl::Status AlreadyExists(absl::string_view reason, absl::string_view message) {
  return Make(absl::StatusCode::kAlreadyExists, reason, message);
}

absl::Status ResourceExhausted(absl::string_view reason, absl::string_view message, absl::Duration retry_after) {
  absl::Status st = Make(absl::StatusCode::kResourceExhausted, reason, message);
  google::rpc::RetryInfo retry;
  const int64_t ms = absl::ToInt64Milliseconds(retry_after);
  retry.mutable_retry_delay()->set_seconds(ms / 1000);
  retry.mutable_retry_delay()->set_nanos(static_cast<int32_t>(ms % 1000) * 1000000);
  Attach(st, retry);
  return st;
}

grpc::Status ToGrpc(const absl::Status& status) {
  if (status.ok()) {
    return grpc::Status::OK;
  }
  google::rpc::Status rpc;
  rpc.set_code(static_cast<int>(status.code()));
  rpc.set_message(std::string(status.message()));
  status.ForEachPayload([&](absl::string_view type_url, const absl::Cord& payload) {
    auto* any = rpc.add_details();
    any->set_type_url(std::string(type_url));
    any->set_value(std::string(payload));
  });
  // absl visits payloads in an unspecified order that varies from one status to the next; in type order
  // the same error has the same bytes every time (a public NOT_FOUND must not tell itself apart).
  std::sort(rpc.mutable_details()->begin(), rpc.mutable_details()->end(),
            [](const google::protobuf::Any& a, const google::protobuf::Any& b) { return a.type_url() < b.type_url(); });
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()),
                      rpc.SerializeAsString());
}

}  // namespace minyi

#include "errors.h"

#include "absl/strings/str_cat.h"
#include "common/text.h"
#include "google/protobuf/util/json_util.h"
#include "google/rpc/error_details.pb.h"
#include "transcoder.h"

namespace minyi::gateway {

int HttpStatusFromCode(int grpc_code) {
  switch (static_cast<absl::StatusCode>(grpc_code)) {
    case absl::StatusCode::kOk:
      return 200;
    case absl::StatusCode::kCancelled:
      return 499;
    case absl::StatusCode::kUnknown:
      return 500;
    case absl::StatusCode::kInvalidArgument:
      return 400;
    case absl::StatusCode::kDeadlineExceeded:
      return 504;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kAlreadyExists:
      return 409;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    case absl::StatusCode::kResourceExhausted:
      return 429;
    case absl::StatusCode::kFailedPrecondition:
      // grpc-gateway deliberately maps this to 400, not 412: there are no HTTP preconditions involved.
      return 400;
    case absl::StatusCode::kAborted:
      return 409;
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kUnimplemented:
      return 501;
    case absl::StatusCode::kInternal:
      return 500;
    case absl::StatusCode::kUnavailable:
      return 503;
    case absl::StatusCode::kDataLoss:
      return 500;
    default:
      return 500;
  }
}

google::rpc::Status ToRpcStatus(const absl::Status& status) {
  google::rpc::Status out;
  out.set_code(static_cast<int>(status.code()));
  out.set_message(ToValidUtf8(status.message()));
  status.ForEachPayload([&out](absl::string_view type_url, const absl::Cord& payload) {
    google::protobuf::Any* any = out.add_details();
    any->set_type_url(std::string(type_url));
    any->set_value(std::string(payload));
  });
  return out;
}

google::rpc::Status ToRpcStatus(const grpc::Status& status) {
  google::rpc::Status out;
  if (!status.error_details().empty() && out.ParseFromString(status.error_details())) {
    out.clear_code();
    out.clear_message();
  } else {
    out.Clear();
  }
  out.set_code(static_cast<int>(status.error_code()));
  out.set_message(status.error_message());
  return out;
}

std::string RetryAfter(const google::rpc::Status& status) {
  for (const google::protobuf::Any& detail : status.details()) {
    google::rpc::RetryInfo retry;
    if (detail.UnpackTo(&retry)) {
      const int64_t nanos = retry.retry_delay().nanos();
      const int64_t seconds = retry.retry_delay().seconds() + (nanos > 0 ? 1 : 0);
      return absl::StrCat(std::max<int64_t>(seconds, 1));
    }
  }
  return "";
}

std::string ErrorBody(const google::rpc::Status& status) {
  const google::protobuf::util::JsonPrintOptions options = ResponseJsonOptions();
  std::string json;
  if (google::protobuf::util::MessageToJsonString(status, &json, options).ok()) {
    return json;
  }
  google::rpc::Status known = status;
  known.clear_details();
  for (const google::protobuf::Any& detail : status.details()) {
    google::rpc::Status probe;
    *probe.add_details() = detail;
    std::string ignored;
    if (google::protobuf::util::MessageToJsonString(probe, &ignored).ok()) {
      *known.add_details() = detail;
    }
  }
  json.clear();
  if (!google::protobuf::util::MessageToJsonString(known, &json, options).ok()) {
    known.clear_details();
    json.clear();
    (void)google::protobuf::util::MessageToJsonString(known, &json, options);
  }
  return json;
}

absl::Status InvalidFieldError(absl::string_view field, absl::string_view description) {
  // Both may quote the client's bytes (an unknown query key, a bad value).
  const std::string safe_field = ToValidUtf8(field);
  const std::string safe_description = ToValidUtf8(description);
  absl::Status status = absl::InvalidArgumentError(absl::StrCat(safe_field, ": ", safe_description));
  google::rpc::BadRequest bad_request;
  google::rpc::BadRequest::FieldViolation* violation = bad_request.add_field_violations();
  violation->set_field(safe_field);
  violation->set_description(safe_description);
  status.SetPayload(absl::StrCat(kTypeUrlPrefix, bad_request.GetDescriptor()->full_name()),
                    absl::Cord(bad_request.SerializeAsString()));
  return status;
}

}  // namespace minyi::gateway

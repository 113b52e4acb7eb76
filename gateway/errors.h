#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/support/status.h"

namespace minyi::gateway {

// The HTTP status for a gRPC status code, as grpc-gateway's runtime/errors.go maps it.
int HttpStatusFromCode(int grpc_code);

// A gateway-made error as google.rpc.Status. Payloads of `status` whose type URL names a message
// (absl::Status::SetPayload with "type.googleapis.com/google.rpc.BadRequest", ...) become its details.
// The message is made valid UTF-8, as protobuf and JSON need: it may quote the client's bytes (a path).
google::rpc::Status ToRpcStatus(const absl::Status& status);

// A backend's error as google.rpc.Status: the details a service put into error_details() when they
// parse, the code and message of `status` always.
google::rpc::Status ToRpcStatus(const grpc::Status& status);

// {"code": 3, "message": "...", "details": [{"@type": "...", ...}]}. Details whose type this binary does
// not know are dropped rather than failing the whole error.
std::string ErrorBody(const google::rpc::Status& status);

// The whole seconds (rounded up, at least 1) of a google.rpc.RetryInfo among the details, as an HTTP
// Retry-After value; empty when there is none.
std::string RetryAfter(const google::rpc::Status& status);

// The type URL prefix protobuf's JSON mapping resolves Any types against.
inline constexpr absl::string_view kTypeUrlPrefix = "type.googleapis.com/";

// INVALID_ARGUMENT naming `field`, with a google.rpc.BadRequest detail carrying the same.
absl::Status InvalidFieldError(absl::string_view field, absl::string_view description);

}  // namespace minyi::gateway

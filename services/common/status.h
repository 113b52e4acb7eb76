#pragma once

#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "grpcpp/support/status.h"

namespace minyi {

// Error constructors. Each attaches a google.rpc.ErrorInfo (reason in UPPER_SNAKE_CASE, domain
// "minyi.<service>") and, for bad fields, a google.rpc.BadRequest naming the field, so clients can act
// on the error without parsing the message.
absl::Status InvalidField(absl::string_view field, absl::string_view description);
absl::Status NotFoundError(absl::string_view resource_name);
absl::Status FailedPrecondition(absl::string_view reason, absl::string_view message);
absl::Status PermissionDenied(absl::string_view message);
absl::Status Unauthenticated(absl::string_view reason, absl::string_view message);
absl::Status AlreadyExists(absl::string_view reason, absl::string_view message);
// RESOURCE_EXHAUSTED (HTTP 429) with a google.rpc.RetryInfo saying when to try again (the gateway sends
// it as Retry-After).
absl::Status ResourceExhausted(absl::string_view reason, absl::string_view message, absl::Duration retry_after);
absl::Status WithReason(absl::Status status, absl::string_view reason);

// absl::Status -> grpc::Status, carrying the details as a serialized google.rpc.Status in the
// trailing `grpc-status-details-bin` metadata.
grpc::Status ToGrpc(const absl::Status& status);

}  // namespace minyi

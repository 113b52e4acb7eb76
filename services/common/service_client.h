#pragma once

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/auth.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"

namespace minyi {

// What one service needs to call another: a token this process signs for itself with the shared JWT
// secret (account "service-<name>", role staff — the narrowest existing role that may read what services
// ask each other for), renewed at half its lifetime. The token never leaves the process.
class ServiceCredentials final {
 public:
  ServiceCredentials(const TokenSigner& signer, absl::string_view service_name);

  // A context carrying the service token, with a deadline `timeout` from now.
  std::unique_ptr<grpc::ClientContext> Context(absl::Duration timeout = absl::Seconds(5));

 private:
  const TokenSigner& signer_;
  const std::string account_;
  absl::Mutex mu_;
  std::string token_ ABSL_GUARDED_BY(mu_);
  absl::Time renew_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

// The callee's status as this service's own, prefixed with what was called ("deputies
// GetSupervisionGroup: ...").
absl::Status FromGrpc(const grpc::Status& status, absl::string_view what);

}  // namespace minyi

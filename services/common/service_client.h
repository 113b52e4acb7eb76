#pragma once

#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/keys.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"

namespace minyi {

// What one service needs to call another: a credential it signs with its own private key
// (MINYI_SERVICE_KEY) for each callee, valid five minutes and renewed at half its lifetime. The callee
// knows the caller by it (ROLE_SERVICE), and accepts it only on the methods that name the caller; it is
// never a user's identity. The credential never leaves the process but to its callee.
class ServiceCredentials final {
 public:
  ServiceCredentials(EcPrivateKey key, std::string service_name);

  // A context for a call to service `callee`, carrying the credential, with a deadline `timeout` from now.
  std::unique_ptr<grpc::ClientContext> Context(absl::string_view callee, absl::Duration timeout = absl::Seconds(5));

  const std::string& service_name() const { return service_; }

 private:
  struct Issued {
    std::string credential;
    absl::Time renew;
  };

  const EcPrivateKey key_;
  const std::string service_;
  absl::Mutex mu_;
  std::map<std::string, Issued, std::less<>> issued_ ABSL_GUARDED_BY(mu_);
};

// The callee's status as this service's own, prefixed with what was called ("deputies
// GetSupervisionGroup: ...").
absl::Status FromGrpc(const grpc::Status& status, absl::string_view what);

}  // namespace minyi

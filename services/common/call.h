#pragma once

#include <optional>
#include <string>

#include "absl/time/time.h"

namespace minyi {

// What a request handler knows of the call it serves, which is all it needs of the transport: the
// credentials the call carries, the gateway's request id (written to audit rows), the client's
// Idempotency-Key and address. rpc.h fills it from gRPC metadata; handlers never see gRPC, and tests
// may build one directly.
struct Call {
  std::string authorization = "";       // "Bearer <access token>" as the gateway forwards it, or ""
  std::string service_credential = "";  // another service's own credential (kServiceCredentialMetadata), or ""
  std::string request_id = "";          // the gateway's id, "" when called directly
  std::optional<std::string> idempotency_key = std::nullopt;
  // The client's address as the gateway saw it, else this call's peer without its port.
  std::string client_address = "";
};

// The deadline of the call this thread serves, set by rpc.h around its handler: what bounds work deep
// under a handler that may wait (the database pool retrying a lost connection) without every store
// signature carrying the Call. absl::InfiniteFuture() when the client set none or no call is served.
class CallDeadline final {
 public:
  explicit CallDeadline(absl::Time deadline) : outer_(current_) { current_ = deadline; }
  ~CallDeadline() { current_ = outer_; }
  CallDeadline(const CallDeadline&) = delete;
  CallDeadline& operator=(const CallDeadline&) = delete;

  static absl::Time Current() { return current_; }

 private:
  static inline thread_local absl::Time current_ = absl::InfiniteFuture();
  absl::Time outer_;
};

}  // namespace minyi

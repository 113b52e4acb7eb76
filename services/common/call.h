#pragma once

#include <optional>
#include <string>

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

}  // namespace minyi

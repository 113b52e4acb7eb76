#include "common/rpc.h"

#include <string>

#include "common/auth.h"

namespace minyi {
namespace {

std::optional<std::string> Metadata(const grpc::ServerContextBase& ctx, const char* key) {
  const auto& md = ctx.client_metadata();
  auto it = md.find(key);
  if (it == md.end()) {
    return std::nullopt;
  }
  return std::string(it->second.data(), it->second.size());
}

// The client's address as the gateway saw it (its socket peer), or this call's peer without the port.
std::string ClientAddress(const grpc::ServerContextBase& ctx) {
  if (std::optional<std::string> forwarded = Metadata(ctx, "x-forwarded-for"); forwarded && !forwarded->empty()) {
    return *forwarded;
  }
  std::string peer = ctx.peer();
  if (const size_t colon = peer.rfind(':'); colon != std::string::npos) {
    peer.resize(colon);
  }
  return peer;
}

}  // namespace

Call CallOf(const grpc::ServerContextBase& ctx) {
  return {.authorization = Metadata(ctx, "authorization").value_or(""),
          .service_credential = Metadata(ctx, kServiceCredentialMetadata).value_or(""),
          .request_id = Metadata(ctx, "x-request-id").value_or(""),
          .idempotency_key = Metadata(ctx, "idempotency-key"),
          .client_address = ClientAddress(ctx)};
}

}  // namespace minyi

#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "client_address.h"
#include "common/keys.h"

namespace minyi::gateway {

struct BackendSpec {
  std::string name;    // "deputies": serves minyi/deputies/v1/deputies.proto
  std::string target;  // "127.0.0.1:7101", a gRPC target
};

// Everything the gateway reads from the environment at start.
struct GatewayConfig {
  std::string http_addr = "127.0.0.1:8080";            // MINYI_HTTP_ADDR, host:port
  std::vector<BackendSpec> backends;                   // MINYI_BACKENDS, name=host:port,...
  std::vector<EcPublicKey> token_keys;                 // MINYI_TOKEN_VERIFY_KEYS: PEM bundle of token public keys
  std::string jwt_audience = "minyi";                  // MINYI_JWT_AUDIENCE
  std::string redis_addr;                              // MINYI_REDIS_ADDR: where revocations are read
  int threads = 2;                                     // MINYI_GATEWAY_THREADS
  std::size_t max_body_bytes = 1 << 20;                // MINYI_MAX_BODY_BYTES
  std::size_t max_header_bytes = 16 << 10;             // fixed: 431 beyond it
  absl::Duration request_timeout = absl::Seconds(10);  // MINYI_REQUEST_TIMEOUT_MS, the gRPC deadline
  absl::Duration shutdown_grace = absl::Seconds(10);   // MINYI_SHUTDOWN_GRACE_SECONDS: draining on SIGTERM
  // Client connections (connection_limiter.h).
  int max_connections = 4096;             // MINYI_MAX_CONNECTIONS, open at once
  TrustedProxies trusted_proxies;         // MINYI_TRUSTED_PROXIES: proxies whose X-Forwarded-For is believed
  int max_connections_per_address = 256;  // MINYI_MAX_CONNECTIONS_PER_ADDRESS, 0: no cap
  int refusal_slots = 64;                 // MINYI_REFUSAL_SLOTS, refused connections answered at once
  absl::Duration header_timeout = absl::Seconds(10);     // MINYI_HEADER_TIMEOUT_MS, a request's head
  absl::Duration body_timeout = absl::Seconds(30);       // MINYI_BODY_TIMEOUT_MS, its body
  absl::Duration keepalive_timeout = absl::Seconds(60);  // MINYI_KEEPALIVE_TIMEOUT_MS, idle between requests
  absl::Duration write_timeout = absl::Seconds(30);      // MINYI_WRITE_TIMEOUT_MS, a response to the socket
  // The public routes, /v1/public/... (public_reads.h): requests per client address, per replica.
  int public_per_second = 10;                         // MINYI_PUBLIC_RATE_PER_SECOND, sustained
  int public_burst = 30;                              // MINYI_PUBLIC_BURST, at once
  absl::Duration public_max_age = absl::Seconds(60);  // MINYI_PUBLIC_MAX_AGE_SECONDS: Cache-Control max-age
};

// "identity=127.0.0.1:7100,deputies=127.0.0.1:7101" -> specs. INVALID_ARGUMENT naming the bad entry.
absl::StatusOr<std::vector<BackendSpec>> ParseBackends(absl::string_view list);

// FAILED_PRECONDITION naming every missing or malformed variable.
absl::StatusOr<GatewayConfig> LoadGatewayConfig();

}  // namespace minyi::gateway

#pragma once

#include <memory>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "gateway_config.h"
#include "router.h"

namespace minyi::gateway {

class ServerState;

// The HTTP/1.1 server (Boost.Beast, keep-alive) that transcodes REST/JSON calls to the backends' gRPC
// methods without blocking: one channel and generic stub per backend, callback-based unary calls whose
// completions are posted back to the connection's strand. Also serves /healthz, /readyz, /metrics and
// /openapi.json. Client connections are capped per address and in total (connection_limiter.h), every
// wait on a client is bounded by a timeout, and a failing accept backs off (docs/architecture.md,
// "Connections").
class GatewayServer final {
 public:
  GatewayServer(GatewayConfig config, Router router);
  ~GatewayServer();
  GatewayServer(const GatewayServer&) = delete;
  GatewayServer& operator=(const GatewayServer&) = delete;

  // Binds MINYI_HTTP_ADDR (port 0 picks a free one) and starts the io threads.
  absl::Status Start();

  // Drains: stops accepting (taking first what the kernel had accepted), closes idle keep-alive
  // connections, answers every other connection's request with "Connection: close" for up to
  // shutdown_grace (then cancels the backend calls left), and stops the io threads.
  void Shutdown();

  // The bound TCP port, after Start.
  int port() const;

 private:
  std::shared_ptr<ServerState> state_;
  std::vector<std::thread> threads_;
  bool stopped_ = false;
};

}  // namespace minyi::gateway

// What every connection of the gateway shares (gateway_server.cc builds it, session.h's connections use
// it): the configuration, routes and token verifier, the metrics and connection limiter, the io_context
// and acceptor, and the backends with the calls under way to them and the readiness cache.

#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "boost/asio/any_io_executor.hpp"
#include "boost/asio/executor_work_guard.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/steady_timer.hpp"
#include "common/auth.h"
#include "common/revocation.h"
#include "connection_limiter.h"
#include "gateway_config.h"
#include "google/protobuf/arena.h"
#include "google/protobuf/message.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"
#include "http_metrics.h"
#include "public_reads.h"
#include "router.h"

namespace minyi::gateway {

// The route label of a request no route matched.
inline constexpr char kUnmatchedRoute[] = "unmatched";

struct Backend {
  std::string name;
  std::string target;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<grpc::GenericStub> stub;
};

// One outgoing unary call. The arena holds the request and response messages of a transcoded call.
struct BackendCall {
  grpc::ClientContext context;
  grpc::ByteBuffer request;
  grpc::ByteBuffer response;
  google::protobuf::Arena arena;
};

// Immutable after Start but for the atomics, the call registry and the readiness cache, which carry
// their own synchronization.
class ServerState final {
 public:
  ServerState(GatewayConfig config, Router router);

  size_t RouteIndex(const Route* route) const { return static_cast<size_t>(route - router.routes().data()); }

  // Starts `call` on `backend` and runs `done` on `executor` when it completes. Calls are registered so
  // Shutdown can cancel the stragglers and wait for them before the io_context goes away.
  void StartCall(const Backend& backend, const std::string& method, std::shared_ptr<BackendCall> call,
                 boost::asio::any_io_executor executor, std::function<void(const grpc::Status&)> done);
  void CancelCalls();
  bool CallsDone();

  // Calls `done` on `executor` (a strand) with "" when every backend answers SERVING, else with the
  // failing ones. Answers from a cache younger than a second.
  void CheckReady(boost::asio::any_io_executor executor, std::function<void(std::string)> done);

  const GatewayConfig config;
  const Router router;
  const std::string openapi;
  const TokenVerifier tokens;
  RevocationList revocations;  // polled from Redis from Start until the state goes
  HttpMetrics metrics;
  // Before ioc: sessions still queued in it are destroyed with it, and release their connection here.
  ConnectionLimiter limiter;
  PublicRateLimiter public_limiter;  // the /v1/public/ routes, per client address
  absl::flat_hash_map<std::string, std::unique_ptr<Backend>> backends;
  std::vector<const Backend*> route_backends;  // parallel to router.routes()
  std::vector<const google::protobuf::Message*> input_prototypes;
  std::vector<const google::protobuf::Message*> output_prototypes;

  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor acceptor;
  boost::asio::steady_timer accept_timer;       // on the acceptor's strand
  std::chrono::milliseconds accept_backoff{0};  // on the acceptor's strand; 0 while accepts succeed
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work;
  std::atomic<int> in_flight{0};
  std::atomic<bool> draining{false};
  absl::Notification accept_stopped;  // the listener is closed and what it had accepted admitted

 private:
  absl::Mutex calls_mu;
  absl::flat_hash_set<grpc::ClientContext*> calls ABSL_GUARDED_BY(calls_mu);
  absl::Mutex ready_mu;
  absl::Time ready_checked ABSL_GUARDED_BY(ready_mu) = absl::InfinitePast();
  std::string ready_failing ABSL_GUARDED_BY(ready_mu);
};

}  // namespace minyi::gateway

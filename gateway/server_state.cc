// The shared state's own work: the route labels and prototypes built at construction, the registry of
// backend calls under way, and the readiness round over every backend's health service.

#include "server_state.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "boost/asio/post.hpp"
#include "boost/asio/strand.hpp"
#include "openapi.h"

namespace minyi::gateway {
namespace {

namespace asio = boost::asio;

constexpr absl::Duration kReadyCacheTtl = absl::Seconds(1);
constexpr auto kHealthDeadline = std::chrono::seconds(1);
constexpr char kHealthMethod[] = "/grpc.health.v1.Health/Check";
constexpr char kOperationalRoutes[][16] = {"/healthz", "/readyz", "/metrics", "/openapi.json"};

std::vector<std::string> RouteLabels(const Router& router) {
  std::vector<std::string> labels(std::begin(kOperationalRoutes), std::end(kOperationalRoutes));
  labels.emplace_back(kUnmatchedRoute);
  for (const Route& route : router.routes()) {
    labels.push_back(route.path.text());
  }
  return labels;
}

std::string ByteBufferToString(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) {
    return out;
  }
  for (const grpc::Slice& s : slices) {
    out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  return out;
}

}  // namespace

ServerState::ServerState(GatewayConfig config, Router router)
    : config(std::move(config)),
      router(std::move(router)),
      openapi(BuildOpenApi(this->router.routes()).dump(2)),
      tokens(this->config.token_keys, this->config.jwt_audience),
      metrics(RouteLabels(this->router)),
      limiter({this->config.max_connections, this->config.max_connections_per_address, this->config.refusal_slots}),
      public_limiter({.per_second = this->config.public_per_second, .burst = this->config.public_burst}),
      acceptor(asio::make_strand(ioc)),
      accept_timer(acceptor.get_executor()),
      work(asio::make_work_guard(ioc)) {
  for (const Route& route : this->router.routes()) {
    auto* factory = google::protobuf::MessageFactory::generated_factory();
    input_prototypes.push_back(factory->GetPrototype(route.method->input_type()));
    output_prototypes.push_back(factory->GetPrototype(route.method->output_type()));
  }
}

void ServerState::StartCall(const Backend& backend, const std::string& method, std::shared_ptr<BackendCall> call,
                            asio::any_io_executor executor, std::function<void(const grpc::Status&)> done) {
  {
    absl::MutexLock lock(&calls_mu);
    calls.insert(&call->context);
  }
  BackendCall* raw = call.get();
  backend.stub->UnaryCall(
      &raw->context, method, grpc::StubOptions(), &raw->request, &raw->response,
      [this, call = std::move(call), executor, done = std::move(done)](grpc::Status status) mutable {
        asio::post(executor, [this, call = std::move(call), done = std::move(done), status = std::move(status)] {
          {
            absl::MutexLock lock(&calls_mu);
            calls.erase(&call->context);
          }
          done(status);
        });
      });
}

void ServerState::CancelCalls() {
  absl::MutexLock lock(&calls_mu);
  for (grpc::ClientContext* context : calls) {
    context->TryCancel();
  }
}

bool ServerState::CallsDone() {
  absl::MutexLock lock(&calls_mu);
  return calls.empty();
}

void ServerState::CheckReady(asio::any_io_executor executor, std::function<void(std::string)> done) {
  {
    absl::MutexLock lock(&ready_mu);
    if (absl::Now() - ready_checked < kReadyCacheTtl) {
      done(ready_failing);
      return;
    }
  }
  if (backends.empty()) {
    done("");
    return;
  }
  struct Round {
    size_t remaining;
    std::vector<std::string> failing;
    std::function<void(std::string)> done;
  };
  // Every completion runs on `executor`, a strand: the round needs no lock of its own.
  auto round = std::make_shared<Round>(Round{backends.size(), {}, std::move(done)});
  for (const auto& [name, backend] : backends) {
    auto call = std::make_shared<BackendCall>();
    grpc::Slice empty;
    call->request = grpc::ByteBuffer(&empty, 1);
    call->context.set_deadline(std::chrono::system_clock::now() + kHealthDeadline);
    const std::string backend_name = name;
    BackendCall* raw = call.get();
    StartCall(*backend, kHealthMethod, call, executor, [this, round, raw, backend_name](const grpc::Status& s) {
      // HealthCheckResponse{status: SERVING} is field 1, varint 1.
      if (!s.ok()) {
        round->failing.push_back(absl::StrCat(backend_name, " (", s.error_message(), ")"));
      } else if (ByteBufferToString(raw->response) != std::string("\x08\x01", 2)) {
        round->failing.push_back(absl::StrCat(backend_name, " (not SERVING)"));
      }
      if (--round->remaining == 0) {
        std::sort(round->failing.begin(), round->failing.end());
        std::string failing = absl::StrJoin(round->failing, ", ");
        {
          absl::MutexLock lock(&ready_mu);
          ready_checked = absl::Now();
          ready_failing = failing;
        }
        round->done(std::move(failing));
      }
    });
  }
}

}  // namespace minyi::gateway

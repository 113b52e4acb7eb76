// minyi-gateway: REST/JSON in front of the gRPC backends. Wiring only; see gateway_server.h.
//
//   minyi-gateway                  serve (configuration from MINYI_* environment variables)
//   minyi-gateway --print-openapi  print the OpenAPI document of every linked service and exit

#include <sys/resource.h>

#include <iostream>

#include "absl/strings/string_view.h"
#include "common/config.h"
#include "common/log.h"
#include "common/process.h"
#include "gateway_config.h"
#include "gateway_server.h"
#include "google/protobuf/descriptor.h"
#include "openapi.h"
#include "router.h"

namespace {

absl::StatusOr<minyi::gateway::Router> BuildRouter(const std::vector<std::string>& backends) {
  std::vector<minyi::gateway::ServiceBinding> services;
  for (const std::string& backend : backends) {
    auto found = minyi::gateway::ServicesOfBackend(*google::protobuf::DescriptorPool::generated_pool(), backend);
    if (!found.ok()) {
      return found.status();
    }
    services.insert(services.end(), found->begin(), found->end());
  }
  return minyi::gateway::Router::Build(services);
}

// Descriptors the gateway needs besides its client connections: gRPC channels, epoll, logs.
constexpr rlim_t kReservedDescriptors = 64;

// The connection caps only protect the process if its descriptors can hold them: raise the soft limit to
// the hard one, as nginx's worker_rlimit_nofile or Go's runtime do, and say so when the caps still do not
// fit (accepts would then fail with EMFILE, which the acceptor survives by backing off).
void RaiseDescriptorLimit(const minyi::gateway::GatewayConfig& config) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return;
  }
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    getrlimit(RLIMIT_NOFILE, &limit);
  }
  const rlim_t needed =
      static_cast<rlim_t>(config.max_connections) + static_cast<rlim_t>(config.refusal_slots) + kReservedDescriptors;
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < needed) {
    minyi::log::Warn(
        "open file limit below the connection caps",
        {{"nofile", static_cast<std::uint64_t>(limit.rlim_cur)}, {"needed", static_cast<std::uint64_t>(needed)}});
  }
}

int PrintOpenApi() {
  absl::StatusOr<minyi::gateway::Router> router = BuildRouter(minyi::gateway::LinkedBackends());
  if (!router.ok()) {
    std::cerr << router.status() << "\n";
    return 1;
  }
  std::cout << minyi::gateway::BuildOpenApi(router->routes()).dump(2) << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && absl::string_view(argv[1]) == "--print-openapi") {
    return PrintOpenApi();
  }
  minyi::InitProcess("gateway");

  absl::StatusOr<minyi::gateway::GatewayConfig> config = minyi::gateway::LoadGatewayConfig();
  if (!config.ok()) {
    minyi::log::Error("bad configuration", {{"error", config.status().message()}});
    return 2;
  }
  std::vector<std::string> backend_names;
  for (const minyi::gateway::BackendSpec& b : config->backends) {
    backend_names.push_back(b.name);
  }
  absl::StatusOr<minyi::gateway::Router> router = BuildRouter(backend_names);
  if (!router.ok()) {
    minyi::log::Error("cannot build routes", {{"error", router.status().message()}});
    return 2;
  }

  RaiseDescriptorLimit(*config);
  minyi::gateway::GatewayServer server(*std::move(config), *std::move(router));
  if (absl::Status s = server.Start(); !s.ok()) {
    minyi::log::Error("cannot start", {{"error", s.message()}});
    return 1;
  }
  const int sig = minyi::WaitForShutdownSignal();
  minyi::log::Info("shutting down", {{"signal", sig}});
  server.Shutdown();
  return 0;
}

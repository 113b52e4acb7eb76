#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "auth.h"
#include "config.h"
#include "consumer.h"
#include "dead_events.h"
#include "migrate.h"
#include "pg.h"
#include "prometheus/registry.h"
#include "redis.h"
#include "revocation.h"
#include "rpc.h"
#include "service_client.h"
#include "workers.h"

namespace minyi {

// The grpc.health.v1 service name that answers SERVING for as long as the process runs (Kubernetes
// liveness); the empty name reports readiness, which follows the database.
inline constexpr std::string_view kLivenessHealthService = "liveness";

// Everything a service process runs besides its own RPC logic: configuration, migrations, the connection
// pool, the outbox relay, event consumers, metrics, the gRPC server with health and reflection, and
// graceful shutdown. main.cc builds one, adds the service and calls Run().
// Prints "minyi-<name>: <status>" to stderr and returns the exit code 1.
int FailStart(std::string_view name, const absl::Status& status);

class ServiceHost final {
 public:
  struct Spec {
    std::string name;  // "deputies": schema, log service, error domain
    int default_grpc_port = 0;
    const std::vector<Migration>* migrations = nullptr;
    std::vector<PreparedStatement> statements;
  };

  // Reads the environment, applies migrations and opens the pool. Fails naming what is wrong.
  static absl::StatusOr<std::unique_ptr<ServiceHost>> Create(Spec spec);
  ~ServiceHost();

  PgPool& pool() { return *pool_; }
  const Authorizer& authorizer() const { return *authorizer_; }
  const TokenVerifier& token_verifier() const { return *token_verifier_; }
  // This process's view of revoked tokens (the identity service adds what it revokes at once).
  RevocationList& revocations() { return *revocations_; }
  // This service's own credential for calls to other services.
  ServiceCredentials& credentials() { return *credentials_; }
  const ServiceConfig& config() const { return config_; }
  prometheus::Registry& metrics() { return *registry_; }

  // Serves `service`; Run() refuses to start while one of its methods is unbound.
  void AddService(std::unique_ptr<RpcService> service);
  // A consumer that handles each read's new events in one transaction (see EventConsumer). Its dead events
  // are listed and replayed through dead_events(); its backlog (minyi_events_consumer_lag and _pending) and
  // dead events (minyi_events_dead) are sampled every 2 s while the service serves.
  void AddBatchConsumer(EventConsumer::Options options, EventConsumer::BatchHandler handler);
  // The ListDeadEvents and ReplayDeadEvent handlers of this service's consumer groups, for its rpc.cc.
  DeadEvents& dead_events() { return *dead_events_; }
  // Runs `task` every `interval` on its own thread while the service serves (deadline sweepers, retry
  // loops). A failed run is logged with `name` and tried again at the next interval; shutdown waits for a
  // run in progress. Tasks must be safe to run in several replicas at once (take a lock or a row claim).
  void AddPeriodicTask(std::string name, absl::Duration interval, std::function<absl::Status()> task);

  // Serves until SIGTERM or SIGINT, then: health NOT_SERVING, stop accepting, finish in-flight calls
  // (bounded by the shutdown grace), stop consumers and the relay, close the pool. Returns the exit code.
  // Work still running a second after the grace is abandoned: the process exits at once.
  int Run();

  // Prints `status` as this process's reason to stop and returns the exit code 1.
  int Fail(const absl::Status& status) const;

 private:
  explicit ServiceHost(ServiceConfig config);

  ServiceConfig config_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<TokenVerifier> token_verifier_;
  std::unique_ptr<RevocationList> revocations_;
  std::unique_ptr<ServiceVerifier> service_verifier_;
  std::unique_ptr<Authorizer> authorizer_;
  std::unique_ptr<ServiceCredentials> credentials_;
  std::unique_ptr<WorkerPool> workers_;  // after pool_: its handlers use the pool, so it stops first
  std::vector<std::unique_ptr<RpcService>> services_;
  std::vector<std::unique_ptr<EventConsumer>> consumers_;
  std::unique_ptr<DeadEvents> dead_events_;
  std::unique_ptr<ConsumerMetrics> consumer_metrics_;  // with the first consumer
  std::unique_ptr<RedisClient> backlog_redis_;         // the backlog sampler's
  struct PeriodicTask {
    std::string name;
    absl::Duration interval;
    std::function<absl::Status()> run;
  };
  std::vector<PeriodicTask> periodic_tasks_;
};

// The whole of a service's main(): creates the host (configuration, migrations, pool) and hands it to
// `serve`, which builds the handlers, adds the service, consumers and jobs and returns host.Run(). A failure
// is printed with the process's name and exits 1.
int ServiceMain(ServiceHost::Spec spec, const std::function<int(ServiceHost&)>& serve);

// The same for a service with settings of its own (its config.*): `load` reads them first, so a missing or
// wrong variable stops the process before it touches the database.
template <typename Config>
int ServiceMain(ServiceHost::Spec spec, absl::StatusOr<Config> (*load)(),
                const std::function<int(ServiceHost&, std::type_identity_t<Config>&)>& serve) {
  absl::StatusOr<Config> config = load();
  if (!config.ok()) {
    return FailStart(spec.name, config.status());
  }
  return ServiceMain(std::move(spec), [&](ServiceHost& host) { return serve(host, *config); });
}

}  // namespace minyi

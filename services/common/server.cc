#include "server.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/support/server_interceptor.h"
#include "idempotency.h"
#include "log.h"
#include "outbox.h"
#include "process.h"
#include "prometheus/counter.h"
#include "prometheus/exposer.h"
#include "prometheus/histogram.h"

namespace minyi {
namespace {

// How long after the shutdown grace the process waits for cancelled calls to return before it exits
// without them.
constexpr auto kAbandonAfter = std::chrono::seconds(1);

using grpc::experimental::InterceptionHookPoints;

// Per-RPC metrics and one access-log line, for every method of every service in the process.
struct RpcMetrics {
  explicit RpcMetrics(prometheus::Registry& registry)
      : handled(prometheus::BuildCounter()
                    .Name("grpc_server_handled_total")
                    .Help("RPCs completed, by method and status code")
                    .Register(registry)),
        latency(prometheus::BuildHistogram()
                    .Name("grpc_server_handling_seconds")
                    .Help("RPC handling time, by method")
                    .Register(registry)) {}

  prometheus::Family<prometheus::Counter>& handled;
  prometheus::Family<prometheus::Histogram>& latency;
};

class ObservingInterceptor final : public grpc::experimental::Interceptor {
 public:
  ObservingInterceptor(grpc::experimental::ServerRpcInfo* info, RpcMetrics& metrics)
      : method_(info->method()), metrics_(metrics), start_(std::chrono::steady_clock::now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      auto* md = methods->GetRecvInitialMetadata();
      if (auto it = md->find("x-request-id"); it != md->end()) {
        request_id_.assign(it->second.data(), it->second.size());
      }
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      const grpc::Status status = methods->GetSendStatus();
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
      const std::string code = absl::StrCat(static_cast<int>(status.error_code()));
      metrics_.handled.Add({{"grpc_method", method_}, {"grpc_code", code}}).Increment();
      static const prometheus::Histogram::BucketBoundaries kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                                       0.05,   0.1,   0.25,   1,     5};
      metrics_.latency.Add({{"grpc_method", method_}}, kBuckets).Observe(seconds);
      log::Info(
          "rpc",
          {{"method", method_}, {"code", status.error_code()}, {"ms", seconds * 1000}, {"request_id", request_id_}});
    }
    methods->Proceed();
  }

 private:
  std::string method_;
  RpcMetrics& metrics_;
  std::chrono::steady_clock::time_point start_;
  std::string request_id_;
};

class ObservingInterceptorFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit ObservingInterceptorFactory(prometheus::Registry& registry) : metrics_(registry) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(grpc::experimental::ServerRpcInfo* info) override {
    return new ObservingInterceptor(info, metrics_);
  }

 private:
  RpcMetrics metrics_;
};

absl::Status MigrateWithRetry(const ServiceConfig& config, const std::vector<Migration>& migrations) {
  // PostgreSQL may still be starting next to us (a pod, a local run): wait for it a little.
  const absl::Time give_up = absl::Now() + absl::Seconds(30);
  while (true) {
    absl::Status st = ApplyMigrations(config.postgres_dsn, config.service, migrations);
    if (st.ok() || st.code() != absl::StatusCode::kUnavailable || absl::Now() > give_up) {
      return st;
    }
    log::Warn("database not reachable yet; retrying");
    absl::SleepFor(absl::Seconds(1));
  }
}

}  // namespace

ServiceHost::ServiceHost(ServiceConfig config)
    : config_(std::move(config)), registry_(std::make_shared<prometheus::Registry>()) {}

ServiceHost::~ServiceHost() = default;

absl::StatusOr<std::unique_ptr<ServiceHost>> ServiceHost::Create(Spec spec) {
  InitProcess(spec.name);
  absl::StatusOr<ServiceConfig> config = LoadServiceConfig(spec.name, spec.default_grpc_port);
  if (!config.ok()) {
    return config.status();
  }
  if (config->clock.shifted()) {
    SetDomainClock(config->clock);
    log::Warn(
        "MINYI_CLOCK_START is set: deadlines, periods and dates follow a shifted clock (tests and rehearsals only)",
        {{"clock", FormatInstant(DomainNow())}});
  }
  static const std::vector<Migration> kNone;
  if (absl::Status st = MigrateWithRetry(*config, spec.migrations ? *spec.migrations : kNone); !st.ok()) {
    return st;
  }
  std::unique_ptr<ServiceHost> host(new ServiceHost(*std::move(config)));
  host->pool_ = std::make_unique<PgPool>(PgPool::Options{.dsn = host->config_.postgres_dsn,
                                                         .schema = host->config_.service,
                                                         .size = host->config_.pg_pool_size,
                                                         .statement_timeout = host->config_.statement_timeout,
                                                         .statements = std::move(spec.statements)});
  const ServiceConfig& c = host->config_;
  host->token_verifier_ = std::make_unique<TokenVerifier>(c.token_keys, c.jwt_audience);
  host->revocations_ = std::make_unique<RevocationList>();
  host->revocations_->StartPolling(c.redis_addr);
  host->service_verifier_ = std::make_unique<ServiceVerifier>(c.service_keys, c.service);
  host->authorizer_ =
      std::make_unique<Authorizer>(*host->token_verifier_, *host->revocations_, host->service_verifier_.get());
  host->credentials_ = std::make_unique<ServiceCredentials>(c.service_key, c.service);
  host->workers_ = std::make_unique<WorkerPool>(host->config_.worker_threads);
  host->dead_events_ = std::make_unique<DeadEvents>(*host->pool_, *host->authorizer_, c.service);
  SetCallWorkers(host->workers_.get());
  return host;
}

void ServiceHost::AddService(std::unique_ptr<RpcService> service) { services_.push_back(std::move(service)); }

int FailStart(std::string_view name, const absl::Status& status) {
  std::cerr << "minyi-" << name << ": " << status << "\n";
  return 1;
}

int ServiceHost::Fail(const absl::Status& status) const { return FailStart(config_.service, status); }

int ServiceMain(ServiceHost::Spec spec, const std::function<int(ServiceHost&)>& serve) {
  const std::string name = spec.name;
  absl::StatusOr<std::unique_ptr<ServiceHost>> host = ServiceHost::Create(std::move(spec));
  if (!host.ok()) {
    return FailStart(name, host.status());
  }
  return serve(**host);
}

void ServiceHost::AddBatchConsumer(EventConsumer::Options options, EventConsumer::BatchHandler handler) {
  if (consumer_metrics_ == nullptr) {
    consumer_metrics_ = std::make_unique<ConsumerMetrics>(*registry_);
    backlog_redis_ = std::make_unique<RedisClient>(config_.redis_addr);
    AddPeriodicTask("event backlog", absl::Seconds(2), [this] {
      std::vector<std::string> groups;
      for (const std::unique_ptr<EventConsumer>& c : consumers_) {
        groups.push_back(c->options().group);
      }
      return SampleConsumerBacklog(*backlog_redis_, consumers_.front()->options().stream, groups, *pool_,
                                   *consumer_metrics_);
    });
  }
  options.metrics = consumer_metrics_.get();
  consumers_.push_back(
      std::make_unique<EventConsumer>(*pool_, config_.redis_addr, std::move(options), std::move(handler)));
  dead_events_->AddConsumer(*consumers_.back());
}

void ServiceHost::AddPeriodicTask(std::string name, absl::Duration interval, std::function<absl::Status()> task) {
  periodic_tasks_.push_back({std::move(name), interval, std::move(task)});
}

int ServiceHost::Run() {
  // The exposer throws when it cannot bind (e.g. the port of a process killed a moment ago): say so and
  // exit non-zero instead of aborting on an uncaught exception.
  std::unique_ptr<prometheus::Exposer> exposer;
  try {
    exposer = std::make_unique<prometheus::Exposer>(config_.metrics_listen);
  } catch (const std::exception& e) {
    log::Error("cannot serve metrics", {{"addr", config_.metrics_listen}, {"error", e.what()}});
    return 1;
  }
  exposer->RegisterCollectable(registry_);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int bound_port = 0;
  builder.AddListeningPort(config_.grpc_listen, grpc::InsecureServerCredentials(), &bound_port);
  // Clients (the gateway) hold one HTTP/2 connection per backend address; ageing connections out makes
  // them reconnect, so behind a Kubernetes Service new replicas get their share of the load.
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS, 5 * 60 * 1000);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS, 30 * 1000);
  for (const std::unique_ptr<RpcService>& s : services_) {
    if (absl::Status complete = s->Complete(); !complete.ok()) {
      return Fail(complete);
    }
    builder.RegisterService(s.get());
  }
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<ObservingInterceptorFactory>(*registry_));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || bound_port == 0) {
    log::Error("cannot listen", {{"addr", config_.grpc_listen}});
    return 1;
  }

  OutboxRelay relay(*pool_, config_.redis_addr);
  relay.ExportMetrics(*registry_);
  relay.Start();
  for (auto& c : consumers_) {
    c->Start();
  }

  // Readiness (the "" service) follows the database: without it this service can answer nothing.
  // Liveness stays SERVING while the process runs, so a database outage does not restart every pod.
  grpc::HealthCheckServiceInterface* health = server->GetHealthCheckService();
  health->SetServingStatus(std::string(kLivenessHealthService), true);
  std::mutex mu;
  std::condition_variable wake;
  bool stopping = false;
  // Housekeeping: health every 2 s, expired idempotency keys every 10 minutes.
  std::thread housekeeping([&] {
    auto next_purge = std::chrono::steady_clock::now();
    std::unique_lock<std::mutex> lock(mu);
    while (!stopping) {
      lock.unlock();
      const bool serving = pool_->Ping().ok();
      if (serving && std::chrono::steady_clock::now() >= next_purge) {
        if (absl::StatusOr<int> purged = PurgeExpiredIdempotencyKeys(*pool_); purged.ok() && *purged > 0) {
          log::Info("expired idempotency keys purged", {{"count", *purged}});
        }
        next_purge = std::chrono::steady_clock::now() + std::chrono::minutes(10);
      }
      lock.lock();
      if (!stopping) {
        health->SetServingStatus("", serving);
      }
      wake.wait_for(lock, std::chrono::seconds(2), [&] { return stopping; });
    }
  });

  std::vector<std::thread> periodic;
  for (const PeriodicTask& task : periodic_tasks_) {
    periodic.emplace_back([&] {
      std::unique_lock<std::mutex> lock(mu);
      while (!stopping) {
        lock.unlock();
        if (absl::Status s = task.run(); !s.ok()) {
          log::Warn("periodic task failed", {{"task", task.name}, {"error", s.ToString()}});
        }
        lock.lock();
        wake.wait_for(lock, absl::ToChronoMilliseconds(task.interval), [&] { return stopping; });
      }
    });
  }

  log::Info("serving", {{"grpc", config_.grpc_listen}, {"metrics", config_.metrics_listen}});
  const int sig = WaitForShutdownSignal();
  log::Info("shutting down", {{"signal", sig}});
  const auto grace = std::chrono::milliseconds(absl::ToInt64Milliseconds(config_.shutdown_grace));
  const auto deadline = std::chrono::system_clock::now() + grace;
  // gRPC cancels the calls still running at the deadline, but a handler blocked in PostgreSQL (waiting
  // for a row lock, say) holds the shutdown until it returns: the grace bounds the shutdown only if the
  // process then leaves without it. Its transaction rolls back as its connection closes.
  bool stopped = false;  // guarded by mu
  std::thread watchdog([&] {
    std::unique_lock<std::mutex> lock(mu);
    if (!wake.wait_for(lock, grace + kAbandonAfter, [&] { return stopped; })) {
      log::Error("in-flight work outlived the shutdown grace; exiting without it",
                 {{"grace_ms", absl::ToInt64Milliseconds(config_.shutdown_grace)}});
      std::_Exit(0);
    }
  });

  {
    std::lock_guard<std::mutex> lock(mu);
    stopping = true;
  }
  wake.notify_all();
  housekeeping.join();
  for (std::thread& t : periodic) {
    t.join();
  }
  health->SetServingStatus(false);
  // Stops accepting at once; in-flight calls get until the deadline, then are cancelled.
  server->Shutdown(deadline);
  server->Wait();
  for (auto it = consumers_.rbegin(); it != consumers_.rend(); ++it) {
    (*it)->Stop();
  }
  relay.Stop();
  {
    std::lock_guard<std::mutex> lock(mu);
    stopped = true;
  }
  wake.notify_all();
  watchdog.join();
  log::Info("stopped");
  return 0;
}

}  // namespace minyi

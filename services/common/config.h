#pragma once

#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace minyi {

// Reads configuration from the environment. Problems are collected rather than thrown one at a time,
// so a process that cannot start names every missing or malformed variable at once.
class EnvReader final {
 public:
  std::string Required(absl::string_view name);
  std::string Optional(absl::string_view name, absl::string_view fallback);
  int Int(absl::string_view name, int fallback, int min, int max);
  // OK, or FAILED_PRECONDITION listing every problem seen so far.
  absl::Status Finish() const;

 private:
  std::vector<std::string> problems_;
};

// Everything a service process reads at start; the README's configuration table documents each.
struct ServiceConfig {
  std::string service;          // "deputies", also the PostgreSQL schema name
  std::string grpc_listen;      // MINYI_GRPC_ADDR
  std::string metrics_listen;   // MINYI_METRICS_ADDR
  std::string postgres_dsn;     // MINYI_PG_DSN
  std::string redis_addr;       // MINYI_REDIS_ADDR, host:port
  std::string jwt_secret;       // MINYI_JWT_SECRET, at least 32 bytes
  std::string jwt_audience;     // MINYI_JWT_AUDIENCE
  int pg_pool_size = 8;         // MINYI_PG_POOL_SIZE
  int worker_threads = 8;       // MINYI_WORKER_THREADS, default the pool size
  absl::Duration statement_timeout = absl::Seconds(5);  // MINYI_PG_STATEMENT_TIMEOUT_MS
  absl::Duration shutdown_grace = absl::Seconds(10);    // MINYI_SHUTDOWN_GRACE_SECONDS
};

// Loads the configuration of service `service`, whose gRPC port defaults to `default_grpc_port` and
// whose metrics port defaults to `default_grpc_port + 2000`.
absl::StatusOr<ServiceConfig> LoadServiceConfig(std::string service, int default_grpc_port);

// The name of the running service ("gateway", "deputies", ...), used in logs and error domains.
const std::string& ServiceName();
void SetServiceName(std::string name);

}  // namespace minyi

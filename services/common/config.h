#pragma once

#include <string>
#include <vector>
#include "absl/strings/string_view.h"

#include <map>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/keys.h"

namespace minyi {

// Reads configuration from the environment. Problems are collected rather than thrown one at a time,
// so a process that cannot start names every missing or malformed variable at once.
class EnvReader final {
 public:
  std::string Required(absl::string_view name);
  std::string Optional(absl::string_view name, absl::string_view fallback);
  int Int(absl::string_view name, int fallback, int min, int max);
  // A required secret, checked with CheckSecret (common/secrets.h).
  std::string Secret(absl::string_view name, std::size_t min_chars = 12);
  // Optional secret: empty when unset, checked when set.
  std::string OptionalSecret(absl::string_view name, std::size_t min_chars = 12);
  // Keys from files the variables name (common/keys.h); problems are collected like the others'.
  EcPrivateKey PrivateKey(absl::string_view name);
  std::vector<EcPublicKey> PublicKeys(absl::string_view name);
  std::map<std::string, EcPublicKey> PublicKeyDirectory(absl::string_view name);
  // Records a problem found by the caller.
  void Problem(std::string problem) { problems_.push_back(std::move(problem)); }
  // OK, or FAILED_PRECONDITION listing every problem seen so far.
  absl::Status Finish() const;

 private:
  std::vector<std::string> problems_;
};

// Everything a service process reads at start; the README's configuration table documents each.
struct ServiceConfig {
  std::string service;                                  // "deputies", also the PostgreSQL schema name
  std::string grpc_listen;                              // MINYI_GRPC_ADDR
  std::string metrics_listen;                           // MINYI_METRICS_ADDR
  std::string postgres_dsn;                             // MINYI_PG_DSN
  std::string redis_addr;                               // MINYI_REDIS_ADDR, host:port
  std::string jwt_audience;                             // MINYI_JWT_AUDIENCE
  std::vector<EcPublicKey> token_keys;                  // MINYI_TOKEN_VERIFY_KEYS: PEM bundle, current + previous
  EcPrivateKey service_key;                             // MINYI_SERVICE_KEY: this service's own private key
  std::map<std::string, EcPublicKey> service_keys;      // MINYI_SERVICE_VERIFY_KEYS: <service>.pem files
  int pg_pool_size = 8;                                 // MINYI_PG_POOL_SIZE
  int worker_threads = 8;                               // MINYI_WORKER_THREADS, default the pool size
  absl::Duration statement_timeout = absl::Seconds(5);  // MINYI_PG_STATEMENT_TIMEOUT_MS
  absl::Duration shutdown_grace = absl::Seconds(10);    // MINYI_SHUTDOWN_GRACE_SECONDS
  // MINYI_CLOCK_START (tests and rehearsals): the domain clock reads this instant at start; unset, the
  // system time (common/clock.h).
  Clock clock;
};

// Loads the configuration of service `service`, whose gRPC port defaults to `default_grpc_port` and
// whose metrics port defaults to `default_grpc_port + 2000`.
absl::StatusOr<ServiceConfig> LoadServiceConfig(std::string service, int default_grpc_port);

// The name of the running service ("gateway", "deputies", ...), used in logs and error domains.
const std::string& ServiceName();
void SetServiceName(std::string name);

}  // namespace minyi

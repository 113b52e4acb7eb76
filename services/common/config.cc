#include "config.h"

#include <cstdlib>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace minyi {
namespace {

const char* Lookup(absl::string_view name) { return std::getenv(std::string(name).c_str()); }

std::string& MutableServiceName() {
  static std::string name = "minyi";
  return name;
}

}  // namespace

std::string EnvReader::Required(absl::string_view name) {
  const char* v = Lookup(name);
  if (v == nullptr || *v == '\0') {
    problems_.push_back(absl::StrCat(name, " is required but not set"));
    return "";
  }
  return v;
}

std::string EnvReader::Optional(absl::string_view name, absl::string_view fallback) {
  const char* v = Lookup(name);
  return (v == nullptr || *v == '\0') ? std::string(fallback) : std::string(v);
}

int EnvReader::Int(absl::string_view name, int fallback, int min, int max) {
  const char* v = Lookup(name);
  if (v == nullptr || *v == '\0') {
    return fallback;
  }
  int out = 0;
  if (!absl::SimpleAtoi(v, &out) || out < min || out > max) {
    problems_.push_back(absl::StrCat(name, " must be a whole number from ", min, " to ", max));
    return fallback;
  }
  return out;
}

absl::Status EnvReader::Finish() const {
  if (problems_.empty()) {
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(absl::StrCat("configuration: ", absl::StrJoin(problems_, "; ")));
}

absl::StatusOr<ServiceConfig> LoadServiceConfig(std::string service, int default_grpc_port) {
  EnvReader env;
  ServiceConfig c;
  c.service = std::move(service);
  c.grpc_listen = env.Optional("MINYI_GRPC_ADDR", absl::StrCat("127.0.0.1:", default_grpc_port));
  c.metrics_listen = env.Optional("MINYI_METRICS_ADDR", absl::StrCat("127.0.0.1:", default_grpc_port + 2000));
  c.postgres_dsn = env.Required("MINYI_PG_DSN");
  c.redis_addr = env.Required("MINYI_REDIS_ADDR");
  c.jwt_secret = env.Required("MINYI_JWT_SECRET");
  c.jwt_audience = env.Optional("MINYI_JWT_AUDIENCE", "minyi");
  c.pg_pool_size = env.Int("MINYI_PG_POOL_SIZE", 8, 1, 256);
  // Nearly every handler needs a connection: more workers than connections would only queue in the pool.
  c.worker_threads = env.Int("MINYI_WORKER_THREADS", c.pg_pool_size, 1, 1024);
  c.statement_timeout = absl::Milliseconds(env.Int("MINYI_PG_STATEMENT_TIMEOUT_MS", 5000, 100, 600000));
  c.shutdown_grace = absl::Seconds(env.Int("MINYI_SHUTDOWN_GRACE_SECONDS", 10, 0, 300));
  absl::Status st = env.Finish();
  if (st.ok() && c.jwt_secret.size() < 32) {
    st = absl::FailedPreconditionError("configuration: MINYI_JWT_SECRET must be at least 32 bytes");
  }
  if (!st.ok()) {
    return st;
  }
  return c;
}

const std::string& ServiceName() { return MutableServiceName(); }
void SetServiceName(std::string name) { MutableServiceName() = std::move(name); }

}  // namespace minyi

#include "config.h"

#include <cstdlib>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/secrets.h"

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

std::string EnvReader::Secret(absl::string_view name, std::size_t min_chars) {
  std::string value = Required(name);
  if (!value.empty()) {
    if (absl::Status st = CheckSecret(name, value, min_chars); !st.ok()) {
      problems_.emplace_back(absl::StripPrefix(st.message(), "configuration: "));
    }
  }
  return value;
}

std::string EnvReader::OptionalSecret(absl::string_view name, std::size_t min_chars) {
  std::string value = Optional(name, "");
  if (!value.empty()) {
    if (absl::Status st = CheckSecret(name, value, min_chars); !st.ok()) {
      problems_.emplace_back(absl::StripPrefix(st.message(), "configuration: "));
    }
  }
  return value;
}

namespace {

// The value of a key loader, or a default one with the problem recorded.
template <typename T>
T Collect(absl::StatusOr<T> loaded, std::vector<std::string>& problems) {
  if (!loaded.ok()) {
    problems.emplace_back(absl::StripPrefix(loaded.status().message(), "configuration: "));
    return T();
  }
  return *std::move(loaded);
}

}  // namespace

EcPrivateKey EnvReader::PrivateKey(absl::string_view name) {
  const std::string path = Required(name);
  return path.empty() ? EcPrivateKey() : Collect(LoadPrivateKey(name, path), problems_);
}

std::vector<EcPublicKey> EnvReader::PublicKeys(absl::string_view name) {
  const std::string path = Required(name);
  return path.empty() ? std::vector<EcPublicKey>() : Collect(LoadPublicKeys(name, path), problems_);
}

std::map<std::string, EcPublicKey> EnvReader::PublicKeyDirectory(absl::string_view name) {
  const std::string path = Required(name);
  return path.empty() ? std::map<std::string, EcPublicKey>() : Collect(LoadPublicKeyDirectory(name, path), problems_);
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
  // A connection string may carry no password (peer, certificate or trust authentication); one it does
  // carry must be a real secret.
  if (const std::string password = DsnPassword(c.postgres_dsn); !password.empty()) {
    if (absl::Status st = CheckSecret("MINYI_PG_DSN's password", password); !st.ok()) {
      env.Problem(std::string(absl::StripPrefix(st.message(), "configuration: ")));
    }
  }
  c.redis_addr = env.Required("MINYI_REDIS_ADDR");
  c.jwt_audience = env.Optional("MINYI_JWT_AUDIENCE", "minyi");
  c.token_keys = env.PublicKeys("MINYI_TOKEN_VERIFY_KEYS");
  c.service_key = env.PrivateKey("MINYI_SERVICE_KEY");
  c.service_keys = env.PublicKeyDirectory("MINYI_SERVICE_VERIFY_KEYS");
  // Callees check this service's credentials against its public key there: a mismatch would fail every
  // call to another service, so it stops the process now instead.
  if (auto own = c.service_keys.find(c.service);
      own != c.service_keys.end() && !c.service_key.pem.empty() && own->second.kid != c.service_key.public_key.kid) {
    env.Problem(absl::StrCat("MINYI_SERVICE_KEY does not match ", c.service, ".pem in MINYI_SERVICE_VERIFY_KEYS"));
  }
  c.pg_pool_size = env.Int("MINYI_PG_POOL_SIZE", 8, 1, 256);
  // Nearly every handler needs a connection: more workers than connections would only queue in the pool.
  c.worker_threads = env.Int("MINYI_WORKER_THREADS", c.pg_pool_size, 1, 1024);
  c.statement_timeout = absl::Milliseconds(env.Int("MINYI_PG_STATEMENT_TIMEOUT_MS", 5000, 100, 600000));
  c.shutdown_grace = absl::Seconds(env.Int("MINYI_SHUTDOWN_GRACE_SECONDS", 10, 0, 300));
  if (const std::string start = env.Optional("MINYI_CLOCK_START", ""); !start.empty()) {
    absl::Time t;
    if (ParseInstant(start, &t)) {
      c.clock = Clock(t, absl::Now());
    } else {
      env.Problem("MINYI_CLOCK_START must be an RFC 3339 time with its offset, e.g. 2028-02-29T23:59:00+08:00");
    }
  }
  if (absl::Status st = env.Finish(); !st.ok()) {
    return st;
  }
  return c;
}

const std::string& ServiceName() { return MutableServiceName(); }
void SetServiceName(std::string name) { MutableServiceName() = std::move(name); }

}  // namespace minyi

#include "gateway_config.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/config.h"

namespace minyi::gateway {
namespace {

bool IsBackendName(absl::string_view name) {
  if (name.empty()) {
    return false;
  }
  for (char c : name) {
    if (!absl::ascii_islower(static_cast<unsigned char>(c)) && !absl::ascii_isdigit(static_cast<unsigned char>(c)) &&
        c != '_') {
      return false;
    }
  }
  return true;
}

// A timeout in milliseconds, from 1 ms to 10 minutes.
absl::Duration Millis(EnvReader& env, absl::string_view name, absl::Duration fallback) {
  return absl::Milliseconds(env.Int(name, static_cast<int>(absl::ToInt64Milliseconds(fallback)), 1, 10 * 60 * 1000));
}

}  // namespace

absl::StatusOr<std::vector<BackendSpec>> ParseBackends(absl::string_view list) {
  std::vector<BackendSpec> out;
  for (absl::string_view entry : absl::StrSplit(list, ',', absl::SkipWhitespace())) {
    entry = absl::StripAsciiWhitespace(entry);
    std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(entry, absl::MaxSplits('=', 1));
    if (!IsBackendName(kv.first) || kv.second.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("MINYI_BACKENDS entry \"", entry, "\" is not name=host:port (name in [a-z0-9_])"));
    }
    for (const BackendSpec& seen : out) {
      if (seen.name == kv.first) {
        return absl::InvalidArgumentError(absl::StrCat("MINYI_BACKENDS names backend ", kv.first, " twice"));
      }
    }
    out.push_back({std::string(kv.first), std::string(kv.second)});
  }
  if (out.empty()) {
    return absl::InvalidArgumentError("MINYI_BACKENDS names no backend");
  }
  return out;
}

absl::StatusOr<GatewayConfig> LoadGatewayConfig() {
  EnvReader env;
  GatewayConfig config;
  config.http_addr = env.Optional("MINYI_HTTP_ADDR", config.http_addr);
  const std::string backends = env.Required("MINYI_BACKENDS");
  config.token_keys = env.PublicKeys("MINYI_TOKEN_VERIFY_KEYS");
  config.redis_addr = env.Required("MINYI_REDIS_ADDR");
  config.jwt_audience = env.Optional("MINYI_JWT_AUDIENCE", config.jwt_audience);
  config.threads = env.Int("MINYI_GATEWAY_THREADS", config.threads, 1, 256);
  config.max_body_bytes = env.Int("MINYI_MAX_BODY_BYTES", static_cast<int>(config.max_body_bytes), 1, 1 << 30);
  config.request_timeout = absl::Milliseconds(env.Int("MINYI_REQUEST_TIMEOUT_MS", 10000, 1, 10 * 60 * 1000));
  config.shutdown_grace = absl::Seconds(env.Int("MINYI_SHUTDOWN_GRACE_SECONDS", 10, 0, 300));
  config.max_connections = env.Int("MINYI_MAX_CONNECTIONS", config.max_connections, 1, 1 << 20);
  config.max_connections_per_address =
      env.Int("MINYI_MAX_CONNECTIONS_PER_ADDRESS", config.max_connections_per_address, 0, 1 << 20);
  config.refusal_slots = env.Int("MINYI_REFUSAL_SLOTS", config.refusal_slots, 0, 1 << 16);
  config.header_timeout = Millis(env, "MINYI_HEADER_TIMEOUT_MS", config.header_timeout);
  config.body_timeout = Millis(env, "MINYI_BODY_TIMEOUT_MS", config.body_timeout);
  config.keepalive_timeout = Millis(env, "MINYI_KEEPALIVE_TIMEOUT_MS", config.keepalive_timeout);
  config.write_timeout = Millis(env, "MINYI_WRITE_TIMEOUT_MS", config.write_timeout);
  config.public_per_second = env.Int("MINYI_PUBLIC_RATE_PER_SECOND", config.public_per_second, 1, 1 << 20);
  config.public_burst = env.Int("MINYI_PUBLIC_BURST", config.public_burst, 1, 1 << 20);
  config.public_max_age = absl::Seconds(env.Int("MINYI_PUBLIC_MAX_AGE_SECONDS", 60, 0, 24 * 3600));
  std::vector<std::string> problems;
  if (absl::Status s = env.Finish(); !s.ok()) {
    problems.emplace_back(s.message());
  }
  if (config.http_addr.rfind(':') == std::string::npos) {
    problems.push_back("MINYI_HTTP_ADDR must be host:port");
  }
  if (absl::StatusOr<TrustedProxies> proxies = TrustedProxies::Parse(env.Optional("MINYI_TRUSTED_PROXIES", ""));
      proxies.ok()) {
    config.trusted_proxies = *std::move(proxies);
  } else {
    problems.emplace_back(proxies.status().message());
  }
  if (!backends.empty()) {
    absl::StatusOr<std::vector<BackendSpec>> parsed = ParseBackends(backends);
    if (parsed.ok()) {
      config.backends = *std::move(parsed);
    } else {
      problems.emplace_back(parsed.status().message());
    }
  }
  if (!problems.empty()) {
    return absl::FailedPreconditionError(absl::StrJoin(problems, "; "));
  }
  return config;
}

}  // namespace minyi::gateway

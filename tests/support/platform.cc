#include "support/platform.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"

namespace minyi::testing {
namespace {

struct Backend {
  std::string name;
  std::string binary;
};

const std::vector<Backend>& Backends() {
  static const std::vector<Backend> kBackends = {
      {"identity", "services/identity/minyi-identity"},
      {"deputies", "services/deputies/minyi-deputies"},
  };
  return kBackends;
}

}  // namespace

nlohmann::json Json(const HttpResponse& r) {
  return nlohmann::json::parse(r.body, nullptr, /*allow_exceptions=*/false);
}

std::string Unique(absl::string_view prefix) {
  static std::atomic<int> counter{0};
  return absl::StrCat(prefix, ++counter, "-", getpid());
}

Platform::Platform()
    : dsn_(PostgresServer::Shared().CreateDatabase()), redis_addr_(RedisServer::Shared().addr()) {
  const std::string logs = TempDir("minyi-e2e-logs");
  const std::map<std::string, std::string> common_env = {
      {"MINYI_PG_DSN", dsn_},
      {"MINYI_REDIS_ADDR", redis_addr_},
      {"MINYI_JWT_SECRET", std::string(kJwtSecret)},
      {"MINYI_BOOTSTRAP_ADMIN_PASSWORD", std::string(kAdminPassword)},
      {"MINYI_SHUTDOWN_GRACE_SECONDS", "5"},
      {"MINYI_LOG_LEVEL", "warn"},
  };
  std::vector<std::string> backends;
  std::vector<int> ports;
  for (const Backend& b : Backends()) {
    const int port = FreePort();
    auto env = common_env;
    env["MINYI_GRPC_ADDR"] = absl::StrCat("127.0.0.1:", port);
    metrics_ports_[b.name] = FreePort();
    env["MINYI_METRICS_ADDR"] = absl::StrCat("127.0.0.1:", metrics_ports_[b.name]);
    processes_[b.name] = std::make_unique<ChildProcess>(BuildPath(b.binary), std::vector<std::string>{}, env,
                                                        absl::StrCat(logs, "/", b.name, ".log"));
    backends.push_back(absl::StrCat(b.name, "=127.0.0.1:", port));
    ports.push_back(port);
  }
  for (size_t i = 0; i < ports.size(); ++i) {
    if (!WaitForPort(ports[i], absl::Seconds(60))) {
      ADD_FAILURE() << Backends()[i].name << " did not start:\n" << processes_[Backends()[i].name]->Log();
    }
  }
  http_port_ = FreePort();
  auto env = common_env;
  env["MINYI_HTTP_ADDR"] = absl::StrCat("127.0.0.1:", http_port_);
  env["MINYI_BACKENDS"] = absl::StrJoin(backends, ",");
  processes_["gateway"] = std::make_unique<ChildProcess>(BuildPath("gateway/minyi-gateway"),
                                                         std::vector<std::string>{}, env,
                                                         absl::StrCat(logs, "/gateway.log"));
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (absl::Now() < deadline) {
    if (WaitForPort(http_port_, absl::Milliseconds(200)) && HttpRequest(http_port_, "GET", "/readyz").status == 200) {
      return;
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
  ADD_FAILURE() << "gateway not ready:\n" << processes_["gateway"]->Log();
}

Platform::~Platform() = default;

HttpResponse Platform::Call(absl::string_view method, absl::string_view target, const nlohmann::json& body,
                            absl::string_view token, std::map<std::string, std::string> headers) {
  if (!token.empty()) {
    headers["Authorization"] = absl::StrCat("Bearer ", token);
  }
  std::string payload;
  if (!body.is_null()) {
    payload = body.dump();
    headers.emplace("Content-Type", "application/json");
  }
  return HttpRequest(http_port_, std::string_view(method.data(), method.size()),
                     std::string_view(target.data(), target.size()), payload, headers);
}

std::string Platform::Token(absl::string_view username, absl::string_view password) {
  HttpResponse r = Call("POST", "/v1/auth/token", {{"username", username}, {"password", password}});
  EXPECT_EQ(r.status, 200) << r.body;
  nlohmann::json j = Json(r);
  return j.is_object() ? j.value("accessToken", "") : "";
}

std::string Platform::CreateAccountAndToken(const nlohmann::json& account) {
  const std::string password = "password-for-e2e-tests";
  HttpResponse r = Call("POST", "/v1/accounts", {{"account", account}, {"password", password}}, AdminToken());
  EXPECT_EQ(r.status, 200) << r.body;
  return Token(account.at("username").get<std::string>(), password);
}

}  // namespace minyi::testing

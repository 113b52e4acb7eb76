#include "support/platform.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/outbox.h"
#include "common/redis.h"
#include "pqxx/pqxx"

namespace minyi::testing {

nlohmann::json Json(const HttpResponse& r) {
  return nlohmann::json::parse(r.body, nullptr, /*allow_exceptions=*/false);
}

nlohmann::json ErrorDetail(const HttpResponse& r, absl::string_view type) {
  const std::string type_url = absl::StrCat("type.googleapis.com/", type);
  const nlohmann::json j = Json(r);
  if (j.is_object() && j.contains("details")) {
    for (const nlohmann::json& d : j["details"]) {
      if (d.value("@type", "") == type_url) {
        return d;
      }
    }
  }
  return nlohmann::json::object();
}

std::string ErrorReason(const HttpResponse& r) { return ErrorDetail(r, "google.rpc.ErrorInfo").value("reason", ""); }

std::string BadField(const HttpResponse& r) {
  const nlohmann::json violations =
      ErrorDetail(r, "google.rpc.BadRequest").value("fieldViolations", nlohmann::json::array());
  return violations.empty() ? "" : violations[0].value("field", "");
}

bool GroupCaughtUp(const std::string& redis_addr, absl::string_view group) {
  RedisClient redis(redis_addr);
  const std::string stream(kEventStream);
  absl::StatusOr<RedisReply> info = redis.Command({"XINFO", "STREAM", stream});
  absl::StatusOr<RedisReply> groups = redis.Command({"XINFO", "GROUPS", stream});
  if (!info.ok() || !groups.ok()) {
    return false;
  }
  // Both replies are flat field, value lists (a list of them for the groups).
  const RedisReply* last = ReplyField(*info, "last-generated-id");
  for (const RedisReply& g : groups->elements) {
    const RedisReply* name = ReplyField(g, "name");
    if (name != nullptr && name->str == group) {
      const RedisReply* pending = ReplyField(g, "pending");
      const RedisReply* delivered = ReplyField(g, "last-delivered-id");
      return last != nullptr && pending != nullptr && delivered != nullptr && pending->integer == 0 &&
             delivered->str == last->str;
    }
  }
  return false;
}

namespace {

constexpr const char* kServices[] = {"identity", "deputies", "suggestions", "voting", "evaluation", "notifications"};

void WriteFile(const std::string& path, const std::string& content, mode_t mode) {
  std::ofstream(path) << content;
  chmod(path.c_str(), mode);
}

}  // namespace

const TestKeys& TestKeys::Shared() {
  static const TestKeys* keys = new TestKeys();
  return *keys;
}

TestKeys::TestKeys() : dir_(TempDir("minyi-keys")) {
  const EcKeyPairPem token = GenerateEcKeyPair();
  WriteFile(dir_ + "/token-signing.pem", token.private_pem, 0600);
  WriteFile(dir_ + "/token-verify.pem", token.public_pem, 0644);
  mkdir((dir_ + "/service-public").c_str(), 0755);
  for (const char* name : kServices) {
    const EcKeyPairPem pair = GenerateEcKeyPair();
    WriteFile(absl::StrCat(dir_, "/", name, ".key.pem"), pair.private_pem, 0600);
    WriteFile(absl::StrCat(dir_, "/service-public/", name, ".pem"), pair.public_pem, 0644);
  }
  absl::StatusOr<EcPrivateKey> signing = LoadPrivateKey("token signing key", dir_ + "/token-signing.pem");
  EXPECT_TRUE(signing.ok()) << signing.status();
  issuer_ = std::make_unique<TokenIssuer>(*signing, "minyi");
}

std::map<std::string, std::string> TestKeys::GatewayEnv() const {
  return {{"MINYI_TOKEN_VERIFY_KEYS", dir_ + "/token-verify.pem"}};
}

std::map<std::string, std::string> TestKeys::ServiceEnv(absl::string_view name) const {
  std::map<std::string, std::string> env = GatewayEnv();
  env["MINYI_SERVICE_KEY"] = absl::StrCat(dir_, "/", name, ".key.pem");
  env["MINYI_SERVICE_VERIFY_KEYS"] = dir_ + "/service-public";
  if (name == "identity") {
    env["MINYI_TOKEN_SIGNING_KEY"] = dir_ + "/token-signing.pem";
  }
  return env;
}

EcPrivateKey TestKeys::ServiceKey(absl::string_view name) const {
  absl::StatusOr<EcPrivateKey> key = LoadPrivateKey("service key", absl::StrCat(dir_, "/", name, ".key.pem"));
  EXPECT_TRUE(key.ok()) << key.status();
  return key.ok() ? *key : EcPrivateKey();
}

std::string ServiceRoleDsn(absl::string_view name, const std::string& dsn) {
  const std::string role = absl::StrCat("minyi_", name);
  pqxx::connection conn(dsn);
  pqxx::nontransaction tx(conn);
  tx.exec(absl::StrCat("DO $$ BEGIN CREATE ROLE ", conn.quote_name(role),
                       " LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$"));
  tx.exec(absl::StrCat("CREATE SCHEMA IF NOT EXISTS ", conn.quote_name(std::string(name)), " AUTHORIZATION ",
                       conn.quote_name(role)));
  // postgresql://postgres@host:port/db: the user is what stands between the scheme and the '@'.
  constexpr absl::string_view kScheme = "postgresql://";
  const size_t at = dsn.find('@');
  if (!absl::StartsWith(dsn, kScheme) || at == std::string::npos) {
    ADD_FAILURE() << "not a harness DSN: " << dsn;
    return dsn;
  }
  return absl::StrCat(kScheme, role, dsn.substr(at));
}

std::unique_ptr<ChildProcess> StartService(absl::string_view name, const std::string& dsn, int* grpc_port,
                                           const std::map<std::string, std::string>& extra_env, int* metrics_port) {
  const auto restart = extra_env.find("MINYI_GRPC_ADDR");  // the address it had, to start it again there
  *grpc_port =
      restart == extra_env.end() ? FreePort() : std::stoi(restart->second.substr(restart->second.rfind(':') + 1));
  const int metrics = FreePort();
  if (metrics_port != nullptr) {
    *metrics_port = metrics;
  }
  std::map<std::string, std::string> env = TestKeys::Shared().ServiceEnv(name);
  env.merge(ClockEnv());  // a test may start a service at a clock of its own, in extra_env
  for (const auto& [k, v] : extra_env) {
    env[k] = v;
  }
  env["MINYI_PG_DSN"] = ServiceRoleDsn(name, dsn);
  if (env.find("MINYI_REDIS_ADDR") == env.end()) {  // a test may bring its own Redis
    env["MINYI_REDIS_ADDR"] = RedisServer::Shared().addr();
  }
  env["MINYI_GRPC_ADDR"] = absl::StrCat("127.0.0.1:", *grpc_port);
  env["MINYI_METRICS_ADDR"] = absl::StrCat("127.0.0.1:", metrics);
  auto process = std::make_unique<ChildProcess>(BuildPath(absl::StrCat("services/", name, "/minyi-", name)),
                                                std::vector<std::string>{}, env,
                                                absl::StrCat(TempDir(absl::StrCat("minyi-", name)), "/", name, ".log"));
  if (!WaitForPort(*grpc_port, absl::Seconds(60))) {
    ADD_FAILURE() << name << " did not start:\n" << process->Log();
  }
  return process;
}

std::unique_ptr<grpc::ClientContext> CallContext(const std::string& token, const std::string& idempotency_key) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  if (!token.empty()) {
    ctx->AddMetadata("authorization", "Bearer " + token);
  }
  if (!idempotency_key.empty()) {
    ctx->AddMetadata("idempotency-key", idempotency_key);
  }
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return ctx;
}

std::unique_ptr<grpc::ClientContext> ServiceContext(absl::string_view service, absl::string_view callee) {
  auto ctx = CallContext("");
  absl::StatusOr<std::string> credential =
      SignServiceCredential(TestKeys::Shared().ServiceKey(service), service, callee, absl::Now(), absl::Minutes(5));
  EXPECT_TRUE(credential.ok()) << credential.status();
  ctx->AddMetadata(kServiceCredentialMetadata, credential.ok() ? *credential : "");
  return ctx;
}

std::string MintToken(minyi::common::v1::Role role, const std::string& deputy, const std::string& department) {
  static std::atomic<int> next{0};
  return AccountToken(absl::StrCat("acct-", ++next), role, deputy, department);
}

std::string AccountToken(const std::string& account_id, minyi::common::v1::Role role, const std::string& deputy,
                         const std::string& department) {
  Caller caller;
  caller.set_account_id(account_id);
  caller.set_role(role);
  caller.set_deputy(deputy);
  caller.set_department(department);
  return *TestKeys::Shared().issuer().Issue(caller, absl::Now());
}

Platform& Platform::Shared() {
  // Leaked on purpose: its child processes die with the test process (PR_SET_PDEATHSIG).
  static Platform* platform = new Platform();
  return *platform;
}

std::string Unique(absl::string_view prefix) {
  static std::atomic<int> counter{0};
  return absl::StrCat(prefix, ++counter, "-", getpid());
}

Platform::Platform()
    : dsn_(PostgresServer::Shared().CreateDatabase()),
      redis_(std::make_unique<RedisServer>()),
      redis_addr_(redis_->addr()),
      sms_sink_(absl::StrCat(TempDir("minyi-sms"), "/sms.jsonl")) {
  const std::map<std::string, std::string> extra_env = {
      {"MINYI_NOTIFY_SMS_URL", absl::StrCat("file://", sms_sink_)},
      {"MINYI_REDIS_ADDR", redis_addr_},
      {"MINYI_BOOTSTRAP_ADMIN_PASSWORD", std::string(kBootstrapPassword)},
      {"MINYI_SHUTDOWN_GRACE_SECONDS", "5"},
      {"MINYI_LOG_LEVEL", "warn"},
      {"MINYI_VOTING_BALLOT_KEY", "6d696e79692d6532652d62616c6c6f742d6b65792d3031323334353637383961"},
  };
  std::vector<std::string> backends;
  std::map<std::string, std::string> service_env = extra_env;
  for (const char* name : {"identity", "deputies", "suggestions", "voting", "evaluation", "notifications"}) {
    int port = 0;
    processes_[name] = StartService(name, dsn_, &port, service_env, &metrics_ports_[name]);
    grpc_ports_[name] = port;
    envs_[name] = service_env;
    envs_[name]["MINYI_GRPC_ADDR"] = absl::StrCat("127.0.0.1:", port);
    backends.push_back(absl::StrCat(name, "=127.0.0.1:", port));
    // Services that call others find them the way a deployment tells them: MINYI_<NAME>_ADDR.
    service_env[absl::StrCat("MINYI_", absl::AsciiStrToUpper(name), "_ADDR")] = absl::StrCat("127.0.0.1:", port);
  }
  http_port_ = FreePort();
  std::map<std::string, std::string> env = extra_env;
  env.merge(TestKeys::Shared().GatewayEnv());
  env["MINYI_HTTP_ADDR"] = absl::StrCat("127.0.0.1:", http_port_);
  env["MINYI_BACKENDS"] = absl::StrJoin(backends, ",");
  envs_["gateway"] = env;
  StartGateway();
}

void Platform::StartGateway() {
  processes_["gateway"] =
      std::make_unique<ChildProcess>(BuildPath("gateway/minyi-gateway"), std::vector<std::string>{},
                                     envs_.at("gateway"), absl::StrCat(TempDir("minyi-e2e"), "/gateway.log"));
  const ::testing::AssertionResult ready = Eventually(
      [&] {
        try {
          return HttpRequest(http_port_, "GET", "/readyz").status == 200;
        } catch (const std::exception&) {  // not listening yet
          return false;
        }
      },
      absl::Seconds(60));
  if (!ready) {
    ADD_FAILURE() << "gateway not ready (" << ready.message() << "):\n" << processes_["gateway"]->Log();
  }
}

void Platform::Restart(const std::string& name) {
  processes_.at(name).reset();  // SIGTERM, then SIGKILL after 5 s, unless it already exited
  if (name == "gateway") {
    StartGateway();
    return;
  }
  int port = 0;
  processes_[name] = StartService(name, dsn_, &port, envs_.at(name), &metrics_ports_[name]);
}

Platform::~Platform() = default;

HttpResponse JsonCall(int port, absl::string_view method, absl::string_view target, const nlohmann::json& body,
                      absl::string_view token, std::map<std::string, std::string> headers,
                      const std::string& source_address) {
  if (!token.empty()) {
    headers["Authorization"] = absl::StrCat("Bearer ", token);
  }
  std::string payload;
  if (!body.is_null()) {
    payload = body.dump();
    headers.emplace("Content-Type", "application/json");
  }
  return HttpConnection(port, source_address)
      .Request(std::string_view(method.data(), method.size()), std::string_view(target.data(), target.size()), payload,
               headers);
}

HttpResponse Platform::Call(absl::string_view method, absl::string_view target, const nlohmann::json& body,
                            absl::string_view token, std::map<std::string, std::string> headers) {
  return JsonCall(http_port_, method, target, body, token, std::move(headers));
}

std::string Platform::Token(absl::string_view username, absl::string_view password) {
  HttpResponse r = Call("POST", "/v1/auth/token", {{"username", username}, {"password", password}});
  EXPECT_EQ(r.status, 200) << r.body;
  nlohmann::json j = Json(r);
  return j.is_object() ? j.value("accessToken", "") : "";
}

std::string Platform::AdminToken() {
  if (!admin_password_changed_) {
    const std::string first = Token("admin", kBootstrapPassword);
    HttpResponse r = Call("POST", "/v1/accounts/me:changePassword",
                          {{"currentPassword", kBootstrapPassword}, {"newPassword", kAdminPassword}}, first);
    EXPECT_EQ(r.status, 200) << r.body;
    admin_password_changed_ = true;
    return Json(r).value("accessToken", "");
  }
  return Token("admin", kAdminPassword);
}

std::string Platform::CreateAccountAndToken(const nlohmann::json& account) {
  const std::string password = "password-for-e2e-tests";
  HttpResponse r = Call("POST", "/v1/accounts", {{"account", account}, {"password", password}}, AdminToken());
  EXPECT_EQ(r.status, 200) << r.body;
  return Token(account.at("username").get<std::string>(), password);
}

const std::string& Platform::Admin() {
  if (admin_token_.empty()) {
    admin_token_ = AdminToken();
  }
  return admin_token_;
}

std::string Platform::NewAccount(absl::string_view role, const std::string& deputy, const std::string& department) {
  nlohmann::json account = {{"username", Unique("u")}, {"displayName", "测试用户"}, {"role", role}};
  if (!deputy.empty()) {
    account["deputy"] = deputy;
  }
  if (!department.empty()) {
    account["department"] = department;
  }
  return CreateAccountAndToken(account);
}

std::string Platform::NewDeputy(const std::string& station, absl::string_view display_name) {
  HttpResponse r = Call("POST", "/v1/deputies",
                        {{"displayName", display_name},
                         {"gender", "GENDER_FEMALE"},
                         {"level", "LEVEL_COUNTY"},
                         {"term", 2},
                         {"status", "DEPUTY_STATUS_SERVING"},
                         {"stations", {station}}},
                        Admin());
  EXPECT_EQ(r.status, 200) << r.body;
  return Json(r).value("name", "");
}

std::string Platform::NewStation(absl::string_view region) {
  HttpResponse r =
      Call("POST", "/v1/stations",
           {{"displayName", Unique("站")}, {"kind", "STATION_KIND_VILLAGE"}, {"regionPath", {region}}}, Admin());
  EXPECT_EQ(r.status, 200) << r.body;
  return Json(r).value("name", "");
}

Platform::DeputyAccounts Platform::NewDeputies(absl::string_view region,
                                               std::initializer_list<absl::string_view> display_names) {
  const std::string station = NewStation(region);
  DeputyAccounts out;
  for (absl::string_view display_name : display_names) {
    out.deputies.push_back(NewDeputy(station, display_name));
    out.tokens.push_back(NewAccount("ROLE_DEPUTY", out.deputies.back()));
  }
  return out;
}

std::string Platform::NewCandidate(absl::string_view title) {
  HttpResponse r = Call("POST", "/v1/projects",
                        {{"title", title}, {"department", "jtj"}, {"source", "NOMINATION_SOURCE_TOWN"}}, Admin());
  EXPECT_EQ(r.status, 200) << r.body;
  const std::string name = Json(r).value("name", "");
  r = Call("POST", absl::StrCat("/v1/", name, ":screen"), {{"admit", true}}, Admin());
  EXPECT_EQ(r.status, 200) << r.body;
  return name;
}

std::string Platform::OpenVote(absl::string_view title, const std::vector<std::string>& candidates,
                               const std::vector<std::string>& electorate) {
  HttpResponse r = Call("POST", "/v1/votes",
                        {{"title", title},
                         {"form", "BALLOT_FORM_APPROVAL"},
                         {"slots", 1},
                         {"candidates", candidates},
                         {"electorate", electorate}},
                        Admin());
  EXPECT_EQ(r.status, 200) << r.body;
  const std::string name = Json(r).value("name", "");
  r = Call("POST", absl::StrCat("/v1/", name, ":open"), nlohmann::json::object(), Admin());
  EXPECT_EQ(r.status, 200) << r.body;
  return name;
}

std::string Platform::NewProjectSupervisionGroup(absl::string_view project_title,
                                                 const std::vector<std::string>& members) {
  HttpResponse r =
      Call("POST", "/v1/supervisionGroups",
           {{"target",
             {{"kind", "SUPERVISION_TARGET_KIND_LIVELIHOOD_PROJECT"}, {"name", project_title}, {"keywords", {"交通"}}}},
            {"members", members}},
           Admin());
  EXPECT_EQ(r.status, 200) << r.body;
  return Json(r).value("name", "");
}

}  // namespace minyi::testing

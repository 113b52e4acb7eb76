#pragma once

// The whole platform for end-to-end tests: a fresh database on the shared PostgreSQL, a Redis of its own,
// every service binary and the gateway as real child processes on free ports.

#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "common/auth.h"
#include "grpcpp/client_context.h"
#include "nlohmann/json.hpp"
#include "support/harness.h"

namespace minyi::testing {

// The key material of the test processes, made once per test process in a temporary folder as
// deploy/keys makes it for a deployment: identity's token signing key and the bundle that verifies it, and
// a key pair for each service with the folder of their public keys.
class TestKeys final {
 public:
  static const TestKeys& Shared();

  // The key variables of service `name` (identity also gets the token signing key).
  std::map<std::string, std::string> ServiceEnv(absl::string_view name) const;
  // The key variables of the gateway.
  std::map<std::string, std::string> GatewayEnv() const;
  // Signs as the identity service does, so a test can act as any account.
  const TokenIssuer& issuer() const { return *issuer_; }
  // Service `name`'s own private key, to call another service as it.
  EcPrivateKey ServiceKey(absl::string_view name) const;
  const std::string& dir() const { return dir_; }

 private:
  TestKeys();

  std::string dir_;
  std::unique_ptr<TokenIssuer> issuer_;
};

// `dsn` (a database of the shared PostgreSQL, as its superuser) as service `name`'s own role minyi_<name>
// would connect to it: the role is created once per server (roles belong to the cluster) and given
// schema `name` in that database, as deploy/postgres/service-role.sql does in a deployment. No password:
// the test server trusts loopback connections; what each role may read is PostgreSQL's to enforce.
std::string ServiceRoleDsn(absl::string_view name, const std::string& dsn);

// Starts services/<name>/minyi-<name> on free loopback ports against `dsn` as its own role (ServiceRoleDsn), the shared
// Redis, the test keys and the test clock (ClockEnv), with `extra_env` on top, and waits until its gRPC port accepts (a
// test failure if it does not).
// The ports are written to *grpc_port and, if given, *metrics_port. A service started again on the port it
// had is given its MINYI_GRPC_ADDR in `extra_env`.
std::unique_ptr<ChildProcess> StartService(absl::string_view name, const std::string& dsn, int* grpc_port,
                                           const std::map<std::string, std::string>& extra_env = {},
                                           int* metrics_port = nullptr);

// A client context for a direct gRPC call: the bearer token (when given), the Idempotency-Key (when
// given) and a 30 s deadline.
std::unique_ptr<grpc::ClientContext> CallContext(const std::string& token, const std::string& idempotency_key = "");

// A client context for a direct gRPC call made as service `service` (its own key, addressed to `callee`),
// with a 30 s deadline.
std::unique_ptr<grpc::ClientContext> ServiceContext(absl::string_view service, absl::string_view callee);

// A valid access token for a fresh account id with `role` (and `deputy`, for deputy accounts, or
// `department`, for department accounts), signed with the test keys' token signing key: lets a test act
// as any role without creating accounts.
std::string MintToken(minyi::common::v1::Role role, const std::string& deputy = "", const std::string& department = "");
// As MintToken, for the given account id: calls with the same id are one caller, so an Idempotency-Key
// replays across them and ownership by account holds.
std::string AccountToken(const std::string& account_id, minyi::common::v1::Role role, const std::string& deputy = "",
                         const std::string& department = "");

// HTTP/JSON to a gateway at 127.0.0.1:`port`, on a connection of its own from `source_address` (see
// HttpConnection): `body` (unless null) as JSON and, when `token` is given, "Authorization: Bearer <token>",
// beside `headers`.
HttpResponse JsonCall(int port, absl::string_view method, absl::string_view target,
                      const nlohmann::json& body = nullptr, absl::string_view token = "",
                      std::map<std::string, std::string> headers = {}, const std::string& source_address = "");

class Platform final {
 public:
  // The bootstrap admin's password, which must be changed at the first sign-in, and the one it is changed
  // to by Admin()/AdminToken().
  static constexpr absl::string_view kBootstrapPassword = "Tq7-e2e-bootstrap-Vw3x9";
  static constexpr absl::string_view kAdminPassword = "Hk4-e2e-admin-Zr8m2p";

  // The one platform of a test process, started on first use and left running until the process exits,
  // so the tests of an end-to-end binary share its services.
  static Platform& Shared();

  Platform();
  ~Platform();

  int http_port() const { return http_port_; }
  const std::string& redis_addr() const { return redis_addr_; }
  RedisServer& redis() { return *redis_; }  // this platform's own, to stop and start
  const std::string& dsn() const { return dsn_; }
  // The file the SMS sink of this platform's services appends to (MINYI_NOTIFY_SMS_URL), one JSON line a
  // message: notifications' texts and identity's one-time codes.
  const std::string& sms_sink() const { return sms_sink_; }
  ChildProcess& process(const std::string& name) { return *processes_.at(name); }
  // The Prometheus and gRPC ports of a backend ("identity", "deputies").
  int metrics_port(const std::string& name) const { return metrics_ports_.at(name); }
  int grpc_port(const std::string& name) const { return grpc_ports_.at(name); }
  // Starts process `name` ("deputies", "gateway") again on its ports with the environment it had, after
  // stopping it with SIGTERM if it still runs (a test kills it first to model a crash); returns when it
  // accepts again.
  void Restart(const std::string& name);

  // HTTP through the gateway. `token` adds "Authorization: Bearer <token>".
  HttpResponse Call(absl::string_view method, absl::string_view target, const nlohmann::json& body = nullptr,
                    absl::string_view token = "", std::map<std::string, std::string> headers = {});
  // An access token for the account, via POST /v1/auth/token; fails the test when sign-in fails.
  std::string Token(absl::string_view username, absl::string_view password);
  // A fresh admin token; the first call changes the bootstrap password to kAdminPassword.
  std::string AdminToken();
  // The admin's token, signed in on first use and reused after.
  const std::string& Admin();
  // Creates an account as admin (fields in proto JSON) and returns a token for it.
  std::string CreateAccountAndToken(const nlohmann::json& account);
  // Creates an account with `role` under a fresh username, bound to `deputy` or `department` when given,
  // and returns a token for it.
  std::string NewAccount(absl::string_view role, const std::string& deputy = "", const std::string& department = "");
  // Creates a serving county-level deputy of the second term at `station` as admin; returns its name.
  std::string NewDeputy(const std::string& station, absl::string_view display_name);
  // Creates a village station under a fresh display name in `region` as admin; returns its name.
  std::string NewStation(absl::string_view region);
  // Deputies at a new station in `region`, one for each of `display_names`, each with an account bound to
  // it: the deputies' names and their accounts' tokens, in that order.
  struct DeputyAccounts {
    std::vector<std::string> deputies;
    std::vector<std::string> tokens;
  };
  DeputyAccounts NewDeputies(absl::string_view region, std::initializer_list<absl::string_view> display_names);
  // Creates a livelihood project nominated by a town and admits it at screening, as admin: a candidate of
  // a vote. Returns its name.
  std::string NewCandidate(absl::string_view title);
  // Creates an approval vote of `candidates` for one slot by `electorate` and opens it, as admin; returns
  // its name.
  std::string OpenVote(absl::string_view title, const std::vector<std::string>& candidates,
                       const std::vector<std::string>& electorate);
  // Creates a supervision group of `members` for the livelihood project titled `project_title` (keyword
  // 交通), as admin; returns its name.
  std::string NewProjectSupervisionGroup(absl::string_view project_title, const std::vector<std::string>& members);

 private:
  void StartGateway();  // on http_port_, with envs_["gateway"]; waits until /readyz answers 200

  std::string dsn_;
  std::string sms_sink_;
  // A Redis of its own: two platforms of one test process share no event stream, consumer group or
  // revocation (account ids of their databases overlap).
  std::unique_ptr<RedisServer> redis_;
  std::string redis_addr_;
  int http_port_ = 0;
  std::map<std::string, std::unique_ptr<ChildProcess>> processes_;
  std::map<std::string, int> metrics_ports_;
  std::map<std::string, int> grpc_ports_;
  std::map<std::string, std::map<std::string, std::string>> envs_;  // what each was started with
  std::string admin_token_;
  bool admin_password_changed_ = false;
};

// Whether consumer group `group` of the event stream at `redis_addr` has been handed every entry on the
// stream and has acknowledged each: after that, nothing already published can still reach the
// consumer, so a test may check that a duplicate was not applied without watching a clock.
bool GroupCaughtUp(const std::string& redis_addr, absl::string_view group);

nlohmann::json Json(const HttpResponse& r);
// The detail of type `type` ("google.rpc.ErrorInfo") of an error answer, or an empty object.
nlohmann::json ErrorDetail(const HttpResponse& r, absl::string_view type);
// The ErrorInfo detail's reason ("ETAG_MISMATCH"), or empty.
std::string ErrorReason(const HttpResponse& r);
// The field the BadRequest detail names first ("code"), or empty.
std::string BadField(const HttpResponse& r);
// A name no other call in this process (or a concurrent test process) gets: prefix, counter, pid.
std::string Unique(absl::string_view prefix);

}  // namespace minyi::testing

#pragma once

// The whole platform for end-to-end tests: a fresh database on the shared PostgreSQL, the shared Redis,
// every service binary and the gateway as real child processes on free ports.

#include <map>
#include <memory>
#include <string>
#include "absl/strings/string_view.h"

#include "common/auth.h"
#include "grpcpp/client_context.h"
#include "nlohmann/json.hpp"
#include "support/harness.h"

namespace minyi::testing {

// Starts services/<name>/minyi-<name> on free loopback ports against `dsn`, the shared Redis and
// `jwt_secret`, with `extra_env` on top, and waits until its gRPC port accepts (a test failure if it does
// not). The ports are written to *grpc_port and, if given, *metrics_port.
std::unique_ptr<ChildProcess> StartService(absl::string_view name, const std::string& dsn,
                                           absl::string_view jwt_secret, int* grpc_port,
                                           const std::map<std::string, std::string>& extra_env = {},
                                           int* metrics_port = nullptr);

// A client context for a direct gRPC call: the bearer token (when given), the Idempotency-Key (when
// given) and a 30 s deadline.
std::unique_ptr<grpc::ClientContext> CallContext(const std::string& token, const std::string& idempotency_key = "");

// A valid access token for a fresh account id with `role` (and `deputy`, for deputy accounts, or
// `department`, for department accounts), signed by `signer`: lets a test act as any role without
// creating accounts.
std::string MintToken(const TokenSigner& signer, minyi::common::v1::Role role, const std::string& deputy = "",
                      const std::string& department = "");
// As MintToken, for the given account id: calls with the same id are one caller, so an Idempotency-Key
// replays across them and ownership by account holds.
std::string AccountToken(const TokenSigner& signer, const std::string& account_id, minyi::common::v1::Role role,
                         const std::string& deputy = "", const std::string& department = "");

class Platform final {
 public:
  static constexpr absl::string_view kJwtSecret = "e2e-test-secret-0123456789abcdef-0123456789";
  static constexpr absl::string_view kAdminPassword = "admin-e2e-password";

  // The one platform of a test process, started on first use and left running until the process exits,
  // so the tests of an end-to-end binary share its services.
  static Platform& Shared();

  Platform();
  ~Platform();

  int http_port() const { return http_port_; }
  const std::string& redis_addr() const { return redis_addr_; }
  const std::string& dsn() const { return dsn_; }
  ChildProcess& process(const std::string& name) { return *processes_.at(name); }
  // The Prometheus port of a backend ("identity", "deputies").
  int metrics_port(const std::string& name) const { return metrics_ports_.at(name); }

  // HTTP through the gateway. `token` adds "Authorization: Bearer <token>".
  HttpResponse Call(absl::string_view method, absl::string_view target, const nlohmann::json& body = nullptr,
                    absl::string_view token = "", std::map<std::string, std::string> headers = {});
  // An access token for the account, via POST /v1/auth/token; fails the test when sign-in fails.
  std::string Token(absl::string_view username, absl::string_view password);
  std::string AdminToken() { return Token("admin", kAdminPassword); }
  // The admin's token, signed in on first use and reused after.
  const std::string& Admin();
  // Creates an account as admin (fields in proto JSON) and returns a token for it.
  std::string CreateAccountAndToken(const nlohmann::json& account);
  // Creates an account with `role` under a fresh username, bound to `deputy` or `department` when given,
  // and returns a token for it.
  std::string NewAccount(absl::string_view role, const std::string& deputy = "", const std::string& department = "");
  // Creates a serving county-level deputy of the second term at `station` as admin; returns its name.
  std::string NewDeputy(const std::string& station, absl::string_view display_name);

 private:
  std::string dsn_;
  std::string redis_addr_;
  int http_port_ = 0;
  std::map<std::string, std::unique_ptr<ChildProcess>> processes_;
  std::map<std::string, int> metrics_ports_;
  std::string admin_token_;
};

nlohmann::json Json(const HttpResponse& r);
// A name no other call in this process (or a concurrent test process) gets: prefix, counter, pid.
std::string Unique(absl::string_view prefix);

}  // namespace minyi::testing

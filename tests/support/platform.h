#pragma once

// The whole platform for end-to-end tests: a fresh database on the shared PostgreSQL, the shared Redis,
// every service binary and the gateway as real child processes on free ports.

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "nlohmann/json.hpp"
#include "support/harness.h"

namespace minyi::testing {

class Platform final {
 public:
  static constexpr std::string_view kJwtSecret = "e2e-test-secret-0123456789abcdef-0123456789";
  static constexpr std::string_view kAdminPassword = "admin-e2e-password";

  Platform();
  ~Platform();

  int http_port() const { return http_port_; }
  const std::string& redis_addr() const { return redis_addr_; }
  const std::string& dsn() const { return dsn_; }
  ChildProcess& process(const std::string& name) { return *processes_.at(name); }

  // HTTP through the gateway. `token` adds "Authorization: Bearer <token>".
  HttpResponse Call(std::string_view method, std::string_view target, const nlohmann::json& body = nullptr,
                    std::string_view token = "", std::map<std::string, std::string> headers = {});
  // An access token for the account, via POST /v1/auth/token; fails the test when sign-in fails.
  std::string Token(std::string_view username, std::string_view password);
  std::string AdminToken() { return Token("admin", kAdminPassword); }
  // Creates an account as admin (fields in proto JSON) and returns a token for it.
  std::string CreateAccountAndToken(const nlohmann::json& account);

 private:
  std::string dsn_;
  std::string redis_addr_;
  int http_port_ = 0;
  std::map<std::string, std::unique_ptr<ChildProcess>> processes_;
};

nlohmann::json Json(const HttpResponse& r);

}  // namespace minyi::testing

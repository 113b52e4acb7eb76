#pragma once

// The base of an integration suite that speaks to one service: its binary as it ships, started once per
// suite on a fresh database of the shared PostgreSQL (with the shared Redis), a gRPC stub to it, and
// tokens for any role signed with the test keys' token signing key.

#include <map>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/auth.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "support/harness.h"
#include "support/platform.h"

namespace minyi::testing {

// `Service` is the generated gRPC service class (e.g. minyi::voting::v1::Voting). A suite derives from
// ServiceFixture<Service> and calls StartSuite from its own SetUpTestSuite.
template <typename Service>
class ServiceFixture : public ::testing::Test {
 protected:
  // Starts services/<name>/minyi-<name> with `env` on top of the standard configuration.
  static void StartSuite(absl::string_view name, const std::map<std::string, std::string>& env = {}) {
    dsn_ = std::make_unique<std::string>(PostgresServer::Shared().CreateDatabase());
    process_ = StartService(name, *dsn_, &port_, env);
    stub_ =
        Service::NewStub(grpc::CreateChannel(absl::StrCat("127.0.0.1:", port_), grpc::InsecureChannelCredentials()));
  }

  static void TearDownTestSuite() {
    stub_.reset();
    process_.reset();
    dsn_.reset();
  }

  // A token for a fresh account each call (see MintToken).
  static std::string Token(minyi::common::v1::Role role, const std::string& deputy = "",
                           const std::string& department = "") {
    return MintToken(role, deputy, department);
  }
  static std::string Staff() { return Token(minyi::common::v1::ROLE_STAFF); }

  static inline std::unique_ptr<std::string> dsn_;
  static inline std::unique_ptr<ChildProcess> process_;
  static inline std::unique_ptr<typename Service::Stub> stub_;
  static inline int port_ = 0;
};

}  // namespace minyi::testing

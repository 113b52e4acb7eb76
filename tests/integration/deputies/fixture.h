#pragma once

// The fixture every deputies integration suite shares: the minyi-deputies binary as it ships, started
// once per suite on a fresh database, a stub to it, and tokens for any role.

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/auth.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "minyi/deputies/v1/deputies.grpc.pb.h"
#include "support/harness.h"
#include "support/platform.h"

namespace minyi::testing {

class DeputiesServiceTest : public ::testing::Test {
 protected:
  static constexpr char kJwtSecret[] = "integration-deputies-secret-0123456789abcdef";

  static void SetUpTestSuite() {
    dsn_ = std::make_unique<std::string>(PostgresServer::Shared().CreateDatabase());
    int port = 0;
    process_ = StartService("deputies", *dsn_, kJwtSecret, &port);
    stub_ = minyi::deputies::v1::Deputies::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
    signer_ = std::make_unique<TokenSigner>(kJwtSecret, "minyi");
  }

  static void TearDownTestSuite() {
    stub_.reset();
    process_.reset();
    signer_.reset();
    dsn_.reset();
  }

  static std::string Token(minyi::common::v1::Role role, const std::string& deputy = "") {
    return MintToken(*signer_, role, deputy);
  }
  static std::string Staff() { return Token(minyi::common::v1::ROLE_STAFF); }

  static inline std::unique_ptr<std::string> dsn_;
  static inline std::unique_ptr<ChildProcess> process_;
  static inline std::unique_ptr<minyi::deputies::v1::Deputies::Stub> stub_;
  static inline std::unique_ptr<TokenSigner> signer_;
};

}  // namespace minyi::testing

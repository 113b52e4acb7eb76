#pragma once

// What every notifications integration suite shares: identity and deputies as they ship on a fresh
// database (the owners of recipients), minyi-notifications started per test on its own database, and
// events produced the way the services produce them — EmitEvent into an outbox (a scratch schema) and
// the real OutboxRelay onto the stream.

#include <map>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/auth.h"
#include "common/migrate.h"
#include "common/outbox.h"
#include "common/pg.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "minyi/deputies/v1/deputies.grpc.pb.h"
#include "minyi/identity/v1/identity.grpc.pb.h"
#include "minyi/notifications/v1/notifications.grpc.pb.h"
#include "pqxx/pqxx"
#include "support/harness.h"
#include "support/platform.h"

namespace minyi::testing {

class NotificationsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dsn_ = std::make_unique<std::string>(PostgresServer::Shared().CreateDatabase());
    identity_ = StartService("identity", *dsn_, &identity_port_);
    deputies_ = StartService("deputies", *dsn_, &deputies_port_);
    identity_stub_ = minyi::identity::v1::Identity::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", identity_port_), grpc::InsecureChannelCredentials()));
    deputies_stub_ = minyi::deputies::v1::Deputies::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", deputies_port_), grpc::InsecureChannelCredentials()));
    // The scratch schema stands in for an emitting service: its outbox, its relay.
    ASSERT_TRUE(ApplyMigrations(*dsn_, "scratch", {}).ok());
    outbox_ = std::make_unique<PgPool>(PgPool::Options{.dsn = *dsn_, .schema = "scratch", .size = 2, .statements = {}});
  }

  static void TearDownTestSuite() {
    outbox_.reset();
    identity_stub_.reset();
    deputies_stub_.reset();
    deputies_.reset();
    identity_.reset();
    dsn_.reset();
  }

  // A notifications process on a fresh database of its own (written to *dsn), consuming `redis_addr`.
  struct Notifications {
    std::unique_ptr<ChildProcess> process;
    std::string dsn;
    int port = 0;
    int metrics_port = 0;
    std::string sink_dir;  // where the development providers write sms.jsonl and webhook.jsonl
    std::unique_ptr<minyi::notifications::v1::Notifications::Stub> stub;
  };
  static Notifications StartNotifications(std::map<std::string, std::string> env = {},
                                          const std::string& redis_addr = RedisServer::Shared().addr(),
                                          const std::string& dsn = "") {
    Notifications n;
    n.dsn = dsn.empty() ? PostgresServer::Shared().CreateDatabase() : dsn;
    env["MINYI_IDENTITY_ADDR"] = absl::StrCat("127.0.0.1:", identity_port_);
    env["MINYI_DEPUTIES_ADDR"] = absl::StrCat("127.0.0.1:", deputies_port_);
    env["MINYI_REDIS_ADDR"] = redis_addr;
    env.emplace("MINYI_NOTIFY_CLAIM_IDLE_MS", "1000");
    env.emplace("MINYI_LOG_LEVEL", "warn");
    const std::string sink = TempDir("minyi-notify-sink");
    n.sink_dir = sink;
    env.emplace("MINYI_NOTIFY_SMS_URL", absl::StrCat("file://", sink, "/sms.jsonl"));
    env.emplace("MINYI_NOTIFY_WEBHOOK_URL", absl::StrCat("file://", sink, "/webhook.jsonl"));
    n.process = StartService("notifications", n.dsn, &n.port, env, &n.metrics_port);
    n.stub = minyi::notifications::v1::Notifications::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", n.port), grpc::InsecureChannelCredentials()));
    return n;
  }

  static std::string Admin() { return MintToken(minyi::common::v1::ROLE_ADMIN); }
  static std::string Staff() { return MintToken(minyi::common::v1::ROLE_STAFF); }

  // Creates an account; returns its name "accounts/{id}".
  static std::string CreateAccount(minyi::common::v1::Role role, const std::string& department = "",
                                   const std::string& deputy = "") {
    minyi::identity::v1::CreateAccountRequest req;
    req.mutable_account()->set_username(Unique("user"));
    req.mutable_account()->set_display_name("测试账号");
    req.mutable_account()->set_role(role);
    req.mutable_account()->set_department(department);
    req.mutable_account()->set_deputy(deputy);
    req.set_password("a-long-test-password");
    minyi::identity::v1::Account out;
    grpc::Status st = identity_stub_->CreateAccount(CallContext(Admin()).get(), req, &out);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return out.name();
  }

  // A token for an existing account, as the gateway would have it after sign-in.
  static std::string TokenOf(const std::string& account, minyi::common::v1::Role role) {
    return AccountToken(account.substr(std::string("accounts/").size()), role);
  }

  // Writes the event to the scratch outbox, as the owning service would; returns its id.
  static std::string Emit(const google::protobuf::Message& payload, const std::string& subject) {
    std::string id;
    absl::Status st = outbox_->Transact([&](pqxx::work& tx) {
      id = EmitEvent(tx, payload, subject, "acct-test");
      return absl::OkStatus();
    });
    EXPECT_TRUE(st.ok()) << st;
    return id;
  }

  // Publishes everything in the scratch outbox with the real relay.
  static void Relay(const std::string& redis_addr = RedisServer::Shared().addr()) {
    OutboxRelay relay(*outbox_, redis_addr);
    for (;;) {
      absl::StatusOr<int> n = relay.PublishPending(1000);
      ASSERT_TRUE(n.ok()) << n.status();
      if (*n == 0) {
        return;
      }
    }
  }

  static int64_t Count(const std::string& dsn, const std::string& sql) {
    pqxx::connection c(dsn);
    pqxx::nontransaction tx(c);
    return tx.exec1(sql)[0].as<int64_t>();
  }

  static inline std::unique_ptr<std::string> dsn_;
  static inline std::unique_ptr<ChildProcess> identity_;
  static inline std::unique_ptr<ChildProcess> deputies_;
  static inline int identity_port_ = 0;
  static inline int deputies_port_ = 0;
  static inline std::unique_ptr<minyi::identity::v1::Identity::Stub> identity_stub_;
  static inline std::unique_ptr<minyi::deputies::v1::Deputies::Stub> deputies_stub_;
  static inline std::unique_ptr<PgPool> outbox_;
};

}  // namespace minyi::testing

#pragma once

// The gateway's server tests share this: a GatewayServer in front of an in-process gRPC Deputies service
// that echoes what it was sent, and the key tokens are signed with.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/auth.h"
#include "gateway_server.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"
#include "gtest/gtest.h"
#include "minyi/deputies/v1/deputies.grpc.pb.h"
#include "support/harness.h"

namespace minyi::gateway::fixtures {

// Identity's signing key for these tests; the gateway verifies with its public half.
inline const EcPrivateKey& SigningKey() {
  static const EcPrivateKey* key = new EcPrivateKey(*PrivateKeyFromPem(GenerateEcKeyPair().private_pem));
  return *key;
}

inline std::string Metadata(const grpc::ServerContext* ctx, const std::string& key) {
  auto it = ctx->client_metadata().find(key);
  return it == ctx->client_metadata().end() ? "" : std::string(it->second.data(), it->second.size());
}

// Echoes what the gateway forwarded in the fields of the returned deputy.
class FakeDeputies final : public minyi::deputies::v1::Deputies::Service {
 public:
  grpc::Status GetDeputy(grpc::ServerContext* ctx, const minyi::deputies::v1::GetDeputyRequest* request,
                         minyi::deputies::v1::Deputy* response) override {
    calls.fetch_add(1);
    if (request->name() == "deputies/404") {
      google::rpc::Status details;
      details.set_code(grpc::NOT_FOUND);
      details.set_message("deputies/404 not found");
      google::rpc::ErrorInfo info;
      info.set_reason("DEPUTY_NOT_FOUND");
      info.set_domain("minyi.deputies");
      details.add_details()->PackFrom(info);
      return grpc::Status(grpc::NOT_FOUND, "deputies/404 not found", details.SerializeAsString());
    }
    if (request->name() == "deputies/slow") {
      std::this_thread::sleep_for(std::chrono::milliseconds(600));
    }
    if (request->name() == "deputies/held") {
      std::unique_lock<std::mutex> lock(held_mu_);
      ++held;
      held_cv_.notify_all();
      held_cv_.wait(lock, [&] { return released_; });
    }
    response->set_name(request->name());
    response->set_display_name("张三");
    response->set_delegation(Metadata(ctx, "x-request-id"));
    response->set_sector(Metadata(ctx, "authorization"));
    response->set_electoral_district(Metadata(ctx, "idempotency-key"));
    response->set_phone(Metadata(ctx, "x-forwarded-for"));
    return grpc::Status::OK;
  }

  grpc::Status UpdateDeputy(grpc::ServerContext*, const minyi::deputies::v1::UpdateDeputyRequest* request,
                            minyi::deputies::v1::Deputy* response) override {
    calls.fetch_add(1);
    *response = request->deputy();
    response->set_sector(absl::StrJoin(request->update_mask().paths(), ","));
    return grpc::Status::OK;
  }

  // Lets the calls held on "deputies/held" finish.
  void Release() {
    std::lock_guard<std::mutex> lock(held_mu_);
    released_ = true;
    held_cv_.notify_all();
  }

  // Waits until `n` calls are held; whether they were within `timeout`.
  bool WaitHeld(int n, std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(held_mu_);
    return held_cv_.wait_for(lock, timeout, [&] { return held >= n; });
  }

  std::atomic<int> calls{0};

 private:
  std::mutex held_mu_;
  std::condition_variable held_cv_;
  int held = 0;            // guarded by held_mu_
  bool released_ = false;  // guarded by held_mu_
};

class GatewayServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::EnableDefaultHealthCheckService(true);
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &backend_port_);
    builder.RegisterService(&deputies_);
    backend_ = builder.BuildAndStart();
    ASSERT_NE(backend_, nullptr);
  }

  void TearDown() override {
    if (gateway_ != nullptr) {
      gateway_->Shutdown();
    }
    deputies_.Release();
    backend_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  }

  void StartGateway(const std::string& deputies_target = "",
                    const std::function<void(GatewayConfig&)>& adjust = nullptr) {
    GatewayConfig config;
    config.http_addr = "127.0.0.1:0";
    config.backends = {
        {"deputies", deputies_target.empty() ? absl::StrCat("127.0.0.1:", backend_port_) : deputies_target}};
    config.token_keys = {SigningKey().public_key};
    config.max_body_bytes = 1024;
    config.request_timeout = absl::Milliseconds(300);
    config.shutdown_grace = absl::Seconds(2);
    if (adjust) {
      adjust(config);
    }
    auto services = ServicesOfBackend(*google::protobuf::DescriptorPool::generated_pool(), "deputies");
    ASSERT_TRUE(services.ok());
    auto router = Router::Build(*services);
    ASSERT_TRUE(router.ok());
    gateway_ = std::make_unique<GatewayServer>(std::move(config), *std::move(router));
    ASSERT_TRUE(gateway_->Start().ok());
    port_ = gateway_->port();
    ASSERT_GT(port_, 0);
  }

  ::minyi::testing::HttpResponse Call(absl::string_view method, absl::string_view target, absl::string_view body = "",
                                      const std::map<std::string, std::string>& headers = {}) {
    return ::minyi::testing::HttpRequest(port_, std::string_view(method.data(), method.size()),
                                         std::string_view(target.data(), target.size()),
                                         std::string_view(body.data(), body.size()), headers);
  }

  FakeDeputies deputies_;
  std::unique_ptr<grpc::Server> backend_;
  int backend_port_ = 0;
  std::unique_ptr<GatewayServer> gateway_;
  int port_ = 0;
};

}  // namespace minyi::gateway::fixtures

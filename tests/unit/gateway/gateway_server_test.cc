// The gateway over real sockets against an in-process gRPC Deputies service: transcoding, metadata,
// errors with details, tokens, limits, deadlines, readiness and keep-alive.

#include "gateway_server.h"

#include <atomic>
#include <chrono>
#include <map>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "boost/asio/connect.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "common/auth.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"
#include "gtest/gtest.h"
#include "minyi/deputies/v1/deputies.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "support/harness.h"

namespace minyi::gateway {
namespace {

using ::minyi::testing::HttpRequest;
using ::minyi::testing::HttpResponse;
using ::testing::HasSubstr;
using nlohmann::json;

// Identity's signing key for these tests; the gateway verifies with its public half.
const EcPrivateKey& SigningKey() {
  static const EcPrivateKey* key = new EcPrivateKey(*PrivateKeyFromPem(GenerateEcKeyPair().private_pem));
  return *key;
}

std::string Metadata(const grpc::ServerContext* ctx, const std::string& key) {
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

  std::atomic<int> calls{0};
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
    backend_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  }

  void StartGateway(const std::string& deputies_target = "") {
    GatewayConfig config;
    config.http_addr = "127.0.0.1:0";
    config.backends = {{"deputies", deputies_target.empty() ? absl::StrCat("127.0.0.1:", backend_port_)
                                                            : deputies_target}};
    config.token_keys = {SigningKey().public_key};
    config.max_body_bytes = 1024;
    config.request_timeout = absl::Milliseconds(300);
    config.shutdown_grace = absl::Seconds(2);
    auto services = ServicesOfBackend(*google::protobuf::DescriptorPool::generated_pool(), "deputies");
    ASSERT_TRUE(services.ok());
    auto router = Router::Build(*services);
    ASSERT_TRUE(router.ok());
    gateway_ = std::make_unique<GatewayServer>(std::move(config), *std::move(router));
    ASSERT_TRUE(gateway_->Start().ok());
    port_ = gateway_->port();
    ASSERT_GT(port_, 0);
  }

  HttpResponse Call(absl::string_view method, absl::string_view target, absl::string_view body = "",
                    const std::map<std::string, std::string>& headers = {}) {
    return HttpRequest(port_, std::string_view(method.data(), method.size()),
                       std::string_view(target.data(), target.size()), std::string_view(body.data(), body.size()),
                       headers);
  }

  FakeDeputies deputies_;
  std::unique_ptr<grpc::Server> backend_;
  int backend_port_ = 0;
  std::unique_ptr<GatewayServer> gateway_;
  int port_ = 0;
};

TEST_F(GatewayServerTest, TranscodesGetAndForwardsMetadata) {
  StartGateway();
  HttpResponse r = Call("GET", "/v1/deputies/12", "", {{"Idempotency-Key", "k-1"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers["content-type"], "application/json");
  json body = json::parse(r.body);
  EXPECT_EQ(body["name"], "deputies/12");
  EXPECT_EQ(body["displayName"], "张三");
  EXPECT_EQ(body["delegation"], r.headers["x-request-id"]) << "generated request id is forwarded and echoed";
  EXPECT_FALSE(r.headers["x-request-id"].empty());
  EXPECT_FALSE(body.contains("sector")) << "no token, no authorization metadata";
  EXPECT_EQ(body["electoralDistrict"], "k-1");
  EXPECT_EQ(body["phone"], "127.0.0.1");
}

TEST_F(GatewayServerTest, ClientRequestIdIsKeptWhenSane) {
  StartGateway();
  HttpResponse r = Call("GET", "/v1/deputies/1", "", {{"X-Request-Id", "req-abc.123"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["x-request-id"], "req-abc.123");
  EXPECT_EQ(json::parse(r.body)["delegation"], "req-abc.123");
  HttpResponse insane = Call("GET", "/v1/deputies/1", "", {{"X-Request-Id", "a b\"c"}});
  EXPECT_NE(insane.headers["x-request-id"], "a b\"c");
}

TEST_F(GatewayServerTest, PatchWithBodyAndMask) {
  StartGateway();
  HttpResponse r = Call("PATCH", "/v1/deputies/3?updateMask=displayName", R"({"displayName":"李四"})",
                        {{"Content-Type", "application/json"}});
  ASSERT_EQ(r.status, 200) << r.body;
  json body = json::parse(r.body);
  EXPECT_EQ(body["name"], "deputies/3");
  EXPECT_EQ(body["displayName"], "李四");
  EXPECT_EQ(body["sector"], "display_name");
}

TEST_F(GatewayServerTest, BackendErrorsKeepTheirDetails) {
  StartGateway();
  HttpResponse r = Call("GET", "/v1/deputies/404");
  ASSERT_EQ(r.status, 404) << r.body;
  json body = json::parse(r.body);
  EXPECT_EQ(body["code"], 5);
  EXPECT_EQ(body["message"], "deputies/404 not found");
  EXPECT_EQ(body["details"][0]["@type"], "type.googleapis.com/google.rpc.ErrorInfo");
  EXPECT_EQ(body["details"][0]["reason"], "DEPUTY_NOT_FOUND");
}

TEST_F(GatewayServerTest, TokensAreVerifiedBeforeTheBackend) {
  StartGateway();
  TokenIssuer signer(SigningKey(), "minyi");
  Caller caller;
  caller.set_account_id("7");
  caller.set_role(minyi::common::v1::ROLE_STAFF);
  absl::StatusOr<std::string> token = signer.Issue(caller, absl::Now());
  ASSERT_TRUE(token.ok()) << token.status();

  HttpResponse ok = Call("GET", "/v1/deputies/1", "", {{"Authorization", "Bearer " + *token}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(json::parse(ok.body)["sector"], "Bearer " + *token);

  const int before = deputies_.calls.load();
  std::string tampered = *token;
  char& c = tampered[tampered.size() - 10];  // inside the signature, clear of its final padding bits
  c = c == 'A' ? 'B' : 'A';
  for (const std::string& bad : std::vector<std::string>{"Bearer " + tampered, "Bearer nonsense", "Basic dXNlcjpwYXNz"}) {
    HttpResponse r = Call("GET", "/v1/deputies/1", "", {{"Authorization", bad}});
    EXPECT_EQ(r.status, 401) << bad;
    EXPECT_EQ(json::parse(r.body)["code"], 16);
  }
  TokenIssuer other(*PrivateKeyFromPem(GenerateEcKeyPair().private_pem), "minyi");
  HttpResponse foreign = Call("GET", "/v1/deputies/1", "",
                              {{"Authorization", "Bearer " + *other.Issue(caller, absl::Now())}});
  EXPECT_EQ(foreign.status, 401);
  HttpResponse expired = Call("GET", "/v1/deputies/1", "",
                              {{"Authorization", "Bearer " + *signer.Issue(caller, absl::Now() - absl::Hours(2))}});
  EXPECT_EQ(expired.status, 401);
  EXPECT_EQ(deputies_.calls.load(), before) << "a bad token never reaches the backend";
}

TEST_F(GatewayServerTest, GatewayMadeErrors) {
  StartGateway();
  HttpResponse missing = Call("GET", "/v1/nothing");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(json::parse(missing.body)["code"], 5);

  HttpResponse wrong = Call("DELETE", "/v1/deputies/1");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_THAT(wrong.headers["allow"], HasSubstr("GET"));
  EXPECT_THAT(wrong.headers["allow"], HasSubstr("PATCH"));

  HttpResponse malformed = Call("PATCH", "/v1/deputies/1", R"({"displayName":)");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(json::parse(malformed.body)["code"], 3);

  HttpResponse unknown = Call("PATCH", "/v1/deputies/1", R"({"favouriteColour":"red"})");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_THAT(json::parse(unknown.body)["message"].get<std::string>(), HasSubstr("favouriteColour"));

  HttpResponse bad_query = Call("GET", "/v1/deputies?pageSize=ten");
  EXPECT_EQ(bad_query.status, 400);
  EXPECT_EQ(json::parse(bad_query.body)["details"][0]["fieldViolations"][0]["field"], "page_size");
}

TEST_F(GatewayServerTest, BodyAndHeaderLimits) {
  StartGateway();
  HttpResponse big = Call("PATCH", "/v1/deputies/1", std::string(2048, ' '));
  EXPECT_EQ(big.status, 413);
  HttpResponse headers = Call("GET", "/v1/deputies/1", "", {{"X-Big", std::string(20 * 1024, 'x')}});
  EXPECT_EQ(headers.status, 431);
  EXPECT_EQ(Call("GET", "/v1/deputies/1").status, 200) << "the gateway still serves afterwards";
}

TEST_F(GatewayServerTest, DeadlineBecomes504) {
  StartGateway();
  HttpResponse r = Call("GET", "/v1/deputies/slow");
  EXPECT_EQ(r.status, 504) << r.body;
  EXPECT_EQ(json::parse(r.body)["code"], 4);
}

TEST_F(GatewayServerTest, OperationalEndpoints) {
  StartGateway();
  EXPECT_EQ(Call("GET", "/healthz").status, 200);
  HttpResponse ready = Call("GET", "/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;
  ASSERT_EQ(Call("GET", "/v1/deputies/5").status, 200);
  HttpResponse metrics = Call("GET", "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_THAT(metrics.body,
              HasSubstr(R"(http_requests_total{code="200",method="GET",route="/v1/{name=deputies/*}"} 1)"));
  EXPECT_THAT(metrics.body, HasSubstr("http_request_duration_seconds_bucket"));
  HttpResponse openapi = Call("GET", "/openapi.json");
  EXPECT_EQ(openapi.status, 200);
  EXPECT_EQ(json::parse(openapi.body)["openapi"], "3.0.3");
}

TEST_F(GatewayServerTest, UnreachableBackendIs503AndNotReady) {
  const int closed = ::minyi::testing::FreePort();
  StartGateway(absl::StrCat("127.0.0.1:", closed));
  HttpResponse r = Call("GET", "/v1/deputies/1");
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(json::parse(r.body)["code"], 14);
  HttpResponse ready = Call("GET", "/readyz");
  EXPECT_EQ(ready.status, 503);
  EXPECT_THAT(ready.body, HasSubstr("deputies"));
}

TEST_F(GatewayServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  StartGateway();
  namespace beast = boost::beast;
  namespace http = beast::http;
  boost::asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.expires_after(std::chrono::seconds(10));
  stream.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"),
                                                static_cast<uint16_t>(port_)));
  beast::flat_buffer buffer;
  for (int i = 0; i < 3; ++i) {
    http::request<http::string_body> req{http::verb::get, absl::StrCat("/v1/deputies/", i), 11};
    req.set(http::field::host, "localhost");
    http::write(stream, req);
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    EXPECT_EQ(res.result_int(), 200u);
    EXPECT_TRUE(res.keep_alive());
    EXPECT_EQ(json::parse(res.body())["name"], absl::StrCat("deputies/", i));
  }
}

TEST_F(GatewayServerTest, ShutdownFinishesInFlightRequests) {
  StartGateway();
  std::atomic<int> status{0};
  std::thread client([&] { status = Call("GET", "/v1/deputies/1?").status; });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  gateway_->Shutdown();
  client.join();
  EXPECT_EQ(status.load(), 200);
}

}  // namespace
}  // namespace minyi::gateway

// The gateway over real sockets against an in-process gRPC Deputies service: transcoding, metadata,
// errors with details, tokens, limits, deadlines, readiness, keep-alive, and connections under abuse
// (caps per address and in total, header, keep-alive and write timeouts).

#include "gateway_server.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <regex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "boost/asio/connect.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/write.hpp"
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

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// A raw client connection from a chosen loopback address (127.0.0.0/8 is all loopback, so 127.0.0.2 is a
// second client address), for what HttpRequest cannot do: hold a connection idle, send half a request,
// pipeline without reading.
class RawClient final {
 public:
  RawClient(int port, const std::string& from = "127.0.0.1", int receive_buffer = 0) : stream_(ioc_) {
    tcp::socket& socket = stream_.socket();
    socket.open(tcp::v4());
    if (receive_buffer > 0) {
      socket.set_option(asio::socket_base::receive_buffer_size(receive_buffer));
    }
    socket.bind(tcp::endpoint(asio::ip::make_address(from), 0));
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port)));
  }

  void Send(const std::string& bytes) { asio::write(stream_.socket(), asio::buffer(bytes)); }

  // The next response; nullopt when the connection ends or `timeout` passes first (see last_error()).
  // Asynchronous underneath: tcp_stream's timeout only bounds asynchronous reads.
  std::optional<http::response<http::string_body>> Read(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    stream_.expires_after(timeout);
    http::async_read(stream_, buffer_, parser, [this](beast::error_code ec, std::size_t) { error_ = ec; });
    ioc_.restart();
    ioc_.run();
    if (error_) {
      return std::nullopt;
    }
    return parser.release();
  }

  std::optional<http::response<http::string_body>> Get(const std::string& target,
                                                       std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    Send("GET " + target + " HTTP/1.1\r\nHost: gateway\r\n\r\n");
    return Read(timeout);
  }

  // Whether the server closed the connection (rather than the read timing out) before `timeout`.
  bool ClosedWithin(std::chrono::milliseconds timeout) {
    return !Read(timeout).has_value() && error_ != beast::error::timeout;
  }

  const beast::error_code& last_error() const { return error_; }

 private:
  asio::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  beast::error_code error_;
};

// The value of an unlabelled or labelled sample in a Prometheus text exposition, -1 when absent.
double Sample(const std::string& metrics, const std::string& name) {
  std::smatch m;
  const std::regex line("(^|\n)" + std::regex_replace(name, std::regex(R"([{}"\[\]().+*?])"), R"(\$&)") +
                        " ([0-9.e+-]+)");
  return std::regex_search(metrics, m, line) ? std::stod(m[2].str()) : -1;
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
    config.backends = {{"deputies", deputies_target.empty() ? absl::StrCat("127.0.0.1:", backend_port_)
                                                            : deputies_target}};
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

TEST_F(GatewayServerTest, TheClientAddressComesFromXForwardedForOnlyThroughATrustedProxy) {
  StartGateway();
  // Not trusted: a client cannot choose the address the services throttle it by.
  HttpResponse direct = Call("GET", "/v1/deputies/1", "", {{"X-Forwarded-For", "198.51.100.1"}});
  EXPECT_EQ(json::parse(direct.body)["phone"], "127.0.0.1");
  gateway_->Shutdown();
  StartGateway("", [](GatewayConfig& config) { config.trusted_proxies = *TrustedProxies::Parse("127.0.0.0/8"); });
  HttpResponse proxied = Call("GET", "/v1/deputies/1", "", {{"X-Forwarded-For", "203.0.113.5, 198.51.100.1"}});
  EXPECT_EQ(json::parse(proxied.body)["phone"], "198.51.100.1");
}

TEST_F(GatewayServerTest, ClientRequestIdIsOnlyLoggedNeverForwarded) {
  StartGateway();
  ::testing::internal::CaptureStderr();
  HttpResponse r = Call("GET", "/v1/deputies/1", "", {{"X-Request-Id", "req-abc.123"}});
  const std::string log = ::testing::internal::GetCapturedStderr();
  ASSERT_EQ(r.status, 200);
  const std::string own = r.headers["x-request-id"];
  EXPECT_TRUE(std::regex_match(own, std::regex("[0-9a-f]{32}"))) << own;
  EXPECT_EQ(json::parse(r.body)["delegation"], own) << "the services get the gateway's own id";
  EXPECT_THAT(log, HasSubstr(R"("client_request_id":"req-abc.123")"));
  EXPECT_THAT(log, HasSubstr(absl::StrCat(R"("request_id":")", own, R"(")")));

  ::testing::internal::CaptureStderr();
  HttpResponse insane = Call("GET", "/v1/deputies/1", "", {{"X-Request-Id", "a b\"c"}});
  EXPECT_THAT(::testing::internal::GetCapturedStderr(), ::testing::Not(HasSubstr("client_request_id")));
  EXPECT_NE(json::parse(insane.body)["delegation"], "a b\"c");
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
  HttpResponse not_utf8 = Call("GET", "/v1/\xFF");
  EXPECT_EQ(not_utf8.status, 404);
  EXPECT_EQ(json::parse(not_utf8.body)["message"], "no route for /v1/\uFFFD");

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

TEST_F(GatewayServerTest, AFieldMaskThatIsNotUtf8IsA400NotACrash) {
  // One such request, without any token, used to terminate the gateway process.
  StartGateway();
  HttpResponse r = Call("PATCH", "/v1/deputies/3?updateMask=%FF", "{}");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(json::parse(r.body)["details"][0]["fieldViolations"][0]["field"], "update_mask");
  EXPECT_EQ(Call("GET", "/v1/deputies/1").status, 200);
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

// Whether a TCP connection to 127.0.0.1:port is refused (nothing listens there any more).
bool ConnectionRefused(int port) {
  asio::io_context ioc;
  tcp::socket socket(ioc);
  beast::error_code ec;
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port)), ec);
  return ec == asio::error::connection_refused;
}

TEST_F(GatewayServerTest, ShutdownFinishesACallInFlightAndRefusesNewConnections) {
  StartGateway("", [](GatewayConfig& c) {
    c.request_timeout = absl::Seconds(20);
    c.shutdown_grace = absl::Seconds(10);
  });
  std::atomic<int> status{0};
  std::thread client([&] { status = Call("GET", "/v1/deputies/held").status; });
  ASSERT_TRUE(deputies_.WaitHeld(1, std::chrono::seconds(5)));

  const auto start = std::chrono::steady_clock::now();
  std::atomic<bool> stopped{false};
  std::thread stopper([&] {
    gateway_->Shutdown();
    stopped = true;
  });
  // While the call is held open across the shutdown, a new client is refused at once.
  EXPECT_TRUE(::minyi::testing::Eventually([&] { return ConnectionRefused(port_); }, absl::Seconds(3)));
  EXPECT_EQ(status.load(), 0) << "the held call is still in flight";
  EXPECT_FALSE(stopped.load()) << "shutdown waits for it";

  deputies_.Release();
  client.join();
  stopper.join();
  EXPECT_EQ(status.load(), 200);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5)) << "well within the grace";
}

TEST_F(GatewayServerTest, ShutdownCutsACallThatOutlastsTheGrace) {
  StartGateway("", [](GatewayConfig& c) {
    c.request_timeout = absl::Seconds(20);
    c.shutdown_grace = absl::Milliseconds(500);
  });
  std::atomic<int> status{0};
  std::thread client([&] {
    try {
      status = Call("GET", "/v1/deputies/held").status;
    } catch (const std::exception&) {
      status = -1;  // the connection closed without an answer
    }
  });
  ASSERT_TRUE(deputies_.WaitHeld(1, std::chrono::seconds(5)));
  const auto start = std::chrono::steady_clock::now();
  gateway_->Shutdown();
  const auto took = std::chrono::steady_clock::now() - start;
  client.join();
  EXPECT_GE(took, std::chrono::milliseconds(450)) << "the call had its grace";
  EXPECT_LT(took, std::chrono::seconds(3)) << "and no more (the grace, then at most the cancellation wait)";
  EXPECT_NE(status.load(), 200);
  EXPECT_NE(status.load(), 0) << "the client is not left hanging";
}

}  // namespace
}  // namespace minyi::gateway

namespace minyi::gateway {
namespace {

class GatewayAbuseTest : public GatewayServerTest {
 protected:
  std::string Metrics() {
    HttpResponse r = HttpRequest(port_, "GET", "/metrics");
    EXPECT_EQ(r.status, 200);
    return r.body;
  }
};

TEST_F(GatewayAbuseTest, ConnectionCapsAnswerTheRefusedAndKeepProbesUp) {
  StartGateway("", [](GatewayConfig& c) {
    c.max_connections = 6;
    c.max_connections_per_address = 3;
  });
  std::vector<std::unique_ptr<RawClient>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<RawClient>(port_, "127.0.0.1"));
  }

  // Over its address's cap: 429 with Retry-After, and the connection closed.
  RawClient over(port_, "127.0.0.1");
  auto refused = over.Get("/v1/deputies/1");
  ASSERT_TRUE(refused.has_value()) << over.last_error().message();
  EXPECT_EQ(refused->result_int(), 429u);
  EXPECT_EQ(refused->at(http::field::retry_after), "1");
  EXPECT_FALSE(refused->keep_alive());
  EXPECT_EQ(json::parse(refused->body())["code"], 8);
  EXPECT_TRUE(over.ClosedWithin(std::chrono::seconds(3)));

  // Probes from that address are still answered, and quickly.
  for (const std::string probe : {"/readyz", "/healthz"}) {
    const auto start = std::chrono::steady_clock::now();
    auto r = RawClient(port_, "127.0.0.1").Get(probe);
    ASSERT_TRUE(r.has_value()) << probe;
    EXPECT_EQ(r->result_int(), 200u) << probe << ": " << r->body();
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2)) << probe;
  }

  // Another address is not held back by the first one's cap; now the total cap is reached.
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<RawClient>(port_, "127.0.0.2"));
  }
  RawClient third_address(port_, "127.0.0.3");
  auto full = third_address.Get("/v1/deputies/1");
  ASSERT_TRUE(full.has_value()) << third_address.last_error().message();
  EXPECT_EQ(full->result_int(), 503u);
  EXPECT_EQ(full->at(http::field::retry_after), "1");
  EXPECT_EQ(json::parse(full->body())["code"], 14);
  auto ready = RawClient(port_, "127.0.0.3").Get("/readyz", std::chrono::seconds(2));
  ASSERT_TRUE(ready.has_value());
  EXPECT_EQ(ready->result_int(), 200u);

  // The scrape comes from 127.0.0.1 too: refused for its address, and answered all the same.
  const std::string metrics = Metrics();
  EXPECT_EQ(Sample(metrics, "gateway_connections_open"), 6);
  EXPECT_EQ(Sample(metrics, R"(gateway_connections_refused_total{reason="per_address"})"), 4);
  EXPECT_EQ(Sample(metrics, R"(gateway_connections_refused_total{reason="total"})"), 2);

  // The held connections are served; one that has finished a request idles and makes room for a new
  // client at the total cap instead of that client being refused.
  auto served = held[3]->Get("/v1/deputies/7");
  ASSERT_TRUE(served.has_value());
  EXPECT_EQ(served->result_int(), 200u);
  // (The connection turns idle just after its answer is written: a newcomer may be early.)
  EXPECT_TRUE(::minyi::testing::Eventually([&] {
    auto newcomer = RawClient(port_, "127.0.0.4").Get("/v1/deputies/8");
    return newcomer.has_value() && newcomer->result_int() == 200;
  }, absl::Seconds(5)));
  EXPECT_TRUE(held[3]->ClosedWithin(std::chrono::seconds(3))) << "the idle keep-alive connection was closed";
  EXPECT_EQ(Sample(Metrics(), R"(gateway_connections_closed_total{reason="idle_evicted"})"), 1);

  held.clear();
  EXPECT_TRUE(::minyi::testing::Eventually([&] { return Sample(Metrics(), "gateway_connections_open") == 1; },
                                           absl::Seconds(10)))
      << "every closed connection is released (the scrape's own is open)";
}

TEST_F(GatewayAbuseTest, HalfSentAndSilentConnectionsAreCutByTheHeaderTimeout) {
  StartGateway("", [](GatewayConfig& c) { c.header_timeout = absl::Milliseconds(300); });
  RawClient slowloris(port_);
  slowloris.Send("GET /healthz HTTP/1.1\r\nHost: gateway\r\nX-Slow: ");
  RawClient silent(port_);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(slowloris.ClosedWithin(std::chrono::seconds(3)));
  EXPECT_TRUE(silent.ClosedWithin(std::chrono::seconds(3)));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  // Beast closes the socket when the timer fires and the handler counts the cut after: the count may trail
  // what the client sees.
  EXPECT_TRUE(::minyi::testing::Eventually(
      [&] { return Sample(Metrics(), R"(gateway_connections_closed_total{reason="header_timeout"})") == 2; },
      absl::Seconds(2)));
}

TEST_F(GatewayAbuseTest, IdleKeepAliveConnectionsAreClosedAfterTheKeepAliveTimeout) {
  StartGateway("", [](GatewayConfig& c) { c.keepalive_timeout = absl::Milliseconds(300); });
  RawClient client(port_);
  auto r = client.Get("/healthz");
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->keep_alive());
  EXPECT_TRUE(client.ClosedWithin(std::chrono::seconds(3)));
}

TEST_F(GatewayAbuseTest, ASlowReaderIsCutByTheWriteTimeout) {
  StartGateway("", [](GatewayConfig& c) { c.write_timeout = absl::Milliseconds(300); });
  // Pipelined requests for far more than the socket buffers hold, and nothing read for a while.
  constexpr int kRequests = 200;
  RawClient reader(port_, "127.0.0.1", /*receive_buffer=*/4096);
  std::string requests;
  for (int i = 0; i < kRequests; ++i) {
    requests += "GET /openapi.json HTTP/1.1\r\nHost: gateway\r\n\r\n";
  }
  reader.Send(requests);
  ASSERT_TRUE(::minyi::testing::Eventually(
      [&] { return Sample(Metrics(), R"(gateway_connections_closed_total{reason="write_timeout"})") == 1; },
      absl::Seconds(10)));
  int answered = 0;
  while (answered < kRequests && reader.Read(std::chrono::seconds(3)).has_value()) {
    ++answered;
  }
  EXPECT_LT(answered, kRequests);
  EXPECT_NE(reader.last_error(), beast::error::timeout) << "the gateway closed the connection";
  EXPECT_EQ(Sample(Metrics(), R"(gateway_connections_closed_total{reason="write_timeout"})"), 1);
  EXPECT_EQ(Call("GET", "/healthz").status, 200);
}

}  // namespace
}  // namespace minyi::gateway

// The gateway over real sockets against an in-process gRPC Deputies service (gateway_fixture.h):
// transcoding, metadata, errors with details, tokens, limits, deadlines, readiness, keep-alive, shutdown.

#include <atomic>
#include <chrono>
#include <regex>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "boost/asio/ip/tcp.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "common/auth.h"
#include "gateway_fixture.h"
#include "gateway_server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "support/harness.h"

namespace minyi::gateway {
namespace {

using ::minyi::gateway::fixtures::GatewayServerTest;
using ::minyi::gateway::fixtures::SigningKey;
using ::minyi::testing::HttpResponse;
using nlohmann::json;
using ::testing::HasSubstr;

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

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
  EXPECT_EQ(body["sector"], "") << "no token, no authorization metadata";
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
  for (const std::string& bad :
       std::vector<std::string>{"Bearer " + tampered, "Bearer nonsense", "Basic dXNlcjpwYXNz"}) {
    HttpResponse r = Call("GET", "/v1/deputies/1", "", {{"Authorization", bad}});
    EXPECT_EQ(r.status, 401) << bad;
    EXPECT_EQ(json::parse(r.body)["code"], 16);
  }
  TokenIssuer other(*PrivateKeyFromPem(GenerateEcKeyPair().private_pem), "minyi");
  HttpResponse foreign =
      Call("GET", "/v1/deputies/1", "", {{"Authorization", "Bearer " + *other.Issue(caller, absl::Now())}});
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

TEST_F(GatewayServerTest, AnIdempotencyKeyThatIsNotPrintableAsciiIsA400NotACrash) {
  // The key is forwarded as gRPC metadata, which aborts the process on other bytes: a key in Chinese (a
  // client deriving keys from what it creates) used to terminate the gateway.
  StartGateway();
  for (const std::string key : {std::string("故障演练站-1"), std::string("k\tk")}) {
    HttpResponse r = Call("PATCH", "/v1/deputies/1", R"({"displayName":"李四"})", {{"Idempotency-Key", key}});
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(json::parse(r.body)["details"][0]["fieldViolations"][0]["field"], "Idempotency-Key");
  }
  EXPECT_EQ(Call("GET", "/v1/deputies/1").status, 200) << "the gateway still serves afterwards";
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
  stream.connect(
      boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port_)));
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

// Connections under abuse, over real sockets (gateway_fixture.h): the caps per address and in total and
// their answered refusals, idle eviction, and the header, keep-alive and write timeouts.

#include <chrono>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "boost/asio/connect.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/write.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "gateway_fixture.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "support/harness.h"

namespace minyi::gateway {
namespace {

using ::minyi::testing::HttpRequest;
using ::minyi::testing::HttpResponse;
using nlohmann::json;

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

class GatewayAbuseTest : public fixtures::GatewayServerTest {
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
  EXPECT_TRUE(::minyi::testing::Eventually(
      [&] {
        auto newcomer = RawClient(port_, "127.0.0.4").Get("/v1/deputies/8");
        return newcomer.has_value() && newcomer->result_int() == 200;
      },
      absl::Seconds(5)));
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

#include "notifications/provider.h"

#include <chrono>
#include <fstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "boost/asio/connect.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "nlohmann/json.hpp"

namespace minyi::notifications {

std::string MessageJson(const OutboundMessage& m) {
  nlohmann::json doc = {
      {"msgtype", "text"},
      {"text", {{"content", absl::StrCat(m.title, "\n", m.body)}}},
      {"delivery", m.delivery},
      {"account", m.account},
      {"channel", minyi::notifications::v1::Channel_Name(m.channel)},
      {"event_type", m.event_type},
      {"reference", m.reference},
      {"urgent", m.urgent},
  };
  if (!m.phone.empty()) {
    doc["phone"] = m.phone;
  }
  return doc.dump();
}

absl::Status SinkProvider::Send(const OutboundMessage& message) {
  std::lock_guard<std::mutex> lock(mu_);
  std::ofstream out(path_, std::ios::app);
  out << MessageJson(message) << "\n";
  out.flush();
  if (!out) {
    return absl::UnavailableError(absl::StrCat("cannot append to sink ", path_));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<WebhookProvider>> WebhookProvider::Create(const std::string& url,
                                                                         absl::Duration timeout) {
  absl::string_view rest = url;
  if (!absl::ConsumePrefix(&rest, "http://")) {
    return absl::InvalidArgumentError(absl::StrCat("webhook URL must start with http://: ", url));
  }
  const size_t slash = rest.find('/');
  const absl::string_view authority = rest.substr(0, slash);
  const std::string target = slash == absl::string_view::npos ? "/" : std::string(rest.substr(slash));
  const size_t colon = authority.rfind(':');
  std::string host(authority.substr(0, colon));
  std::string port = colon == absl::string_view::npos ? "80" : std::string(authority.substr(colon + 1));
  if (host.empty() || port.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("webhook URL has no host: ", url));
  }
  return std::unique_ptr<WebhookProvider>(new WebhookProvider(std::move(host), std::move(port), target, timeout));
}

absl::Status WebhookProvider::Send(const OutboundMessage& message) {
  namespace beast = boost::beast;
  namespace http = beast::http;
  using tcp = boost::asio::ip::tcp;
  try {
    boost::asio::io_context ioc;
    tcp::resolver resolver(ioc);
    beast::tcp_stream stream(ioc);
    stream.expires_after(absl::ToChronoMilliseconds(timeout_));
    stream.connect(resolver.resolve(host_, port_));
    http::request<http::string_body> req{http::verb::post, target_, 11};
    req.set(http::field::host, host_);
    req.set(http::field::content_type, "application/json; charset=utf-8");
    req.set("Idempotency-Key", message.delivery);
    req.body() = MessageJson(message);
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    if (res.result_int() < 200 || res.result_int() >= 300) {
      return absl::UnavailableError(absl::StrCat("webhook answered HTTP ", res.result_int()));
    }
    return absl::OkStatus();
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat("webhook failed: ", e.what()));
  }
}

absl::StatusOr<std::unique_ptr<Provider>> ProviderForUrl(const std::string& url, absl::Duration timeout) {
  absl::string_view path = url;
  if (absl::ConsumePrefix(&path, "file://")) {
    if (path.empty() || path[0] != '/') {
      return absl::InvalidArgumentError(absl::StrCat("sink URL must be file:///absolute/path: ", url));
    }
    return std::unique_ptr<Provider>(std::make_unique<SinkProvider>(std::string(path)));
  }
  absl::StatusOr<std::unique_ptr<WebhookProvider>> webhook = WebhookProvider::Create(url, timeout);
  if (!webhook.ok()) {
    return webhook.status();
  }
  return std::unique_ptr<Provider>(*std::move(webhook));
}

}  // namespace minyi::notifications

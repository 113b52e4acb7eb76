// One client connection of the gateway. Its members are defined in two files along the two things it
// does: session.cc reads requests and writes responses within the limits and timeouts, keeps the
// connection alive, idle or evicted, and closes it; session_request.cc answers one request (refusals,
// the operational routes, the transcoded backend call) and logs it.

#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "boost/asio/ip/address.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "google/rpc/status.pb.h"
#include "grpcpp/support/status.h"
#include "router.h"

namespace minyi::gateway {

class ServerState;
struct BackendCall;

// One HTTP/1.1 connection: reads a request, answers it, reads the next while keep-alive holds. All its
// handlers run on its strand, including the completions of its backend calls. Every wait is bounded: the
// request head by the header timeout (from accept, or from the first byte of a kept-alive connection's
// next request), the body by the body timeout, the response by the write timeout, the pause between
// requests by the keep-alive timeout. A refused connection (`refusal` 429 or 503) is read for one request
// only: the operational endpoints are served as usual, so probes and scrapes get through a flood, and
// anything else gets the refusal with Retry-After.
class Session final : public std::enable_shared_from_this<Session> {
 public:
  Session(boost::asio::ip::tcp::socket socket, ServerState& state, std::uint64_t connection_id, int refusal,
          boost::asio::ip::address peer);
  ~Session();

  void Start();

 private:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;

  // The connection (session.cc).
  void ReadHeader();
  void OnHeader(boost::beast::error_code ec, std::size_t);
  void OnBody(boost::beast::error_code ec, std::size_t);
  void OnRequest();
  void WaitForRequest();
  void OnFirstByte(boost::beast::error_code ec, std::size_t bytes);
  void Evict();
  void OnReadError(boost::beast::error_code ec, absl::string_view timeout_reason);
  void OnWrite(boost::beast::error_code ec, std::size_t);
  void Close();
  void Linger();

  // The request (session_request.cc).
  void BeginRequest(Request request);
  void Handle();
  void CallBackend(const RouteMatch& match, absl::string_view query);
  void OnBackendReply(const Route& route, size_t index, BackendCall& call, const grpc::Status& status);
  void FinishError(int http_status, const google::rpc::Status& status);
  void Finish(int http_status, std::string body, absl::string_view content_type);

  boost::beast::tcp_stream stream_;
  ServerState& state_;
  const std::uint64_t connection_id_;
  const int refusal_;  // 0, or the status a refused connection is answered with
  const boost::asio::ip::address peer_;
  boost::beast::flat_buffer buffer_;
  std::array<char, 4096> linger_buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  Request request_;
  boost::beast::http::response<boost::beast::http::string_body> response_;
  // The request being answered.
  std::chrono::steady_clock::time_point start_;
  std::string request_id_;
  std::string client_request_id_;
  std::string route_label_;
  std::string allow_;
  std::string retry_after_;
  std::string etag_;  // of a public read's body: sent with Cache-Control
  bool close_after_ = false;
};

}  // namespace minyi::gateway

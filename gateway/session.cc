// The connection side of a Session: reading a request within the header and body limits and timeouts,
// waiting between keep-alive requests (idle, and so evictable), writing the response within the write
// timeout, and closing without losing what was written.

#include "session.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "boost/asio/dispatch.hpp"
#include "boost/asio/post.hpp"
#include "errors.h"
#include "server_state.h"

namespace minyi::gateway {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// How long a closing connection keeps reading (and discarding) what the client still sends.
constexpr auto kLingerTimeout = std::chrono::seconds(2);
// A refused connection gets at most this long (or the header timeout, if shorter) to send its request.
constexpr absl::Duration kRefusalReadTimeout = absl::Seconds(2);
constexpr std::size_t kFirstReadBytes = 1024;

}  // namespace

Session::Session(tcp::socket socket, ServerState& state, std::uint64_t connection_id, int refusal,
                 asio::ip::address peer)
    : stream_(std::move(socket)),
      state_(state),
      connection_id_(connection_id),
      refusal_(refusal),
      peer_(std::move(peer)) {}

Session::~Session() { state_.limiter.Release(connection_id_); }

void Session::Start() {
  asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    const absl::Duration timeout = self->refusal_ == 0
                                       ? self->state_.config.header_timeout
                                       : std::min(self->state_.config.header_timeout, kRefusalReadTimeout);
    self->stream_.expires_after(absl::ToChronoMilliseconds(timeout));
    self->ReadHeader();
  });
}

void Session::ReadHeader() {
  parser_.emplace();
  parser_->body_limit(state_.config.max_body_bytes);
  parser_->header_limit(static_cast<std::uint32_t>(state_.config.max_header_bytes));
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
}

void Session::OnHeader(beast::error_code ec, std::size_t) {
  if (ec) {
    OnReadError(ec, "header_timeout");
    return;
  }
  // A refusal is answered without its body; the linger on close discards it.
  if (refusal_ != 0 || parser_->is_done()) {
    OnRequest();
    return;
  }
  stream_.expires_after(absl::ToChronoMilliseconds(state_.config.body_timeout));
  http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::OnBody, shared_from_this()));
}

void Session::OnBody(beast::error_code ec, std::size_t) {
  if (ec) {
    OnReadError(ec, "body_timeout");
    return;
  }
  OnRequest();
}

void Session::OnRequest() {
  BeginRequest(parser_->release());
  Handle();
}

// Between two requests on a kept-alive connection: idle, and so closable to make room for a new
// connection, until the first byte of the next request arrives.
void Session::WaitForRequest() {
  if (buffer_.size() > 0) {  // a pipelined request is already here
    stream_.expires_after(absl::ToChronoMilliseconds(state_.config.header_timeout));
    ReadHeader();
    return;
  }
  state_.limiter.MarkIdle(connection_id_, [weak = weak_from_this()] {
    if (std::shared_ptr<Session> self = weak.lock()) {
      asio::post(self->stream_.get_executor(), [self] { self->Evict(); });
    }
  });
  // Draining began after this response was sent, and perhaps after the idle connections were evicted.
  if (state_.draining.load()) {
    if (state_.limiter.MarkBusy(connection_id_)) {
      Close();
    }  // else evicted: Evict, posted, closes the socket
    return;
  }
  stream_.expires_after(absl::ToChronoMilliseconds(state_.config.keepalive_timeout));
  stream_.async_read_some(buffer_.prepare(kFirstReadBytes),
                          beast::bind_front_handler(&Session::OnFirstByte, shared_from_this()));
}

void Session::OnFirstByte(beast::error_code ec, std::size_t bytes) {
  buffer_.commit(bytes);
  if (!state_.limiter.MarkBusy(connection_id_)) {
    return;  // evicted: Evict, posted, closes the socket
  }
  if (ec) {  // the keep-alive timeout, or the client closed
    Close();
    return;
  }
  stream_.expires_after(absl::ToChronoMilliseconds(state_.config.header_timeout));
  ReadHeader();
}

// The limiter gave this idle connection's place to a new one. Nothing is unread, so no linger.
void Session::Evict() {
  state_.metrics.ConnectionCut("idle_evicted");
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.close();
}

void Session::OnReadError(beast::error_code ec, absl::string_view timeout_reason) {
  if (ec == http::error::body_limit || ec == http::error::header_limit) {
    const bool body = ec == http::error::body_limit;
    BeginRequest(body ? parser_->release() : http::request<http::string_body>{});
    close_after_ = true;
    FinishError(body ? 413 : 431,
                ToRpcStatus(absl::InvalidArgumentError(
                    body ? absl::StrCat("request body larger than ", state_.config.max_body_bytes, " bytes")
                         : absl::StrCat("request headers larger than ", state_.config.max_header_bytes, " bytes"))));
    return;
  }
  if (ec == beast::error::timeout) {
    state_.metrics.ConnectionCut(timeout_reason);
    Close();
    return;
  }
  if (ec == http::error::end_of_stream || ec == http::error::partial_message) {
    Close();
    return;
  }
  if (ec.category() == make_error_code(http::error::end_of_stream).category()) {
    BeginRequest({});
    close_after_ = true;
    FinishError(400, ToRpcStatus(absl::InvalidArgumentError(absl::StrCat("malformed HTTP request: ", ec.message()))));
  } else {
    Close();
  }
}

void Session::OnWrite(beast::error_code ec, std::size_t) {
  state_.in_flight.fetch_sub(1);
  if (ec == beast::error::timeout) {
    state_.metrics.ConnectionCut("write_timeout");
  }
  if (ec || !response_.keep_alive()) {
    Close();
    return;
  }
  WaitForRequest();
}

// Half-closes, then reads and discards what the client still sends until it closes too or the linger
// time runs out. Closing with unread data would send a reset, which can destroy a response (a 413, say)
// before the client has read it.
void Session::Close() {
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream_.expires_after(kLingerTimeout);
  Linger();
}

void Session::Linger() {
  stream_.async_read_some(asio::buffer(linger_buffer_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
    if (!ec) {
      self->Linger();
    }
  });
}

}  // namespace minyi::gateway

#include "gateway_server.h"

#include <array>
#include <chrono>
#include <functional>
#include <optional>
#include <random>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "boost/asio/dispatch.hpp"
#include "boost/asio/executor_work_guard.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/post.hpp"
#include "boost/asio/steady_timer.hpp"
#include "boost/asio/strand.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "common/auth.h"
#include "common/log.h"
#include "common/revocation.h"
#include "connection_limiter.h"
#include "errors.h"
#include "google/protobuf/arena.h"
#include "google/rpc/error_details.pb.h"
#include "google/protobuf/message.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/impl/codegen/proto_utils.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/byte_buffer.h"
#include "http_metrics.h"
#include "openapi.h"
#include "transcoder.h"

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
// Retry-After of a refusal, in seconds.
constexpr int kRetryAfterSeconds = 1;
// After a failed accept (EMFILE, ENFILE, ENOBUFS) the listening socket stays readable, so accepting again
// at once would spin a core: back off as Go's net/http does, 5 ms doubling up to 1 s.
constexpr auto kAcceptBackoffFirst = std::chrono::milliseconds(5);
constexpr auto kAcceptBackoffMax = std::chrono::seconds(1);
constexpr std::size_t kFirstReadBytes = 1024;
constexpr absl::Duration kReadyCacheTtl = absl::Seconds(1);
constexpr auto kHealthDeadline = std::chrono::seconds(1);
constexpr auto kCancelWait = std::chrono::seconds(2);
constexpr std::size_t kMaxRequestIdChars = 64;
constexpr std::size_t kMaxIdempotencyKeyChars = 256;
constexpr char kHealthMethod[] = "/grpc.health.v1.Health/Check";
constexpr char kJson[] = "application/json";
constexpr char kOperationalRoutes[][16] = {"/healthz", "/readyz", "/metrics", "/openapi.json"};
constexpr char kUnmatchedRoute[] = "unmatched";

struct Backend {
  std::string name;
  std::string target;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<grpc::GenericStub> stub;
};

// One outgoing unary call. The arena holds the request and response messages of a transcoded call.
struct BackendCall {
  grpc::ClientContext context;
  grpc::ByteBuffer request;
  grpc::ByteBuffer response;
  google::protobuf::Arena arena;
};

absl::string_view View(beast::string_view s) { return absl::string_view(s.data(), s.size()); }
beast::string_view BeastView(absl::string_view s) { return beast::string_view(s.data(), s.size()); }

bool SaneRequestId(absl::string_view id) {
  if (id.empty() || id.size() > kMaxRequestIdChars) {
    return false;
  }
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      return false;
    }
  }
  return true;
}

std::string NewRequestId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return absl::StrCat(absl::Hex(rng(), absl::kZeroPad16), absl::Hex(rng(), absl::kZeroPad16));
}

// The method as a bounded metrics label: clients can send any token as the method.
absl::string_view MethodLabel(http::verb verb) {
  switch (verb) {
    case http::verb::get:
    case http::verb::post:
    case http::verb::put:
    case http::verb::patch:
    case http::verb::delete_:
    case http::verb::head:
    case http::verb::options:
      return View(http::to_string(verb));
    default:
      return "OTHER";
  }
}

// A refusal the client should retry shortly: a google.rpc.RetryInfo, which FinishError sends as
// Retry-After.
google::rpc::Status RetryLater(google::rpc::Status status) {
  google::rpc::RetryInfo retry;
  retry.mutable_retry_delay()->set_seconds(kRetryAfterSeconds);
  status.add_details()->PackFrom(retry);
  return status;
}

std::string ByteBufferToString(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) {
    return out;
  }
  for (const grpc::Slice& s : slices) {
    out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  return out;
}

}  // namespace

// What every connection shares. Immutable after Start but for the atomics, the call registry and the
// readiness cache, which carry their own synchronization.
class ServerState final {
 public:
  ServerState(GatewayConfig config, Router router)
      : config(std::move(config)),
        router(std::move(router)),
        openapi(BuildOpenApi(this->router.routes()).dump(2)),
        tokens(this->config.token_keys, this->config.jwt_audience),
        metrics(RouteLabels(this->router)),
        limiter({this->config.max_connections, this->config.max_connections_per_address,
                 this->config.refusal_slots}),
        acceptor(asio::make_strand(ioc)),
        accept_timer(acceptor.get_executor()),
        work(asio::make_work_guard(ioc)) {
    for (const Route& route : this->router.routes()) {
      auto* factory = google::protobuf::MessageFactory::generated_factory();
      input_prototypes.push_back(factory->GetPrototype(route.method->input_type()));
      output_prototypes.push_back(factory->GetPrototype(route.method->output_type()));
    }
  }

  static std::vector<std::string> RouteLabels(const Router& router) {
    std::vector<std::string> labels(std::begin(kOperationalRoutes), std::end(kOperationalRoutes));
    labels.emplace_back(kUnmatchedRoute);
    for (const Route& route : router.routes()) {
      labels.push_back(route.path.text());
    }
    return labels;
  }

  size_t RouteIndex(const Route* route) const { return static_cast<size_t>(route - router.routes().data()); }

  // Starts `call` on `backend` and runs `done` on `executor` when it completes. Calls are registered so
  // Shutdown can cancel the stragglers and wait for them before the io_context goes away.
  template <typename Executor>
  void StartCall(const Backend& backend, const std::string& method, std::shared_ptr<BackendCall> call,
                 Executor executor, std::function<void(const grpc::Status&)> done) {
    {
      absl::MutexLock lock(&calls_mu);
      calls.insert(&call->context);
    }
    BackendCall* raw = call.get();
    backend.stub->UnaryCall(
        &raw->context, method, grpc::StubOptions(), &raw->request, &raw->response,
        [this, call = std::move(call), executor, done = std::move(done)](grpc::Status status) mutable {
          asio::post(executor, [this, call = std::move(call), done = std::move(done), status = std::move(status)] {
            {
              absl::MutexLock lock(&calls_mu);
              calls.erase(&call->context);
            }
            done(status);
          });
        });
  }

  void CancelCalls() {
    absl::MutexLock lock(&calls_mu);
    for (grpc::ClientContext* context : calls) {
      context->TryCancel();
    }
  }

  bool CallsDone() {
    absl::MutexLock lock(&calls_mu);
    return calls.empty();
  }

  // Calls `done` on `executor` with "" when every backend answers SERVING, else with the failing ones.
  // Answers from a cache younger than kReadyCacheTtl.
  template <typename Executor>
  void CheckReady(Executor executor, std::function<void(std::string)> done) {
    {
      absl::MutexLock lock(&ready_mu);
      if (absl::Now() - ready_checked < kReadyCacheTtl) {
        done(ready_failing);
        return;
      }
    }
    if (backends.empty()) {
      done("");
      return;
    }
    struct Round {
      size_t remaining;
      std::vector<std::string> failing;
      std::function<void(std::string)> done;
    };
    // Every completion runs on `executor`, a strand: the round needs no lock of its own.
    auto round = std::make_shared<Round>(Round{backends.size(), {}, std::move(done)});
    for (const auto& [name, backend] : backends) {
      auto call = std::make_shared<BackendCall>();
      grpc::Slice empty;
      call->request = grpc::ByteBuffer(&empty, 1);
      call->context.set_deadline(std::chrono::system_clock::now() + kHealthDeadline);
      const std::string backend_name = name;
      BackendCall* raw = call.get();
      StartCall(*backend, kHealthMethod, call, executor, [this, round, raw, backend_name](const grpc::Status& s) {
        // HealthCheckResponse{status: SERVING} is field 1, varint 1.
        if (!s.ok()) {
          round->failing.push_back(absl::StrCat(backend_name, " (", s.error_message(), ")"));
        } else if (ByteBufferToString(raw->response) != std::string("\x08\x01", 2)) {
          round->failing.push_back(absl::StrCat(backend_name, " (not SERVING)"));
        }
        if (--round->remaining == 0) {
          std::sort(round->failing.begin(), round->failing.end());
          std::string failing = absl::StrJoin(round->failing, ", ");
          {
            absl::MutexLock lock(&ready_mu);
            ready_checked = absl::Now();
            ready_failing = failing;
          }
          round->done(std::move(failing));
        }
      });
    }
  }

  const GatewayConfig config;
  const Router router;
  const std::string openapi;
  const TokenVerifier tokens;
  RevocationList revocations;  // polled from Redis from Start until the state goes
  HttpMetrics metrics;
  // Before ioc: sessions still queued in it are destroyed with it, and release their connection here.
  ConnectionLimiter limiter;
  absl::flat_hash_map<std::string, std::unique_ptr<Backend>> backends;
  std::vector<const Backend*> route_backends;  // parallel to router.routes()
  std::vector<const google::protobuf::Message*> input_prototypes;
  std::vector<const google::protobuf::Message*> output_prototypes;

  asio::io_context ioc;
  tcp::acceptor acceptor;
  asio::steady_timer accept_timer;                   // on the acceptor's strand
  std::chrono::milliseconds accept_backoff{0};      // on the acceptor's strand; 0 while accepts succeed
  asio::executor_work_guard<asio::io_context::executor_type> work;
  std::atomic<int> in_flight{0};
  std::atomic<bool> draining{false};

 private:
  absl::Mutex calls_mu;
  absl::flat_hash_set<grpc::ClientContext*> calls ABSL_GUARDED_BY(calls_mu);
  absl::Mutex ready_mu;
  absl::Time ready_checked ABSL_GUARDED_BY(ready_mu) = absl::InfinitePast();
  std::string ready_failing ABSL_GUARDED_BY(ready_mu);
};

namespace {

// One HTTP/1.1 connection: reads a request, answers it, reads the next while keep-alive holds. All its
// handlers run on its strand, including the completions of its backend calls. Every wait is bounded: the
// request head by the header timeout (from accept, or from the first byte of a kept-alive connection's
// next request), the body by the body timeout, the response by the write timeout, the pause between
// requests by the keep-alive timeout. A refused connection (`refusal` 429 or 503) is read for one request
// only: the operational endpoints are served as usual, so probes and scrapes get through a flood, and
// anything else gets the refusal with Retry-After.
class Session final : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, ServerState& state, std::uint64_t connection_id, int refusal, asio::ip::address peer)
      : stream_(std::move(socket)),
        state_(state),
        connection_id_(connection_id),
        refusal_(refusal),
        peer_(std::move(peer)) {}

  ~Session() { state_.limiter.Release(connection_id_); }

  void Start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      const absl::Duration timeout = self->refusal_ == 0 ? self->state_.config.header_timeout
                                                         : std::min(self->state_.config.header_timeout,
                                                                    kRefusalReadTimeout);
      self->stream_.expires_after(absl::ToChronoMilliseconds(timeout));
      self->ReadHeader();
    });
  }

 private:
  void ReadHeader() {
    parser_.emplace();
    parser_->body_limit(state_.config.max_body_bytes);
    parser_->header_limit(static_cast<std::uint32_t>(state_.config.max_header_bytes));
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
  }

  void OnHeader(beast::error_code ec, std::size_t) {
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

  void OnBody(beast::error_code ec, std::size_t) {
    if (ec) {
      OnReadError(ec, "body_timeout");
      return;
    }
    OnRequest();
  }

  void OnRequest() {
    BeginRequest(parser_->release());
    Handle();
  }

  // Between two requests on a kept-alive connection: idle, and so closable to make room for a new
  // connection, until the first byte of the next request arrives.
  void WaitForRequest() {
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
    stream_.expires_after(absl::ToChronoMilliseconds(state_.config.keepalive_timeout));
    stream_.async_read_some(buffer_.prepare(kFirstReadBytes),
                            beast::bind_front_handler(&Session::OnFirstByte, shared_from_this()));
  }

  void OnFirstByte(beast::error_code ec, std::size_t bytes) {
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
  void Evict() {
    state_.metrics.ConnectionCut("idle_evicted");
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  void OnReadError(beast::error_code ec, absl::string_view timeout_reason) {
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

  void BeginRequest(http::request<http::string_body> request) {
    request_ = std::move(request);
    stream_.expires_never();
    state_.in_flight.fetch_add(1);
    start_ = std::chrono::steady_clock::now();
    close_after_ = refusal_ != 0;
    allow_.clear();
    retry_after_.clear();
    route_label_ = kUnmatchedRoute;
    // The id forwarded to the services and written to their audit rows is always the gateway's own; a
    // client's id is only a correlation field in the access log, so no client can choose what an audit
    // row says.
    request_id_ = NewRequestId();
    absl::string_view sent = View(request_["X-Request-Id"]);
    client_request_id_ = SaneRequestId(sent) ? std::string(sent) : std::string();
  }

  void Handle() {
    absl::string_view target = View(request_.target());
    size_t q = target.find('?');
    absl::string_view path = target.substr(0, q);
    absl::string_view query = q == absl::string_view::npos ? absl::string_view() : target.substr(q + 1);
    const bool get = request_.method() == http::verb::get;

    if (refusal_ != 0 && !(get && (path == "/healthz" || path == "/readyz" || path == "/metrics"))) {
      if (refusal_ == 429) {
        FinishError(429, RetryLater(ToRpcStatus(absl::ResourceExhaustedError("来自同一地址的连接过多，请稍后重试"))));
      } else {
        FinishError(503, RetryLater(ToRpcStatus(absl::UnavailableError("网关连接已满，请稍后重试"))));
      }
      return;
    }

    if (get && path == "/healthz") {
      route_label_ = "/healthz";
      Finish(200, R"({"status":"SERVING"})", kJson);
      return;
    }
    if (get && path == "/readyz") {
      route_label_ = "/readyz";
      state_.CheckReady(stream_.get_executor(), [self = shared_from_this()](std::string failing) {
        if (failing.empty()) {
          self->Finish(200, R"({"status":"SERVING"})", kJson);
        } else {
          self->FinishError(503, ToRpcStatus(absl::UnavailableError(absl::StrCat("backends not ready: ", failing))));
        }
      });
      return;
    }
    if (get && path == "/metrics") {
      route_label_ = "/metrics";
      state_.metrics.SetOpenConnections(state_.limiter.counts().open);
      Finish(200, state_.metrics.Serialize(), "text/plain; version=0.0.4; charset=utf-8");
      return;
    }
    if (get && path == "/openapi.json") {
      route_label_ = "/openapi.json";
      Finish(200, state_.openapi, kJson);
      return;
    }

    RouteMatch match = state_.router.Find(View(request_.method_string()), path);
    if (match.route == nullptr) {
      if (match.allowed_methods.empty()) {
        FinishError(404, ToRpcStatus(absl::NotFoundError(absl::StrCat("no route for ", path))));
      } else {
        allow_ = absl::StrJoin(match.allowed_methods, ", ");
        FinishError(405, ToRpcStatus(absl::UnimplementedError(absl::StrCat(
                             "method ", View(request_.method_string()), " not allowed on ", path, "; allowed: ", allow_))));
      }
      return;
    }
    const Route& route = *match.route;
    route_label_ = route.path.text();

    // A token that is present must be good: the backend is not bothered with forged, expired or revoked
    // ones.
    absl::string_view authorization = View(request_[http::field::authorization]);
    if (!authorization.empty()) {
      absl::StatusOr<VerifiedToken> token = VerifyBearer(authorization, state_.tokens, state_.revocations, absl::Now());
      if (!token.ok()) {
        FinishError(401, ToRpcStatus(token.status()));
        return;
      }
    }
    absl::string_view idempotency_key = View(request_["Idempotency-Key"]);
    if (idempotency_key.size() > kMaxIdempotencyKeyChars) {
      FinishError(400, ToRpcStatus(InvalidFieldError("Idempotency-Key", "longer than 256 characters")));
      return;
    }

    const size_t index = state_.RouteIndex(&route);
    auto call = std::make_shared<BackendCall>();
    google::protobuf::Message* request = state_.input_prototypes[index]->New(&call->arena);
    if (absl::Status s = BuildRequest(route, match.bindings, query, request_.body(), request); !s.ok()) {
      FinishError(HttpStatusFromCode(static_cast<int>(s.code())), ToRpcStatus(s));
      return;
    }
    bool own_buffer = false;
    if (grpc::Status s = grpc::SerializationTraits<google::protobuf::Message>::Serialize(*request, &call->request,
                                                                                        &own_buffer);
        !s.ok()) {
      FinishError(500, ToRpcStatus(absl::InternalError("cannot serialize the request")));
      return;
    }
    if (!authorization.empty()) {
      call->context.AddMetadata("authorization", std::string(authorization));
    }
    call->context.AddMetadata("x-request-id", request_id_);
    if (!idempotency_key.empty()) {
      call->context.AddMetadata("idempotency-key", std::string(idempotency_key));
    }
    // The client as the services see it (the sign-in throttle counts by it): the socket peer, or, behind
    // a trusted proxy, the address that proxy recorded.
    call->context.AddMetadata("x-forwarded-for",
                              state_.config.trusted_proxies.ClientAddress(peer_, View(request_["X-Forwarded-For"])));
    call->context.set_deadline(std::chrono::system_clock::now() +
                               absl::ToChronoMilliseconds(state_.config.request_timeout));

    BackendCall* raw = call.get();
    state_.StartCall(*state_.route_backends[index], route.grpc_method, std::move(call), stream_.get_executor(),
                     [self = shared_from_this(), raw, &route, index](const grpc::Status& status) {
                       self->OnBackendReply(route, index, *raw, status);
                     });
  }

  void OnBackendReply(const Route& route, size_t index, BackendCall& call, const grpc::Status& status) {
    if (!status.ok()) {
      FinishError(HttpStatusFromCode(status.error_code()), ToRpcStatus(status));
      return;
    }
    google::protobuf::Message* response = state_.output_prototypes[index]->New(&call.arena);
    if (!grpc::SerializationTraits<google::protobuf::Message>::Deserialize(&call.response, response).ok()) {
      FinishError(500, ToRpcStatus(absl::InternalError("the backend sent a malformed response")));
      return;
    }
    absl::StatusOr<std::string> json = RenderResponse(route, *response);
    if (!json.ok()) {
      FinishError(500, ToRpcStatus(json.status()));
      return;
    }
    Finish(200, *std::move(json), kJson);
  }

  void FinishError(int http_status, const google::rpc::Status& status) {
    retry_after_ = RetryAfter(status);
    Finish(http_status, ErrorBody(status), kJson);
  }

  void Finish(int http_status, std::string body, absl::string_view content_type) {
    response_ = {};
    response_.version(request_.version() == 10 ? 10 : 11);
    response_.result(static_cast<unsigned>(http_status));
    response_.set(http::field::content_type, BeastView(content_type));
    response_.set("X-Request-Id", request_id_);
    if (!allow_.empty()) {
      response_.set(http::field::allow, allow_);
    }
    if (!retry_after_.empty()) {
      response_.set(http::field::retry_after, retry_after_);
    }
    response_.keep_alive(request_.keep_alive() && !close_after_ && !state_.draining.load());
    response_.body() = std::move(body);
    response_.prepare_payload();

    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const absl::string_view method = MethodLabel(request_.method());
    state_.metrics.Observe(method, route_label_, http_status, seconds);
    nlohmann::json fields = {{"method", std::string(method)},
                             {"route", route_label_},
                             {"status", http_status},
                             {"duration_ms", seconds * 1000.0},
                             {"request_id", request_id_}};
    if (!client_request_id_.empty()) {
      fields["client_request_id"] = client_request_id_;
    }
    log::Info("http request", fields);

    stream_.expires_after(absl::ToChronoMilliseconds(state_.config.write_timeout));
    http::async_write(stream_, response_, beast::bind_front_handler(&Session::OnWrite, shared_from_this()));
  }

  void OnWrite(beast::error_code ec, std::size_t) {
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
  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(kLingerTimeout);
    Linger();
  }

  void Linger() {
    stream_.async_read_some(asio::buffer(linger_buffer_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (!ec) {
        self->Linger();
      }
    });
  }

  beast::tcp_stream stream_;
  ServerState& state_;
  const std::uint64_t connection_id_;
  const int refusal_;  // 0, or the status a refused connection is answered with
  const asio::ip::address peer_;
  beast::flat_buffer buffer_;
  std::array<char, 4096> linger_buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
  // The request being answered.
  std::chrono::steady_clock::time_point start_;
  std::string request_id_;
  std::string client_request_id_;
  std::string route_label_;
  std::string allow_;
  std::string retry_after_;
  bool close_after_ = false;
};

void Accept(ServerState& state);

void BackOff(ServerState& state, const beast::error_code& error) {
  state.metrics.AcceptFailed();
  if (state.accept_backoff.count() == 0) {
    log::Warn("accept failed, backing off", {{"error", error.message()}});
    state.accept_backoff = kAcceptBackoffFirst;
  } else {
    state.accept_backoff = std::min<std::chrono::milliseconds>(state.accept_backoff * 2, kAcceptBackoffMax);
  }
  state.accept_timer.expires_after(state.accept_backoff);
  state.accept_timer.async_wait([&state](beast::error_code ec) {
    if (!ec && state.acceptor.is_open()) {
      Accept(state);
    }
  });
}

void Admit(ServerState& state, tcp::socket socket) {
  beast::error_code ec;
  const tcp::endpoint peer = socket.remote_endpoint(ec);
  if (ec) {
    return;  // the client is gone already
  }
  ConnectionLimiter::Admission admission = state.limiter.Admit(ConnectionLimiter::AddressKey(peer.address()));
  if (admission.evict) {
    admission.evict();
  }
  int refusal = 0;
  if (admission.outcome != ConnectionLimiter::Outcome::kAdmitted) {
    const bool per_address = admission.outcome == ConnectionLimiter::Outcome::kRefusedPerAddress;
    state.metrics.ConnectionRefused(per_address ? "per_address" : "total");
    if (!admission.answer) {
      state.metrics.ConnectionCut("refusal_overflow");
      return;  // the socket closes here
    }
    refusal = per_address ? 429 : 503;
  }
  socket.set_option(tcp::no_delay(true), ec);
  std::make_shared<Session>(std::move(socket), state, admission.id, refusal, peer.address())->Start();
}

void Accept(ServerState& state) {
  state.acceptor.async_accept(asio::make_strand(state.ioc), [&state](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !state.acceptor.is_open()) {
      return;
    }
    if (ec) {
      BackOff(state, ec);
      return;
    }
    state.accept_backoff = std::chrono::milliseconds(0);
    Admit(state, std::move(socket));
    Accept(state);
  });
}

}  // namespace

GatewayServer::GatewayServer(GatewayConfig config, Router router)
    : state_(std::make_shared<ServerState>(std::move(config), std::move(router))) {}

GatewayServer::~GatewayServer() { Shutdown(); }

absl::Status GatewayServer::Start() {
  ServerState& s = *state_;
  for (const BackendSpec& spec : s.config.backends) {
    auto backend = std::make_unique<Backend>();
    backend->name = spec.name;
    backend->target = spec.target;
    backend->channel = grpc::CreateChannel(spec.target, grpc::InsecureChannelCredentials());
    backend->stub = std::make_unique<grpc::GenericStub>(backend->channel);
    s.backends.emplace(spec.name, std::move(backend));
  }
  for (const Route& route : s.router.routes()) {
    auto it = s.backends.find(route.backend);
    if (it == s.backends.end()) {
      return absl::FailedPreconditionError(absl::StrCat("route ", route.path.text(), " names unknown backend ",
                                                        route.backend));
    }
    s.route_backends.push_back(it->second.get());
  }

  const std::string& addr = s.config.http_addr;
  const size_t colon = addr.rfind(':');
  std::string host = addr.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  beast::error_code ec;
  tcp::resolver resolver(s.ioc);
  auto endpoints = resolver.resolve(host, addr.substr(colon + 1), tcp::resolver::passive, ec);
  if (ec || endpoints.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("MINYI_HTTP_ADDR ", addr, ": ", ec.message()));
  }
  const tcp::endpoint endpoint = endpoints.begin()->endpoint();
  s.acceptor.open(endpoint.protocol(), ec);
  if (!ec) {
    s.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  }
  if (!ec) {
    s.acceptor.bind(endpoint, ec);
  }
  if (!ec) {
    s.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  }
  if (ec) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", addr, ": ", ec.message()));
  }
  if (!s.config.redis_addr.empty()) {  // empty only in tests that run no Redis
    s.revocations.StartPolling(s.config.redis_addr);
  }
  Accept(s);
  for (int i = 0; i < s.config.threads; ++i) {
    threads_.emplace_back([&s] { s.ioc.run(); });
  }
  log::Info("gateway listening", {{"addr", addr},
                                  {"port", port()},
                                  {"routes", s.router.routes().size()},
                                  {"threads", s.config.threads}});
  return absl::OkStatus();
}

int GatewayServer::port() const {
  beast::error_code ec;
  tcp::endpoint local = state_->acceptor.local_endpoint(ec);
  return ec ? 0 : local.port();
}

void GatewayServer::Shutdown() {
  if (stopped_) {
    return;
  }
  stopped_ = true;
  ServerState& s = *state_;
  s.draining.store(true);
  asio::post(s.acceptor.get_executor(), [&s] {
    beast::error_code ignored;
    s.acceptor.close(ignored);
    s.accept_timer.cancel();
  });
  const auto grace_end = std::chrono::steady_clock::now() + absl::ToChronoMilliseconds(s.config.shutdown_grace);
  while (s.in_flight.load() > 0 && std::chrono::steady_clock::now() < grace_end && !threads_.empty()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  // Stragglers past the grace: cancel, and wait for their completions so none is posted to a dead loop.
  s.CancelCalls();
  const auto cancel_end = std::chrono::steady_clock::now() + kCancelWait;
  while (!s.CallsDone() && std::chrono::steady_clock::now() < cancel_end && !threads_.empty()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  s.work.reset();
  s.ioc.stop();
  for (std::thread& t : threads_) {
    t.join();
  }
  threads_.clear();
  log::Info("gateway stopped", {{"in_flight_abandoned", s.in_flight.load()}});
}

}  // namespace minyi::gateway

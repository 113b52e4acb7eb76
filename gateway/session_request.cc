// The request side of a Session: one request from its head to its access log line. A refused
// connection gets its refusal; the operational routes (/healthz, /readyz, /metrics, /openapi.json) are
// answered here; anything else is matched to a route, its token checked, transcoded to the backend's
// gRPC method, and the reply transcoded back.

#include <algorithm>
#include <random>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/auth.h"
#include "common/log.h"
#include "errors.h"
#include "google/rpc/error_details.pb.h"
#include "grpcpp/impl/codegen/proto_utils.h"
#include "public_reads.h"
#include "server_state.h"
#include "session.h"
#include "transcoder.h"

namespace minyi::gateway {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;

// Retry-After of a connection refusal.
constexpr absl::Duration kRetryAfter = absl::Seconds(1);
constexpr std::size_t kMaxRequestIdChars = 64;
constexpr std::size_t kMaxIdempotencyKeyChars = 256;
constexpr char kJson[] = "application/json";

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
google::rpc::Status RetryLater(google::rpc::Status status, absl::Duration after = kRetryAfter) {
  google::rpc::RetryInfo retry;
  const int64_t nanos = absl::ToInt64Nanoseconds(after);
  retry.mutable_retry_delay()->set_seconds(nanos / 1000000000);
  retry.mutable_retry_delay()->set_nanos(static_cast<int32_t>(nanos % 1000000000));
  status.add_details()->PackFrom(retry);
  return status;
}

}  // namespace

void Session::BeginRequest(Request request) {
  request_ = std::move(request);
  stream_.expires_never();
  state_.in_flight.fetch_add(1);
  start_ = std::chrono::steady_clock::now();
  close_after_ = refusal_ != 0;
  allow_.clear();
  retry_after_.clear();
  etag_.clear();
  route_label_ = kUnmatchedRoute;
  // The id forwarded to the services and written to their audit rows is always the gateway's own; a
  // client's id is only a correlation field in the access log, so no client can choose what an audit
  // row says.
  request_id_ = NewRequestId();
  absl::string_view sent = View(request_["X-Request-Id"]);
  client_request_id_ = SaneRequestId(sent) ? std::string(sent) : std::string();
}

void Session::Handle() {
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
      FinishError(405,
                  ToRpcStatus(absl::UnimplementedError(absl::StrCat("method ", View(request_.method_string()),
                                                                    " not allowed on ", path, "; allowed: ", allow_))));
    }
    return;
  }
  CallBackend(match, query);
}

void Session::CallBackend(const RouteMatch& match, absl::string_view query) {
  const Route& route = *match.route;
  route_label_ = route.path.text();
  // The client as the services see it (the sign-in throttle counts by it): the socket peer, or, behind
  // a trusted proxy, the address that proxy recorded.
  const std::string client = state_.config.trusted_proxies.ClientAddress(peer_, View(request_["X-Forwarded-For"]));
  if (route.is_public) {
    // Counted as the connection caps count: an IPv6 client by its /64.
    boost::system::error_code ec;
    const boost::asio::ip::address address = boost::asio::ip::make_address(client, ec);
    const std::string key = ec ? client : ConnectionLimiter::AddressKey(address);
    if (absl::Duration wait = state_.public_limiter.Take(key, absl::Now()); wait > absl::ZeroDuration()) {
      FinishError(429, RetryLater(ToRpcStatus(absl::ResourceExhaustedError("公开查询过于频繁，请稍后重试")), wait));
      return;
    }
  }

  // A token that is present must be good: the backend is not bothered with forged, expired or revoked
  // ones. The public routes ignore it: they answer everyone alike.
  absl::string_view authorization = route.is_public ? "" : View(request_[http::field::authorization]);
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
  // It travels on as gRPC metadata, whose values are printable ASCII: gRPC aborts the process on any other
  // byte, so one request with a key in Chinese would otherwise stop the gateway.
  if (!std::all_of(idempotency_key.begin(), idempotency_key.end(), [](char c) { return c >= 0x20 && c <= 0x7e; })) {
    FinishError(400, ToRpcStatus(InvalidFieldError("Idempotency-Key", "only printable ASCII characters are allowed")));
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
  if (grpc::Status s =
          grpc::SerializationTraits<google::protobuf::Message>::Serialize(*request, &call->request, &own_buffer);
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
  call->context.AddMetadata("x-forwarded-for", client);
  call->context.set_deadline(std::chrono::system_clock::now() +
                             absl::ToChronoMilliseconds(state_.config.request_timeout));

  BackendCall* raw = call.get();
  state_.StartCall(*state_.route_backends[index], route.grpc_method, std::move(call), stream_.get_executor(),
                   [self = shared_from_this(), raw, &route, index](const grpc::Status& status) {
                     self->OnBackendReply(route, index, *raw, status);
                   });
}

void Session::OnBackendReply(const Route& route, size_t index, BackendCall& call, const grpc::Status& status) {
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
  if (route.is_public) {
    etag_ = StrongEtag(*json);
    if (IfNoneMatchHits(View(request_[http::field::if_none_match]), etag_)) {
      Finish(304, "", "");
      return;
    }
  }
  Finish(200, *std::move(json), kJson);
}

void Session::FinishError(int http_status, const google::rpc::Status& status) {
  retry_after_ = RetryAfter(status);
  Finish(http_status, ErrorBody(status), kJson);
}

void Session::Finish(int http_status, std::string body, absl::string_view content_type) {
  response_ = {};
  response_.version(request_.version() == 10 ? 10 : 11);
  response_.result(static_cast<unsigned>(http_status));
  if (!content_type.empty()) {
    response_.set(http::field::content_type, BeastView(content_type));
  }
  response_.set("X-Request-Id", request_id_);
  if (!allow_.empty()) {
    response_.set(http::field::allow, allow_);
  }
  if (!retry_after_.empty()) {
    response_.set(http::field::retry_after, retry_after_);
  }
  // A public read, 200 or 304: shared caches may keep it for max-age and revalidate it by its etag.
  if (!etag_.empty()) {
    response_.set(http::field::cache_control,
                  absl::StrCat("public, max-age=", absl::ToInt64Seconds(state_.config.public_max_age)));
    response_.set(http::field::etag, etag_);
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

}  // namespace minyi::gateway

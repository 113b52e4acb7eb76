// The listening side of the gateway: binding, the accept loop with its back-off, admission through the
// connection limiter, and the graceful shutdown. Each admitted connection is a Session (session.h); what
// they share is the ServerState (server_state.h).

#include "gateway_server.h"

#include <algorithm>
#include <chrono>

#include "absl/strings/str_cat.h"
#include "boost/asio/post.hpp"
#include "boost/asio/strand.hpp"
#include "common/channel.h"
#include "common/log.h"
#include "server_state.h"
#include "session.h"

namespace minyi::gateway {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

// After a failed accept (EMFILE, ENFILE, ENOBUFS) the listening socket stays readable, so accepting again
// at once would spin a core: back off as Go's net/http does, 5 ms doubling up to 1 s.
constexpr auto kAcceptBackoffFirst = std::chrono::milliseconds(5);
constexpr auto kAcceptBackoffMax = std::chrono::seconds(1);
constexpr auto kCancelWait = std::chrono::seconds(2);

void Accept(ServerState& state);
void Admit(ServerState& state, tcp::socket socket);

// Draining: the connections the kernel completed but the loop has not taken yet would be reset by closing
// the listener, so they are taken and served first; only one that completes in the instant between the
// last accept and the close can still be reset. Runs on the acceptor's strand, once, where the loop ends.
void StopAccepting(ServerState& state) {
  beast::error_code ec;
  state.acceptor.non_blocking(true, ec);
  while (!ec) {
    tcp::socket socket = state.acceptor.accept(asio::make_strand(state.ioc), ec);
    if (!ec) {
      Admit(state, std::move(socket));
    }
  }
  state.acceptor.close(ec);
  state.accept_stopped.Notify();
}

void BackOff(ServerState& state, const beast::error_code& error) {
  state.metrics.AcceptFailed();
  if (state.accept_backoff.count() == 0) {
    log::Warn("accept failed, backing off", {{"error", error.message()}});
    state.accept_backoff = kAcceptBackoffFirst;
  } else {
    state.accept_backoff = std::min<std::chrono::milliseconds>(state.accept_backoff * 2, kAcceptBackoffMax);
  }
  state.accept_timer.expires_after(state.accept_backoff);
  state.accept_timer.async_wait([&state](beast::error_code) {
    if (state.draining.load()) {
      StopAccepting(state);
    } else {
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
    if (!ec) {  // even when draining: the connection is accepted, and dropping it now would reset it
      state.accept_backoff = std::chrono::milliseconds(0);
      Admit(state, std::move(socket));
    }
    if (state.draining.load()) {
      StopAccepting(state);
    } else if (ec) {
      BackOff(state, ec);
    } else {
      Accept(state);
    }
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
    backend->channel = PeerChannel(spec.target);
    backend->stub = std::make_unique<grpc::GenericStub>(backend->channel);
    s.backends.emplace(spec.name, std::move(backend));
  }
  for (const Route& route : s.router.routes()) {
    auto it = s.backends.find(route.backend);
    if (it == s.backends.end()) {
      return absl::FailedPreconditionError(
          absl::StrCat("route ", route.path.text(), " names unknown backend ", route.backend));
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
  log::Info("gateway listening",
            {{"addr", addr}, {"port", port()}, {"routes", s.router.routes().size()}, {"threads", s.config.threads}});
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
  const auto grace_end = std::chrono::steady_clock::now() + absl::ToChronoMilliseconds(s.config.shutdown_grace);
  // Draining: the accept loop takes what the kernel accepted and closes the listener (StopAccepting),
  // idle keep-alive connections are closed, and every other connection is answered (with
  // "Connection: close") and closed by its session, within the grace.
  s.draining.store(true);
  if (!threads_.empty()) {
    asio::post(s.acceptor.get_executor(), [&s] {
      beast::error_code ignored;
      s.acceptor.cancel(ignored);
      s.accept_timer.cancel();
    });
    s.accept_stopped.WaitForNotificationWithTimeout(absl::FromChrono(grace_end - std::chrono::steady_clock::now()));
  }
  for (std::function<void()>& close : s.limiter.EvictIdle()) {
    close();
  }
  const auto connections_open = [&s] {
    const ConnectionLimiter::Counts counts = s.limiter.counts();
    return counts.open + counts.refusing > 0;
  };
  while ((s.in_flight.load() > 0 || connections_open()) && std::chrono::steady_clock::now() < grace_end &&
         !threads_.empty()) {
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

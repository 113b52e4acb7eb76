// voting_burst: the on-site burst of a congress sitting, through the gateway as phones would speak it.
//
//   voting_burst setup --port P --admin-password X --voters N [--roster FILE]
//       creates N deputies and their accounts bench-deputy-<i>, which `run` signs in as, and writes their
//       names to the roster (default /tmp/voting-burst-roster).
//   voting_burst run --port P --admin-password X --voters N --concurrency C [--roster FILE] [--twice]
//                    [--connection-per-request] [--casting-marker FILE] [--out DIR] [--verifier PATH]
//       sets up and opens a vote of those deputies; C concurrent voters each sign in (POST /v1/auth/token)
//       and check in, then, when all have, C concurrent voters cast (each request with its
//       Idempotency-Key, retried on connection failure, 5xx and 409 until it succeeds; --twice sends
//       every cast twice); then closes the vote and checks: every acknowledged tracker on the bulletin,
//       ballots == acknowledged voters, and the verifier's recount == the published result. Prints one
//       JSON line.
//       Each of the C clients keeps one HTTP/1.1 connection open, as the ingress in front of the gateway
//       keeps its upstream connections; --connection-per-request opens a new one for every request
//       instead. The casting is driven from one thread (CastDriver). --casting-marker creates FILE when
//       casting starts.
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/steady_timer.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "nlohmann/json.hpp"
#include "support/harness.h"

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr char kPassword[] = "bench-deputy-password";

struct Options {
  int port = 8080;
  std::string admin_password;
  int voters = 2000;
  int concurrency = 200;
  bool twice = false;
  bool connection_per_request = false;
  std::string casting_marker;
  std::string out = "/tmp";
  std::string verifier;
  std::string roster = "/tmp/voting-burst-roster";
};

minyi::testing::HttpResponse Call(const Options& o, minyi::testing::HttpConnection& conn, const std::string& method,
                                  const std::string& target, const json& body, const std::string& token,
                                  const std::string& key = "") {
  std::map<std::string, std::string> headers = {{"Content-Type", "application/json"}};
  if (!token.empty()) {
    headers["Authorization"] = "Bearer " + token;
  }
  if (!key.empty()) {
    headers["Idempotency-Key"] = key;
  }
  try {
    const std::string payload = body.is_null() ? "" : body.dump();
    return o.connection_per_request ? minyi::testing::HttpRequest(o.port, method, target, payload, headers)
                                    : conn.Request(method, target, payload, headers);
  } catch (const std::exception&) {
    return {};  // status 0: the connection failed
  }
}

// Retries what a client may retry with the same key: no answer, 5xx, 409 (a duplicate in flight).
// How long a client waits before its `attempt`th retry (0-based).
std::chrono::milliseconds Backoff(int attempt) {
  return std::chrono::milliseconds(std::min(100 << std::min(attempt, 4), 1000));
}

minyi::testing::HttpResponse CallRetrying(const Options& o, minyi::testing::HttpConnection& conn,
                                          const std::string& method, const std::string& target, const json& body,
                                          const std::string& token, const std::string& key = "",
                                          int* retries = nullptr) {
  const auto deadline = Clock::now() + std::chrono::seconds(300);
  for (int attempt = 0;; ++attempt) {
    minyi::testing::HttpResponse r = Call(o, conn, method, target, body, token, key);
    const bool retry = r.status == 0 || r.status >= 500 || r.status == 409;
    if (!retry || Clock::now() > deadline) {
      return r;
    }
    if (retries != nullptr) {
      ++*retries;
    }
    std::this_thread::sleep_for(Backoff(attempt));
  }
}

std::string Login(const Options& o, minyi::testing::HttpConnection& conn, const std::string& username,
                  const std::string& password) {
  minyi::testing::HttpResponse r =
      CallRetrying(o, conn, "POST", "/v1/auth/token", {{"username", username}, {"password", password}}, "");
  if (r.status != 200) {
    std::cerr << "sign-in of " << username << " failed: " << r.status << " " << r.body << "\n";
    std::exit(1);
  }
  return json::parse(r.body).value("accessToken", "");
}

// Client connections, kept from one phase to the next as the ingress keeps its upstream connections.
using Clients = std::vector<std::unique_ptr<minyi::testing::HttpConnection>>;

Clients Connections(const Options& o, int n) {
  Clients clients;
  for (int i = 0; i < n; ++i) {
    clients.push_back(std::make_unique<minyi::testing::HttpConnection>(o.port));
  }
  return clients;
}

// Runs fn(0..n-1) on one thread per client, each thread with its client's connection.
void ParallelFor(int n, Clients& clients, const std::function<void(int, minyi::testing::HttpConnection&)>& fn) {
  std::atomic<int> next{0};
  std::vector<std::thread> pool;
  for (std::unique_ptr<minyi::testing::HttpConnection>& conn : clients) {
    pool.emplace_back([&] {
      for (int i = next++; i < n; i = next++) {
        fn(i, *conn);
      }
    });
  }
  for (std::thread& t : pool) {
    t.join();
  }
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) {
    return 0;
  }
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * v.size()))];
}

std::string MustName(const minyi::testing::HttpResponse& r, const std::string& what) {
  if (r.status != 200) {
    std::cerr << what << " failed: " << r.status << " " << r.body << "\n";
    std::exit(1);
  }
  return json::parse(r.body).value("name", "");
}

// Creates the deputies (in the deputies service, members of a demo station, so each ballot is booked as
// a duty as in a real sitting) and their accounts, and writes the roster: line i is voter i's deputy.
int Setup(const Options& o) {
  minyi::testing::HttpConnection conn(o.port);
  const std::string admin = Login(o, conn, "admin", o.admin_password);
  const minyi::testing::HttpResponse stations = CallRetrying(o, conn, "GET", "/v1/stations?pageSize=1", nullptr, admin);
  const std::string station = stations.status == 200 ? json::parse(stations.body)["stations"][0].value("name", "") : "";
  if (station.empty()) {
    std::cerr << "no station to place the deputies in: " << stations.status << " " << stations.body << "\n";
    return 1;
  }
  std::vector<std::string> roster(o.voters);
  Clients clients = Connections(o, 8);
  ParallelFor(o.voters, clients, [&](int i, minyi::testing::HttpConnection& conn) {
    const json deputy = {{"displayName", absl::StrCat("代表", i)},
                         {"gender", i % 2 == 0 ? "GENDER_FEMALE" : "GENDER_MALE"},
                         {"level", "LEVEL_COUNTY"},
                         {"term", 2},
                         {"delegation", absl::StrCat("代表团", i % 20)},
                         {"status", "DEPUTY_STATUS_SERVING"},
                         {"stations", {station}},
                         {"termStartDate", "2021-12-28"}};
    roster[i] = MustName(CallRetrying(o, conn, "POST", "/v1/deputies", deputy, admin, absl::StrCat("bench-deputy-", i)),
                         "create deputy");
    const json account = {{"username", absl::StrCat("bench-deputy-", i)},
                          {"displayName", absl::StrCat("代表", i)},
                          {"role", "ROLE_DEPUTY"},
                          {"deputy", roster[i]}};
    MustName(CallRetrying(o, conn, "POST", "/v1/accounts", {{"account", account}, {"password", kPassword}}, admin,
                          absl::StrCat("bench-account-", i)),
             "create account");
  });
  std::ofstream out(o.roster);
  for (const std::string& name : roster) {
    out << name << "\n";
  }
  return out.good() ? 0 : 1;
}

// The casting phase, from one thread: `concurrency` keep-alive connections, each sending the next voter's
// ballot as soon as the previous one is answered, as wrk drives a server. A thread per client would
// spend the two shared cores on the load generator's own scheduling. Retries what a client may retry
// (no answer, 5xx, 409) with the same key and body; with `twice` every ballot is sent a second time.
class CastDriver final {
 public:
  struct Outcome {
    std::vector<double> ms;                   // per voter, first send to last answer
    std::map<int, std::string> acknowledged;  // voter -> tracker
    int failed = 0;
    int mismatched = 0;  // the copies of a ballot got different trackers
    int retries = 0;
  };
  // `request(voter)` is the voter's cast request.
  CastDriver(const Options& o, std::function<http::request<http::string_body>(int voter)> request)
      : o_(o), request_(std::move(request)) {
    for (int i = 0; i < o.concurrency; ++i) {
      clients_.push_back(std::make_unique<Client>(ioc_));
    }
  }

  // Opens every connection, before the clock starts, as the ingress holds them already.
  void Connect() {
    for (auto& c : clients_) {
      Open(*c, [](Client&) {});
    }
    ioc_.run();
    ioc_.restart();
  }

  Outcome Run() {
    for (auto& c : clients_) {
      Next(*c);
    }
    ioc_.run();
    return std::move(out_);
  }

 private:
  struct Client {
    explicit Client(boost::asio::io_context& ioc) : stream(ioc), timer(ioc) {}
    beast::tcp_stream stream;
    boost::asio::steady_timer timer;
    bool connected = false;
    beast::flat_buffer buffer;
    http::request<http::string_body> req;
    http::response<http::string_body> res;
    int voter = -1;
    int copy = 0;
    int attempt = 0;
    std::set<std::string> trackers;
    Clock::time_point t0;
  };

  void Open(Client& c, std::function<void(Client&)> then) {
    const boost::asio::ip::tcp::endpoint gateway(boost::asio::ip::make_address("127.0.0.1"),
                                                 static_cast<uint16_t>(o_.port));
    c.stream.expires_after(std::chrono::seconds(30));
    c.stream.async_connect(gateway, [this, &c, then = std::move(then)](beast::error_code ec) {
      if (ec) {
        Answered(c, 0);
        return;
      }
      c.connected = true;
      then(c);
    });
  }

  void Next(Client& c) {
    if (next_ >= o_.voters) {
      return;  // this client is done
    }
    c.voter = next_++;
    c.copy = 0;
    c.attempt = 0;
    c.trackers.clear();
    c.t0 = Clock::now();
    Send(c);
  }

  void Send(Client& c) {
    if (!c.connected) {
      Open(c, [this](Client& opened) { Send(opened); });
      return;
    }
    c.req = request_(c.voter);
    c.res = {};
    c.stream.expires_after(std::chrono::seconds(30));
    http::async_write(c.stream, c.req, [this, &c](beast::error_code ec, std::size_t) {
      if (ec) {
        Answered(c, 0);
        return;
      }
      http::async_read(c.stream, c.buffer, c.res, [this, &c](beast::error_code read_ec, std::size_t) {
        Answered(c, read_ec ? 0 : static_cast<int>(c.res.result_int()));
      });
    });
  }

  // status 0: no answer (the connection is closed and opened again on the next send).
  void Answered(Client& c, int status) {
    if (status == 0 || c.res.need_eof()) {
      beast::error_code ignored;
      c.stream.socket().close(ignored);
      c.connected = false;
      c.buffer.clear();
    }
    if (c.voter < 0) {
      return;  // Connect: a failed connection is opened again by its first send
    }
    const bool retry = status == 0 || status >= 500 || status == 409;
    if (retry && Clock::now() - c.t0 < std::chrono::seconds(300)) {
      ++out_.retries;
      c.timer.expires_after(Backoff(c.attempt++));
      c.timer.async_wait([this, &c](beast::error_code) { Send(c); });
      return;
    }
    if (status != 200) {
      ++out_.failed;
      std::cerr << "cast " << c.voter << ": " << status << " " << c.res.body() << "\n";
      Next(c);
      return;
    }
    c.trackers.insert(json::parse(c.res.body()).value("tracker", ""));
    if (++c.copy < (o_.twice ? 2 : 1)) {
      c.attempt = 0;
      Send(c);
      return;
    }
    out_.ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - c.t0).count());
    out_.mismatched += c.trackers.size() == 1 ? 0 : 1;
    out_.acknowledged[c.voter] = *c.trackers.begin();
    Next(c);
  }

  const Options& o_;
  const std::function<http::request<http::string_body>(int voter)> request_;
  boost::asio::io_context ioc_;
  std::vector<std::unique_ptr<Client>> clients_;
  int next_ = 0;
  Outcome out_;
};

int Run(const Options& o) {
  minyi::testing::HttpConnection conn(o.port);
  const std::string admin = Login(o, conn, "admin", o.admin_password);
  std::vector<std::string> candidates;
  for (int c = 0; c < 5; ++c) {
    const std::string p = MustName(
        CallRetrying(
            o, conn, "POST", "/v1/projects",
            {{"title", absl::StrCat("候选项目", c + 1)}, {"department", "bench"}, {"source", "NOMINATION_SOURCE_TOWN"}},
            admin),
        "create project");
    MustName(CallRetrying(o, conn, "POST", absl::StrCat("/v1/", p, ":screen"), {{"admit", true}}, admin), "screen");
    candidates.push_back(p);
  }
  json electorate = json::array();
  std::ifstream roster(o.roster);
  for (std::string deputy; electorate.size() < static_cast<size_t>(o.voters) && std::getline(roster, deputy);) {
    electorate.push_back(deputy);
  }
  if (electorate.size() != static_cast<size_t>(o.voters)) {
    std::cerr << "the roster " << o.roster << " names " << electorate.size() << " deputies, not " << o.voters << "\n";
    return 1;
  }
  const std::string vote = MustName(CallRetrying(o, conn, "POST", "/v1/votes",
                                                 {{"title", "现场票决"},
                                                  {"form", "BALLOT_FORM_APPROVAL"},
                                                  {"slots", 2},
                                                  {"candidates", candidates},
                                                  {"electorate", electorate}},
                                                 admin),
                                    "create vote");
  MustName(CallRetrying(o, conn, "POST", absl::StrCat("/v1/", vote, ":open"), json::object(), admin), "open");
  const std::string vote_id = vote.substr(vote.find('/') + 1);

  std::mutex mu;
  std::vector<double> login_ms;
  std::vector<std::string> tokens(o.voters);
  std::atomic<int> failed{0};
  std::atomic<int> retries{0};
  // Phase 1: everyone signs in and checks in (签到 before ballots are issued).
  const auto start = Clock::now();
  Clients clients = Connections(o, o.concurrency);
  ParallelFor(o.voters, clients, [&](int i, minyi::testing::HttpConnection& conn) {
    const auto t0 = Clock::now();
    tokens[i] = Login(o, conn, absl::StrCat("bench-deputy-", i), kPassword);
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    int r_count = 0;
    minyi::testing::HttpResponse r =
        CallRetrying(o, conn, "POST", absl::StrCat("/v1/", vote, ":checkIn"), json::object(), tokens[i],
                     absl::StrCat("checkin-", vote_id, "-", i), &r_count);
    retries += r_count;
    if (r.status != 200) {
      ++failed;
      std::cerr << "check-in " << i << ": " << r.status << " " << r.body << "\n";
    }
    std::lock_guard<std::mutex> lock(mu);
    login_ms.push_back(ms);
  });
  // Phase 2: ballots are issued and everyone casts at once.
  CastDriver driver(o, [&](int i) {
    const json ballot = {{"content", {{"approvals", {candidates[i % 5], candidates[(i + 1 + (i / 5) % 4) % 5]}}}},
                         {"nonce", absl::StrCat("burst-", vote_id, "-voter-", i, "-0123456789abcdef")}};
    http::request<http::string_body> req{http::verb::post, absl::StrCat("/v1/", vote, "/ballots"), 11};
    req.set(http::field::host, absl::StrCat("127.0.0.1:", o.port));
    req.set(http::field::authorization, "Bearer " + tokens[i]);
    req.set(http::field::content_type, "application/json");
    req.set("Idempotency-Key", absl::StrCat("cast-", vote_id, "-", i));
    req.keep_alive(!o.connection_per_request);
    req.body() = ballot.dump();
    req.prepare_payload();
    return req;
  });
  driver.Connect();
  const auto cast_start = Clock::now();
  if (!o.casting_marker.empty()) {
    std::ofstream(o.casting_marker) << vote << "\n";
  }
  const CastDriver::Outcome cast = driver.Run();
  const auto end = Clock::now();
  const double seconds = std::chrono::duration<double>(end - start).count();
  const double cast_seconds = std::chrono::duration<double>(end - cast_start).count();

  MustName(CallRetrying(o, conn, "POST", absl::StrCat("/v1/", vote, ":close"), json::object(), admin,
                        absl::StrCat("close-", vote_id)),
           "close");
  minyi::testing::HttpResponse bulletin =
      CallRetrying(o, conn, "GET", absl::StrCat("/v1/", vote, "/bulletin"), nullptr, admin);
  minyi::testing::HttpResponse result =
      CallRetrying(o, conn, "GET", absl::StrCat("/v1/", vote, "/result"), nullptr, admin);
  if (bulletin.status != 200 || result.status != 200) {
    std::cerr << "bulletin: " << bulletin.status << " " << bulletin.body.substr(0, 300) << "\nresult: " << result.status
              << " " << result.body.substr(0, 300) << "\n";
    return 1;
  }
  std::set<std::string> on_bulletin;
  const json board = json::parse(bulletin.body);
  for (const json& b : board["ballots"]) {
    on_bulletin.insert(b.value("tracker", ""));
  }
  int missing = 0;
  const std::map<int, std::string>& acknowledged = cast.acknowledged;
  for (const auto& [voter, tracker] : acknowledged) {
    missing += on_bulletin.count(tracker) == 0 ? 1 : 0;
  }
  const int ballots_cast = json::parse(result.body).value("ballotsCast", -1);
  int recount = -1;
  if (!o.verifier.empty()) {
    const std::string b = o.out + "/bulletin-" + vote_id + ".json";
    const std::string res = o.out + "/result-" + vote_id + ".json";
    std::ofstream(b) << bulletin.body;
    std::ofstream(res) << result.body;
    const int status = std::system((o.verifier + " " + b + " " + res + " >/dev/null 2>&1").c_str());
    recount = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  json out = {{"vote", vote},
              {"voters", o.voters},
              {"concurrency", o.concurrency},
              {"twice", o.twice},
              {"connection_per_request", o.connection_per_request},
              {"seconds", seconds},
              {"voters_per_second", acknowledged.size() / seconds},
              {"cast_seconds", cast_seconds},
              {"ballots_per_second", acknowledged.size() / cast_seconds},
              {"login_p50_ms", Percentile(login_ms, 0.50)},
              {"login_p99_ms", Percentile(login_ms, 0.99)},
              {"cast_p50_ms", Percentile(cast.ms, 0.50)},
              {"cast_p99_ms", Percentile(cast.ms, 0.99)},
              {"acknowledged", acknowledged.size()},
              {"failed", failed.load() + cast.failed},
              {"check_in_retries", retries.load()},
              {"cast_retries", cast.retries},
              {"receipt_mismatches", cast.mismatched},
              {"bulletin_ballots", on_bulletin.size()},
              {"result_ballots_cast", ballots_cast},
              {"acknowledged_missing_from_bulletin", missing},
              {"verifier_exit", recount}};
  std::cout << out.dump() << "\n";
  const bool ok = failed == 0 && cast.failed == 0 && cast.mismatched == 0 && missing == 0 &&
                  on_bulletin.size() == acknowledged.size() && ballots_cast == static_cast<int>(acknowledged.size()) &&
                  (o.verifier.empty() || recount == 0);
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: voting_burst setup|run --port P --admin-password X [--voters N] [--concurrency C] "
                 "[--roster FILE] [--twice] [--connection-per-request] [--casting-marker FILE] [--out DIR] "
                 "[--verifier PATH]\n";
    return 2;
  }
  Options o;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (a == "--port") {
      o.port = std::stoi(next());
    } else if (a == "--admin-password") {
      o.admin_password = next();
    } else if (a == "--voters") {
      o.voters = std::stoi(next());
    } else if (a == "--concurrency") {
      o.concurrency = std::stoi(next());
    } else if (a == "--roster") {
      o.roster = next();
    } else if (a == "--twice") {
      o.twice = true;
    } else if (a == "--connection-per-request") {
      o.connection_per_request = true;
    } else if (a == "--casting-marker") {
      o.casting_marker = next();
    } else if (a == "--out") {
      o.out = next();
    } else if (a == "--verifier") {
      o.verifier = next();
    }
  }
  const std::string command = argv[1];
  return command == "setup" ? Setup(o) : command == "run" ? Run(o) : 2;
}

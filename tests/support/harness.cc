#include "support/harness.h"

#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "boost/asio/connect.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "common/clock.h"
#include "hiredis.h"
#include "pqxx/pqxx"

extern char** environ;

namespace minyi::testing {
namespace {

constexpr char kPgBin[] = "/usr/lib/postgresql/15/bin";
constexpr absl::Duration kStartTimeout = absl::Seconds(60);
constexpr absl::Duration kStopTimeout = absl::Seconds(30);

// A failure to set up the harness aborts the test run: there is nothing a test could do about it.
[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "harness: %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

// The user servers run as: PostgreSQL refuses to run as root.
struct RunAs {
  uid_t uid;
  gid_t gid;
};

std::optional<RunAs> ServerUser() {
  if (geteuid() != 0) {
    return std::nullopt;
  }
  const passwd* pw = getpwnam("postgres");
  if (pw == nullptr) {
    Fail("running as root but there is no `postgres` user (install postgresql-15)");
  }
  return RunAs{pw->pw_uid, pw->pw_gid};
}

// fork + execvp. Everything the child needs is prepared before fork, because the parent is
// multi-threaded and the child may only call async-signal-safe functions. The child is killed when the
// thread that spawned it exits (PR_SET_PDEATHSIG), so no server outlives a test process that was
// SIGKILLed.
pid_t Spawn(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
            const std::string& log_file, std::optional<RunAs> run_as) {
  std::map<std::string, std::string> merged;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view kv(*e);
    size_t eq = kv.find('=');
    if (eq != std::string_view::npos) {
      merged[std::string(kv.substr(0, eq))] = std::string(kv.substr(eq + 1));
    }
  }
  for (const auto& [k, v] : env) {
    merged[k] = v;
  }
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : merged) {
    env_strings.push_back(k + "=" + v);
  }
  std::vector<char*> envp;
  for (auto& s : env_strings) {
    envp.push_back(s.data());
  }
  envp.push_back(nullptr);
  std::vector<std::string> arg_copy = args;
  std::vector<char*> argv;
  for (auto& s : arg_copy) {
    argv.push_back(s.data());
  }
  argv.push_back(nullptr);

  int log_fd = open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    Fail(absl::StrCat("cannot open ", log_file, ": ", std::strerror(errno)));
  }
  const pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    Fail(absl::StrCat("fork: ", std::strerror(errno)));
  }
  if (pid == 0) {
    // The test process may have blocked or ignored signals; the child starts clean.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    signal(SIGPIPE, SIG_DFL);
    dup2(log_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) {
      dup2(devnull, STDIN_FILENO);
    }
    if (run_as.has_value()) {
      if (setgroups(0, nullptr) != 0 || setgid(run_as->gid) != 0 || setuid(run_as->uid) != 0) {
        static constexpr char kMsg[] = "harness: cannot switch user\n";
        (void)!write(STDERR_FILENO, kMsg, sizeof(kMsg) - 1);
        _exit(127);
      }
    }
    // After setuid, which clears the parent-death signal.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) {
      _exit(127);
    }
    execvpe(argv[0], argv.data(), envp.data());
    static constexpr char kMsg[] = "harness: exec failed\n";
    (void)!write(STDERR_FILENO, kMsg, sizeof(kMsg) - 1);
    _exit(127);
  }
  close(log_fd);
  return pid;
}

// Waits for `pid` to exit; returns its exit status (128+signal when killed), or -1 on timeout.
int WaitPid(pid_t pid, absl::Duration timeout) {
  int result = -1;
  (void)Eventually(
      [&] {
        int status = 0;
        pid_t r = 0;
        do {
          r = waitpid(pid, &status, WNOHANG);
        } while (r < 0 && errno == EINTR);
        if (r == pid && WIFEXITED(status)) {
          result = WEXITSTATUS(status);
        } else if (r == pid && WIFSIGNALED(status)) {
          result = 128 + WTERMSIG(status);
        }
        return result != -1 || r < 0;  // exited, or not a child of ours to wait for
      },
      timeout);
  return result;
}

// Sends `sig`, waits up to `grace`, then SIGKILLs. Reaps the child either way.
void Terminate(pid_t pid, int sig, absl::Duration grace) {
  if (pid <= 0) {
    return;
  }
  kill(pid, sig);
  if (WaitPid(pid, grace) == -1) {
    kill(pid, SIGKILL);
    WaitPid(pid, absl::Seconds(10));
  }
}

// Runs a command to completion; aborts the test run when it fails.
void RunOrDie(const std::vector<std::string>& args, const std::string& log_file, std::optional<RunAs> run_as) {
  pid_t pid = Spawn(args, {}, log_file, run_as);
  int status = WaitPid(pid, absl::Minutes(2));
  if (status != 0) {
    std::ifstream in(log_file);
    std::stringstream log;
    log << in.rdbuf();
    Fail(absl::StrCat(absl::StrJoin(args, " "), " exited with ", status, ":\n", log.str()));
  }
}

// What must be undone when the test process ends: servers still running and temporary directories.
// The registry is leaked so it is still there when atexit handlers and signal cleanup run.
class Cleanup final {
 public:
  static Cleanup& Get() {
    static Cleanup* const cleanup = new Cleanup();
    return *cleanup;
  }

  void AddDir(std::string dir) {
    std::lock_guard<std::mutex> lock(mu_);
    dirs_.push_back(std::move(dir));
  }
  void AddStopper(void* key, std::function<void()> stop) {
    std::lock_guard<std::mutex> lock(mu_);
    stoppers_.emplace_back(key, std::move(stop));
  }
  void RemoveStopper(void* key) {
    std::lock_guard<std::mutex> lock(mu_);
    stoppers_.erase(std::remove_if(stoppers_.begin(), stoppers_.end(), [key](const auto& s) { return s.first == key; }),
                    stoppers_.end());
  }

  // Stops every registered server and removes every directory. Only the process that registered them
  // does this: a fork()ed test child that exits must not tear down its parent's servers.
  void RunAll() {
    if (getpid() != owner_) {
      return;
    }
    // A second caller (exit racing the signal thread) waits until the servers are really down.
    std::lock_guard<std::mutex> running(run_mu_);
    std::vector<std::pair<void*, std::function<void()>>> stoppers;
    std::vector<std::string> dirs;
    {
      std::lock_guard<std::mutex> lock(mu_);
      stoppers.swap(stoppers_);
      dirs.swap(dirs_);
    }
    for (auto it = stoppers.rbegin(); it != stoppers.rend(); ++it) {
      it->second();
    }
    for (const auto& d : dirs) {
      std::error_code ec;
      std::filesystem::remove_all(d, ec);
    }
  }

 private:
  Cleanup() : owner_(getpid()) {
    std::atexit([] { Get().RunAll(); });
    // SIGTERM/SIGINT (ctest timeouts, Ctrl-C) clean up on a dedicated thread woken through a pipe,
    // since stopping servers and removing files is not async-signal-safe.
    if (pipe2(signal_pipe_, O_CLOEXEC) != 0) {
      Fail("pipe2 failed");
    }
    std::thread([this] {
      int sig = 0;
      while (read(signal_pipe_[0], &sig, sizeof(sig)) != static_cast<ssize_t>(sizeof(sig))) {
        if (errno != EINTR) {
          return;
        }
      }
      RunAll();
      signal(sig, SIG_DFL);
      raise(sig);
    }).detach();
    struct sigaction sa {};
    sa.sa_handler = &Cleanup::OnSignal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
  }

  static void OnSignal(int sig) {
    Cleanup& c = Get();
    if (getpid() != c.owner_) {
      signal(sig, SIG_DFL);
      raise(sig);
      return;
    }
    (void)!write(c.signal_pipe_[1], &sig, sizeof(sig));
  }

  const pid_t owner_;
  int signal_pipe_[2] = {-1, -1};
  std::mutex run_mu_;
  std::mutex mu_;
  std::vector<std::string> dirs_;                                  // guarded by mu_
  std::vector<std::pair<void*, std::function<void()>>> stoppers_;  // guarded by mu_
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The ports FreePort hands out, reserved across processes by write locks on single bytes of one lock
// file (the byte at offset `port`). A record lock belongs to the process and goes when it exits, however
// it ends, so a crashed test leaks nothing; within the process a set keeps threads from sharing a port.
class PortReservations final {
 public:
  static PortReservations& Get() {
    static PortReservations* const reservations = new PortReservations();
    return *reservations;
  }

  int Reserve() {
    std::lock_guard<std::mutex> lock(mu_);
    for (int attempt = 0; attempt < 10000; ++attempt) {
      const int port = candidates_[std::uniform_int_distribution<size_t>(0, candidates_.size() - 1)(random_)];
      if (held_.count(port) > 0) {
        continue;
      }
      struct flock range {};
      range.l_type = F_WRLCK;
      range.l_whence = SEEK_SET;
      range.l_start = port;
      range.l_len = 1;
      if (fcntl(fd_, F_SETLK, &range) != 0) {
        continue;  // another test process has it
      }
      held_.insert(port);  // kept even when not bindable: whoever listens there keeps it a while
      if (Bindable(port)) {
        return port;
      }
    }
    Fail("no free port left to reserve");
  }

 private:
  PortReservations() : random_(std::random_device{}()) {
    fd_ = open(kLockFile, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd_ < 0) {
      Fail(absl::StrCat("cannot open ", kLockFile, ": ", std::strerror(errno)));
    }
    (void)fchmod(fd_, 0666);  // shared by every user's tests; best effort when another user made it
    int low = 32768;
    int high = 60999;
    std::ifstream("/proc/sys/net/ipv4/ip_local_port_range") >> low >> high;
    for (int port = kFirstPort; port <= 65535; ++port) {
      if (port < low || port > high) {
        candidates_.push_back(port);
      }
    }
    if (candidates_.empty()) {
      Fail("the ephemeral port range leaves no ports for test servers");
    }
  }

  // Whether nothing is bound to the port: no listener outside the tests, no connection lingering in
  // TIME_WAIT (no SO_REUSEADDR here, so either makes the bind fail).
  static bool Bindable(int port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      Fail("socket failed");
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    close(fd);
    return ok;
  }

  // Above the well-known and registered ports that local runs use (deploy/local: 7100, 8080, 15432,
  // 16379).
  static constexpr int kFirstPort = 20000;
  static constexpr char kLockFile[] = "/tmp/minyi-test-ports.lock";

  std::mutex mu_;
  int fd_ = -1;
  std::vector<int> candidates_;
  std::mt19937 random_;  // guarded by mu_
  std::set<int> held_;   // guarded by mu_
};

}  // namespace

int FreePort() { return PortReservations::Get().Reserve(); }

::testing::AssertionResult Eventually(const std::function<bool()>& condition, absl::Duration timeout) {
  const absl::Time start = absl::Now();
  const absl::Time deadline = start + timeout;
  absl::Duration pause = absl::Milliseconds(1);
  while (!condition()) {
    const absl::Time now = absl::Now();
    if (now >= deadline) {
      return ::testing::AssertionFailure() << "still false after waiting " << absl::FormatDuration(now - start);
    }
    absl::SleepFor(std::min(pause, deadline - now));
    pause = std::min(pause * 2, absl::Milliseconds(50));
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult HoldsFor(const std::function<bool()>& condition, absl::Duration watch) {
  const absl::Time start = absl::Now();
  const absl::Time end = start + watch;
  while (true) {
    if (!condition()) {
      return ::testing::AssertionFailure() << "stopped holding after " << absl::FormatDuration(absl::Now() - start)
                                           << " of the " << absl::FormatDuration(watch) << " watched";
    }
    const absl::Time now = absl::Now();
    if (now >= end) {
      return ::testing::AssertionSuccess();
    }
    absl::SleepFor(std::min(absl::Milliseconds(50), end - now));
  }
}

bool WaitForPort(int port, absl::Duration timeout) {
  return Eventually(
      [port] {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons(static_cast<uint16_t>(port));
        const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
        close(fd);
        return ok;
      },
      timeout);
}

std::string BuildPath(std::string_view relative) { return absl::StrCat(MINYI_BUILD_DIR, "/", std::string(relative)); }

std::string SourcePath(std::string_view relative) { return absl::StrCat(MINYI_SOURCE_DIR, "/", std::string(relative)); }

namespace {

const Clock& TestClock() {
  static const bool started = [] {
    const char* start = std::getenv("MINYI_TEST_CLOCK");
    if (start != nullptr && *start != '\0') {
      absl::Time t;
      if (!ParseInstant(start, &t)) {
        Fail(absl::StrCat("MINYI_TEST_CLOCK is not an RFC 3339 time with its offset: ", start));
      }
      SetDomainClock(Clock(t, absl::Now()));
    }
    return true;
  }();
  (void)started;
  return DomainClock();
}

}  // namespace

absl::Time TestNow() { return TestClock().Now(); }

absl::CivilDay TestToday() { return TestClock().Today(); }

std::string LastYear(std::string_view rest) {
  const std::string year = absl::StrCat(TestToday().year() - 1);
  return rest.empty() ? year : absl::StrCat(year, "-", std::string(rest));
}

std::map<std::string, std::string> ClockEnv() {
  if (!TestClock().shifted()) {
    return {};
  }
  return {{"MINYI_CLOCK_START", FormatInstant(TestNow())}};
}

std::string TempDir(std::string_view prefix) {
  std::string tmpl = absl::StrCat("/tmp/minyi-", std::string(prefix), "-XXXXXX");
  if (mkdtemp(tmpl.data()) == nullptr) {
    Fail(absl::StrCat("mkdtemp: ", std::strerror(errno)));
  }
  Cleanup::Get().AddDir(tmpl);
  return tmpl;
}

// ---------------------------------------------------------------------------------------------------
// PostgreSQL

PostgresServer& PostgresServer::Shared() {
  static PostgresServer* const server = new PostgresServer();
  return *server;
}

PostgresServer::PostgresServer() {
  dir_ = TempDir("pg");
  port_ = FreePort();
  const std::optional<RunAs> run_as = ServerUser();
  const std::string sock = dir_ + "/sock";
  if (mkdir(sock.c_str(), 0700) != 0) {
    Fail("mkdir sock failed");
  }
  if (run_as.has_value()) {
    if (chown(dir_.c_str(), run_as->uid, run_as->gid) != 0 || chown(sock.c_str(), run_as->uid, run_as->gid) != 0) {
      Fail(absl::StrCat("chown ", dir_, ": ", std::strerror(errno)));
    }
  }
  RunOrDie({absl::StrCat(kPgBin, "/initdb"), "-D", dir_ + "/data", "-A", "trust", "-U", "postgres", "--encoding=UTF8",
            "--locale=C.UTF-8", "--no-sync"},
           dir_ + "/initdb.log", run_as);
  Cleanup::Get().AddStopper(this, [this] { Stop(); });
  Start();
}

PostgresServer::~PostgresServer() {
  Cleanup::Get().RemoveStopper(this);
  Stop();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

// The postmaster runs as our direct child rather than daemonized by pg_ctl, so PR_SET_PDEATHSIG takes
// it down with a test process that is SIGKILLed (as ctest does on timeout).
void PostgresServer::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (pid_ > 0) {
    return;
  }
  pid_ = Spawn({absl::StrCat(kPgBin, "/postgres"), "-D", dir_ + "/data", "-p", std::to_string(port_), "-k",
                dir_ + "/sock", "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "full_page_writes=off",
                "-c", "synchronous_commit=off", "-c", "max_connections=200"},
               {}, dir_ + "/postgres.log", ServerUser());
  const std::string dsn = absl::StrCat("postgresql://postgres@127.0.0.1:", port_, "/postgres?connect_timeout=2");
  std::string error;
  bool exited = false;
  const bool ready = Eventually(
      [&] {
        try {
          pqxx::connection conn(dsn);
          return true;
        } catch (const std::exception& e) {
          error = e.what();
        }
        int status = 0;
        exited = waitpid(pid_, &status, WNOHANG) == pid_;
        return exited;
      },
      kStartTimeout);
  if (exited) {
    pid_ = -1;
    Fail(absl::StrCat("postgres exited at start:\n", ReadFile(dir_ + "/postgres.log")));
  }
  if (!ready) {
    Fail(absl::StrCat("postgres not ready: ", error, "\n", ReadFile(dir_ + "/postgres.log")));
  }
}

// SIGINT is PostgreSQL's fast shutdown, what `pg_ctl -m fast stop` sends.
void PostgresServer::Stop() {
  std::lock_guard<std::mutex> lock(mu_);
  Terminate(pid_, SIGINT, kStopTimeout);
  pid_ = -1;
}

std::string PostgresServer::CreateDatabase() {
  int n = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    n = ++next_db_;
  }
  const std::string name = absl::StrCat("db", n);
  pqxx::connection conn(absl::StrCat("postgresql://postgres@127.0.0.1:", port_, "/postgres"));
  pqxx::nontransaction tx(conn);
  tx.exec(absl::StrCat("CREATE DATABASE ", name, " TEMPLATE template0 ENCODING 'UTF8'"));
  return absl::StrCat("postgresql://postgres@127.0.0.1:", port_, "/", name);
}

// ---------------------------------------------------------------------------------------------------
// Redis

RedisServer& RedisServer::Shared() {
  static RedisServer* const server = new RedisServer();
  return *server;
}

RedisServer::RedisServer() {
  dir_ = TempDir("redis");
  port_ = FreePort();
  Cleanup::Get().AddStopper(this, [this] { Stop(); });
  Start();
}

RedisServer::~RedisServer() {
  Cleanup::Get().RemoveStopper(this);
  Stop();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string RedisServer::addr() const { return absl::StrCat("127.0.0.1:", port_); }

void RedisServer::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (pid_ > 0) {
    return;
  }
  pid_ = Spawn({"redis-server", "--port", std::to_string(port_), "--bind", "127.0.0.1", "--dir", dir_, "--appendonly",
                "yes", "--appendfsync", "always", "--save", "", "--daemonize", "no"},
               {}, dir_ + "/redis.log", std::nullopt);
  // Redis accepts connections while it still loads the AOF (answering LOADING): wait for a real PONG.
  bool exited = false;
  const bool ready = Eventually(
      [&] {
        timeval tv{1, 0};
        redisContext* ctx = redisConnectWithTimeout("127.0.0.1", port_, tv);
        bool pong = false;
        if (ctx != nullptr && ctx->err == 0) {
          auto* reply = static_cast<redisReply*>(redisCommand(ctx, "PING"));
          pong = reply != nullptr && reply->type == REDIS_REPLY_STATUS && std::string(reply->str) == "PONG";
          if (reply != nullptr) {
            freeReplyObject(reply);
          }
        }
        if (ctx != nullptr) {
          redisFree(ctx);
        }
        int status = 0;
        exited = !pong && waitpid(pid_, &status, WNOHANG) == pid_;
        return pong || exited;
      },
      kStartTimeout);
  if (exited) {
    pid_ = -1;
    Fail(absl::StrCat("redis-server exited at start:\n", ReadFile(dir_ + "/redis.log")));
  }
  if (!ready) {
    Fail(absl::StrCat("redis-server not ready:\n", ReadFile(dir_ + "/redis.log")));
  }
}

// SIGTERM makes Redis flush the AOF and exit, like SHUTDOWN.
void RedisServer::Stop() {
  std::lock_guard<std::mutex> lock(mu_);
  Terminate(pid_, SIGTERM, kStopTimeout);
  pid_ = -1;
}

// ---------------------------------------------------------------------------------------------------
// Child processes

ChildProcess::ChildProcess(std::string path, std::vector<std::string> args, std::map<std::string, std::string> env,
                           std::string log_file)
    : log_file_(std::move(log_file)) {
  args.insert(args.begin(), std::move(path));
  pid_ = Spawn(args, env, log_file_, std::nullopt);
}

ChildProcess::~ChildProcess() {
  if (Running()) {
    Terminate(pid_, SIGTERM, absl::Seconds(5));
  }
}

void ChildProcess::Signal(int sig) {
  if (Running()) {
    kill(pid_, sig);
  }
}

bool ChildProcess::Running() { return status_ == -1 && Wait(absl::ZeroDuration()) == -1; }

int ChildProcess::Wait(absl::Duration timeout) {
  if (status_ == -1) {
    status_ = WaitPid(pid_, timeout);
  }
  return status_;
}

std::string ChildProcess::Log() const { return ReadFile(log_file_); }

// ---------------------------------------------------------------------------------------------------
// HTTP

namespace beast = boost::beast;
namespace http = beast::http;

struct HttpConnection::Stream {
  boost::asio::io_context ioc;
  beast::tcp_stream tcp{ioc};
  beast::flat_buffer buffer;  // bytes read past one response belong to the next
};

HttpConnection::HttpConnection(int port, std::string source_address)
    : port_(port), source_address_(std::move(source_address)) {}

HttpConnection::~HttpConnection() {
  if (stream_ != nullptr) {
    beast::error_code ec;
    stream_->tcp.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
  }
}

HttpResponse HttpConnection::Request(std::string_view method, std::string_view target, std::string_view body,
                                     const std::map<std::string, std::string>& headers) {
  if (stream_ == nullptr) {
    auto stream = std::make_unique<Stream>();
    stream->tcp.expires_after(std::chrono::seconds(30));
    if (!source_address_.empty()) {
      stream->tcp.socket().open(boost::asio::ip::tcp::v4());
      stream->tcp.socket().bind(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address(source_address_), 0));
    }
    stream->tcp.connect(
        boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port_)));
    stream_ = std::move(stream);
  }
  // Whatever goes wrong below leaves the connection in an unknown state: the next request starts afresh.
  std::unique_ptr<Stream> stream = std::move(stream_);

  http::request<http::string_body> req;
  http::verb verb = http::string_to_verb(beast::string_view(method.data(), method.size()));
  if (verb == http::verb::unknown) {
    req.method_string(beast::string_view(method.data(), method.size()));
  } else {
    req.method(verb);
  }
  req.target(beast::string_view(target.data(), target.size()));
  req.version(11);
  req.set(http::field::host, absl::StrCat("127.0.0.1:", port_));
  for (const auto& [k, v] : headers) {
    req.set(k, v);
  }
  req.body() = std::string(body);
  if (!body.empty() || verb == http::verb::post || verb == http::verb::put || verb == http::verb::patch) {
    req.prepare_payload();
  }
  stream->tcp.expires_after(std::chrono::seconds(30));
  // A server may answer (413, say) and stop reading before the body is all sent: the write then fails,
  // and the answer is still there to read.
  beast::error_code write_error;
  http::write(stream->tcp, req, write_error);

  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  stream->tcp.expires_after(std::chrono::seconds(30));
  http::read(stream->tcp, stream->buffer, parser);
  const auto& res = parser.get();

  HttpResponse out;
  out.status = static_cast<int>(res.result_int());
  out.body = res.body();
  for (const auto& field : res) {
    std::string name(field.name_string());
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    std::string value(field.value());
    auto [it, inserted] = out.headers.emplace(name, value);
    if (!inserted) {
      it->second = absl::StrCat(it->second, ", ", value);
    }
  }
  if (res.keep_alive() && !write_error) {
    stream_ = std::move(stream);
  }
  return out;
}

HttpResponse HttpRequest(int port, std::string_view method, std::string_view target, std::string_view body,
                         const std::map<std::string, std::string>& headers) {
  return HttpConnection(port).Request(method, target, body, headers);
}

}  // namespace minyi::testing

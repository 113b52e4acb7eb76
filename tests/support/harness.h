#pragma once

// The test harness: real PostgreSQL and Redis servers on free loopback ports in temporary folders,
// child processes, and a small HTTP client. Never mocks of them.

#include <sys/types.h>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace minyi::testing {

// A TCP port on 127.0.0.1 that no other caller of FreePort on this machine gets while this process
// lives, and that nothing listened on when asked: for a server this process is about to start. Ports come
// from outside the kernel's ephemeral range (which any outgoing connection or bind to port 0 may take),
// and each is reserved by a lock on its byte of a lock file shared by every test process, held until
// this process exits. So two tests under `ctest -j` never race for one port, restarts on the same port
// keep it, and nothing needs to retry.
int FreePort();
// Waits until something accepts TCP connections on 127.0.0.1:port.
bool WaitForPort(int port, absl::Duration timeout);
// Polls `condition` (first at once, then at intervals growing from 1 ms to 50 ms) until it holds or
// `timeout` passes: the one way a test waits for what happens asynchronously (event consumers,
// sweepers, another process), instead of sleeping. The failure says how long it waited; ASSERT_TRUE
// around the call also prints the condition's source.
[[nodiscard]] ::testing::AssertionResult Eventually(const std::function<bool()>& condition,
                                                    absl::Duration timeout = absl::Seconds(30));
// Checks `condition` every 50 ms and at the end of `watch`: the way a test asserts that something does
// NOT happen. It fails as soon as the condition stops holding, saying when. The caller states why
// `watch` is long enough (e.g. "the relay polls every 100 ms; 1 s is ten polls").
[[nodiscard]] ::testing::AssertionResult HoldsFor(const std::function<bool()>& condition, absl::Duration watch);
// Path of a built artifact, relative to the CMake build directory (e.g. "services/deputies/minyi-deputies").
std::string BuildPath(std::string_view relative);
// Path of a source file, relative to the project root.
std::string SourcePath(std::string_view relative);
// A fresh temporary directory, removed at process exit.
std::string TempDir(std::string_view prefix);

// The domain clock (common/clock.h) of the test process and of every service it starts. MINYI_TEST_CLOCK
// (RFC 3339, e.g. 2026-12-31T23:50:00+08:00) starts it at that instant on first use; unset, it is the
// system time. Tests ask it for "today" instead of assuming the date they were written on.
absl::Time TestNow();
absl::CivilDay TestToday();  // in Asia/Shanghai
// The test clock's last year, "-<rest>" appended: a year, date or period that has passed whatever day the
// tests run on, e.g. LastYear(), LastYear("03-02"), LastYear("Q1").
std::string LastYear(std::string_view rest = "");
// MINYI_CLOCK_START for a child process, so that it reads what TestNow() reads; empty when the test clock
// is the system time.
std::map<std::string, std::string> ClockEnv();

// Servers and child processes are children of the thread that started them and are SIGKILLed when that
// thread ends (PR_SET_PDEATHSIG): start them from the test's main thread, not from a short-lived one.
// Shared() servers and TempDir()s are stopped and removed at exit and on SIGTERM/SIGINT.

// A throwaway PostgreSQL 15 cluster (initdb in a temp dir, listening on 127.0.0.1 and a private unix
// socket directory). When run as root, the cluster runs as the `postgres` system user.
class PostgresServer final {
 public:
  // One server per test process, started on first use and stopped at exit.
  static PostgresServer& Shared();

  PostgresServer();
  ~PostgresServer();

  // Creates a new, empty database and returns its libpq URI (postgresql://...).
  std::string CreateDatabase();
  int port() const { return port_; }

  void Stop();   // fast shutdown
  void Start();  // start again on the same port and data

 private:
  std::string dir_;
  int port_ = 0;
  std::mutex mu_;
  pid_t pid_ = -1;   // the postmaster; guarded by mu_
  int next_db_ = 0;  // guarded by mu_
};

// A throwaway redis-server on a free port, with AOF persistence in a temp dir so a restart keeps data.
class RedisServer final {
 public:
  static RedisServer& Shared();

  RedisServer();
  ~RedisServer();

  std::string addr() const;  // "127.0.0.1:<port>"
  int port() const { return port_; }
  void Stop();
  void Start();

 private:
  std::string dir_;
  int port_ = 0;
  std::mutex mu_;
  pid_t pid_ = -1;  // guarded by mu_
};

// A child process whose stdout and stderr go to `log_file`. The destructor sends SIGTERM, then SIGKILL
// after 5 seconds.
class ChildProcess final {
 public:
  ChildProcess(std::string path, std::vector<std::string> args, std::map<std::string, std::string> env,
               std::string log_file);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  void Signal(int sig);
  bool Running();
  // Waits for exit; returns the exit status (128+signal when killed) or -1 on timeout.
  int Wait(absl::Duration timeout);
  std::string Log() const;  // the log file's content so far

 private:
  pid_t pid_ = -1;
  int status_ = -1;
  std::string log_file_;
};

struct HttpResponse {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
};

// A keep-alive HTTP/1.1 connection to 127.0.0.1:port (Boost.Beast), as a browser or an ingress proxy
// keeps one. It connects on the first request, and again after the server closed it or a request failed
// (which throws). With `source_address` (another loopback address, "127.0.0.12"), the connection comes
// from there: a second client as the server sees it.
class HttpConnection final {
 public:
  explicit HttpConnection(int port, std::string source_address = "");
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  HttpResponse Request(std::string_view method, std::string_view target, std::string_view body = "",
                       const std::map<std::string, std::string>& headers = {});

 private:
  struct Stream;
  int port_;
  std::string source_address_;
  std::unique_ptr<Stream> stream_;  // null while not connected
};

// One HTTP/1.1 request to 127.0.0.1:port on a connection of its own.
HttpResponse HttpRequest(int port, std::string_view method, std::string_view target, std::string_view body = "",
                         const std::map<std::string, std::string>& headers = {});

}  // namespace minyi::testing

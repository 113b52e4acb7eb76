// End to end at the gateway's edge: request ids against the audit trail, and the gateway binary running
// out of file descriptors.

#include <unistd.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "boost/asio/ip/tcp.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pqxx/pqxx"
#include "support/platform.h"

namespace minyi::testing {
namespace {

using ::testing::HasSubstr;

Platform& P() { return Platform::Shared(); }

TEST(RequestIds, AClientChosenIdNeverReachesAnAuditRow) {
  // Identity only. The admin's own password, which AdminToken sets on first use (whichever test runs first).
  P().AdminToken();
  const std::string chosen = Unique("client-chosen-id");
  const std::map<std::string, std::string> header = {{"X-Request-Id", chosen}};
  HttpResponse signed_in =
      P().Call("POST", "/v1/auth/token", {{"username", "admin"}, {"password", Platform::kAdminPassword}}, "", header);
  HttpResponse refused =
      P().Call("POST", "/v1/auth/token", {{"username", "admin"}, {"password", "not-the-password"}}, "", header);
  ASSERT_EQ(signed_in.status, 200) << signed_in.body;
  ASSERT_EQ(refused.status, 401) << refused.body;
  const std::string first = signed_in.headers["x-request-id"];
  const std::string second = refused.headers["x-request-id"];
  EXPECT_NE(first, chosen);
  EXPECT_NE(second, chosen);

  pqxx::connection db(P().dsn());
  pqxx::nontransaction tx(db);
  EXPECT_EQ(tx.exec_params1("SELECT count(*) FROM identity.audit_log WHERE request_id = $1", chosen)[0].as<int>(), 0);
  pqxx::result rows = tx.exec_params(
      "SELECT action FROM identity.audit_log WHERE request_id = $1 OR request_id = $2 ORDER BY id", first, second);
  ASSERT_EQ(rows.size(), 2u) << "each audit row carries the gateway's own id";
  EXPECT_EQ(rows[0][0].as<std::string>(), "SignIn");
  EXPECT_EQ(rows[1][0].as<std::string>(), "SignInFailed");
}

// utime + stime of a process, in seconds.
double CpuSeconds(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The fields after the parenthesised command name: state is field 3, utime 14, stime 15.
  std::vector<std::string> fields = absl::StrSplit(stat.substr(stat.rfind(')') + 2), ' ');
  return (std::stod(fields[11]) + std::stod(fields[12])) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

TEST(GatewayUnderAbuse, RunningOutOfDescriptorsNeitherSpinsNorStopsTheAcceptor) {
  const int port = FreePort();
  const std::string gateway = BuildPath("gateway/minyi-gateway");
  // 64 descriptors and caps far above them: accepting fails with EMFILE long before a cap refuses.
  std::map<std::string, std::string> env = TestKeys::Shared().GatewayEnv();
  env.insert({{"MINYI_HTTP_ADDR", absl::StrCat("127.0.0.1:", port)},
              {"MINYI_BACKENDS", absl::StrCat("identity=127.0.0.1:", FreePort())},
              {"MINYI_REDIS_ADDR", RedisServer::Shared().addr()},
              {"MINYI_MAX_CONNECTIONS", "10000"},
              {"MINYI_MAX_CONNECTIONS_PER_ADDRESS", "0"},
              {"MINYI_LOG_LEVEL", "warn"}});
  ChildProcess process("/bin/sh", {"-c", "ulimit -n 64 && exec \"$0\"", gateway}, env,
                       absl::StrCat(TempDir("minyi-emfile"), "/gateway.log"));
  ASSERT_TRUE(WaitForPort(port, absl::Seconds(30))) << process.Log();

  namespace asio = boost::asio;
  asio::io_context ioc;
  std::vector<std::unique_ptr<asio::ip::tcp::socket>> held;
  for (int i = 0; i < 100; ++i) {  // the kernel completes them; the gateway cannot take them all
    auto socket = std::make_unique<asio::ip::tcp::socket>(ioc);
    socket->connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port)));
    held.push_back(std::move(socket));
  }
  ASSERT_TRUE(Eventually([&] { return process.Log().find("accept failed") != std::string::npos; })) << process.Log();
  // An acceptor retrying a readable listening socket at once spins a core: 2 s of it would be near 2 s of
  // CPU. Backing off (5 ms doubling to 1 s) stays far below 0.4 s.
  const double before = CpuSeconds(process.pid());
  EXPECT_TRUE(HoldsFor([&] { return CpuSeconds(process.pid()) - before < 0.4; }, absl::Seconds(2)))
      << "the acceptor must back off, not retry a readable listening socket at once";

  held.clear();
  EXPECT_TRUE(Eventually(
      [&] {
        try {
          return HttpRequest(port, "GET", "/healthz").status == 200;
        } catch (const std::exception&) {
          return false;
        }
      },
      absl::Seconds(10)))
      << process.Log();
  HttpResponse metrics = HttpRequest(port, "GET", "/metrics");
  EXPECT_THAT(metrics.body, ::testing::Not(HasSubstr("gateway_accept_errors_total 0\n")));
  EXPECT_TRUE(process.Running());
}

}  // namespace
}  // namespace minyi::testing

// The harness itself: ports that concurrent test processes cannot both get, and the waits tests use
// instead of sleeping.

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <set>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/harness.h"

namespace minyi::testing {
namespace {

using ::testing::HasSubstr;

// Test processes of a `ctest -j` run, each taking ports while the others hold theirs: no port is handed
// out twice. (Taking a port that was free when asked, as bind to port 0 and close does, hands the same
// port to two of them some of the time: with 800 ports, a handful of times on most runs.)
TEST(FreePort, NoTwoProcessesGetTheSamePort) {
  constexpr int kProcesses = 8;
  constexpr int kPortsEach = 100;
  int release[2];
  ASSERT_EQ(pipe(release), 0);
  std::vector<pid_t> children;
  std::vector<int> reports;
  for (int p = 0; p < kProcesses; ++p) {
    int report[2];
    ASSERT_EQ(pipe(report), 0);
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      close(report[0]);
      close(release[1]);
      for (int i = 0; i < kPortsEach; ++i) {
        const int port = FreePort();
        if (write(report[1], &port, sizeof(port)) != static_cast<ssize_t>(sizeof(port))) {
          _exit(2);
        }
      }
      close(report[1]);
      char byte;
      (void)!read(release[0], &byte, 1);  // hold the ports until every process has taken its own
      _exit(0);
    }
    close(report[1]);
    children.push_back(child);
    reports.push_back(report[0]);
  }
  close(release[0]);

  std::multiset<int> ports;
  for (int fd : reports) {
    int port = 0;
    while (read(fd, &port, sizeof(port)) == static_cast<ssize_t>(sizeof(port))) {
      ports.insert(port);
    }
    close(fd);
  }
  close(release[1]);  // every child reads end of file and exits
  for (pid_t child : children) {
    int status = 0;
    EXPECT_EQ(waitpid(child, &status, 0), child);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;
  }
  ASSERT_EQ(ports.size(), static_cast<size_t>(kProcesses * kPortsEach));
  for (int port : ports) {
    EXPECT_EQ(ports.count(port), 1u) << "port " << port << " was handed out more than once";
  }
}

TEST(FreePort, ThreadsOfOneProcessGetDifferentPortsAndTheyStayReserved) {
  std::vector<int> ports(64);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < ports.size(); ++i) {
    threads.emplace_back([&ports, i] { ports[i] = FreePort(); });
  }
  for (std::thread& t : threads) {
    t.join();
  }
  EXPECT_EQ(std::set<int>(ports.begin(), ports.end()).size(), ports.size());
  // Not from the kernel's ephemeral range, where outgoing connections take their source ports.
  int low = 0;
  int high = 0;
  std::ifstream("/proc/sys/net/ipv4/ip_local_port_range") >> low >> high;
  for (int port : ports) {
    EXPECT_TRUE(port < low || port > high) << port;
  }
}

TEST(Eventually, ReturnsOnceTheConditionHoldsAndSaysHowLongItWaitedWhenItNeverDoes) {
  std::atomic<int> calls{0};
  const absl::Time start = absl::Now();
  EXPECT_TRUE(Eventually([&] { return ++calls == 5; }));
  EXPECT_LT(absl::Now() - start, absl::Seconds(1));  // polled quickly at first, not every 50 ms

  const ::testing::AssertionResult never = Eventually([] { return false; }, absl::Milliseconds(200));
  EXPECT_FALSE(never);
  EXPECT_THAT(never.message(), HasSubstr("still false after waiting"));
}

TEST(HoldsFor, WatchesTheWholeTimeAndFailsAsSoonAsTheConditionBreaks) {
  const absl::Time start = absl::Now();
  EXPECT_TRUE(HoldsFor([] { return true; }, absl::Milliseconds(300)));
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(300));

  std::atomic<int> calls{0};
  const absl::Time second = absl::Now();
  const ::testing::AssertionResult broken = HoldsFor([&] { return ++calls < 3; }, absl::Seconds(30));
  EXPECT_FALSE(broken);
  EXPECT_LT(absl::Now() - second, absl::Seconds(5));
  EXPECT_THAT(broken.message(), HasSubstr("stopped holding after"));
}

}  // namespace
}  // namespace minyi::testing

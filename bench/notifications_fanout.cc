// Fan-out of a burst of events to inbox deliveries, end to end: writes `events` SuggestionAssigned events
// for one department into an outbox (EmitEvent, as the suggestions service does), publishes them with
// the real OutboxRelay, and times until every inbox message is in the notifications schema. Reports the
// throughput, how long the consumer group's lag took to return to zero after the burst, and the peak
// RSS of the notifications process.
// Usage: notifications_fanout <pg dsn> <redis host:port> <department> <account> <notifications pid> [events]

#include <chrono>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/config.h"
#include "common/migrate.h"
#include "common/outbox.h"
#include "common/pg.h"
#include "common/redis.h"
#include "minyi/suggestions/v1/events.pb.h"
#include "pqxx/pqxx"

namespace {

double RssMiB(const std::string& pid) {
  std::ifstream status(absl::StrCat("/proc/", pid, "/status"));
  std::string key;
  while (status >> key) {
    if (key == "VmRSS:") {
      double kb = 0;
      status >> kb;
      return kb / 1024;
    }
  }
  return 0;
}

int64_t Notified(const std::string& dsn, const std::string& account) {
  pqxx::connection c(dsn);
  pqxx::nontransaction tx(c);
  return tx.exec_params1("SELECT count(*) FROM notifications.notifications WHERE account = $1", account)[0]
      .as<int64_t>();
}

// The group's lag plus pending entries: zero once everything published is handled and acknowledged.
int64_t Backlog(minyi::RedisClient& redis) {
  absl::StatusOr<minyi::RedisReply> groups = redis.Command({"XINFO", "GROUPS", std::string(minyi::kEventStream)});
  if (!groups.ok()) {
    return -1;
  }
  for (const minyi::RedisReply& g : groups->elements) {
    const minyi::RedisReply* name = minyi::ReplyField(g, "name");
    if (name != nullptr && name->str == "notifications") {
      const minyi::RedisReply* lag = minyi::ReplyField(g, "lag");
      const minyi::RedisReply* pending = minyi::ReplyField(g, "pending");
      return (lag == nullptr ? 0 : lag->integer) + (pending == nullptr ? 0 : pending->integer);
    }
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 6) {
    std::cerr << "usage: notifications_fanout <dsn> <redis> <department> <account> <pid> [events]\n";
    return 2;
  }
  const std::string dsn = argv[1];
  const std::string redis_addr = argv[2];
  const std::string department = argv[3];
  const std::string account = argv[4];
  const std::string pid = argv[5];
  int events = 10000;
  if (argc > 6 && !absl::SimpleAtoi(argv[6], &events)) {
    return 2;
  }
  minyi::SetServiceName("suggestions");
  if (absl::Status st = minyi::ApplyMigrations(dsn, "bench_outbox", {}); !st.ok()) {
    std::cerr << st << "\n";
    return 1;
  }
  minyi::PgPool pool(minyi::PgPool::Options{.dsn = dsn, .schema = "bench_outbox", .size = 1, .statements = {}});
  absl::Status st = pool.Transact([&](pqxx::work& tx) {
    for (int i = 0; i < events; ++i) {
      minyi::suggestions::v1::SuggestionAssigned assigned;
      assigned.set_reference(absl::StrCat("suggestions/", i + 1));
      assigned.set_title(absl::StrCat("关于第", i + 1, "号民生事项的建议"));
      assigned.set_department(department);
      assigned.set_deadline("2026-12-31");
      minyi::EmitEvent(tx, assigned, assigned.reference(), "bench");
    }
    return absl::OkStatus();
  });
  if (!st.ok()) {
    std::cerr << st << "\n";
    return 1;
  }
  const int64_t before = Notified(dsn, account);
  minyi::RedisClient redis(redis_addr);
  const absl::Time start = absl::Now();
  minyi::OutboxRelay relay(pool, redis_addr);
  for (;;) {
    absl::StatusOr<int> n = relay.PublishPending(1000);
    if (!n.ok()) {
      std::cerr << n.status() << "\n";
      return 1;
    }
    if (*n == 0) {
      break;
    }
  }
  const absl::Time published = absl::Now();
  double peak_rss = 0;
  while (Notified(dsn, account) - before < events) {
    peak_rss = std::max(peak_rss, RssMiB(pid));
    if (absl::Now() - start > absl::Minutes(5)) {
      std::cerr << "timed out\n";
      return 1;
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  const absl::Time done = absl::Now();
  while (Backlog(redis) != 0 && absl::Now() - published < absl::Minutes(2)) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  const absl::Time drained = absl::Now();
  peak_rss = std::max(peak_rss, RssMiB(pid));
  const double seconds = absl::ToDoubleSeconds(done - start);
  std::cout << absl::StrCat("events: ", events, "\n", "published in: ", absl::ToDoubleSeconds(published - start),
                            " s\n", "all inbox deliveries in: ", seconds, " s (", events / seconds, " per second)\n",
                            "consumer lag zero after burst published: ", absl::ToDoubleSeconds(drained - published),
                            " s\n", "notifications peak RSS: ", peak_rss, " MiB\n");
  return 0;
}

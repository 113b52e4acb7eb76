// Fault injection, end to end: the probes an operator's chaos test runs against a live platform. Each
// injects one fault while clients work through the gateway and asserts what must hold across it — no
// acknowledged write lost, none applied twice, every inbox message delivered once — and that service comes
// back within a stated time. Each probe prints its figures on lines starting "chaos:", which
// bench/README.md reports. The binary has a PostgreSQL, a Redis and a platform of its own, so restarting
// them disturbs no other test executable.

#include <signal.h>

#include <atomic>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/redis.h"
#include "gtest/gtest.h"
#include "pqxx/pqxx"
#include "support/platform.h"

namespace minyi::testing {
namespace {

using nlohmann::json;

Platform& P() { return Platform::Shared(); }

// A figure for bench/README.md, printed and kept in the test's XML record.
void Report(absl::string_view probe, absl::string_view figure, const std::string& value) {
  std::cout << "chaos: " << probe << ": " << figure << " = " << value << std::endl;
  ::testing::Test::RecordProperty(absl::StrCat(probe, ".", figure), value);
}

std::string Seconds(absl::Duration d) { return absl::StrCat(absl::ToDoubleSeconds(d)); }

// Writers creating stations through the gateway, each create under an Idempotency-Key of its own and
// retried with that key until it is acknowledged, as a careful client does. What the probes check
// afterwards: every acknowledged station exists once, and no key made two.
class KeyedWriters {
 public:
  explicit KeyedWriters(int writers) : prefix_(Unique("故障演练站")), keys_(Unique("chaos-")), admin_(P().Admin()) {
    for (int w = 0; w < writers; ++w) {
      threads_.emplace_back([this, w] { Write(w); });
    }
  }
  ~KeyedWriters() { Stop(); }

  // Lets each writer finish (acknowledge) the create in hand, then joins them.
  void Stop() {
    stop_ = true;
    for (std::thread& t : threads_) {
      if (t.joinable()) {
        t.join();
      }
    }
  }

  // Pause: each writer finishes the create in hand, then waits until Resume; nothing is sent meanwhile.
  void Pause() {
    paused_ = true;
    absl::SleepFor(absl::Milliseconds(200));
    EXPECT_TRUE(Eventually([&] { return busy_ == 0; }, absl::Seconds(60)));
  }
  void Resume() { paused_ = false; }

  int acknowledged() const { return acknowledged_; }
  int failed_attempts() const { return failed_; }
  int abandoned() const { return abandoned_; }
  // From the first failed attempt to the first acknowledgement after the last failed one: how long the
  // writers could not write. Zero when nothing failed.
  absl::Duration outage() const {
    std::lock_guard<std::mutex> lock(mu_);
    return first_failure_ == absl::InfiniteFuture() ? absl::ZeroDuration() : recovered_ - first_failure_;
  }
  // Waits until at least `n` creates were acknowledged since the call.
  [[nodiscard]] ::testing::AssertionResult AcknowledgeMore(int n, absl::Duration timeout) const {
    const int target = acknowledged_ + n;
    return Eventually([&] { return acknowledged_ >= target; }, timeout);
  }

  // Stations of this load in the database, by display name: each must appear once.
  std::map<std::string, int> Stored() const {
    pqxx::connection conn(P().dsn());
    pqxx::nontransaction tx(conn);
    std::map<std::string, int> stored;
    for (const auto& row :
         tx.exec_params("SELECT display_name, count(*) FROM deputies.stations WHERE display_name LIKE $1 GROUP BY 1",
                        prefix_ + "%")) {
      stored[row[0].as<std::string>()] = row[1].as<int>();
    }
    return stored;
  }
  std::set<std::string> AcknowledgedNames() const {
    std::lock_guard<std::mutex> lock(mu_);
    return names_;
  }

 private:
  void Write(int writer) {
    for (int i = 0; !stop_; ++i) {
      if (paused_) {
        absl::SleepFor(absl::Milliseconds(5));
        continue;
      }
      ++busy_;
      const std::string display_name = absl::StrCat(prefix_, "-", writer, "-", i);
      const std::map<std::string, std::string> key = {{"Idempotency-Key", absl::StrCat(keys_, "-", writer, "-", i)}};
      const json station = {
          {"displayName", display_name}, {"kind", "STATION_KIND_TOWN_CENTRE"}, {"regionPath", {"城关镇"}}};
      const absl::Time give_up = absl::Now() + absl::Seconds(60);
      bool done = false;
      while (!done && absl::Now() < give_up) {
        int status = 0;
        try {
          status = JsonCall(P().http_port(), "POST", "/v1/stations", station, admin_, key).status;
        } catch (const std::exception&) {  // refused or reset: the gateway is down
        }
        std::lock_guard<std::mutex> lock(mu_);
        if (status == 200) {
          done = true;
          names_.insert(display_name);
          ++acknowledged_;
          if (last_failure_ > recovered_) {
            recovered_ = absl::Now();
          }
        } else {
          ++failed_;
          last_failure_ = absl::Now();
          first_failure_ = std::min(first_failure_, last_failure_);
        }
        if (!done) {
          absl::SleepFor(absl::Milliseconds(50));
        }
      }
      if (!done) {
        ++abandoned_;
      }
      --busy_;
    }
  }

  const std::string prefix_;
  const std::string keys_;  // Idempotency-Keys are printable ASCII
  const std::string admin_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> paused_{false};
  std::atomic<int> busy_{0};  // writers with a create in hand
  std::atomic<int> acknowledged_{0};
  std::atomic<int> failed_{0};
  std::atomic<int> abandoned_{0};
  mutable std::mutex mu_;
  std::set<std::string> names_;                        // guarded by mu_
  absl::Time first_failure_ = absl::InfiniteFuture();  // guarded by mu_
  absl::Time last_failure_ = absl::InfinitePast();     // guarded by mu_
  absl::Time recovered_ = absl::InfinitePast();        // guarded by mu_
  std::vector<std::thread> threads_;
};

// Nothing acknowledged is missing and nothing is stored twice.
void ExpectNoneLostOrDoubled(const KeyedWriters& load, absl::string_view probe) {
  const std::map<std::string, int> stored = load.Stored();
  int lost = 0;
  for (const std::string& name : load.AcknowledgedNames()) {
    lost += stored.count(name) == 0 ? 1 : 0;
  }
  int doubled = 0;
  for (const auto& [name, count] : stored) {
    doubled += count - 1;
  }
  Report(probe, "acknowledged writes", absl::StrCat(load.acknowledged()));
  Report(probe, "failed attempts", absl::StrCat(load.failed_attempts()));
  Report(probe, "writes lost", absl::StrCat(lost));
  Report(probe, "writes doubled", absl::StrCat(doubled));
  EXPECT_GT(load.acknowledged(), 0);
  EXPECT_EQ(lost, 0);
  EXPECT_EQ(doubled, 0);
  EXPECT_EQ(load.abandoned(), 0) << "a create was not acknowledged within 60 s of retries";
}

TEST(ChaosTest, APostgresRestartUnderWritersLosesNothingAndFailsNoRequest) {
  KeyedWriters load(8);
  ASSERT_TRUE(load.AcknowledgeMore(50, absl::Seconds(60)));
  // pg_ctl restart -m fast, as an operator or a failover does: every connection is dropped.
  const absl::Time down = absl::Now();
  PostgresServer::Shared().Stop();
  absl::SleepFor(absl::Milliseconds(500));
  PostgresServer::Shared().Start();
  const absl::Time up = absl::Now();
  ASSERT_TRUE(load.AcknowledgeMore(50, absl::Seconds(60)));
  load.Stop();
  Report("postgres restart", "database down (s)", Seconds(up - down));
  Report("postgres restart", "writers' outage (s)", Seconds(load.outage()));
  ExpectNoneLostOrDoubled(load, "postgres restart");
  // The pool retries a lost connection within the request's deadline; what the clients may still see is a
  // COMMIT the shutdown caught, answered "outcome unknown, retry with the same key": at most one per writer.
  EXPECT_LE(load.failed_attempts(), 8);
}

TEST(ChaosTest, AServiceKilledDuringKeyedCreatesMakesEachOnceAndIsUsedWithinASecondOfItsRestart) {
  KeyedWriters load(8);
  ASSERT_TRUE(load.AcknowledgeMore(50, absl::Seconds(60)));
  P().process("deputies").Signal(SIGKILL);
  ASSERT_EQ(P().process("deputies").Wait(absl::Seconds(10)), 128 + SIGKILL);
  absl::SleepFor(absl::Milliseconds(500));  // the writers meet a dead backend meanwhile
  const absl::Time restarting = absl::Now();
  P().Restart("deputies");
  const absl::Time listening = absl::Now();
  ASSERT_TRUE(load.AcknowledgeMore(1, absl::Seconds(30)));
  const absl::Duration reuse = absl::Now() - listening;
  ASSERT_TRUE(load.AcknowledgeMore(50, absl::Seconds(60)));
  load.Stop();
  Report("service killed", "restart until listening (s)", Seconds(listening - restarting));
  Report("service killed", "listening until first write (s)", Seconds(reuse));
  Report("service killed", "writers' outage (s)", Seconds(load.outage()));
  ExpectNoneLostOrDoubled(load, "service killed");
  EXPECT_LT(reuse, absl::Seconds(3)) << "the gateway reconnects to a restarted backend within about a second";
}

TEST(ChaosTest, AGatewayRestartUnderLoadLosesNothingAndIsBackOnceItListens) {
  KeyedWriters load(8);
  ASSERT_TRUE(load.AcknowledgeMore(50, absl::Seconds(60)));
  const absl::Time stopping = absl::Now();
  P().Restart("gateway");  // SIGTERM: drain what was accepted, exit; then start again on its port
  const absl::Time ready = absl::Now();
  ASSERT_TRUE(load.AcknowledgeMore(50, absl::Seconds(60)));
  load.Stop();
  Report("gateway restart", "SIGTERM until ready again (s)", Seconds(ready - stopping));
  Report("gateway restart", "writers' outage (s)", Seconds(load.outage()));
  ExpectNoneLostOrDoubled(load, "gateway restart");
}

// Redis stopped for two seconds under writers, then started again with its data (append-only file): the
// gateway and the services carry on or fail cleanly, and the events written meanwhile reach the stream.
TEST(ChaosTest, RedisDownUnderWritersLosesNothingAndTheOutboxCatchesUp) {
  KeyedWriters load(8);
  ASSERT_TRUE(load.AcknowledgeMore(50, absl::Seconds(60)));
  const absl::Time down = absl::Now();
  P().redis().Stop();
  absl::SleepFor(absl::Seconds(2));
  P().redis().Start();
  const absl::Time up = absl::Now();
  ASSERT_TRUE(load.AcknowledgeMore(50, absl::Seconds(60)));
  load.Stop();
  pqxx::connection conn(P().dsn());
  ASSERT_TRUE(Eventually([&] {
    pqxx::nontransaction tx(conn);
    return tx.exec("SELECT count(*) FROM deputies.outbox WHERE published_at IS NULL")[0][0].as<int>() == 0;
  }));
  Report("redis down", "redis down (s)", Seconds(up - down));
  Report("redis down", "restart until outbox drained (s)", Seconds(absl::Now() - up));
  Report("redis down", "writers' outage (s)", Seconds(load.outage()));
  ExpectNoneLostOrDoubled(load, "redis down");
}

// Every connection slot taken (a runaway client, a leak elsewhere) just as the services must reconnect: the
// pools wait and retry within the request's deadline, the real cause reaches the log, and writes resume
// once slots are free.
TEST(ChaosTest, ConnectionSlotsExhaustedAfterARestartDelayWritesAndTheLogNamesTheCause) {
  KeyedWriters load(8);
  ASSERT_TRUE(load.AcknowledgeMore(20, absl::Seconds(60)));
  load.Pause();
  PostgresServer::Shared().Stop();
  PostgresServer::Shared().Start();
  // The superuser may take every slot, the reserved ones too: nothing is left for the services.
  std::vector<std::unique_ptr<pqxx::connection>> hogs;
  while (true) {
    try {
      hogs.push_back(std::make_unique<pqxx::connection>(P().dsn()));
    } catch (const pqxx::broken_connection&) {
      break;
    }
  }
  ASSERT_GT(hogs.size(), 50u);
  load.Resume();
  const absl::Duration hold = absl::Seconds(2);
  absl::SleepFor(hold);
  const absl::Time released = absl::Now();
  hogs.clear();
  ASSERT_TRUE(load.AcknowledgeMore(1, absl::Seconds(60)));
  const absl::Duration resumed = absl::Now() - released;
  ASSERT_TRUE(load.AcknowledgeMore(50, absl::Seconds(60)));
  load.Stop();
  Report("connections exhausted", "slots held (s)", Seconds(hold));
  Report("connections exhausted", "release until first write (s)", Seconds(resumed));
  ExpectNoneLostOrDoubled(load, "connections exhausted");
  EXPECT_NE(P().process("deputies").Log().find("too many clients"), std::string::npos)
      << "the log names why the pool could not connect";
}

// An event whose handler always fails — here a database rule refuses the duty records of one deputy, as a
// constraint added by a later migration might. It is retried with backoff, then moved to the dead events,
// where staff see it, while the events behind it are handled at once; once the cause is gone, a replay
// applies it once.
TEST(ChaosTest, APoisonedEventIsDeadLetteredWithoutHoldingBackOthersAndReplaysOnceFixed) {
  const Platform::DeputyAccounts deputies = P().NewDeputies("示范县", {"赵强", "钱敏"});
  const std::string& poisoned = deputies.deputies[0];
  const std::string& healthy = deputies.deputies[1];
  pqxx::connection conn(P().dsn());
  {
    pqxx::work tx(conn);
    tx.exec(
        "CREATE FUNCTION deputies.chaos_refuse() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'refused by the fault injection'; END $$");
    tx.exec(absl::StrCat(
        "CREATE TRIGGER chaos_refuse BEFORE INSERT ON deputies.duty_records FOR EACH ROW WHEN (NEW.deputy_id = ",
        poisoned.substr(poisoned.rfind('/') + 1), ") EXECUTE FUNCTION deputies.chaos_refuse()"));
    tx.commit();
  }
  auto submit = [&](const std::string& token) {
    const json suggestion = {{"submit", true},
                             {"suggestion",
                              {{"kind", "SUGGESTION_KIND_DEPUTY"},
                               {"title", "关于村道安装路灯的建议"},
                               {"body", Unique("村道夜间无照明。")}}}};
    ASSERT_EQ(P().Call("POST", "/v1/suggestions", suggestion, token).status, 200);
  };
  auto duties = [&](const std::string& deputy) {
    return Json(P().Call("GET", absl::StrCat("/v1/", deputy, "/duties"), nullptr, P().Admin()))["duties"].size();
  };
  auto dead = [&] {
    std::vector<std::string> names;
    const json page = Json(P().Call("GET", "/v1/deputies/deadEvents?pageSize=100", nullptr, P().Admin()));
    for (const json& d : page.value("deadEvents", json::array())) {
      if (d.value("eventType", "") == "minyi.suggestions.v1.SuggestionSubmitted") {
        names.push_back(d.value("name", ""));
      }
    }
    return names;
  };

  const absl::Time start = absl::Now();
  submit(deputies.tokens[0]);
  submit(deputies.tokens[1]);
  ASSERT_TRUE(Eventually([&] { return duties(healthy) == 1u; }, absl::Seconds(10)));
  Report("poisoned event", "the event behind it handled after (s)", Seconds(absl::Now() - start));
  ASSERT_TRUE(Eventually([&] { return dead().size() == 1; }, absl::Seconds(60)));
  Report("poisoned event", "dead-lettered after (s)", Seconds(absl::Now() - start));
  EXPECT_EQ(duties(poisoned), 0u);
  EXPECT_TRUE(Eventually([&] {
    return HttpRequest(P().metrics_port("deputies"), "GET", "/metrics")
               .body.find("minyi_events_dead{group=\"deputies\"} 1") != std::string::npos;
  }));

  {
    pqxx::work tx(conn);
    tx.exec("DROP TRIGGER chaos_refuse ON deputies.duty_records");
    tx.commit();
  }
  const HttpResponse replay =
      P().Call("POST", absl::StrCat("/v1/deputies/", dead()[0], ":replay"), json::object(), P().Admin());
  EXPECT_EQ(replay.status, 200) << replay.body;
  EXPECT_EQ(duties(poisoned), 1u);
  EXPECT_TRUE(dead().empty());
}

// Citizens' opinions each give their citizen one inbox message ("意见已提交"). The notifications service is
// paused while they are submitted, so their events are in Redis and nowhere else downstream when Redis
// forgets everything; the outbox must publish them again.
TEST(ChaosTest, EveryInboxMessageArrivesOnceWhenRedisForgetsEventsNotYetConsumed) {
  constexpr int kCitizens = 4;
  constexpr int kOpinionsEach = 25;
  const std::string station = P().NewStation("示范县");
  std::vector<std::string> citizens;
  for (int i = 0; i < kCitizens; ++i) {
    citizens.push_back(P().NewAccount("ROLE_CITIZEN"));
  }
  P().process("notifications").Signal(SIGSTOP);
  const std::string title = Unique("演练意见");
  for (int n = 0; n < kOpinionsEach; ++n) {
    for (const std::string& citizen : citizens) {
      const json opinion = {{"submit", true},
                            {"suggestion",
                             {{"kind", "SUGGESTION_KIND_CITIZEN_OPINION"},
                              {"title", absl::StrCat(title, "-", n)},
                              {"body", Unique("小区门口路灯坏了一个月，晚上出行不便。")},
                              {"station", station}}}};
      ASSERT_EQ(P().Call("POST", "/v1/suggestions", opinion, citizen).status, 200);
    }
  }
  // Every event is in the stream (the suggestions outbox has nothing left to send)...
  pqxx::connection conn(P().dsn());
  ASSERT_TRUE(Eventually([&] {
    pqxx::nontransaction tx(conn);
    return tx.exec("SELECT count(*) FROM suggestions.outbox WHERE published_at IS NULL")[0][0].as<int>() == 0;
  }));
  // ...when Redis loses its data, as a restart without persistence does.
  RedisClient redis(P().redis_addr());
  ASSERT_TRUE(redis.Command({"FLUSHALL"}).ok());
  const absl::Time forgot = absl::Now();
  P().process("notifications").Signal(SIGCONT);

  // Each citizen's messages about this probe's opinions, by title.
  auto inbox = [&](const std::string& citizen) {
    std::map<std::string, int> titles;
    const json page = Json(P().Call("GET", "/v1/inbox?pageSize=200", nullptr, citizen));
    for (const json& m : page.value("notifications", json::array())) {
      const std::string t = m.value("title", "");
      if (t.find(title) != std::string::npos) {
        ++titles[t];
      }
    }
    return titles;
  };
  int delivered = 0;
  const ::testing::AssertionResult all = Eventually(
      [&] {
        delivered = 0;
        for (const std::string& citizen : citizens) {
          delivered += static_cast<int>(inbox(citizen).size());
        }
        return delivered == kCitizens * kOpinionsEach;
      },
      absl::Seconds(60));
  Report("redis forgets", "inbox messages delivered", absl::StrCat(delivered, " of ", kCitizens * kOpinionsEach));
  Report("redis forgets", "wipe until all delivered (s)", all ? Seconds(absl::Now() - forgot) : "never");
  EXPECT_TRUE(all);
  ASSERT_TRUE(Eventually([&] { return GroupCaughtUp(P().redis_addr(), "notifications"); }));
  Report("redis forgets", "wipe until lag zero (s)", Seconds(absl::Now() - forgot));
  for (const std::string& citizen : citizens) {
    for (const auto& [t, count] : inbox(citizen)) {
      EXPECT_EQ(count, 1) << t << " arrived " << count << " times";
    }
  }
}

}  // namespace
}  // namespace minyi::testing

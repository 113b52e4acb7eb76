// The outbox relay and the event consumer against real PostgreSQL and Redis: at-least-once delivery
// with exactly-once effects, through rollbacks, relay restarts, racing relays, killed consumers, a
// Redis restart and a Redis that forgot its stream; the outbox's confirmation, pruning and metrics.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/config.h"
#include "common/consumer.h"
#include "common/migrate.h"
#include "common/outbox.h"
#include "common/pg.h"
#include "common/redis.h"
#include "gtest/gtest.h"
#include "minyi/common/v1/common.pb.h"
#include "prometheus/registry.h"
#include "prometheus/text_serializer.h"
#include "support/harness.h"

namespace minyi {
namespace {

using minyi::common::v1::Caller;
using minyi::common::v1::Event;
using testing::Eventually;
using testing::HoldsFor;
using testing::PostgresServer;
using testing::RedisServer;

constexpr char kSchema[] = "evtest";

struct StreamEntry {
  std::string entry_id;
  std::map<std::string, std::string> fields;
};

Caller MakeCaller(int n) {
  Caller caller;
  caller.set_account_id(absl::StrCat("account-", n));
  caller.set_role(minyi::common::v1::ROLE_DEPUTY);
  caller.set_deputy(absl::StrCat("deputies/", n));
  return caller;
}

class EventsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetServiceName(kSchema);
    dsn_ = PostgresServer::Shared().CreateDatabase();
    ASSERT_TRUE(ApplyMigrations(dsn_, kSchema, {}).ok());
    pool_ = std::make_unique<PgPool>(PgPool::Options{.dsn = dsn_, .schema = kSchema, .size = 4, .statements = {}});
    redis_addr_ = RedisServer::Shared().addr();
    redis_ = std::make_unique<RedisClient>(redis_addr_);
    stream_ = absl::StrCat("evtest.", ::testing::UnitTest::GetInstance()->current_test_info()->name());
    // What a handler did: one row per application of an event.
    ASSERT_TRUE(pool_
                    ->Transact([](pqxx::work& tx) {
                      tx.exec("CREATE TABLE effects (event_id uuid NOT NULL, consumer text NOT NULL)");
                      return absl::OkStatus();
                    })
                    .ok());
  }

  std::string Emit(int n) {
    std::string id;
    EXPECT_TRUE(pool_
                    ->Transact([&](pqxx::work& tx) {
                      id = EmitEvent(tx, MakeCaller(n), absl::StrCat("deputies/", n), "account-admin");
                      return absl::OkStatus();
                    })
                    .ok());
    return id;
  }

  int64_t Count(const std::string& sql) {
    absl::StatusOr<int64_t> n = pool_->TransactValue<int64_t>(
        [&](pqxx::work& tx) -> absl::StatusOr<int64_t> { return tx.exec(sql)[0][0].as<int64_t>(); });
    EXPECT_TRUE(n.ok()) << n.status();
    return n.value_or(-1);
  }

  int64_t Effects(const std::string& event_id) {
    absl::StatusOr<int64_t> n = pool_->TransactValue<int64_t>([&](pqxx::work& tx) -> absl::StatusOr<int64_t> {
      return tx.exec_params1("SELECT count(*) FROM effects WHERE event_id = $1::uuid", event_id)[0].as<int64_t>();
    });
    EXPECT_TRUE(n.ok()) << n.status();
    return n.value_or(-1);
  }

  int64_t Unpublished() { return Count("SELECT count(*) FROM outbox WHERE published_at IS NULL"); }
  int64_t Confirmed() { return Count("SELECT count(*) FROM outbox WHERE confirmed_at IS NOT NULL"); }

  OutboxRelay::CheckResult Check(OutboxRelay& relay) {
    absl::StatusOr<OutboxRelay::CheckResult> checked = relay.Check();
    EXPECT_TRUE(checked.ok()) << checked.status();
    return checked.value_or(OutboxRelay::CheckResult{.republished = -1, .confirmed = -1, .pruned = -1, .backlog = {}});
  }

  RedisReply Redis(const std::vector<std::string>& args) {
    absl::StatusOr<RedisReply> reply = redis_->Command(args);
    EXPECT_TRUE(reply.ok()) << reply.status();
    EXPECT_NE(reply.value_or(RedisReply{}).type, RedisReply::Type::kError) << reply->str;
    return reply.value_or(RedisReply{});
  }

  std::vector<StreamEntry> Entries() {
    std::vector<StreamEntry> out;
    for (const RedisReply& e : Redis({"XRANGE", stream_, "-", "+"}).elements) {
      StreamEntry entry{e.elements[0].str, {}};
      const auto& fields = e.elements[1].elements;
      for (size_t i = 0; i + 1 < fields.size(); i += 2) {
        entry.fields[fields[i].str] = fields[i + 1].str;
      }
      out.push_back(std::move(entry));
    }
    return out;
  }

  std::vector<std::string> StreamEventIds() {
    std::vector<std::string> ids;
    for (const StreamEntry& e : Entries()) {
      ids.push_back(e.fields.at("id"));
    }
    return ids;
  }

  // After an outage: every emitted event is on the stream once and its effect applied once, and no
  // other effect exists.
  void ExpectEachPublishedAndAppliedOnce(const std::vector<std::string>& emitted) {
    const std::vector<std::string> published = StreamEventIds();
    const std::set<std::string> distinct(published.begin(), published.end());
    for (const std::string& id : emitted) {
      EXPECT_EQ(distinct.count(id), 1u) << id;
      EXPECT_EQ(Effects(id), 1) << id;
    }
    EXPECT_EQ(Count("SELECT count(*) FROM effects"), static_cast<int64_t>(emitted.size()));
  }

  // Publishes what the outbox holds with a relay of its own: `want` events.
  void PublishPending(int want) {
    OutboxRelay relay(*pool_, redis_addr_, stream_);
    ASSERT_EQ(relay.PublishPending().value_or(-1), want);
  }

  // Adds the stream's first entry to it again, as an at-least-once relay may.
  void RepublishFirst() {
    const StreamEntry first = Entries().at(0);
    Redis({"XADD", stream_, "*", "id", first.fields.at("id"), "type", first.fields.at("type"), "event",
           first.fields.at("event")});
  }

  int64_t Pending(const std::string& group) { return Redis({"XPENDING", stream_, group}).elements[0].integer; }

  EventConsumer::Options ConsumerOptions(std::string consumer) {
    return {.group = "evgroup",
            .consumer = std::move(consumer),
            .stream = stream_,
            .block = absl::Milliseconds(100),
            .claim_idle = absl::Milliseconds(200)};
  }

  // A handler that records its effect in the same transaction as processed_events.
  EventConsumer::Handler RecordingHandler(std::string consumer, std::atomic<int>* calls) {
    return [consumer, calls](const Event& event, pqxx::work& tx) {
      ++*calls;
      tx.exec_params("INSERT INTO effects (event_id, consumer) VALUES ($1::uuid, $2)", event.id(), consumer);
      return absl::OkStatus();
    };
  }

  // Polls until `consumer` has acknowledged `want` entries in total.
  void PollUntilAcked(EventConsumer& consumer, int want) {
    int acked = 0;
    EXPECT_TRUE(Eventually([&] {
      absl::StatusOr<int> n = consumer.PollOnce();
      acked += n.value_or(0);
      return acked >= want;
    })) << "acknowledged "
        << acked << " of " << want;
  }

  // Runs a consumer in a forked child that is SIGKILLed inside its handler (before the transaction
  // commits) or after the commit but before XACK. Returns the event id it was handling.
  std::string RunConsumerKilled(bool after_commit);

  std::string dsn_;
  std::unique_ptr<PgPool> pool_;
  std::string redis_addr_;
  std::unique_ptr<RedisClient> redis_;
  std::string stream_;
};

TEST_F(EventsTest, CommittedEventIsPublishedOnceWithItsPayloadAndRolledBackOneNever) {
  const std::string id = Emit(7);
  EXPECT_EQ(pool_
                ->Transact([&](pqxx::work& tx) {
                  EmitEvent(tx, MakeCaller(8), "deputies/8", "account-admin");
                  return absl::AbortedError("the state change failed");
                })
                .code(),
            absl::StatusCode::kAborted);

  OutboxRelay relay(*pool_, redis_addr_, stream_);
  ASSERT_EQ(relay.PublishPending().value_or(-1), 1);
  EXPECT_EQ(relay.PublishPending().value_or(-1), 0);

  const std::vector<StreamEntry> entries = Entries();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].fields.at("id"), id);
  EXPECT_EQ(entries[0].fields.at("type"), "minyi.common.v1.Caller");
  Event event;
  ASSERT_TRUE(event.ParseFromString(entries[0].fields.at("event")));
  EXPECT_EQ(event.id(), id);
  EXPECT_EQ(event.type(), "minyi.common.v1.Caller");
  EXPECT_EQ(event.source(), kSchema);
  EXPECT_EQ(event.subject(), "deputies/7");
  EXPECT_EQ(event.actor(), "account-admin");
  EXPECT_GT(event.time().seconds(), 0);
  Caller caller;
  ASSERT_TRUE(event.data().UnpackTo(&caller));
  EXPECT_EQ(caller.SerializeAsString(), MakeCaller(7).SerializeAsString());

  EXPECT_EQ(Count("SELECT count(*) FROM outbox"), 1);
  EXPECT_EQ(Unpublished(), 0);
}

TEST_F(EventsTest, PipelineAnswersEveryCommandInOrderAndAnErrorReplyIsThatCommandsAlone) {
  const std::string key = absl::StrCat(stream_, ".counter");
  absl::StatusOr<std::vector<RedisReply>> replies =
      redis_->Pipeline({{"SET", key, "41"}, {"INCR", key}, {"XADD", key, "*", "f", "v"}, {"INCR", key}, {"GET", key}});
  ASSERT_TRUE(replies.ok()) << replies.status();
  ASSERT_EQ(replies->size(), 5u);
  EXPECT_EQ((*replies)[0].str, "OK");
  EXPECT_EQ((*replies)[1].integer, 42);
  EXPECT_EQ((*replies)[2].type, RedisReply::Type::kError);  // a string is not a stream
  EXPECT_EQ((*replies)[3].integer, 43);                     // the error stopped nothing after it
  EXPECT_EQ((*replies)[4].str, "43");
  EXPECT_EQ(Redis({"GET", key}).str, "43");  // the connection is in step for the next command
}

TEST_F(EventsTest, RestartedRelayPublishesTheRestInOrder) {
  constexpr int kEvents = 9;
  std::vector<std::string> emitted;
  for (int i = 0; i < kEvents; ++i) {
    emitted.push_back(Emit(i));
  }
  {
    OutboxRelay first(*pool_, redis_addr_, stream_);
    ASSERT_EQ(first.PublishPending(2).value_or(-1), 2);
  }
  EXPECT_EQ(Unpublished(), kEvents - 2);

  OutboxRelay second(*pool_, redis_addr_, stream_, absl::Milliseconds(10));
  second.Start();
  ASSERT_TRUE(Eventually([&] { return Unpublished() == 0; }));
  second.Stop();
  EXPECT_EQ(StreamEventIds(), emitted);
}

TEST_F(EventsTest, RacingRelaysPublishEachRowOnceInOrder) {
  constexpr int kEvents = 300;
  std::vector<std::unique_ptr<OutboxRelay>> relays;
  for (int i = 0; i < 3; ++i) {
    relays.push_back(std::make_unique<OutboxRelay>(*pool_, redis_addr_, stream_, absl::Milliseconds(1)));
    relays.back()->Start();
  }
  std::vector<std::string> emitted;
  for (int i = 0; i < kEvents; ++i) {
    emitted.push_back(Emit(i));
  }
  ASSERT_TRUE(Eventually([&] { return Unpublished() == 0; }));
  relays.clear();

  const std::vector<std::string> published = StreamEventIds();
  EXPECT_EQ(published.size(), static_cast<size_t>(kEvents));
  EXPECT_EQ(std::set<std::string>(published.begin(), published.end()).size(), static_cast<size_t>(kEvents));
  EXPECT_EQ(published, emitted);
}

std::string EventsTest::RunConsumerKilled(bool after_commit) {
  const std::string id = Emit(1);
  OutboxRelay relay(*pool_, redis_addr_, stream_);
  EXPECT_EQ(relay.PublishPending().value_or(-1), 1);

  const pid_t child = fork();
  if (child == 0) {
    // The child never returns into gtest: it dies by SIGKILL, or exits 3 if it unexpectedly survives.
    PgPool pool(PgPool::Options{.dsn = dsn_, .schema = kSchema, .size = 1, .statements = {}});
    RedisClient redis(redis_addr_);
    std::thread killer;
    EventConsumer consumer(pool, redis_addr_, ConsumerOptions("doomed"), [&](const Event& event, pqxx::work& tx) {
      tx.exec_params("INSERT INTO effects (event_id, consumer) VALUES ($1::uuid, 'doomed')", event.id());
      if (!after_commit) {
        raise(SIGKILL);
      }
      // Hold every Redis write (XACK among them) while a watcher waits for the commit, then dies.
      if (!redis.Command({"CLIENT", "PAUSE", "20000", "WRITE"}).ok()) {
        _exit(4);
      }
      killer = std::thread([this, id = event.id()] {
        pqxx::connection conn(dsn_);
        if (Eventually(
                [&] {
                  pqxx::nontransaction tx(conn);
                  return tx.exec_params1("SELECT count(*) FROM evtest.effects WHERE event_id = $1::uuid", id)[0]
                             .as<int>() > 0;
                },
                absl::Seconds(10))) {
          raise(SIGKILL);
        }
        _exit(5);  // the handler's transaction never committed
      });
      return absl::OkStatus();
    });
    consumer.PollOnce().status().IgnoreError();
    if (killer.joinable()) {
      killer.join();  // it kills the process or exits 5
    }
    _exit(3);
  }
  int status = 0;
  EXPECT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "child status " << status;
  if (after_commit) {
    Redis({"CLIENT", "UNPAUSE"});
  }
  return id;
}

TEST_F(EventsTest, EntryOfConsumerKilledAfterCommitIsReclaimedWithoutRerunningTheHandler) {
  const std::string id = RunConsumerKilled(/*after_commit=*/true);
  EXPECT_EQ(Effects(id), 1);
  EXPECT_EQ(Pending("evgroup"), 1);

  std::atomic<int> calls{0};
  EventConsumer survivor(*pool_, redis_addr_, ConsumerOptions("survivor"), RecordingHandler("survivor", &calls));
  PollUntilAcked(survivor, 1);  // claimed once idle past claim_idle
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(Effects(id), 1);
  EXPECT_EQ(Pending("evgroup"), 0);
}

TEST_F(EventsTest, EntryOfConsumerKilledBeforeCommitIsReclaimedAndHandledOnce) {
  const std::string id = RunConsumerKilled(/*after_commit=*/false);
  EXPECT_EQ(Effects(id), 0);
  EXPECT_EQ(Pending("evgroup"), 1);

  std::atomic<int> calls{0};
  EventConsumer survivor(*pool_, redis_addr_, ConsumerOptions("survivor"), RecordingHandler("survivor", &calls));
  PollUntilAcked(survivor, 1);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(Effects(id), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM effects WHERE consumer = 'survivor'"), 1);
  EXPECT_EQ(Pending("evgroup"), 0);
}

TEST_F(EventsTest, RedeliveredEventDoesNotRunTheHandlerAgain) {
  // Published before the consumer group exists: the group starts at the stream's beginning.
  const std::string id = Emit(3);
  ASSERT_NO_FATAL_FAILURE(PublishPending(1));

  std::atomic<int> calls{0};
  EventConsumer consumer(*pool_, redis_addr_, ConsumerOptions("c1"), RecordingHandler("c1", &calls));
  PollUntilAcked(consumer, 1);
  EXPECT_EQ(calls, 1);

  // The same event again, as a relay that crashed between XADD and marking the row would publish it.
  RepublishFirst();
  PollUntilAcked(consumer, 1);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(Effects(id), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM processed_events WHERE consumer = 'evgroup'"), 1);
  EXPECT_EQ(Pending("evgroup"), 0);
}

TEST_F(EventsTest, FailedHandlerIsRetriedByTheSameConsumerBeforeClaimIdle) {
  const std::string id = Emit(4);
  ASSERT_NO_FATAL_FAILURE(PublishPending(1));

  std::atomic<int> calls{0};
  EventConsumer::Options options = ConsumerOptions("c1");
  options.claim_idle = absl::Minutes(10);  // only the consumer's own retry can handle it again
  EventConsumer consumer(*pool_, redis_addr_, options, [&](const Event& event, pqxx::work& tx) {
    tx.exec_params("INSERT INTO effects (event_id, consumer) VALUES ($1::uuid, 'c1')", event.id());
    return ++calls == 1 ? absl::UnavailableError("downstream unavailable") : absl::OkStatus();
  });
  EXPECT_EQ(consumer.PollOnce().value_or(-1), 0);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(Effects(id), 0);  // the failed attempt rolled back with processed_events
  EXPECT_EQ(Pending("evgroup"), 1);

  PollUntilAcked(consumer, 1);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(Effects(id), 1);
  EXPECT_EQ(Pending("evgroup"), 0);
}

TEST_F(EventsTest, EventFailingTwiceIsHandledOnTheThirdAttemptCountedByRedis) {
  const std::string id = Emit(6);
  ASSERT_NO_FATAL_FAILURE(PublishPending(1));

  RedisClient observer(redis_addr_);
  std::vector<int64_t> deliveries;  // Redis' delivery count as each attempt runs
  EventConsumer::Options options = ConsumerOptions("c1");
  options.claim_idle = absl::Minutes(10);
  EventConsumer consumer(*pool_, redis_addr_, options, [&](const Event& event, pqxx::work& tx) {
    absl::StatusOr<RedisReply> p = observer.Command({"XPENDING", stream_, "evgroup", "-", "+", "10"});
    deliveries.push_back(p.ok() && p->elements.size() == 1 ? p->elements[0].elements[3].integer : -1);
    tx.exec_params("INSERT INTO effects (event_id, consumer) VALUES ($1::uuid, 'c1')", event.id());
    return deliveries.size() <= 2 ? absl::UnavailableError("database restarting") : absl::OkStatus();
  });
  consumer.Start();
  // 100 ms, then 200 ms: a generous deadline, far below claim_idle.
  EXPECT_TRUE(Eventually([&] { return Effects(id) == 1; }, absl::Seconds(20)));
  consumer.Stop();
  EXPECT_EQ(deliveries, (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(Pending("evgroup"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM dead_events"), 0);
}

TEST_F(EventsTest, EventIsHandledSoonAfterPostgresComesBack) {
  const std::string id = Emit(7);
  ASSERT_NO_FATAL_FAILURE(PublishPending(1));
  std::atomic<int> calls{0};
  EventConsumer::Options options = ConsumerOptions("c1");
  options.claim_idle = absl::Minutes(10);
  EventConsumer consumer(*pool_, redis_addr_, options, RecordingHandler("c1", &calls));
  PostgresServer::Shared().Stop();
  consumer.Start();
  // The outage itself, not a wait: the consumer reads the entry and fails on the database meanwhile.
  absl::SleepFor(absl::Milliseconds(500));
  PostgresServer::Shared().Start();
  EXPECT_TRUE(Eventually([&] { return Effects(id) == 1; }, absl::Seconds(20)));
  consumer.Stop();
  EXPECT_EQ(Pending("evgroup"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM dead_events"), 0);
}

TEST_F(EventsTest, EventFailingEveryAttemptIsDeadLetteredAcknowledgedAndCounted) {
  const std::string poison = Emit(8);
  const std::string fine = Emit(9);
  ASSERT_NO_FATAL_FAILURE(PublishPending(2));

  prometheus::Registry registry;
  ConsumerMetrics metrics(registry);
  EventConsumer::Options options = ConsumerOptions("c1");
  options.claim_idle = absl::Minutes(10);
  options.max_attempts = 3;
  options.metrics = &metrics;
  std::atomic<int> calls{0};
  EventConsumer consumer(*pool_, redis_addr_, options, [&](const Event& event, pqxx::work& tx) {
    if (event.id() == poison) {
      ++calls;
      return absl::InvalidArgumentError("cannot apply this one");
    }
    tx.exec_params("INSERT INTO effects (event_id, consumer) VALUES ($1::uuid, 'c1')", event.id());
    return absl::OkStatus();
  });
  PollUntilAcked(consumer, 2);
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(Effects(fine), 1);
  EXPECT_EQ(Effects(poison), 0);
  EXPECT_EQ(Pending("evgroup"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM processed_events WHERE event_id = '" + poison + "'"), 0);

  absl::StatusOr<std::tuple<std::string, std::string, std::string, int>> row =
      pool_->TransactValue<std::tuple<std::string, std::string, std::string, int>>(
          [&](pqxx::work& tx) -> absl::StatusOr<std::tuple<std::string, std::string, std::string, int>> {
            const pqxx::row r = tx.exec_params1(
                "SELECT consumer, error, payload, attempts FROM dead_events WHERE event_id = $1::uuid AND "
                "first_failed_at < dead_at",
                poison);
            return std::make_tuple(r[0].as<std::string>(), r[1].as<std::string>(), pqxx::binarystring(r[2]).str(),
                                   r[3].as<int>());
          });
  ASSERT_TRUE(row.ok()) << row.status();
  const auto& [group, error, payload, attempts] = *row;
  EXPECT_EQ(group, "evgroup");
  EXPECT_NE(error.find("cannot apply this one"), std::string::npos) << error;
  EXPECT_EQ(attempts, 3);
  Event stored;
  ASSERT_TRUE(stored.ParseFromString(payload));
  EXPECT_EQ(stored.id(), poison);

  RedisClient redis(redis_addr_);
  ASSERT_TRUE(SampleConsumerBacklog(redis, stream_, {"evgroup"}, *pool_, metrics).ok());
  const std::string text = prometheus::TextSerializer().Serialize(registry.Collect());
  EXPECT_NE(text.find("minyi_events_dead_total{group=\"evgroup\"} 1"), std::string::npos) << text;
  EXPECT_NE(text.find("minyi_events_dead{group=\"evgroup\"} 1"), std::string::npos) << text;
}

TEST_F(EventsTest, AttemptsCountAcrossARestartOfTheConsumer) {
  const std::string id = Emit(10);
  ASSERT_NO_FATAL_FAILURE(PublishPending(1));
  EventConsumer::Options options = ConsumerOptions("c1");
  options.max_attempts = 3;
  std::atomic<int> calls{0};
  auto failing = [&](const Event&, pqxx::work&) {
    ++calls;
    return absl::UnavailableError("always");
  };
  {
    EventConsumer first(*pool_, redis_addr_, options, failing);
    EXPECT_EQ(first.PollOnce().value_or(-1), 0);
  }
  EXPECT_EQ(calls, 1);
  // Another process (or this one restarted) claims it once idle: attempts go on from Redis' count.
  options.consumer = "c2";
  EventConsumer second(*pool_, redis_addr_, options, failing);
  PollUntilAcked(second, 1);
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(Count("SELECT count(*) FROM dead_events WHERE event_id = '" + id + "' AND attempts = 3"), 1);
}

TEST_F(EventsTest, LagGaugeCountsTheBacklogWhenRedisReportsNoLag) {
  Redis({"XGROUP", "CREATE", stream_, "evgroup", "0", "MKSTREAM"});
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(Redis({"XADD", stream_, "*", "n", std::to_string(i)}).str);
  }
  Redis({"XREADGROUP", "GROUP", "evgroup", "c1", "COUNT", "1", "STREAMS", stream_, ">"});
  prometheus::Registry registry;
  ConsumerMetrics metrics(registry);
  auto sample = [&] {
    EXPECT_TRUE(SampleConsumerBacklog(*redis_, stream_, {"evgroup"}, *pool_, metrics).ok());
    return prometheus::TextSerializer().Serialize(registry.Collect());
  };
  std::string text = sample();
  EXPECT_NE(text.find("minyi_events_consumer_lag{group=\"evgroup\"} 4"), std::string::npos) << text;
  EXPECT_NE(text.find("minyi_events_consumer_pending{group=\"evgroup\"} 1"), std::string::npos) << text;

  // A deletion in the unread range: Redis can no longer tell the lag.
  Redis({"XDEL", stream_, ids[2]});
  const RedisReply groups = Redis({"XINFO", "GROUPS", stream_});
  const RedisReply* lag = ReplyField(groups.elements.at(0), "lag");
  const bool nil_lag = lag != nullptr && lag->type == RedisReply::Type::kNil;
  ASSERT_TRUE(nil_lag) << "Redis reports a lag; the case under test did not arise";
  text = sample();
  EXPECT_NE(text.find("minyi_events_consumer_lag{group=\"evgroup\"} 3"), std::string::npos) << text;
}

TEST_F(EventsTest, MalformedEntryIsAcknowledgedWithoutRunningTheHandler) {
  Redis({"XADD", stream_, "*", "id", "x", "type", "y", "event", "\xff\xff not a protobuf"});
  Redis({"XADD", stream_, "*", "id", "x", "type", "y"});
  const std::string id = Emit(5);
  ASSERT_NO_FATAL_FAILURE(PublishPending(1));

  std::atomic<int> calls{0};
  EventConsumer consumer(*pool_, redis_addr_, ConsumerOptions("c1"), RecordingHandler("c1", &calls));
  PollUntilAcked(consumer, 3);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(Effects(id), 1);
  EXPECT_EQ(Pending("evgroup"), 0);
}

TEST_F(EventsTest, BatchConsumerHandlesAReadInOneTransactionAndEachEventOnce) {
  std::vector<std::string> ids;
  for (int n = 10; n < 15; ++n) {
    ids.push_back(Emit(n));
  }
  ASSERT_NO_FATAL_FAILURE(PublishPending(5));
  // One event twice in the same read, as an at-least-once relay may publish it.
  RepublishFirst();

  std::vector<size_t> batches;
  EventConsumer consumer(*pool_, redis_addr_, ConsumerOptions("c1"),
                         [&](const std::vector<Event>& events, pqxx::work& tx) {
                           batches.push_back(events.size());
                           for (const Event& e : events) {
                             tx.exec_params("INSERT INTO effects (event_id, consumer) VALUES ($1::uuid, 'c1')", e.id());
                           }
                           return absl::OkStatus();
                         });
  EXPECT_EQ(consumer.PollOnce().value_or(-1), 6);
  EXPECT_EQ(batches, std::vector<size_t>{5});
  for (const std::string& id : ids) {
    EXPECT_EQ(Effects(id), 1) << id;
  }
  EXPECT_EQ(Pending("evgroup"), 0);
}

TEST_F(EventsTest, EventsOfTypesTheConsumerDoesNotWantAreAcknowledgedWithoutATransaction) {
  std::vector<std::string> wanted;
  for (int n = 30; n < 33; ++n) {
    wanted.push_back(Emit(n));
    ASSERT_TRUE(pool_
                    ->Transact([&](pqxx::work& tx) {  // another type, in between
                      EmitEvent(tx, Event(), "votes/1", "account-voting");
                      return absl::OkStatus();
                    })
                    .ok());
  }
  ASSERT_NO_FATAL_FAILURE(PublishPending(6));

  for (const bool batch : {true, false}) {
    const std::string group = batch ? "batch" : "single";
    EventConsumer::Options options = ConsumerOptions("c1");
    options.group = group;
    options.wants = [](std::string_view type) { return type == "minyi.common.v1.Caller"; };
    std::vector<std::string> handled;
    auto record = [&](const Event& e, pqxx::work& tx) {
      handled.push_back(e.id());
      tx.exec_params("INSERT INTO effects (event_id, consumer) VALUES ($1::uuid, $2)", e.id(), group);
    };
    std::unique_ptr<EventConsumer> consumer =
        batch ? std::make_unique<EventConsumer>(*pool_, redis_addr_, options,
                                                [&](const std::vector<Event>& events, pqxx::work& tx) {
                                                  for (const Event& e : events) {
                                                    record(e, tx);
                                                  }
                                                  return absl::OkStatus();
                                                })
              : std::make_unique<EventConsumer>(*pool_, redis_addr_, options, [&](const Event& e, pqxx::work& tx) {
                  record(e, tx);
                  return absl::OkStatus();
                });
    PollUntilAcked(*consumer, 6);
    EXPECT_EQ(handled, wanted) << group;
    EXPECT_EQ(Pending(group), 0) << group;
    // Only what was handled is remembered.
    EXPECT_EQ(Count(absl::StrCat("SELECT count(*) FROM processed_events WHERE consumer = '", group, "'")), 3) << group;
  }
}

TEST_F(EventsTest, FailedBatchFallsBackToOneEventAtATime) {
  std::vector<std::string> ids;
  for (int n = 20; n < 24; ++n) {
    ids.push_back(Emit(n));
  }
  const std::string poison = ids[1];
  ASSERT_NO_FATAL_FAILURE(PublishPending(4));

  EventConsumer consumer(*pool_, redis_addr_, ConsumerOptions("c1"),
                         [&](const std::vector<Event>& events, pqxx::work& tx) -> absl::Status {
                           for (const Event& e : events) {
                             if (e.id() == poison) {
                               return absl::UnavailableError("downstream unavailable for this one");
                             }
                             tx.exec_params("INSERT INTO effects (event_id, consumer) VALUES ($1::uuid, 'c1')", e.id());
                           }
                           return absl::OkStatus();
                         });
  EXPECT_EQ(consumer.PollOnce().value_or(-1), 3);
  for (const std::string& id : ids) {
    EXPECT_EQ(Effects(id), id == poison ? 0 : 1) << id;
  }
  EXPECT_EQ(Pending("evgroup"), 1);  // only the failing event waits for its retry
}

TEST_F(EventsTest, RedisRestartWhileRelayAndConsumerRunLosesNothing) {
  OutboxRelay relay(*pool_, redis_addr_, stream_, absl::Milliseconds(10));
  std::atomic<int> calls{0};
  EventConsumer consumer(*pool_, redis_addr_, ConsumerOptions("c1"), RecordingHandler("c1", &calls));
  relay.Start();
  consumer.Start();

  std::vector<std::string> emitted;
  for (int i = 0; i < 20; ++i) {
    emitted.push_back(Emit(i));
  }
  ASSERT_TRUE(Eventually([&] { return Unpublished() == 0; }));
  RedisServer::Shared().Stop();
  for (int i = 20; i < 40; ++i) {
    emitted.push_back(Emit(i));
  }
  // Nothing is marked published while Redis is down. The relay tries after 10 ms, then doubles the
  // pause while it fails: 300 ms holds about five failed tries.
  EXPECT_TRUE(HoldsFor([&] { return Unpublished() == 20; }, absl::Milliseconds(300)));
  RedisServer::Shared().Start();
  for (int i = 40; i < 60; ++i) {
    emitted.push_back(Emit(i));
  }

  ASSERT_TRUE(Eventually([&] { return Unpublished() == 0; }));
  ASSERT_TRUE(Eventually([&] { return Count("SELECT count(*) FROM effects") >= 60 && Pending("evgroup") == 0; }));
  relay.Stop();
  consumer.Stop();
  ExpectEachPublishedAndAppliedOnce(emitted);
}

TEST_F(EventsTest, PostgresRestartWhileRelayAndConsumerRunLosesNothing) {
  OutboxRelay relay(*pool_, redis_addr_, stream_, absl::Milliseconds(10));
  std::atomic<int> calls{0};
  EventConsumer consumer(*pool_, redis_addr_, ConsumerOptions("c1"), RecordingHandler("c1", &calls));
  relay.Start();
  consumer.Start();

  std::vector<std::string> emitted;
  for (int i = 0; i < 20; ++i) {
    emitted.push_back(Emit(i));
  }
  PostgresServer::Shared().Stop();
  // The outage itself, not a wait: 300 ms in which the relay (every 10 ms, doubling) and the consumer
  // (every 100 ms) fail and back off.
  absl::SleepFor(absl::Milliseconds(300));
  PostgresServer::Shared().Start();
  for (int i = 20; i < 40; ++i) {
    emitted.push_back(Emit(i));
  }

  ASSERT_TRUE(Eventually([&] { return Unpublished() == 0; }));
  ASSERT_TRUE(Eventually([&] { return Count("SELECT count(*) FROM effects") >= 40 && Pending("evgroup") == 0; }));
  relay.Stop();
  consumer.Stop();
  ExpectEachPublishedAndAppliedOnce(emitted);
}

// Redis forgets (FLUSHALL) what the relay published before any consumer read it: the relay publishes
// every such event again and each is handled once.
TEST_F(EventsTest, EventsRedisForgotBeforeAnyConsumerReadThemAreHandledOnce) {
  constexpr int kEvents = 50;
  std::vector<std::string> emitted;
  for (int i = 0; i < kEvents; ++i) {
    emitted.push_back(Emit(i));
  }
  OutboxRelay relay(*pool_, redis_addr_, stream_);
  ASSERT_EQ(relay.PublishPending().value_or(-1), kEvents);
  OutboxRelay::CheckResult checked = Check(relay);
  EXPECT_EQ(checked.republished, 0);
  EXPECT_EQ(checked.confirmed, 0);  // no consumer group yet: nobody has them
  EXPECT_EQ(checked.backlog.unconfirmed, kEvents);

  Redis({"FLUSHALL"});
  EXPECT_EQ(Check(relay).republished, kEvents);
  EXPECT_EQ(Unpublished(), kEvents);
  ASSERT_EQ(relay.PublishPending().value_or(-1), kEvents);
  EXPECT_EQ(StreamEventIds(), emitted);  // in outbox order

  std::atomic<int> calls{0};
  EventConsumer consumer(*pool_, redis_addr_, ConsumerOptions("c1"), RecordingHandler("c1", &calls));
  PollUntilAcked(consumer, kEvents);
  EXPECT_EQ(calls, kEvents);
  ExpectEachPublishedAndAppliedOnce(emitted);
  checked = Check(relay);
  EXPECT_EQ(checked.republished, 0);
  EXPECT_EQ(checked.confirmed, kEvents);
  EXPECT_EQ(checked.backlog.unconfirmed, 0);
}

// Some events consumed and confirmed, the rest not yet read, when Redis forgets: only the rest is
// published again, and nothing is handled twice.
TEST_F(EventsTest, OnlyUnconfirmedEventsArePublishedAgainWhenRedisForgets) {
  std::vector<std::string> emitted;
  for (int i = 0; i < 10; ++i) {
    emitted.push_back(Emit(i));
  }
  OutboxRelay relay(*pool_, redis_addr_, stream_);
  ASSERT_EQ(relay.PublishPending().value_or(-1), 10);
  std::atomic<int> calls{0};
  EventConsumer consumer(*pool_, redis_addr_, ConsumerOptions("c1"), RecordingHandler("c1", &calls));
  PollUntilAcked(consumer, 10);
  EXPECT_EQ(Check(relay).confirmed, 10);

  for (int i = 10; i < 15; ++i) {
    emitted.push_back(Emit(i));
  }
  ASSERT_EQ(relay.PublishPending().value_or(-1), 5);
  OutboxRelay::CheckResult before = Check(relay);
  EXPECT_EQ(before.confirmed, 0);
  EXPECT_EQ(before.backlog.unconfirmed, 5);

  Redis({"FLUSHALL"});
  EXPECT_EQ(Check(relay).republished, before.backlog.unconfirmed);
  ASSERT_EQ(relay.PublishPending().value_or(-1), 5);
  PollUntilAcked(consumer, 5);  // the consumer recreates its group, which starts at the stream's beginning
  EXPECT_EQ(calls, 15);
  for (const std::string& id : emitted) {
    EXPECT_EQ(Effects(id), 1) << id;
  }
  EXPECT_EQ(Check(relay).confirmed, 5);
  EXPECT_EQ(Confirmed(), 15);
}

// A Redis restart may have lost what it had not written to disk (its run id tells): whatever is
// unconfirmed is published again, even when the relay published more after the restart and before it
// checked.
TEST_F(EventsTest, UnconfirmedEventsArePublishedAgainAfterARedisRestart) {
  std::vector<std::string> emitted;
  for (int i = 0; i < 5; ++i) {
    emitted.push_back(Emit(i));
  }
  OutboxRelay relay(*pool_, redis_addr_, stream_);
  EXPECT_EQ(Check(relay).republished, 0);  // remembers the run id
  ASSERT_EQ(relay.PublishPending().value_or(-1), 5);
  RedisServer::Shared().Stop();
  RedisServer::Shared().Start();
  for (int i = 5; i < 8; ++i) {
    emitted.push_back(Emit(i));
  }
  // The relay's connection broke with the restart: its first command fails, the next reconnects.
  ASSERT_TRUE(Eventually([&] { return relay.PublishPending().value_or(0) == 3; }));
  EXPECT_EQ(Check(relay).republished, 8);
  EXPECT_EQ(Check(relay).republished, 0);  // once per restart
  ASSERT_EQ(relay.PublishPending().value_or(-1), 8);

  std::atomic<int> calls{0};
  EventConsumer consumer(*pool_, redis_addr_, ConsumerOptions("c1"), RecordingHandler("c1", &calls));
  PollUntilAcked(consumer, 16);  // this restart kept its data: every event is on the stream twice
  EXPECT_EQ(calls, 8);
  ExpectEachPublishedAndAppliedOnce(emitted);
}

// Rows are confirmed up to the entry every consumer group has read and acknowledged, comparing entry
// ids as numbers: <ms>-10 comes after <ms>-9.
TEST_F(EventsTest, ConfirmationFollowsTheSlowestGroup) {
  for (const std::string group : {"fast", "slow"}) {
    Redis({"XGROUP", "CREATE", stream_, group, "0", "MKSTREAM"});
  }
  // Every entry in one millisecond, an hour ahead: their ids differ only in the sequence number.
  const int64_t ms = absl::ToUnixMillis(absl::Now() + absl::Hours(1));
  Redis({"XSETID", stream_, absl::StrCat(ms, "-0")});
  constexpr int kEvents = 12;
  for (int i = 0; i < kEvents; ++i) {
    Emit(i);
  }
  OutboxRelay relay(*pool_, redis_addr_, stream_);
  ASSERT_EQ(relay.PublishPending().value_or(-1), kEvents);
  EXPECT_EQ(Check(relay).confirmed, 0);

  // "fast" reads and acknowledges everything; "slow" reads everything and acknowledges the first 9.
  auto read_and_ack = [&](const std::string& group, int ack) {
    const RedisReply read = Redis({"XREADGROUP", "GROUP", group, "c", "COUNT", "100", "STREAMS", stream_, ">"});
    std::vector<std::string> xack = {"XACK", stream_, group};
    for (int i = 0; i < ack; ++i) {
      xack.push_back(read.elements.at(0).elements.at(1).elements.at(i).elements.at(0).str);
    }
    Redis(xack);
  };
  read_and_ack("fast", kEvents);
  read_and_ack("slow", 9);
  EXPECT_EQ(Redis({"XRANGE", stream_, "-", "+"}).elements.at(9).elements.at(0).str, absl::StrCat(ms, "-10"));
  OutboxRelay::CheckResult checked = Check(relay);
  EXPECT_EQ(checked.confirmed, 9);
  EXPECT_EQ(checked.backlog.unconfirmed, 3);
  EXPECT_EQ(
      Count("SELECT count(*) FROM outbox WHERE confirmed_at IS NOT NULL AND id > (SELECT min(id) + 8 FROM outbox)"), 0);

  Redis({"XACK", stream_, "slow", absl::StrCat(ms, "-10"), absl::StrCat(ms, "-11"), absl::StrCat(ms, "-12")});
  checked = Check(relay);
  EXPECT_EQ(checked.confirmed, 3);
  EXPECT_EQ(checked.backlog.unconfirmed, 0);
}

TEST_F(EventsTest, ConfirmedRowsArePrunedAfterAWeekAndNoOtherRow) {
  for (int i = 0; i < 4; ++i) {
    Emit(i);
  }
  OutboxRelay relay(*pool_, redis_addr_, stream_);
  ASSERT_EQ(relay.PublishPending(3).value_or(-1), 3);
  std::atomic<int> calls{0};
  EventConsumer consumer(*pool_, redis_addr_, ConsumerOptions("c1"), RecordingHandler("c1", &calls));
  PollUntilAcked(consumer, 3);
  EXPECT_EQ(Check(relay).confirmed, 3);

  // Rows 1 and 2 (confirmed) and 4 (not yet published) eight days old; row 3 (confirmed) new.
  Count(
      "WITH aged AS (UPDATE outbox SET created_at = now() - interval '8 days' "
      "WHERE id <> (SELECT min(id) + 2 FROM outbox) RETURNING 1) SELECT count(*) FROM aged");
  EXPECT_EQ(Check(relay).pruned, 2);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox"), 2);
  EXPECT_EQ(Unpublished(), 1);
  EXPECT_EQ(Check(relay).pruned, 0);
}

// The metrics every service exports, read back from the registry as Prometheus would scrape them.
TEST_F(EventsTest, BacklogMetricsFollowTheOutbox) {
  prometheus::Registry registry;
  OutboxRelay relay(*pool_, redis_addr_, stream_);
  relay.ExportMetrics(registry);
  auto metric = [&](const std::string& name) {
    for (const prometheus::MetricFamily& family : registry.Collect()) {
      if (family.name == name) {
        const prometheus::ClientMetric& m = family.metric.at(0);
        return family.type == prometheus::MetricType::Counter ? m.counter.value : m.gauge.value;
      }
    }
    ADD_FAILURE() << name << " not exported";
    return -1.0;
  };

  ASSERT_EQ(Check(relay).backlog.unpublished, 0);
  EXPECT_EQ(metric("minyi_outbox_unpublished"), 0);
  EXPECT_EQ(metric("minyi_outbox_oldest_unpublished_seconds"), 0);
  EXPECT_EQ(metric("minyi_outbox_unconfirmed"), 0);
  EXPECT_EQ(metric("minyi_outbox_republished_total"), 0);

  for (int i = 0; i < 3; ++i) {
    Emit(i);
  }
  Count(
      "WITH o AS (UPDATE outbox SET created_at = now() - interval '1 hour' "
      "WHERE id = (SELECT min(id) FROM outbox) RETURNING 1) SELECT count(*) FROM o");
  Check(relay);
  EXPECT_EQ(metric("minyi_outbox_unpublished"), 3);
  EXPECT_GE(metric("minyi_outbox_oldest_unpublished_seconds"), 3600);
  EXPECT_LT(metric("minyi_outbox_oldest_unpublished_seconds"), 3600 + 600);
  EXPECT_EQ(metric("minyi_outbox_unconfirmed"), 0);

  ASSERT_EQ(relay.PublishPending().value_or(-1), 3);
  Check(relay);
  EXPECT_EQ(metric("minyi_outbox_unpublished"), 0);
  EXPECT_EQ(metric("minyi_outbox_oldest_unpublished_seconds"), 0);
  EXPECT_EQ(metric("minyi_outbox_unconfirmed"), 3);  // no consumer group has them

  Redis({"FLUSHALL"});
  Check(relay);
  EXPECT_EQ(metric("minyi_outbox_republished_total"), 3);
  EXPECT_EQ(metric("minyi_outbox_unpublished"), 3);
  EXPECT_EQ(metric("minyi_outbox_unconfirmed"), 0);
}

// The relay's own loop checks too: events published, then forgotten by Redis, reach a consumer that
// starts afterwards.
TEST_F(EventsTest, RunningRelayRepublishesWhatRedisForgot) {
  OutboxRelay relay(*pool_, redis_addr_, stream_, absl::Milliseconds(10), absl::Milliseconds(50));
  relay.Start();
  std::vector<std::string> emitted;
  for (int i = 0; i < 20; ++i) {
    emitted.push_back(Emit(i));
  }
  ASSERT_TRUE(Eventually([&] { return Unpublished() == 0; }));
  Redis({"FLUSHALL"});
  ASSERT_TRUE(Eventually([&] { return Redis({"XLEN", stream_}).integer == 20; }));

  std::atomic<int> calls{0};
  EventConsumer consumer(*pool_, redis_addr_, ConsumerOptions("c1"), RecordingHandler("c1", &calls));
  consumer.Start();
  ASSERT_TRUE(Eventually([&] { return Confirmed() == 20; }));
  consumer.Stop();
  relay.Stop();
  EXPECT_EQ(calls, 20);
  ExpectEachPublishedAndAppliedOnce(emitted);
}

}  // namespace
}  // namespace minyi

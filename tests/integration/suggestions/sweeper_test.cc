// The deadline sweeper as it runs in the service, on a domain clock the test sets (MINYI_CLOCK_START) and
// across restarts: each reminder of each deadline is announced once (15 and 3 days before, then overdue),
// a restart repeats none of them, an item first seen past its deadline gets the overdue notice alone, and
// three replicas sweeping at once announce nothing twice. The overdue event says which items are under
// key supervision.

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "minyi/common/v1/common.pb.h"
#include "minyi/suggestions/v1/events.pb.h"
#include "minyi/suggestions/v1/suggestions.grpc.pb.h"
#include "pqxx/pqxx"
#include "support/platform.h"

namespace minyi::testing {
namespace {

namespace v1 = ::minyi::suggestions::v1;
using minyi::common::v1::ROLE_DEPUTY;
using minyi::common::v1::ROLE_LEADER;
using minyi::common::v1::ROLE_STAFF;

const std::map<std::string, std::string> kEnv = {{"MINYI_SUGGESTIONS_DEADLINES", "answer=1m"},
                                                 {"MINYI_SUGGESTIONS_SWEEP_SECONDS", "1"},
                                                 {"MINYI_DEPUTIES_ADDR", "127.0.0.1:1"}};

std::unique_ptr<ChildProcess> StartAt(const std::string& dsn, const std::string& start, int* port) {
  std::map<std::string, std::string> env = kEnv;
  env["MINYI_CLOCK_START"] = start;
  return StartService("suggestions", dsn, port, env);
}

int64_t Count(const std::string& dsn, const std::string& sql) {
  pqxx::connection conn(dsn);
  pqxx::nontransaction tx(conn);
  return tx.exec1(sql)[0].as<int64_t>();
}

constexpr char kDueSoon[] =
    "SELECT count(*) FROM suggestions.outbox WHERE event_type = 'minyi.suggestions.v1.SuggestionDueSoon'";
constexpr char kOverdue[] =
    "SELECT count(*) FROM suggestions.outbox WHERE event_type = 'minyi.suggestions.v1.SuggestionOverdue'";

// Starts `replicas` services at clock `start`, waits until the outbox holds `due_soon` and `overdue`
// deadline events, then watches three seconds of further sweeps (each replica sweeps every second) add
// none; stops them.
void SweepAt(const std::string& dsn, const std::string& start, int replicas, int64_t due_soon, int64_t overdue) {
  std::vector<std::unique_ptr<ChildProcess>> running;
  for (int i = 0; i < replicas; ++i) {
    int port = 0;
    running.push_back(StartAt(dsn, start, &port));
  }
  ASSERT_TRUE(Eventually([&] { return Count(dsn, kDueSoon) >= due_soon && Count(dsn, kOverdue) >= overdue; }))
      << start << "\n"
      << running[0]->Log();
  EXPECT_TRUE(
      HoldsFor([&] { return Count(dsn, kDueSoon) == due_soon && Count(dsn, kOverdue) == overdue; }, absl::Seconds(3)))
      << start << ": " << Count(dsn, kDueSoon) << " due-soon, " << Count(dsn, kOverdue) << " overdue";
}

// New Year's Eve: `n` items assigned with a month to answer, due on 31 January; every fourth flagged for
// key supervision (its name put in `key_supervised`). Returns their names.
std::set<std::string> AssignOnNewYearsEve(const std::string& dsn, int n, std::set<std::string>* key_supervised) {
  std::set<std::string> names;
  int port = 0;
  std::unique_ptr<ChildProcess> eve = StartAt(dsn, "2026-12-31T22:00:00+08:00", &port);
  auto stub = v1::Suggestions::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  for (int i = 0; i < n; ++i) {
    v1::CreateSuggestionRequest create;
    create.set_submit(true);
    create.mutable_suggestion()->set_kind(v1::SUGGESTION_KIND_DEPUTY);
    create.mutable_suggestion()->set_title("关于加快老旧小区加装电梯的建议");
    create.mutable_suggestion()->set_body(Unique("老旧小区老年人上下楼困难，建议加快加装电梯。"));
    v1::Suggestion s;
    EXPECT_TRUE(stub->CreateSuggestion(CallContext(MintToken(ROLE_DEPUTY, "deputies/5")).get(), create, &s).ok());
    v1::TransitionRequest accept;
    accept.set_name(s.name());
    EXPECT_TRUE(stub->AcceptSuggestion(CallContext(MintToken(ROLE_STAFF)).get(), accept, &s).ok());
    v1::AssignSuggestionRequest assign;
    assign.set_name(s.name());
    assign.set_lead_department("住建局");
    EXPECT_TRUE(stub->AssignSuggestion(CallContext(MintToken(ROLE_STAFF)).get(), assign, &s).ok());
    EXPECT_EQ(s.deadline(), "2027-01-31");
    if (i % 4 == 0 && key_supervised != nullptr) {
      v1::FlagKeySupervisionRequest flag;
      flag.set_name(s.name());
      flag.set_key_supervision(true);
      flag.set_reason("涉及群众切身利益");
      grpc::Status st = stub->FlagKeySupervision(CallContext(MintToken(ROLE_LEADER)).get(), flag, &s);
      EXPECT_TRUE(st.ok()) << st.error_message();
      key_supervised->insert(s.name());
    }
    names.insert(s.name());
  }
  // Its own sweeps on New Year's Eve: a month ahead, nothing is due yet.
  EXPECT_EQ(Count(dsn, "SELECT count(*) FROM suggestions.deadline_alerts"), 0);
  return names;
}

TEST(SweeperTest, EachReminderOnceAcrossRestartsThenOverdueOnce) {
  const std::string dsn = PostgresServer::Shared().CreateDatabase();
  constexpr int kItems = 10;
  AssignOnNewYearsEve(dsn, kItems, nullptr);
  // 20 January, 11 days left: the 15-day reminder, once, and a restart on the same day repeats none.
  SweepAt(dsn, "2027-01-20T09:00:00+08:00", 1, kItems, 0);
  SweepAt(dsn, "2027-01-20T15:00:00+08:00", 1, kItems, 0);
  // 29 January, 2 days left: the 3-day reminder, once, whatever the restarts.
  SweepAt(dsn, "2027-01-29T09:00:00+08:00", 1, 2 * kItems, 0);
  SweepAt(dsn, "2027-01-30T09:00:00+08:00", 1, 2 * kItems, 0);
  // Due today is not yet overdue; 1 February, just after midnight in Shanghai, it is: once, by three
  // replicas at once, and not again after a restart the next day.
  SweepAt(dsn, "2027-01-31T23:59:00+08:00", 1, 2 * kItems, 0);
  SweepAt(dsn, "2027-02-01T00:00:10+08:00", 3, 2 * kItems, kItems);
  SweepAt(dsn, "2027-02-02T09:00:00+08:00", 1, 2 * kItems, kItems);
}

TEST(SweeperReplicasTest, AnItemFirstSeenPastItsDeadlineGetsTheOverdueNoticeAlone) {
  const std::string dsn = PostgresServer::Shared().CreateDatabase();
  constexpr int kItems = 40;
  std::set<std::string> key_supervised;
  const std::set<std::string> names = AssignOnNewYearsEve(dsn, kItems, &key_supervised);

  // 1 February, just after midnight in Shanghai, no sweep having run since New Year's Eve: three replicas
  // at once announce each item overdue once, and none of the reminders it is now too late for (they are
  // recorded, so none follows later either).
  SweepAt(dsn, "2027-02-01T00:00:10+08:00", 3, 0, kItems);
  EXPECT_EQ(Count(dsn, "SELECT count(*) FROM suggestions.deadline_alerts"), 3 * kItems);
  EXPECT_EQ(Count(dsn,
                  "SELECT count(DISTINCT subject) FROM suggestions.outbox "
                  "WHERE event_type = 'minyi.suggestions.v1.SuggestionOverdue'"),
            kItems);

  pqxx::connection conn(dsn);
  pqxx::nontransaction tx(conn);
  std::set<std::string> flagged;
  for (const pqxx::row& row :
       tx.exec("SELECT payload FROM suggestions.outbox WHERE event_type = 'minyi.suggestions.v1.SuggestionOverdue'")) {
    minyi::common::v1::Event envelope;
    ASSERT_TRUE(envelope.ParseFromString(pqxx::binarystring(row[0]).str()));
    v1::SuggestionOverdue event;
    ASSERT_TRUE(envelope.data().UnpackTo(&event));
    EXPECT_TRUE(names.count(event.reference())) << event.reference();
    EXPECT_EQ(event.deadline(), "2027-01-31");
    EXPECT_EQ(event.days_left(), -1);
    EXPECT_EQ(event.department(), "住建局");
    if (event.key_supervision()) {
      flagged.insert(event.reference());
    }
  }
  EXPECT_EQ(flagged, key_supervised);
}

}  // namespace
}  // namespace minyi::testing

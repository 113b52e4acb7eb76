// The deadline sweeper as it runs in the service: three replicas of minyi-suggestions on one database,
// their clocks the morning after the deadline, each sweeping every second, report every threshold of
// every item exactly once, and the overdue event says which items are under key supervision.

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

TEST(SweeperReplicasTest, EachThresholdOfEachItemIsReportedOnceAcrossReplicas) {
  const std::string dsn = PostgresServer::Shared().CreateDatabase();
  constexpr int kItems = 40;
  std::set<std::string> names;
  std::set<std::string> key_supervised;
  {
    // New Year's Eve: assigned with a month to answer, due on 31 January.
    int port = 0;
    std::unique_ptr<ChildProcess> eve = StartAt(dsn, "2026-12-31T22:00:00+08:00", &port);
    auto stub = v1::Suggestions::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
    for (int i = 0; i < kItems; ++i) {
      v1::CreateSuggestionRequest create;
      create.set_submit(true);
      create.mutable_suggestion()->set_kind(v1::SUGGESTION_KIND_DEPUTY);
      create.mutable_suggestion()->set_title("关于加快老旧小区加装电梯的建议");
      create.mutable_suggestion()->set_body(Unique("老旧小区老年人上下楼困难，建议加快加装电梯。"));
      v1::Suggestion s;
      ASSERT_TRUE(stub->CreateSuggestion(CallContext(MintToken(ROLE_DEPUTY, "deputies/5")).get(), create, &s).ok());
      v1::TransitionRequest accept;
      accept.set_name(s.name());
      ASSERT_TRUE(stub->AcceptSuggestion(CallContext(MintToken(ROLE_STAFF)).get(), accept, &s).ok());
      v1::AssignSuggestionRequest assign;
      assign.set_name(s.name());
      assign.set_lead_department("住建局");
      ASSERT_TRUE(stub->AssignSuggestion(CallContext(MintToken(ROLE_STAFF)).get(), assign, &s).ok());
      ASSERT_EQ(s.deadline(), "2027-01-31");
      if (i % 4 == 0) {
        v1::FlagKeySupervisionRequest flag;
        flag.set_name(s.name());
        flag.set_key_supervision(true);
        flag.set_reason("涉及群众切身利益");
        grpc::Status st = stub->FlagKeySupervision(CallContext(MintToken(ROLE_LEADER)).get(), flag, &s);
        ASSERT_TRUE(st.ok()) << st.error_message();
        key_supervised.insert(s.name());
      }
      names.insert(s.name());
    }
    // Its own sweeps on New Year's Eve: a month ahead, nothing is due yet.
    EXPECT_EQ(Count(dsn, "SELECT count(*) FROM suggestions.deadline_alerts"), 0);
  }

  // 1 February, just after midnight in Shanghai: the 15-day and 3-day reminders and the overdue notice
  // are all due, for every item, in three replicas at once.
  std::vector<std::unique_ptr<ChildProcess>> replicas;
  for (int i = 0; i < 3; ++i) {
    int port = 0;
    replicas.push_back(StartAt(dsn, "2027-02-01T00:00:10+08:00", &port));
  }
  const std::string overdue =
      "SELECT count(*) FROM suggestions.outbox WHERE event_type = 'minyi.suggestions.v1.SuggestionOverdue'";
  const std::string due_soon =
      "SELECT count(*) FROM suggestions.outbox WHERE event_type = 'minyi.suggestions.v1.SuggestionDueSoon'";
  ASSERT_TRUE(Eventually([&] { return Count(dsn, overdue) >= kItems; })) << replicas[0]->Log();
  // Every replica sweeps each second: 3 s watches three and more further sweeps of each add nothing.
  EXPECT_TRUE(
      HoldsFor([&] { return Count(dsn, overdue) == kItems && Count(dsn, due_soon) == 2 * kItems; }, absl::Seconds(3)));
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

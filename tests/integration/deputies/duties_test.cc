// The deputies binary as it ships, on a real PostgreSQL and Redis, over gRPC: duty records, their
// corrections, records made from other services' events, points, station rankings, the nine-haves
// checklist, star ratings, the duty rota, leaving office and the excellent-deputy shortlist.

#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/auth.h"
#include "common/redis.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "integration/deputies/fixture.h"
#include "minyi/common/v1/common.pb.h"
#include "minyi/deputies/v1/deputies.grpc.pb.h"
#include "pqxx/pqxx"
#include "support/harness.h"
#include "support/platform.h"

namespace minyi::testing {
namespace {

namespace v1 = ::minyi::deputies::v1;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class DutiesTest : public DeputiesServiceTest {
 protected:
  static std::string AccountOf(const std::string& token) {
    const TokenVerifier verifier({TestKeys::Shared().issuer().public_key()}, "minyi");
    return verifier.Verify(token, absl::Now())->caller.account_id();
  }

  static v1::Station NewStation(const std::string& region = "红花岗区") {
    v1::CreateStationRequest req;
    req.mutable_station()->set_display_name("联络站");
    req.mutable_station()->set_kind(v1::STATION_KIND_VILLAGE);
    req.mutable_station()->add_region_path(region);
    v1::Station out;
    grpc::Status st = stub_->CreateStation(CallContext(Staff()).get(), req, &out);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return out;
  }

  static v1::Deputy NewDeputy(const std::string& station, const std::string& display_name = "王芳") {
    v1::CreateDeputyRequest req;
    req.mutable_deputy()->set_display_name(display_name);
    req.mutable_deputy()->set_gender(v1::GENDER_FEMALE);
    req.mutable_deputy()->set_level(v1::LEVEL_COUNTY);
    req.mutable_deputy()->set_term(2);
    req.mutable_deputy()->add_stations(station);
    v1::Deputy out;
    grpc::Status st = stub_->CreateDeputy(CallContext(Staff()).get(), req, &out);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return out;
  }

  static v1::DutyRecord Content(const std::string& date, v1::DutyCategory category,
                                const std::string& description = "接待选民，收集意见") {
    v1::DutyRecord d;
    d.set_date(date);
    d.set_category(category);
    d.set_description(description);
    return d;
  }

  static grpc::Status Record(const std::string& token, const std::string& deputy, const v1::DutyRecord& content,
                             v1::DutyRecord* out = nullptr) {
    v1::CreateDutyRecordRequest req;
    req.set_parent(deputy);
    *req.mutable_duty() = content;
    v1::DutyRecord ignored;
    return stub_->CreateDutyRecord(CallContext(token).get(), req, out == nullptr ? &ignored : out);
  }

  static void SetRules(const std::vector<std::tuple<v1::DutyCategory, int, int>>& rules) {
    v1::UpdatePointRulesRequest req;
    for (const auto& [category, points, cap] : rules) {
      v1::PointRule* r = req.mutable_point_rules()->add_rules();
      r->set_category(category);
      r->set_points(points);
      r->set_monthly_cap(cap);
    }
    v1::PointRules out;
    ASSERT_TRUE(stub_->GetPointRules(CallContext(Staff()).get(), {}, &out).ok());
    req.mutable_point_rules()->set_etag(out.etag());
    grpc::Status st = stub_->UpdatePointRules(CallContext(Staff()).get(), req, &out);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }

  static int64_t Count(const std::string& sql, const std::string& param) {
    pqxx::connection conn(*dsn_);
    pqxx::nontransaction tx(conn);
    return tx.exec_params(sql, param)[0][0].as<int64_t>();
  }

  // What the voting service emits for a ballot: its own message, whose fields 1-3 are DutyEvidence's.
  static minyi::common::v1::Event BallotCast(const std::string& id, const std::vector<std::string>& deputies) {
    v1::DutyEvidence evidence;
    for (const std::string& d : deputies) {
      evidence.add_deputies(d);
    }
    evidence.set_reference("votes/7");
    evidence.set_occurred_on("2026-01-15");
    minyi::common::v1::Event event;
    event.set_id(id);
    event.set_type("minyi.voting.v1.BallotCast");
    event.set_source("voting");
    event.set_subject("votes/7");
    event.set_actor("acct-voting");
    event.mutable_time()->set_seconds(absl::ToUnixSeconds(absl::Now()));
    event.mutable_data()->set_type_url("type.googleapis.com/minyi.voting.v1.BallotCast");
    event.mutable_data()->set_value(evidence.SerializeAsString());
    return event;
  }

  static void Publish(RedisClient& redis, const minyi::common::v1::Event& event) {
    absl::StatusOr<RedisReply> r = redis.Command(
        {"XADD", "minyi.events", "*", "id", event.id(), "type", event.type(), "event", event.SerializeAsString()});
    ASSERT_TRUE(r.ok() && r->type == RedisReply::Type::kString) << (r.ok() ? r->str : r.status().ToString());
  }
};

TEST_F(DutiesTest, DeputiesRecordIntoTheirOwnFileOnly) {
  const v1::Station station = NewStation();
  const v1::Deputy a = NewDeputy(station.name());
  const v1::Deputy b = NewDeputy(station.name());
  const std::string a_token = Token(minyi::common::v1::ROLE_DEPUTY, a.name());

  v1::DutyRecord content = Content(LastYear("03-02"), v1::DUTY_CATEGORY_RECEIVING_VOTERS);
  content.set_station(station.name());
  content.add_evidence("files/1");
  content.set_recorded_by("forged");  // output only: ignored
  v1::DutyRecord mine;
  ASSERT_TRUE(Record(a_token, a.name(), content, &mine).ok());
  EXPECT_THAT(mine.name(), HasSubstr(a.name() + "/duties/"));
  EXPECT_EQ(mine.recorded_by(), AccountOf(a_token));
  EXPECT_EQ(mine.source(), v1::DUTY_SOURCE_MANUAL);
  EXPECT_EQ(mine.revision(), 1);
  EXPECT_EQ(mine.station(), station.name());
  EXPECT_THAT(mine.evidence(), ElementsAre("files/1"));

  EXPECT_EQ(Record(a_token, b.name(), content).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Record(Token(minyi::common::v1::ROLE_CITIZEN), a.name(), content).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // Office staff record on a deputy's behalf, and are named as the recorder.
  const std::string staff = Staff();
  v1::DutyRecord on_behalf;
  ASSERT_TRUE(Record(staff, b.name(), content, &on_behalf).ok());
  EXPECT_EQ(on_behalf.recorded_by(), AccountOf(staff));

  grpc::Status st = Record(staff, "deputies/999999", content);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::NOT_FOUND) << st.error_message();
  v1::DutyRecord future = content;
  future.set_date("2999-01-01");
  st = Record(a_token, a.name(), future);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("duty.date"));
  v1::DutyRecord nowhere = content;
  nowhere.set_station("stations/999999");
  st = Record(a_token, a.name(), nowhere);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("duty.station"));
}

TEST_F(DutiesTest, ListingIsForTheDeputyOfficeAndLeadersWithPagingAndFilters) {
  const v1::Station station = NewStation();
  const v1::Deputy a = NewDeputy(station.name());
  const v1::Deputy b = NewDeputy(station.name());
  const std::string a_token = Token(minyi::common::v1::ROLE_DEPUTY, a.name());
  for (const std::string& date : {LastYear("01-10"), LastYear("02-10"), LastYear("03-10"), LastYear("04-10")}) {
    ASSERT_TRUE(Record(a_token, a.name(), Content(date, v1::DUTY_CATEGORY_TRAINING)).ok());
  }
  ASSERT_TRUE(Record(a_token, a.name(), Content(LastYear("02-20"), v1::DUTY_CATEGORY_STATION_DUTY)).ok());

  auto list = [&](const std::string& token, v1::ListDutyRecordsRequest req, v1::ListDutyRecordsResponse* out) {
    req.set_parent(a.name());
    return stub_->ListDutyRecords(CallContext(token).get(), req, out);
  };
  // Every page of two, in recorded order.
  std::vector<std::string> dates;
  v1::ListDutyRecordsRequest req;
  req.set_page_size(2);
  int pages = 0;
  do {
    v1::ListDutyRecordsResponse page;
    ASSERT_TRUE(list(a_token, req, &page).ok());
    for (const v1::DutyRecord& d : page.duties()) {
      dates.push_back(d.date());
    }
    req.set_page_token(page.next_page_token());
    ++pages;
  } while (!req.page_token().empty());
  EXPECT_THAT(dates, ElementsAre(LastYear("01-10"), LastYear("02-10"), LastYear("03-10"), LastYear("04-10"),
                                 LastYear("02-20")));
  EXPECT_EQ(pages, 3);

  v1::ListDutyRecordsRequest filtered;
  filtered.set_category(v1::DUTY_CATEGORY_TRAINING);
  filtered.set_start_date(LastYear("02-01"));
  filtered.set_end_date(LastYear("03-31"));
  v1::ListDutyRecordsResponse out;
  ASSERT_TRUE(list(Token(minyi::common::v1::ROLE_LEADER), filtered, &out).ok());
  ASSERT_EQ(out.duties_size(), 2);
  EXPECT_EQ(out.duties(0).date(), LastYear("02-10"));
  EXPECT_EQ(out.duties(1).date(), LastYear("03-10"));
  out.Clear();
  ASSERT_TRUE(list(Staff(), {}, &out).ok());
  EXPECT_EQ(out.duties_size(), 5);

  EXPECT_EQ(list(Token(minyi::common::v1::ROLE_CITIZEN), {}, &out).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(list(Token(minyi::common::v1::ROLE_DEPARTMENT), {}, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(list(Token(minyi::common::v1::ROLE_DEPUTY, b.name()), {}, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ListDutyRecordsRequest backwards;
  backwards.set_start_date(LastYear("03-01"));
  backwards.set_end_date(LastYear("02-01"));
  grpc::Status st = list(a_token, backwards, &out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("end_date"));
}

TEST_F(DutiesTest, CorrectionsAreNewRevisionsAndKeepTheOriginal) {
  const v1::Station station = NewStation();
  const v1::Deputy a = NewDeputy(station.name());
  const std::string a_token = Token(minyi::common::v1::ROLE_DEPUTY, a.name());
  v1::DutyRecord original;
  ASSERT_TRUE(
      Record(a_token, a.name(), Content(LastYear("03-02"), v1::DUTY_CATEGORY_TRAINING, "参加培训"), &original).ok());

  v1::CorrectDutyRecordRequest req;
  req.set_name(original.name());
  *req.mutable_duty() = Content(LastYear("03-03"), v1::DUTY_CATEGORY_INSPECTION_RESEARCH, "参加视察调研");
  req.set_reason("类别登记错误");
  v1::DutyRecord out;
  EXPECT_EQ(stub_->CorrectDutyRecord(CallContext(a_token).get(), req, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  const std::string staff = Staff();
  grpc::Status st = stub_->CorrectDutyRecord(CallContext(staff).get(), req, &out);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(out.name(), original.name());
  EXPECT_EQ(out.revision(), 2);
  EXPECT_EQ(out.category(), v1::DUTY_CATEGORY_INSPECTION_RESEARCH);
  EXPECT_EQ(out.date(), LastYear("03-03"));
  EXPECT_EQ(out.correction_reason(), "类别登记错误");
  EXPECT_EQ(out.recorded_by(), AccountOf(staff));

  v1::GetDutyRecordRequest get;
  get.set_name(original.name());
  get.set_revision(1);
  v1::DutyRecord first;
  ASSERT_TRUE(stub_->GetDutyRecord(CallContext(a_token).get(), get, &first).ok());
  EXPECT_EQ(first.revision(), 1);
  EXPECT_EQ(first.category(), v1::DUTY_CATEGORY_TRAINING);
  EXPECT_EQ(first.description(), "参加培训");
  EXPECT_EQ(first.recorded_by(), AccountOf(a_token));
  get.set_revision(0);
  v1::DutyRecord current;
  ASSERT_TRUE(stub_->GetDutyRecord(CallContext(a_token).get(), get, &current).ok());
  EXPECT_EQ(current.revision(), 2);
  get.set_revision(3);
  EXPECT_EQ(stub_->GetDutyRecord(CallContext(a_token).get(), get, &current).error_code(), grpc::StatusCode::NOT_FOUND);
  get.set_revision(0);
  get.set_name(absl::StrCat("deputies/999999/duties/", original.name().substr(original.name().rfind('/') + 1)));
  EXPECT_EQ(stub_->GetDutyRecord(CallContext(staff).get(), get, &current).error_code(), grpc::StatusCode::NOT_FOUND);

  EXPECT_EQ(Count("SELECT count(*) FROM deputies.audit_log WHERE action = 'CorrectDutyRecord' AND resource = $1",
                  original.name()),
            1);
  req.set_reason("");
  st = stub_->CorrectDutyRecord(CallContext(staff).get(), req, &out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("reason"));
}

TEST_F(DutiesTest, EventsMakeOneRecordPerDeputyHoweverOftenDelivered) {
  const v1::Station station = NewStation();
  const v1::Deputy a = NewDeputy(station.name());
  const v1::Deputy b = NewDeputy(station.name());

  // A deputy named twice gets one record.
  const minyi::common::v1::Event event =
      BallotCast("6f1c2a3b-0000-4000-8000-00000000a001", {a.name(), b.name(), a.name()});
  RedisClient redis(RedisServer::Shared().addr());
  auto publish = [&] { Publish(redis, event); };
  const std::string kProcessed = "SELECT count(*) FROM deputies.processed_events WHERE event_id = $1::uuid";
  const std::string kRecords = "SELECT count(*) FROM deputies.duty_records WHERE source_event_id = $1::uuid";
  publish();
  publish();
  ASSERT_TRUE(Eventually([&] { return Count(kProcessed, event.id()) == 1 && Count(kRecords, event.id()) == 2; }))
      << process_->Log();
  // Even with the consumer's memory of the event gone, the (deputy, event) index keeps one record each.
  Count(
      "WITH d AS (DELETE FROM deputies.processed_events WHERE event_id = $1::uuid RETURNING 1) "
      "SELECT count(*) FROM d",
      event.id());
  publish();
  ASSERT_TRUE(Eventually([&] { return Count(kProcessed, event.id()) == 1; })) << process_->Log();
  EXPECT_EQ(Count(kRecords, event.id()), 2);

  v1::ListDutyRecordsRequest req;
  req.set_parent(a.name());
  v1::ListDutyRecordsResponse out;
  ASSERT_TRUE(stub_->ListDutyRecords(CallContext(Staff()).get(), req, &out).ok());
  ASSERT_EQ(out.duties_size(), 1);
  EXPECT_EQ(out.duties(0).category(), v1::DUTY_CATEGORY_BALLOT);
  EXPECT_EQ(out.duties(0).source(), v1::DUTY_SOURCE_EVENT);
  EXPECT_EQ(out.duties(0).source_event(), event.id());
  EXPECT_EQ(out.duties(0).date(), "2026-01-15");
  EXPECT_THAT(out.duties(0).evidence(), ElementsAre("votes/7"));
  EXPECT_EQ(out.duties(0).recorded_by(), "acct-voting");
}

TEST_F(DutiesTest, AnEventNamingAnUnknownDeputyIsRefusedWholeAndAcknowledged) {
  const v1::Station station = NewStation();
  const v1::Deputy known = NewDeputy(station.name());
  const minyi::common::v1::Event refused =
      BallotCast("6f1c2a3b-0000-4000-8000-00000000a101", {known.name(), "deputies/999999"});
  const minyi::common::v1::Event malformed = BallotCast("6f1c2a3b-0000-4000-8000-00000000a102", {"deputies/x"});
  const minyi::common::v1::Event fine = BallotCast("6f1c2a3b-0000-4000-8000-00000000a103", {known.name()});
  RedisClient redis(RedisServer::Shared().addr());
  Publish(redis, refused);
  Publish(redis, malformed);
  Publish(redis, fine);
  const std::string kProcessed = "SELECT count(*) FROM deputies.processed_events WHERE event_id = $1::uuid";
  const std::string kRecords = "SELECT count(*) FROM deputies.duty_records WHERE source_event_id = $1::uuid";
  ASSERT_TRUE(Eventually([&] { return Count(kRecords, fine.id()) == 1; })) << process_->Log();
  ASSERT_TRUE(Eventually([&] { return GroupCaughtUp(RedisServer::Shared().addr(), "deputies"); }));
  // Acknowledged and remembered, but nothing stored: not for the known deputy either, and not dead.
  for (const auto* e : {&refused, &malformed}) {
    EXPECT_EQ(Count(kProcessed, e->id()), 1) << e->id();
    EXPECT_EQ(Count(kRecords, e->id()), 0) << e->id();
    EXPECT_EQ(Count("SELECT count(*) FROM deputies.dead_events WHERE event_id = $1::uuid", e->id()), 0) << e->id();
  }
  const std::string log = process_->Log();
  EXPECT_THAT(log, HasSubstr("refused"));
  EXPECT_THAT(log, HasSubstr("deputies/999999"));
}

TEST_F(DutiesTest, StaffListAndReplayDeadEventsAndAFailingReplayKeepsTheEventWithItsError) {
  const v1::Station station = NewStation();
  const v1::Deputy deputy = NewDeputy(station.name());
  const minyi::common::v1::Event event = BallotCast("6f1c2a3b-0000-4000-8000-00000000a201", {deputy.name()});
  // As the consumer leaves an event after its last attempt.
  {
    pqxx::connection conn(*dsn_);
    pqxx::work tx(conn);
    tx.exec_params(
        "INSERT INTO deputies.dead_events (consumer, event_id, event_type, payload, error, attempts, first_failed_at) "
        "VALUES ('deputies', $1::uuid, $2, $3, 'UNAVAILABLE: downstream', 10, now() - interval '1 minute')",
        event.id(), event.type(), pqxx::binarystring(event.SerializeAsString()));
    // Until dropped below, every duty record insert fails: the handler fails when replayed.
    tx.exec(
        "CREATE FUNCTION deputies.refuse_duty() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION "
        "'duty records refused'; END $$; CREATE TRIGGER refuse_duty BEFORE INSERT ON deputies.duty_records "
        "FOR EACH ROW EXECUTE FUNCTION deputies.refuse_duty()");
    tx.commit();
  }
  minyi::common::v1::ListDeadEventsRequest list;
  minyi::common::v1::ListDeadEventsResponse listed;
  EXPECT_EQ(
      stub_->ListDeadEvents(CallContext(Token(minyi::common::v1::ROLE_DEPUTY, deputy.name())).get(), list, &listed)
          .error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(stub_->ListDeadEvents(CallContext(Staff()).get(), list, &listed).ok());
  ASSERT_EQ(listed.dead_events_size(), 1);
  const minyi::common::v1::DeadEvent& dead = listed.dead_events(0);
  EXPECT_EQ(dead.consumer(), "deputies");
  EXPECT_EQ(dead.event_id(), event.id());
  EXPECT_EQ(dead.event_type(), "minyi.voting.v1.BallotCast");
  EXPECT_EQ(dead.subject(), "votes/7");
  EXPECT_EQ(dead.error(), "UNAVAILABLE: downstream");
  EXPECT_EQ(dead.attempts(), 10);
  EXPECT_LT(dead.first_failed_time().seconds(), dead.dead_time().seconds());

  minyi::common::v1::ReplayDeadEventRequest replay;
  replay.set_name(dead.name());
  minyi::common::v1::DeadEvent replayed;
  grpc::Status st = stub_->ReplayDeadEvent(CallContext(Staff()).get(), replay, &replayed);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << st.error_message();
  EXPECT_THAT(st.error_message(), HasSubstr("INTERNAL"));
  EXPECT_THAT(st.error_message(), ::testing::Not(HasSubstr("duty records refused")));  // no internals
  ASSERT_TRUE(stub_->ListDeadEvents(CallContext(Staff()).get(), list, &listed).ok());
  ASSERT_EQ(listed.dead_events_size(), 1);
  EXPECT_THAT(listed.dead_events(0).error(), HasSubstr("duty records refused"));
  EXPECT_EQ(listed.dead_events(0).attempts(), 11);
  EXPECT_EQ(Count("SELECT count(*) FROM deputies.processed_events WHERE event_id = $1::uuid", event.id()), 0);

  {
    pqxx::connection conn(*dsn_);
    pqxx::work tx(conn);
    tx.exec("DROP TRIGGER refuse_duty ON deputies.duty_records");
    tx.commit();
  }
  st = stub_->ReplayDeadEvent(CallContext(Staff()).get(), replay, &replayed);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(replayed.event_id(), event.id());
  EXPECT_EQ(Count("SELECT count(*) FROM deputies.duty_records WHERE source_event_id = $1::uuid", event.id()), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM deputies.processed_events WHERE event_id = $1::uuid", event.id()), 1);
  EXPECT_EQ(
      Count("SELECT count(*) FROM deputies.audit_log WHERE action = 'ReplayDeadEvent' AND resource = $1", dead.name()),
      1);
  ASSERT_TRUE(stub_->ListDeadEvents(CallContext(Staff()).get(), list, &listed).ok());
  EXPECT_EQ(listed.dead_events_size(), 0);
  EXPECT_EQ(stub_->ReplayDeadEvent(CallContext(Staff()).get(), replay, &replayed).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(DutiesTest, ABurstOfEventsBooksEachDeputyOnceWithItsRevisionEventAndAuditRow) {
  const v1::Station station = NewStation();
  constexpr int kDeputies = 30;
  std::vector<std::string> deputies;
  std::vector<std::string> ids;
  for (int i = 0; i < kDeputies; ++i) {
    deputies.push_back(NewDeputy(station.name()).name());
    ids.push_back(absl::StrCat("6f1c2a3b-0000-4000-8000-0000000b", absl::Dec(i, absl::kZeroPad4)));
  }
  // All at once, so that the consumer reads them together; every third comes twice, as an at-least-once
  // relay may send it.
  RedisClient redis(RedisServer::Shared().addr());
  for (int i = 0; i < kDeputies; ++i) {
    for (int copy = 0; copy < (i % 3 == 0 ? 2 : 1); ++copy) {
      Publish(redis, BallotCast(ids[i], {deputies[i]}));
    }
  }
  const std::string kBurst = "6f1c2a3b-0000-4000-8000-0000000b%";
  ASSERT_TRUE(Eventually([&] {
    return Count("SELECT count(*) FROM deputies.duty_records WHERE source_event_id::text LIKE $1", kBurst) == kDeputies;
  })) << process_->Log();
  for (const std::string& id : ids) {
    EXPECT_EQ(Count("SELECT count(*) FROM deputies.duty_records r JOIN deputies.duty_record_revisions v "
                    "ON v.record_id = r.id AND v.revision = 1 AND v.recorded_by = 'acct-voting' "
                    "WHERE r.source_event_id = $1::uuid",
                    id),
              1)
        << id;
    EXPECT_EQ(Count("SELECT count(*) FROM deputies.audit_log WHERE action = 'RecordDutyFromEvent' "
                    "AND detail ->> 'event_id' = $1",
                    id),
              1)
        << id;
  }
  EXPECT_EQ(Count("SELECT count(*) FROM deputies.outbox o JOIN deputies.duty_records r "
                  "ON o.subject = 'deputies/' || r.deputy_id || '/duties/' || r.id "
                  "WHERE o.event_type = 'minyi.deputies.v1.DutyRecorded' AND r.source_event_id::text LIKE $1",
                  kBurst),
            kDeputies);
}

TEST_F(DutiesTest, PointsFollowTheRulesWithMonthlyCaps) {
  v1::PointRules rules;
  {
    // The seeded defaults, one per category, on a database and Redis of their own: the suite's other
    // tests set rules of their own on the shared one, in whatever order they run.
    RedisServer redis;
    int port = 0;
    std::unique_ptr<ChildProcess> fresh = StartService("deputies", PostgresServer::Shared().CreateDatabase(), &port,
                                                       {{"MINYI_REDIS_ADDR", redis.addr()}});
    auto stub = v1::Deputies::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
    ASSERT_TRUE(
        stub->GetPointRules(CallContext(Token(minyi::common::v1::ROLE_DEPUTY, "deputies/1")).get(), {}, &rules).ok());
    EXPECT_EQ(rules.name(), "pointRules");
    EXPECT_EQ(rules.rules_size(), 19);
  }

  v1::UpdatePointRulesRequest bad;
  bad.mutable_point_rules()->add_rules()->set_category(v1::DUTY_CATEGORY_TRAINING);
  bad.mutable_point_rules()->mutable_rules(0)->set_points(-2);
  grpc::Status st = stub_->UpdatePointRules(CallContext(Staff()).get(), bad, &rules);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("point_rules.rules[0].points"));
  bad.mutable_point_rules()->mutable_rules(0)->set_points(2);
  EXPECT_EQ(stub_->UpdatePointRules(CallContext(Token(minyi::common::v1::ROLE_DEPUTY, "deputies/1")).get(), bad, &rules)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  SetRules({{v1::DUTY_CATEGORY_TRAINING, 2, 4}, {v1::DUTY_CATEGORY_RECEIVING_VOTERS, 3, 0}});

  const v1::Station station = NewStation();
  const v1::Deputy a = NewDeputy(station.name());
  const std::string staff = Staff();
  for (const std::string& date : {LastYear("01-05"), LastYear("01-06"), LastYear("01-07"), LastYear("04-01")}) {
    ASSERT_TRUE(Record(staff, a.name(), Content(date, v1::DUTY_CATEGORY_TRAINING)).ok());
  }
  ASSERT_TRUE(Record(staff, a.name(), Content(LastYear("02-28"), v1::DUTY_CATEGORY_RECEIVING_VOTERS)).ok());
  ASSERT_TRUE(Record(staff, a.name(), Content(LastYear("02-28"), v1::DUTY_CATEGORY_OTHER)).ok());  // no rule now

  v1::GetDeputyPointsRequest req;
  req.set_name(a.name() + "/points");
  req.set_period(LastYear("Q1"));
  v1::DeputyPoints points;
  st = stub_->GetDeputyPoints(CallContext(Token(minyi::common::v1::ROLE_DEPUTY, a.name())).get(), req, &points);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(points.period(), LastYear("Q1"));
  EXPECT_EQ(points.total(), 4 + 3);
  ASSERT_EQ(points.by_month_size(), 3);
  EXPECT_EQ(points.by_month(0).points(), 4);
  EXPECT_EQ(points.by_month(1).points(), 3);
  EXPECT_EQ(points.by_month(2).points(), 0);
  ASSERT_EQ(points.by_category_size(), 3);
  EXPECT_EQ(points.by_category(0).category(), v1::DUTY_CATEGORY_TRAINING);
  EXPECT_EQ(points.by_category(0).records(), 3);
  EXPECT_EQ(points.by_category(0).points(), 4);
  req.set_period(LastYear());
  ASSERT_TRUE(stub_->GetDeputyPoints(CallContext(staff).get(), req, &points).ok());
  EXPECT_EQ(points.total(), 4 + 3 + 2);
  req.set_period("2026-Q5");
  st = stub_->GetDeputyPoints(CallContext(staff).get(), req, &points);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("period"));
  req.set_period(LastYear("Q1"));
  EXPECT_EQ(
      stub_->GetDeputyPoints(CallContext(Token(minyi::common::v1::ROLE_CITIZEN)).get(), req, &points).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(DutiesTest, StationRankingSharesRanksOnTiesAndPublishes) {
  SetRules({{v1::DUTY_CATEGORY_TRAINING, 2, 0}, {v1::DUTY_CATEGORY_RECEIVING_VOTERS, 3, 0}});
  const v1::Station station = NewStation();
  std::vector<v1::Deputy> d;
  for (int i = 0; i < 4; ++i) {
    d.push_back(NewDeputy(station.name(), absl::StrCat("代表", i)));
  }
  const std::string staff = Staff();
  // d0: 6, d1: 6, d2: 2, d3: 0 in Q1; d3's record is in Q2.
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(Record(staff, d[0].name(), Content(LastYear("02-01"), v1::DUTY_CATEGORY_TRAINING)).ok());
  }
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(Record(staff, d[1].name(), Content(LastYear("03-31"), v1::DUTY_CATEGORY_RECEIVING_VOTERS)).ok());
  }
  ASSERT_TRUE(Record(staff, d[2].name(), Content(LastYear("01-01"), v1::DUTY_CATEGORY_TRAINING)).ok());
  ASSERT_TRUE(Record(staff, d[3].name(), Content(LastYear("04-01"), v1::DUTY_CATEGORY_TRAINING)).ok());

  v1::GetStationRankingRequest req;
  req.set_name(station.name() + "/ranking");
  req.set_period(LastYear("Q1"));
  v1::StationRanking ranking;
  grpc::Status st =
      stub_->GetStationRanking(CallContext(Token(minyi::common::v1::ROLE_DEPUTY, d[3].name())).get(), req, &ranking);
  ASSERT_TRUE(st.ok()) << st.error_message();
  ASSERT_EQ(ranking.entries_size(), 4);
  std::vector<std::tuple<std::string, int64_t, int32_t>> got;
  for (const v1::RankingEntry& e : ranking.entries()) {
    got.emplace_back(e.deputy(), e.points(), e.rank());
  }
  EXPECT_THAT(got, ElementsAre(std::make_tuple(d[0].name(), 6, 1), std::make_tuple(d[1].name(), 6, 1),
                               std::make_tuple(d[2].name(), 2, 3), std::make_tuple(d[3].name(), 0, 4)));
  EXPECT_EQ(ranking.entries(0).display_name(), "代表0");
  EXPECT_EQ(
      stub_->GetStationRanking(CallContext(Token(minyi::common::v1::ROLE_CITIZEN)).get(), req, &ranking).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  req.set_name("stations/999999/ranking");
  EXPECT_EQ(stub_->GetStationRanking(CallContext(staff).get(), req, &ranking).error_code(),
            grpc::StatusCode::NOT_FOUND);

  v1::PublishStationRankingRequest publish;
  publish.set_name(station.name() + "/ranking");
  publish.set_period(LastYear("Q1"));
  v1::StationRanking published;
  EXPECT_EQ(stub_
                ->PublishStationRanking(CallContext(Token(minyi::common::v1::ROLE_DEPUTY, d[0].name())).get(), publish,
                                        &published)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  st = stub_->PublishStationRanking(CallContext(staff, "publish-q1").get(), publish, &published);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(published.entries_size(), 4);
  // A retry with the same key publishes nothing new.
  ASSERT_TRUE(stub_->PublishStationRanking(CallContext(staff, "publish-q1").get(), publish, &published).ok());
  EXPECT_EQ(Count("SELECT count(*) FROM deputies.outbox WHERE event_type = "
                  "'minyi.deputies.v1.StationRankingPublished' AND subject = $1",
                  publish.name()),
            1);
}

TEST_F(DutiesTest, StarRatingByQuotaWithinADistrict) {
  const std::string region = absl::StrCat("评星区", getpid());
  const std::string staff = Staff();
  // Five stations; station i's one member has i records in Q1 (station 0 has no members).
  std::vector<v1::Station> stations;
  for (int i = 0; i < 5; ++i) {
    stations.push_back(NewStation(region));
    if (i == 0) {
      continue;
    }
    const v1::Deputy member = NewDeputy(stations.back().name());
    for (int r = 0; r < i; ++r) {
      ASSERT_TRUE(Record(staff, member.name(), Content(LastYear("02-02"), v1::DUTY_CATEGORY_STATION_DUTY)).ok());
    }
  }
  NewStation("别的区");
  // Station 0 has no records but meets one nine-haves item, which weighs ten records.
  v1::UpdateStationChecklistRequest assess;
  assess.mutable_checklist()->set_name(stations[0].name() + "/checklist");
  v1::ChecklistItem* item = assess.mutable_checklist()->add_items();
  item->set_item("有场所");
  item->set_met(true);
  v1::StationChecklist checklist;
  ASSERT_TRUE(stub_->UpdateStationChecklist(CallContext(staff).get(), assess, &checklist).ok());

  v1::RateStationsRequest req;
  req.set_region(region);
  req.set_period(LastYear("Q1"));
  v1::RateStationsResponse out;
  grpc::Status st = stub_->RateStations(CallContext(staff).get(), req, &out);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(out.quotas().five_star_percent(), 20);
  ASSERT_EQ(out.ratings_size(), 5);
  std::vector<std::tuple<std::string, int64_t, int32_t>> got;
  for (const v1::StationRating& r : out.ratings()) {
    got.emplace_back(r.station(), r.activity_score(), r.stars());
  }
  // 5 stations: floor(1.0) = 1 five-star, floor(2.5) = 2 five- or four-star.
  EXPECT_THAT(got, ElementsAre(std::make_tuple(stations[0].name(), 10, 5), std::make_tuple(stations[4].name(), 4, 4),
                               std::make_tuple(stations[3].name(), 3, 3), std::make_tuple(stations[2].name(), 2, 3),
                               std::make_tuple(stations[1].name(), 1, 3)));
  EXPECT_EQ(out.ratings(0).members(), 0);
  EXPECT_EQ(out.ratings(0).duty_records(), 0);
  EXPECT_EQ(out.ratings(0).checklist_items_met(), 1);
  EXPECT_EQ(out.ratings(1).members(), 1);
  EXPECT_EQ(out.ratings(1).checklist_items_met(), 0);

  req.mutable_quotas()->set_five_star_percent(60);
  req.mutable_quotas()->set_four_star_percent(60);
  st = stub_->RateStations(CallContext(staff).get(), req, &out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("quotas.four_star_percent"));
  req.clear_quotas();
  EXPECT_EQ(stub_->RateStations(CallContext(Token(minyi::common::v1::ROLE_DEPUTY, "deputies/1")).get(), req, &out)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(DutiesTest, NineHavesChecklistPerStationAgainstAConfigurableDefinition) {
  const std::string staff = Staff();
  const std::string deputy = Token(minyi::common::v1::ROLE_DEPUTY, "deputies/1");
  v1::ChecklistDefinition definition;
  ASSERT_TRUE(stub_->GetChecklistDefinition(CallContext(deputy).get(), {}, &definition).ok());
  EXPECT_EQ(definition.name(), "checklistDefinition");
  EXPECT_THAT(definition.items(),
              ElementsAre("有场所", "有牌子", "有制度", "有人员", "有经费", "有活动", "有台账", "有计划", "有成效"));
  const v1::ChecklistDefinition seeded = definition;

  const v1::Station station = NewStation();
  v1::GetStationChecklistRequest get;
  get.set_name(station.name() + "/checklist");
  v1::StationChecklist checklist;
  ASSERT_TRUE(
      stub_->GetStationChecklist(CallContext(Token(minyi::common::v1::ROLE_CITIZEN)).get(), get, &checklist).ok());
  ASSERT_EQ(checklist.items_size(), 9);
  EXPECT_EQ(checklist.items_met(), 0);

  v1::UpdateStationChecklistRequest assess;
  assess.mutable_checklist()->set_name(station.name() + "/checklist");
  v1::ChecklistItem* place = assess.mutable_checklist()->add_items();
  place->set_item("有场所");
  place->set_met(true);
  place->add_evidence("files/photo-1");
  place->set_assessed_by("forged");  // output only: ignored
  v1::ChecklistItem* funds = assess.mutable_checklist()->add_items();
  funds->set_item("有经费");
  funds->set_met(true);
  EXPECT_EQ(stub_->UpdateStationChecklist(CallContext(deputy).get(), assess, &checklist).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  grpc::Status st = stub_->UpdateStationChecklist(CallContext(staff).get(), assess, &checklist);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(checklist.items_met(), 2);
  EXPECT_EQ(checklist.items(0).item(), "有场所");
  EXPECT_TRUE(checklist.items(0).met());
  EXPECT_THAT(checklist.items(0).evidence(), ElementsAre("files/photo-1"));
  EXPECT_EQ(checklist.items(0).assessed_by(), AccountOf(staff));
  EXPECT_TRUE(checklist.items(0).has_assess_time());
  EXPECT_TRUE(checklist.items(1).assessed_by().empty());

  // A later assessment replaces the item's earlier one; unlisted items keep theirs.
  v1::UpdateStationChecklistRequest unmet;
  unmet.mutable_checklist()->set_name(station.name() + "/checklist");
  unmet.mutable_checklist()->add_items()->set_item("有经费");
  ASSERT_TRUE(stub_->UpdateStationChecklist(CallContext(staff).get(), unmet, &checklist).ok());
  EXPECT_EQ(checklist.items_met(), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM deputies.outbox WHERE event_type = "
                  "'minyi.deputies.v1.StationChecklistUpdated' AND subject = $1",
                  station.name() + "/checklist"),
            2);

  v1::UpdateStationChecklistRequest bad = unmet;
  bad.mutable_checklist()->mutable_items(0)->set_item("有食堂");
  st = stub_->UpdateStationChecklist(CallContext(staff).get(), bad, &checklist);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("checklist.items[0].item"));
  bad = unmet;
  bad.mutable_checklist()->set_name("stations/999999/checklist");
  EXPECT_EQ(stub_->UpdateStationChecklist(CallContext(staff).get(), bad, &checklist).error_code(),
            grpc::StatusCode::NOT_FOUND);

  // Staff replace the definition: an item dropped is no longer shown or counted, and comes back with it.
  v1::UpdateChecklistDefinitionRequest replace;
  replace.mutable_checklist_definition()->add_items("有牌子");
  replace.mutable_checklist_definition()->add_items("有特色");
  EXPECT_EQ(stub_->UpdateChecklistDefinition(CallContext(deputy).get(), replace, &definition).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  replace.mutable_checklist_definition()->set_etag(seeded.etag());
  ASSERT_TRUE(stub_->UpdateChecklistDefinition(CallContext(staff).get(), replace, &definition).ok());
  EXPECT_THAT(definition.items(), ElementsAre("有牌子", "有特色"));
  EXPECT_EQ(definition.updated_by(), AccountOf(staff));  // the test tokens' ids are not numbers: kept as they are
  EXPECT_NE(definition.etag(), seeded.etag());
  ASSERT_TRUE(stub_->GetStationChecklist(CallContext(staff).get(), get, &checklist).ok());
  ASSERT_EQ(checklist.items_size(), 2);
  EXPECT_EQ(checklist.items_met(), 0);
  replace.mutable_checklist_definition()->add_items("有牌子");
  st = stub_->UpdateChecklistDefinition(CallContext(staff).get(), replace, &definition);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("checklist_definition.items[2]"));

  v1::UpdateChecklistDefinitionRequest restore;
  *restore.mutable_checklist_definition() = seeded;
  restore.mutable_checklist_definition()->set_etag(definition.etag());
  ASSERT_TRUE(stub_->UpdateChecklistDefinition(CallContext(staff).get(), restore, &definition).ok());
  ASSERT_TRUE(stub_->GetStationChecklist(CallContext(staff).get(), get, &checklist).ok());
  EXPECT_EQ(checklist.items_met(), 1);
}

TEST_F(DutiesTest, LeavingOfficeEmitsDeputyLeftOnce) {
  const v1::Station station = NewStation();
  const v1::Deputy d = NewDeputy(station.name(), "吴离任");
  v1::UpdateDeputyRequest update;
  update.mutable_deputy()->set_name(d.name());
  update.mutable_deputy()->set_status(v1::DEPUTY_STATUS_RESIGNED);
  update.mutable_deputy()->set_term_end_date("2026-03-01");
  v1::Deputy out;
  grpc::Status st = stub_->UpdateDeputy(CallContext(Staff()).get(), update, &out);
  ASSERT_TRUE(st.ok()) << st.error_message();
  const std::string kLeft =
      "SELECT count(*) FROM deputies.outbox WHERE event_type = 'minyi.deputies.v1.DeputyLeft' AND subject = $1";
  EXPECT_EQ(Count(kLeft, d.name()), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM deputies.outbox WHERE event_type = 'minyi.deputies.v1.DeputyUpdated' "
                  "AND subject = $1",
                  d.name()),
            1);
  // Resigned to terminated is no second departure.
  update.mutable_deputy()->set_status(v1::DEPUTY_STATUS_TERMINATED);
  ASSERT_TRUE(stub_->UpdateDeputy(CallContext(Staff()).get(), update, &out).ok());
  EXPECT_EQ(Count(kLeft, d.name()), 1);
}

TEST_F(DutiesTest, RotaPutsCurrentMembersOnDutyOncePerStationDay) {
  const v1::Station station = NewStation();
  const v1::Station elsewhere = NewStation();
  const v1::Deputy a = NewDeputy(station.name(), "轮值甲");
  const v1::Deputy b = NewDeputy(station.name(), "轮值乙");
  const v1::Deputy outsider = NewDeputy(elsewhere.name(), "外站代表");
  const std::string staff = Staff();
  auto put = [&](const std::string& token, const std::string& deputy, const std::string& date,
                 v1::RotaEntry* out = nullptr) {
    v1::CreateRotaEntryRequest req;
    req.set_parent(station.name());
    req.mutable_rota_entry()->set_deputy(deputy);
    req.mutable_rota_entry()->set_date(date);
    req.mutable_rota_entry()->set_note("9:00-12:00");
    v1::RotaEntry ignored;
    return stub_->CreateRotaEntry(CallContext(token).get(), req, out == nullptr ? &ignored : out);
  };
  v1::RotaEntry entry;
  grpc::Status st = put(staff, a.name(), "2026-03-03", &entry);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_THAT(entry.name(), HasSubstr(station.name() + "/rotaEntries/"));
  EXPECT_EQ(entry.display_name(), "轮值甲");
  EXPECT_EQ(entry.created_by(), AccountOf(staff));
  ASSERT_TRUE(put(staff, b.name(), "2026-03-03").ok());
  ASSERT_TRUE(put(staff, a.name(), "2026-03-10").ok());
  ASSERT_TRUE(put(staff, a.name(), "2026-04-01").ok());

  st = put(staff, a.name(), "2026-03-03");
  EXPECT_EQ(st.error_code(), grpc::StatusCode::ALREADY_EXISTS) << st.error_message();
  st = put(staff, outsider.name(), "2026-03-03");
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("rota_entry.deputy"));
  st = put(staff, "deputies/999999", "2026-03-03");
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("rota_entry.deputy"));
  EXPECT_EQ(put(Token(minyi::common::v1::ROLE_DEPUTY, a.name()), a.name(), "2026-03-04").error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  v1::ListRotaEntriesRequest list;
  list.set_parent(station.name());
  list.set_start_date("2026-03-01");
  list.set_end_date("2026-03-31");
  v1::ListRotaEntriesResponse out;
  st = stub_->ListRotaEntries(CallContext(Token(minyi::common::v1::ROLE_CITIZEN)).get(), list, &out);
  ASSERT_TRUE(st.ok()) << st.error_message();
  std::vector<std::pair<std::string, std::string>> got;
  for (const v1::RotaEntry& e : out.rota_entries()) {
    got.emplace_back(e.date(), e.deputy());
  }
  EXPECT_THAT(got, ElementsAre(std::make_pair("2026-03-03", a.name()), std::make_pair("2026-03-03", b.name()),
                               std::make_pair("2026-03-10", a.name())));
  list.clear_start_date();
  st = stub_->ListRotaEntries(CallContext(staff).get(), list, &out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("start_date"));
  EXPECT_EQ(Count("SELECT count(*) FROM deputies.outbox WHERE event_type = 'minyi.deputies.v1.RotaEntryCreated' "
                  "AND subject LIKE $1 || '/rotaEntries/%'",
                  station.name()),
            4);
}

TEST_F(DutiesTest, ShortlistRanksServingDeputiesByPointsAndEvaluation) {
  SetRules({{v1::DUTY_CATEGORY_TRAINING, 10, 0}, {v1::DUTY_CATEGORY_RECEIVING_VOTERS, 5, 0}});
  const v1::Station station = NewStation();
  const std::string staff = Staff();
  // A year no other test records in, so only these deputies have points.
  const std::string year = "2019";
  std::vector<v1::Deputy> d;
  for (int i = 0; i < 3; ++i) {
    d.push_back(NewDeputy(station.name(), absl::StrCat("优秀", i)));
  }
  // d0: 20 points from 2 records; d1: 20 points from 4 records; d2: 10 points, evaluated 10 -> 10 + 2 * 10.
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(Record(staff, d[0].name(), Content(year + "-03-01", v1::DUTY_CATEGORY_TRAINING)).ok());
  }
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(Record(staff, d[1].name(), Content(year + "-06-01", v1::DUTY_CATEGORY_RECEIVING_VOTERS)).ok());
  }
  ASSERT_TRUE(Record(staff, d[2].name(), Content(year + "-12-31", v1::DUTY_CATEGORY_TRAINING)).ok());
  v1::SetEvaluationResultRequest evaluation;
  evaluation.mutable_evaluation_result()->set_name(d[2].name() + "/evaluationResults/" + year);
  evaluation.mutable_evaluation_result()->set_score(10);
  v1::EvaluationResult recorded;
  EXPECT_EQ(stub_->SetEvaluationResult(CallContext(Token(minyi::common::v1::ROLE_LEADER)).get(), evaluation, &recorded)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  grpc::Status st = stub_->SetEvaluationResult(CallContext(staff).get(), evaluation, &recorded);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(recorded.score(), 10);
  EXPECT_EQ(recorded.recorded_by(), AccountOf(staff));
  evaluation.mutable_evaluation_result()->set_score(101);
  st = stub_->SetEvaluationResult(CallContext(staff).get(), evaluation, &recorded);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("evaluation_result.score"));

  v1::GetShortlistRequest req;
  req.set_year(2019);
  req.set_size(2);
  v1::Shortlist out;
  st = stub_->GetShortlist(CallContext(Token(minyi::common::v1::ROLE_LEADER)).get(), req, &out);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(out.evaluation_weight(), 2);
  ASSERT_EQ(out.entries_size(), 2);
  EXPECT_EQ(out.entries(0).deputy(), d[2].name());
  EXPECT_EQ(out.entries(0).final_score(), 30);
  EXPECT_TRUE(out.entries(0).evaluated());
  EXPECT_EQ(out.entries(1).deputy(), d[1].name());
  EXPECT_EQ(out.entries(1).final_score(), 20);
  EXPECT_EQ(out.entries(1).duty_records(), 4);
  EXPECT_EQ(out.entries(1).tie_break(), v1::TIE_BREAK_NONE);
  EXPECT_EQ(out.tied_beyond_cut(), 1);  // d0 also has 20, from fewer records
  req.set_size(3);
  ASSERT_TRUE(stub_->GetShortlist(CallContext(staff).get(), req, &out).ok());
  EXPECT_EQ(out.entries(2).deputy(), d[0].name());
  EXPECT_EQ(out.entries(2).tie_break(), v1::TIE_BREAK_MORE_RECORDS);

  EXPECT_EQ(stub_->GetShortlist(CallContext(Token(minyi::common::v1::ROLE_DEPUTY, d[0].name())).get(), req, &out)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  req.set_year(0);
  st = stub_->GetShortlist(CallContext(staff).get(), req, &out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("year"));
}

}  // namespace
}  // namespace minyi::testing

// The duty evidence contract with the real payload messages: SuggestionSubmitted, BallotCast and
// ScoreSheetSubmitted, emitted through an outbox and relayed as their services will, each book one duty
// record per deputy however often the stream delivers them.

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/migrate.h"
#include "common/outbox.h"
#include "common/pg.h"
#include "gmock/gmock.h"
#include "integration/deputies/fixture.h"
#include "minyi/evaluation/v1/events.pb.h"
#include "minyi/suggestions/v1/events.pb.h"
#include "minyi/voting/v1/events.pb.h"
#include "pqxx/pqxx"

namespace minyi::testing {
namespace {

namespace v1 = minyi::deputies::v1;

class EventPayloadsTest : public DeputiesServiceTest {
 protected:
  static int64_t RecordsOf(const std::string& event_id) {
    pqxx::connection c(*dsn_);
    pqxx::nontransaction tx(c);
    return tx.exec_params1("SELECT count(*) FROM deputies.duty_records WHERE source_event_id = $1::uuid", event_id)[0]
        .as<int64_t>();
  }
};

TEST_F(EventPayloadsTest, RealPayloadsBookOneRecordPerDeputyEach) {
  v1::CreateStationRequest cs;
  cs.mutable_station()->set_display_name("联络站");
  cs.mutable_station()->set_kind(v1::STATION_KIND_VILLAGE);
  cs.mutable_station()->add_region_path("汇川区");
  v1::Station station;
  ASSERT_TRUE(stub_->CreateStation(CallContext(Staff()).get(), cs, &station).ok());
  std::vector<std::string> deputies;
  for (int i = 0; i < 2; ++i) {
    v1::CreateDeputyRequest cd;
    cd.mutable_deputy()->set_display_name(absl::StrCat("代表", i));
    cd.mutable_deputy()->set_gender(v1::GENDER_FEMALE);
    cd.mutable_deputy()->set_level(v1::LEVEL_COUNTY);
    cd.mutable_deputy()->set_term(2);
    cd.mutable_deputy()->add_stations(station.name());
    v1::Deputy d;
    ASSERT_TRUE(stub_->CreateDeputy(CallContext(Staff()).get(), cd, &d).ok());
    deputies.push_back(d.name());
  }

  minyi::suggestions::v1::SuggestionSubmitted submitted;  // a joint suggestion of both
  submitted.add_deputies(deputies[0]);
  submitted.add_deputies(deputies[1]);
  submitted.set_reference("suggestions/5");
  submitted.set_occurred_on("2026-02-03");
  submitted.set_title("关于完善乡村医疗的建议");
  submitted.set_kind("SUGGESTION_KIND_JOINT");
  minyi::voting::v1::BallotCast ballot;
  ballot.add_deputies(deputies[0]);
  ballot.set_reference("votes/2");
  ballot.set_occurred_on("2026-02-04");
  minyi::evaluation::v1::ScoreSheetSubmitted sheet;
  sheet.add_deputies(deputies[1]);
  sheet.set_reference("evaluations/3");
  sheet.set_occurred_on("2026-02-05");
  sheet.set_rater_account("accounts/9");
  sheet.set_subject("evaluations/3/subjects/1");

  ASSERT_TRUE(ApplyMigrations(*dsn_, "scratch_emitters", {}).ok());
  PgPool outbox(PgPool::Options{.dsn = *dsn_, .schema = "scratch_emitters", .size = 1, .statements = {}});
  std::string ids[3];
  ASSERT_TRUE(outbox
                  .Transact([&](pqxx::work& tx) {
                    ids[0] = EmitEvent(tx, submitted, "suggestions/5", "acct-1");
                    ids[1] = EmitEvent(tx, ballot, "votes/2", "acct-2");
                    ids[2] = EmitEvent(tx, sheet, "evaluations/3", "acct-9");
                    return absl::OkStatus();
                  })
                  .ok());
  OutboxRelay relay(outbox, RedisServer::Shared().addr());
  ASSERT_TRUE(relay.PublishPending().ok());
  // The relay is at least once: publish everything a second time.
  {
    pqxx::connection c(*dsn_);
    pqxx::nontransaction tx(c);
    tx.exec("UPDATE scratch_emitters.outbox SET published_at = NULL");
  }
  ASSERT_TRUE(relay.PublishPending().ok());

  ASSERT_TRUE(Eventually([&] { return RecordsOf(ids[0]) == 2 && RecordsOf(ids[1]) == 1 && RecordsOf(ids[2]) == 1; }))
      << process_->Log();
  // Once the consumer has acknowledged every entry, the duplicates among them included, none can land later.
  ASSERT_TRUE(Eventually([&] { return GroupCaughtUp(RedisServer::Shared().addr(), "deputies"); })) << process_->Log();
  EXPECT_EQ(RecordsOf(ids[0]), 2);
  EXPECT_EQ(RecordsOf(ids[1]), 1);
  EXPECT_EQ(RecordsOf(ids[2]), 1);

  v1::ListDutyRecordsRequest req;
  req.set_parent(deputies[1]);
  v1::ListDutyRecordsResponse out;
  ASSERT_TRUE(stub_->ListDutyRecords(CallContext(Staff()).get(), req, &out).ok());
  std::map<v1::DutyCategory, std::string> dates;
  for (const v1::DutyRecord& d : out.duties()) {
    dates[d.category()] = d.date();
  }
  EXPECT_EQ(dates[v1::DUTY_CATEGORY_MOTION_OR_SUGGESTION], "2026-02-03");
  EXPECT_EQ(dates[v1::DUTY_CATEGORY_EVALUATION], "2026-02-05");
  EXPECT_EQ(dates.count(v1::DUTY_CATEGORY_BALLOT), 0u);  // deputy 1 did not vote
}

}  // namespace
}  // namespace minyi::testing

// The minyi-suggestions binary as it ships, on a fresh database with the shared PostgreSQL and Redis,
// spoken to over gRPC: idempotent mutations, the deadline sweeper's exactly-once alerts, working-day
// deadlines on the holiday calendar, extensions, and the database's own guard on the special fund.

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/auth.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "minyi/suggestions/v1/suggestions.grpc.pb.h"
#include "pqxx/pqxx"
#include "suggestions/deadlines.h"
#include "suggestions/dedup.h"
#include "support/service_fixture.h"

namespace minyi::testing {
namespace {

namespace v1 = ::minyi::suggestions::v1;

class SuggestionsServiceTest : public ServiceFixture<v1::Suggestions> {
 protected:
  static void SetUpTestSuite() {
    // Deadlines short enough to sweep now: one working day to answer, reminders five days ahead, a sweep
    // every second. No deputies service: nothing here asks it (no deputy enters or reads an opinion).
    StartSuite("suggestions", {{"MINYI_SUGGESTIONS_DEADLINES", "answer=1wd,extended=3wd,rehandle=1wd,reminders=5"},
                               {"MINYI_SUGGESTIONS_SWEEP_SECONDS", "1"},
                               {"MINYI_DEPUTIES_ADDR", "127.0.0.1:1"}});
  }

  static int64_t Count(const std::string& sql) {
    pqxx::connection conn(*dsn_);
    pqxx::nontransaction tx(conn);
    return tx.exec1(sql)[0].as<int64_t>();
  }

  // Creates and submits a deputy's suggestion, accepts and assigns it; returns its name.
  static std::string Assigned(const std::string& department) {
    const std::string deputy = Token(minyi::common::v1::ROLE_DEPUTY, "deputies/7");
    v1::CreateSuggestionRequest create;
    create.set_submit(true);
    create.mutable_suggestion()->set_kind(v1::SUGGESTION_KIND_DEPUTY);
    create.mutable_suggestion()->set_title("关于增加工业园区公交班次的建议");
    create.mutable_suggestion()->set_body(Unique("工业园区职工上下班乘车难，建议增开公交线路。"));
    v1::Suggestion s;
    EXPECT_TRUE(stub_->CreateSuggestion(CallContext(deputy).get(), create, &s).ok());
    v1::TransitionRequest accept;
    accept.set_name(s.name());
    EXPECT_TRUE(stub_->AcceptSuggestion(CallContext(Staff()).get(), accept, &s).ok());
    v1::AssignSuggestionRequest assign;
    assign.set_name(s.name());
    assign.set_lead_department(department);
    grpc::Status st = stub_->AssignSuggestion(CallContext(Staff()).get(), assign, &s);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return s.name();
  }
};

TEST_F(SuggestionsServiceTest, IdempotencyKeyDoesTheWorkOnce) {
  const std::string deputy = Token(minyi::common::v1::ROLE_DEPUTY, "deputies/3");
  v1::CreateSuggestionRequest create;
  create.set_submit(true);
  create.mutable_suggestion()->set_kind(v1::SUGGESTION_KIND_DEPUTY);
  create.mutable_suggestion()->set_title("关于延长图书馆开放时间的建议");
  create.mutable_suggestion()->set_body("图书馆下午五点闭馆，上班族无法利用。");
  const std::string key = Unique("key");
  v1::Suggestion first, second;
  ASSERT_TRUE(stub_->CreateSuggestion(CallContext(deputy, key).get(), create, &first).ok());
  ASSERT_TRUE(stub_->CreateSuggestion(CallContext(deputy, key).get(), create, &second).ok());
  EXPECT_EQ(first.name(), second.name());
  const std::string id = first.name().substr(std::string("suggestions/").size());
  EXPECT_EQ(Count(absl::StrCat("SELECT count(*) FROM suggestions.transitions WHERE suggestion_id = ", id)), 2);
  EXPECT_EQ(Count(absl::StrCat("SELECT count(*) FROM suggestions.outbox WHERE subject = '", first.name(),
                               "' AND event_type = 'minyi.suggestions.v1.SuggestionSubmitted'")),
            1);
  // One item's band keys, written once.
  const auto keys = static_cast<int64_t>(
      minyi::suggestions::MinHasher().BandKeysOf({create.suggestion().title(), create.suggestion().body()}).size());
  EXPECT_EQ(Count(absl::StrCat("SELECT count(*) FROM suggestions.dedup_bands WHERE suggestion_id = ", id)), keys);
}

TEST_F(SuggestionsServiceTest, IllegalTransitionIsFailedPreconditionNamingTheState) {
  const std::string name = Assigned("交通运输局");
  v1::AnswerSuggestionRequest answer;
  answer.set_name(name);
  answer.mutable_answer()->set_category(v1::ANSWER_CATEGORY_A);
  answer.mutable_answer()->set_text("已增开线路");
  v1::Suggestion s;
  grpc::Status st = stub_->AnswerSuggestion(
      CallContext(Token(minyi::common::v1::ROLE_DEPARTMENT, "", "交通运输局")).get(), answer, &s);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(st.error_message().find("SUGGESTION_STATE_ASSIGNED"), std::string::npos) << st.error_message();
  // Another department may not even see it.
  st = stub_->AnswerSuggestion(CallContext(Token(minyi::common::v1::ROLE_DEPARTMENT, "", "卫健局")).get(), answer, &s);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(SuggestionsServiceTest, SweeperEmitsEachThresholdExactlyOnce) {
  const std::string name = Assigned("水务局");
  const std::string due_soon = absl::StrCat("SELECT count(*) FROM suggestions.outbox WHERE subject = '", name,
                                            "' AND event_type = 'minyi.suggestions.v1.SuggestionDueSoon'");
  const std::string overdue = absl::StrCat("SELECT count(*) FROM suggestions.outbox WHERE subject = '", name,
                                           "' AND event_type = 'minyi.suggestions.v1.SuggestionOverdue'");
  ASSERT_TRUE(Eventually([&] { return Count(due_soon) > 0; }, absl::Seconds(10))) << process_->Log();
  // The sweeper runs every second: 2.5 s watches two more sweeps at least.
  EXPECT_TRUE(HoldsFor([&] { return Count(due_soon) == 1 && Count(overdue) == 0; }, absl::Seconds(2.5)));
  // Time passes: the deadline is now yesterday. One overdue event, however many sweeps follow, and no
  // reminder for what is now a different deadline already past.
  const std::string id = name.substr(std::string("suggestions/").size());
  Count(absl::StrCat("WITH u AS (UPDATE suggestions.suggestions SET deadline = '", minyi::FormatDay(TestToday() - 1),
                     "' WHERE id = ", id, " RETURNING 1) SELECT count(*) FROM u"));
  ASSERT_TRUE(Eventually([&] { return Count(overdue) > 0; }, absl::Seconds(10))) << process_->Log();
  EXPECT_TRUE(HoldsFor([&] { return Count(overdue) == 1 && Count(due_soon) == 1; }, absl::Seconds(2.5)));
}

TEST_F(SuggestionsServiceTest, WorkingDayDeadlinesFollowTheHolidayCalendar) {
  // Declare the next ten days of the calendar holidays: one working day now ends after them.
  const absl::CivilDay today = TestToday();
  v1::UpdateHolidayCalendarRequest update;
  update.mutable_calendar()->set_name(absl::StrCat("holidayCalendars/", today.year()));
  absl::CivilDay last = today;
  for (int i = 1; i <= 10; ++i) {
    const absl::CivilDay day = today + i;
    if (day.year() != today.year()) {
      break;
    }
    auto* d = update.mutable_calendar()->add_days();
    d->set_date(minyi::FormatDay(day));
    d->set_working(false);
    d->set_note("测试假期");
    last = day;
  }
  v1::HolidayCalendar calendar;
  v1::GetHolidayCalendarRequest read;
  read.set_name(update.calendar().name());
  ASSERT_TRUE(stub_->GetHolidayCalendar(CallContext(Staff()).get(), read, &calendar).ok());
  update.mutable_calendar()->set_etag(calendar.etag());
  ASSERT_TRUE(stub_->UpdateHolidayCalendar(CallContext(Staff()).get(), update, &calendar).ok());
  const std::string name = Assigned("自然资源局");
  v1::GetSuggestionRequest get;
  get.set_name(name);
  v1::Suggestion s;
  ASSERT_TRUE(stub_->GetSuggestion(CallContext(Staff()).get(), get, &s).ok());
  absl::CivilDay deadline;
  ASSERT_TRUE(minyi::ParseDay(s.deadline(), &deadline)) << s.deadline();
  EXPECT_GT(deadline, last);

  // An approved extension moves the deadline to the requested length from the assignment date.
  v1::RequestExtensionRequest ask;
  ask.set_name(name);
  ask.mutable_extension()->set_months(3);
  ask.mutable_extension()->set_reason("涉及多个部门，情况复杂");
  const std::string dept = Token(minyi::common::v1::ROLE_DEPARTMENT, "", "自然资源局");
  ASSERT_TRUE(stub_->RequestExtension(CallContext(dept).get(), ask, &s).ok());
  EXPECT_EQ(stub_->RequestExtension(CallContext(dept).get(), ask, &s).error_code(), grpc::StatusCode::ALREADY_EXISTS);
  v1::DecideExtensionRequest decide;
  decide.set_name(name);
  decide.set_approve(true);
  decide.set_reason("同意");
  EXPECT_EQ(stub_->DecideExtension(CallContext(dept).get(), decide, &s).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(stub_->DecideExtension(CallContext(Staff()).get(), decide, &s).ok());
  EXPECT_EQ(s.extension().status(), "APPROVED");
  absl::CivilDay extended;
  ASSERT_TRUE(minyi::ParseDay(s.deadline(), &extended));
  EXPECT_GT(extended, deadline);
  // Beyond the configured maximum is refused.
  ask.mutable_extension()->set_months(4);
  EXPECT_EQ(stub_->RequestExtension(CallContext(dept).get(), ask, &s).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(stub_
                  ->UpdateHolidayCalendar(
                      CallContext(Staff()).get(),
                      [&] {
                        v1::UpdateHolidayCalendarRequest clear;
                        clear.mutable_calendar()->set_name(update.calendar().name());
                        clear.mutable_calendar()->set_etag(calendar.etag());
                        return clear;
                      }(),
                      &calendar)
                  .ok());
}

TEST_F(SuggestionsServiceTest, FundBalanceCannotGoNegativeEvenInSql) {
  v1::CreateFundRequest create;
  create.mutable_fund()->set_year(2030);
  create.mutable_fund()->set_total_fen(1000);
  v1::Fund fund;
  ASSERT_TRUE(stub_->CreateFund(CallContext(Staff()).get(), create, &fund).ok());
  EXPECT_EQ(fund.remaining_fen(), 1000);
  pqxx::connection conn(*dsn_);
  pqxx::work tx(conn);
  EXPECT_THROW(tx.exec("UPDATE suggestions.funds SET remaining_fen = remaining_fen - 1001 WHERE year = 2030"),
               pqxx::check_violation);
}

}  // namespace
}  // namespace minyi::testing

// Statistics for every groupBy, worked out by hand over five suggestions handled across New Year's Eve,
// the end of January and the end of February, each step taken by a suggestions process whose clock reads
// that day: answered on time or late, the answer mix, the satisfaction rates and the overdue counts,
// including an item that becomes overdue at midnight in Asia/Shanghai.

#include <map>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "minyi/suggestions/v1/suggestions.grpc.pb.h"
#include "support/platform.h"

namespace minyi::testing {
namespace {

namespace v1 = ::minyi::suggestions::v1;
using minyi::common::v1::ROLE_DEPARTMENT;
using minyi::common::v1::ROLE_DEPUTY;
using minyi::common::v1::ROLE_LEADER;
using minyi::common::v1::ROLE_STAFF;

constexpr char kTransport[] = "交通运输局";
constexpr char kWater[] = "水务局";
constexpr char kChengguan[] = "城关镇代表团";
constexpr char kNanhe[] = "南河乡代表团";

// The suggestions service as it ships, on `dsn`, its clock started at `start`; one month to answer.
class SuggestionsAt final {
 public:
  SuggestionsAt(const std::string& dsn, const std::string& start) {
    int port = 0;
    process_ = StartService("suggestions", dsn, &port,
                            {{"MINYI_CLOCK_START", start},
                             {"MINYI_SUGGESTIONS_DEADLINES", "answer=1m,rehandle=1m"},
                             {"MINYI_DEPUTIES_ADDR", "127.0.0.1:1"}});
    stub_ = v1::Suggestions::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  }

  // A deputy's suggestion, submitted, accepted and assigned to `department`.
  v1::Suggestion Assigned(const std::string& deputy, const std::string& delegation, const std::string& department) {
    v1::CreateSuggestionRequest create;
    create.set_submit(true);
    create.mutable_suggestion()->set_kind(v1::SUGGESTION_KIND_DEPUTY);
    create.mutable_suggestion()->set_title("关于完善乡村道路养护的建议");
    create.mutable_suggestion()->set_body(Unique("乡村道路年久失修，建议建立养护机制。"));
    create.mutable_suggestion()->set_delegation(delegation);
    v1::Suggestion s;
    Check(stub_->CreateSuggestion(CallContext(MintToken(ROLE_DEPUTY, deputy)).get(), create, &s));
    v1::TransitionRequest accept;
    accept.set_name(s.name());
    Check(stub_->AcceptSuggestion(CallContext(MintToken(ROLE_STAFF)).get(), accept, &s));
    v1::AssignSuggestionRequest assign;
    assign.set_name(s.name());
    assign.set_lead_department(department);
    Check(stub_->AssignSuggestion(CallContext(MintToken(ROLE_STAFF)).get(), assign, &s));
    return s;
  }

  // The lead unit contacts the deputy today and answers.
  v1::Suggestion Answer(const v1::Suggestion& s, v1::AnswerCategory category, const std::string& today) {
    const std::string lead = MintToken(ROLE_DEPARTMENT, "", s.lead_department());
    v1::RecordContactRequest contact;
    contact.set_name(s.name());
    contact.mutable_contact()->set_method("见面");
    contact.mutable_contact()->set_summary("与代表面对面沟通办理方案");
    contact.mutable_contact()->set_contact_date(today);
    v1::Suggestion out;
    Check(stub_->RecordContact(CallContext(lead).get(), contact, &out));
    v1::AnswerSuggestionRequest answer;
    answer.set_name(s.name());
    answer.mutable_answer()->set_category(category);
    answer.mutable_answer()->set_text("已研究办理，答复如下。");
    if (category == v1::ANSWER_CATEGORY_B) {
      v1::Commitment* commitment = answer.mutable_answer()->add_commitments();
      commitment->set_text("年内完成养护机制建设");
      commitment->set_due_date("2027-06-30");
    }
    Check(stub_->AnswerSuggestion(CallContext(lead).get(), answer, &out));
    return out;
  }

  void Rate(const v1::Suggestion& s, v1::Satisfaction attitude, v1::Satisfaction result) {
    v1::RateSuggestionRequest rate;
    rate.set_name(s.name());
    rate.mutable_rating()->set_attitude(attitude);
    rate.mutable_rating()->set_result(result);
    v1::Suggestion out;
    Check(stub_->RateSuggestion(CallContext(MintToken(ROLE_DEPUTY, s.deputies(0))).get(), rate, &out));
  }

  // The rows of `group_by` by key.
  std::map<std::string, v1::StatsRow> Stats(const std::string& group_by, const std::string& start_date = "",
                                            const std::string& end_date = "") {
    v1::GetSuggestionStatsRequest request;
    request.set_group_by(group_by);
    request.set_start_date(start_date);
    request.set_end_date(end_date);
    v1::SuggestionStats stats;
    Check(stub_->GetSuggestionStats(CallContext(MintToken(ROLE_LEADER)).get(), request, &stats));
    std::map<std::string, v1::StatsRow> out;
    for (const v1::StatsRow& row : stats.rows()) {
      out[row.key()] = row;
    }
    return out;
  }

 private:
  static void Check(const grpc::Status& st) { EXPECT_TRUE(st.ok()) << st.error_message(); }

  std::unique_ptr<ChildProcess> process_;
  std::unique_ptr<v1::Suggestions::Stub> stub_;
};

struct Expected {
  int64_t total, answered, on_time;
  double on_time_rate;
  int64_t a, b, c, d, rated;
  double attitude_rate, result_rate;
  int64_t overdue;
};

void ExpectRow(const std::map<std::string, v1::StatsRow>& rows, const std::string& key, const Expected& e) {
  auto it = rows.find(key);
  ASSERT_NE(it, rows.end()) << "no row " << key;
  const v1::StatsRow& r = it->second;
  EXPECT_EQ(r.total(), e.total) << key;
  EXPECT_EQ(r.answered(), e.answered) << key;
  EXPECT_EQ(r.answered_on_time(), e.on_time) << key;
  EXPECT_DOUBLE_EQ(r.on_time_rate(), e.on_time_rate) << key;
  EXPECT_EQ(r.category_a(), e.a) << key;
  EXPECT_EQ(r.category_b(), e.b) << key;
  EXPECT_EQ(r.category_c(), e.c) << key;
  EXPECT_EQ(r.category_d(), e.d) << key;
  EXPECT_EQ(r.rated(), e.rated) << key;
  EXPECT_DOUBLE_EQ(r.attitude_satisfaction_rate(), e.attitude_rate) << key;
  EXPECT_DOUBLE_EQ(r.result_satisfaction_rate(), e.result_rate) << key;
  EXPECT_EQ(r.overdue(), e.overdue) << key;
}

TEST(SuggestionStatsTest, EveryGroupingWithItsOverdueCountsAcrossMonthEnds) {
  const std::string dsn = PostgresServer::Shared().CreateDatabase();
  v1::Suggestion s1, s2, s3, s4, s5;
  {
    // New Year's Eve: three items, due a month later, on 31 January.
    SuggestionsAt eve(dsn, "2026-12-31T23:00:00+08:00");
    s1 = eve.Assigned("deputies/1", kChengguan, kTransport);
    s2 = eve.Assigned("deputies/1", kNanhe, kTransport);
    s3 = eve.Assigned("deputies/2", kNanhe, kTransport);
    EXPECT_EQ(s1.deadline(), "2027-01-31");
  }
  {
    // 31 January: two more, due on the last day of February; s1 answered on its deadline and rated.
    SuggestionsAt jan31(dsn, "2027-01-31T12:00:00+08:00");
    s4 = jan31.Assigned("deputies/1", kChengguan, kWater);
    s5 = jan31.Assigned("deputies/2", kNanhe, kWater);
    EXPECT_EQ(s4.deadline(), "2027-02-28");
    EXPECT_TRUE(jan31.Answer(s1, v1::ANSWER_CATEGORY_A, "2027-01-31").answer().on_time());
    jan31.Rate(s1, v1::SATISFACTION_SATISFIED, v1::SATISFACTION_BASIC);
  }
  {
    // Just after midnight: s2 answered a day late and rated unsatisfied with the result (re-handled);
    // s5 answered in time, not rated.
    SuggestionsAt feb1(dsn, "2027-02-01T00:00:30+08:00");
    EXPECT_FALSE(feb1.Answer(s2, v1::ANSWER_CATEGORY_B, "2027-02-01").answer().on_time());
    feb1.Rate(s2, v1::SATISFACTION_SATISFIED, v1::SATISFACTION_UNSATISFIED);
    EXPECT_TRUE(feb1.Answer(s5, v1::ANSWER_CATEGORY_C, "2027-02-01").answer().on_time());
  }
  // s1 A on time, rated 满意/基本满意; s2 B late, rated 满意/不满意; s3 unanswered past its deadline;
  // s4 unanswered, due today; s5 C on time, unrated.
  {
    SuggestionsAt feb28(dsn, "2027-02-28T23:50:00+08:00");
    std::map<std::string, v1::StatsRow> rows = feb28.Stats("department");
    EXPECT_EQ(rows.size(), 2u);
    ExpectRow(rows, kTransport, {3, 2, 1, 0.5, 1, 1, 0, 0, 2, 1.0, 0.5, 2});  // s1 s2 s3
    ExpectRow(rows, kWater, {2, 1, 1, 1.0, 0, 0, 1, 0, 0, 0, 0, 0});          // s4 s5
    rows = feb28.Stats("");                                                   // department is the default
    EXPECT_EQ(rows.size(), 2u);
    ExpectRow(rows, kWater, {2, 1, 1, 1.0, 0, 0, 1, 0, 0, 0, 0, 0});

    rows = feb28.Stats("delegation");
    EXPECT_EQ(rows.size(), 2u);
    ExpectRow(rows, kChengguan, {2, 1, 1, 1.0, 1, 0, 0, 0, 1, 1.0, 1.0, 0});  // s1 s4
    ExpectRow(rows, kNanhe, {3, 2, 1, 0.5, 0, 1, 1, 0, 1, 1.0, 0.0, 2});      // s2 s3 s5

    rows = feb28.Stats("deputy");
    EXPECT_EQ(rows.size(), 2u);
    ExpectRow(rows, "deputies/1", {3, 2, 1, 0.5, 1, 1, 0, 0, 2, 1.0, 0.5, 1});  // s1 s2 s4
    ExpectRow(rows, "deputies/2", {2, 1, 1, 1.0, 0, 0, 1, 0, 0, 0, 0, 1});      // s3 s5

    rows = feb28.Stats("period");
    EXPECT_EQ(rows.size(), 2u);
    ExpectRow(rows, "2026-12", {3, 2, 1, 0.5, 1, 1, 0, 0, 2, 1.0, 0.5, 2});  // s1 s2 s3
    ExpectRow(rows, "2027-01", {2, 1, 1, 1.0, 0, 0, 1, 0, 0, 0, 0, 0});      // s4 s5

    // Submission dates bound the period, inclusive, across the year's end.
    rows = feb28.Stats("period", "2027-01-01", "2027-01-31");
    EXPECT_EQ(rows.size(), 1u);
    ExpectRow(rows, "2027-01", {2, 1, 1, 1.0, 0, 0, 1, 0, 0, 0, 0, 0});
    rows = feb28.Stats("department", "2026-12-31", "2026-12-31");
    EXPECT_EQ(rows.size(), 1u);
    ExpectRow(rows, kTransport, {3, 2, 1, 0.5, 1, 1, 0, 0, 2, 1.0, 0.5, 2});
    EXPECT_TRUE(feb28.Stats("deputy", "2027-02-01").empty());
  }
  {
    // Midnight in Shanghai: s4's deadline has passed.
    SuggestionsAt march1(dsn, "2027-03-01T00:00:00+08:00");
    std::map<std::string, v1::StatsRow> rows = march1.Stats("department");
    ExpectRow(rows, kWater, {2, 1, 1, 1.0, 0, 0, 1, 0, 0, 0, 0, 1});
    ExpectRow(rows, kTransport, {3, 2, 1, 0.5, 1, 1, 0, 0, 2, 1.0, 0.5, 2});
    EXPECT_EQ(march1.Stats("delegation")[kChengguan].overdue(), 1);
    EXPECT_EQ(march1.Stats("deputy")["deputies/1"].overdue(), 2);
    EXPECT_EQ(march1.Stats("period")["2027-01"].overdue(), 1);
  }
}

}  // namespace
}  // namespace minyi::testing

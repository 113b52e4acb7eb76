// The evaluation binary as it ships, on a real PostgreSQL and Redis, over gRPC: one sheet per rater per
// subject under concurrent duplicates, who may submit, and opinion and rectification deadline notices
// emitted exactly once by concurrent sweepers.

#include <atomic>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "common/auth.h"
#include "common/pg.h"
#include "evaluation/deadlines.h"
#include "evaluation/store.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "minyi/common/v1/common.pb.h"
#include "minyi/evaluation/v1/evaluation.grpc.pb.h"
#include "minyi/evaluation/v1/events.pb.h"
#include "pqxx/pqxx"
#include "support/service_fixture.h"

namespace minyi::testing {
namespace {

namespace v1 = ::minyi::evaluation::v1;

constexpr int kRaters = 6;

class EvaluationTest : public ServiceFixture<v1::Evaluation> {
 protected:
  static void SetUpTestSuite() { StartSuite("evaluation"); }

  // Fixed account ids: a rater's retries with one Idempotency-Key are the same caller.
  static std::string TokenFor(minyi::common::v1::Role role, int account, const std::string& deputy = "",
                              const std::string& department = "") {
    return AccountToken(absl::StrCat(account), role, deputy, department);
  }
  static std::string Staff() { return TokenFor(minyi::common::v1::ROLE_STAFF, 1); }
  static std::string Rater(int i) {
    return TokenFor(minyi::common::v1::ROLE_DEPUTY, 100 + i, absl::StrCat("deputies/", i));
  }
  static std::string Department(const std::string& code) {
    return TokenFor(minyi::common::v1::ROLE_DEPARTMENT, 500, "", code);
  }

  // A department-work campaign: one subject per department code, deputies/1..kRaters in one group
  // scoring two indicators (60 + 40), on-site weight 100.
  static v1::Campaign Create(const std::vector<std::string>& departments, bool mashan_stages = false) {
    v1::CreateEvaluationRequest req;
    v1::Campaign* c = req.mutable_evaluation();
    c->set_title("县卫健局工作评议");
    c->set_kind(v1::CAMPAIGN_KIND_DEPARTMENT_WORK);
    for (const std::string& d : departments) {
      v1::Subject* s = c->add_subjects();
      s->set_kind(v1::SUBJECT_KIND_DEPARTMENT);
      s->set_display_name(absl::StrCat("单位", d));
      s->set_department(d);
    }
    if (!mashan_stages) {
      v1::StageWeight* stage = c->add_stages();
      stage->set_stage(v1::STAGE_ON_SITE);
      stage->set_weight(100);
    }
    v1::RaterGroup* g = c->add_rater_groups();
    g->set_code("members");
    g->set_display_name("常委会组成人员");
    g->set_weight(100);
    for (int i = 1; i <= kRaters; ++i) {
      g->add_raters(absl::StrCat("deputies/", i));
    }
    for (auto [code, max] : {std::pair{"A", 60.0}, {"B", 40.0}}) {
      v1::Indicator* ind = g->add_indicators();
      ind->set_code(code);
      ind->set_title(code == std::string("A") ? "工作实绩" : "整改成效");
      ind->set_max_points(max);
    }
    v1::Campaign out;
    grpc::Status st = stub_->CreateEvaluation(CallContext(Staff()).get(), req, &out);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return out;
  }

  static void Open(const v1::Campaign& c) {
    v1::OpenEvaluationRequest req;
    req.set_name(c.name());
    v1::Campaign out;
    grpc::Status st = stub_->OpenEvaluation(CallContext(Staff()).get(), req, &out);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }

  static v1::SubmitScoreSheetRequest Sheet(const v1::Campaign& c, int subject, double a, double b) {
    v1::SubmitScoreSheetRequest req;
    req.set_parent(c.name());
    req.mutable_score_sheet()->set_subject(c.subjects(subject).name());
    v1::IndicatorScore* sa = req.mutable_score_sheet()->add_scores();
    sa->set_indicator("A");
    sa->set_points(a);
    v1::IndicatorScore* sb = req.mutable_score_sheet()->add_scores();
    sb->set_indicator("B");
    sb->set_points(b);
    return req;
  }

  static int SheetsReceived(const v1::Campaign& c) {
    v1::GetEvaluationRequest req;
    req.set_name(c.name());
    v1::Campaign out;
    EXPECT_TRUE(stub_->GetEvaluation(CallContext(Staff()).get(), req, &out).ok());
    return out.sheets_received();
  }
};

TEST_F(EvaluationTest, OneSheetPerRaterPerSubjectUnderConcurrentDuplicates) {
  const v1::Campaign c = Create({"health"});
  Open(c);
  constexpr int kAttempts = 12;
  std::atomic<int> ok{0};
  std::atomic<int> already{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kAttempts; ++i) {
    // Every attempt is the same rater and subject; half carry their own Idempotency-Key, half none, so
    // only the database constraint can keep the second sheet out.
    threads.emplace_back([&, i] {
      v1::ScoreSheet out;
      grpc::Status st = stub_->SubmitScoreSheet(CallContext(Rater(1), i % 2 == 0 ? absl::StrCat("dup-", i) : "").get(),
                                                Sheet(c, 0, 50 + i % 3, 30), &out);
      if (st.ok()) {
        ++ok;
      } else if (st.error_code() == grpc::StatusCode::ALREADY_EXISTS) {
        ++already;
      }
    });
  }
  for (std::thread& t : threads) {
    t.join();
  }
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(already.load(), kAttempts - 1);
  EXPECT_EQ(SheetsReceived(c), 1);

  // Other raters each get their own sheet in.
  for (int i = 2; i <= kRaters; ++i) {
    v1::ScoreSheet out;
    ASSERT_TRUE(stub_->SubmitScoreSheet(CallContext(Rater(i)).get(), Sheet(c, 0, 50, 30), &out).ok());
  }
  EXPECT_EQ(SheetsReceived(c), kRaters);

  // The same key replayed returns the first response, not a second sheet or an error.
  v1::ScoreSheet first;
  v1::ScoreSheet replay;
  const v1::Campaign c2 = Create({"transport"});
  Open(c2);
  ASSERT_TRUE(stub_->SubmitScoreSheet(CallContext(Rater(1), "k-1").get(), Sheet(c2, 0, 55, 35), &first).ok());
  ASSERT_TRUE(stub_->SubmitScoreSheet(CallContext(Rater(1), "k-1").get(), Sheet(c2, 0, 55, 35), &replay).ok());
  EXPECT_EQ(first.name(), replay.name());
  EXPECT_EQ(SheetsReceived(c2), 1);
}

TEST_F(EvaluationTest, WhoMaySubmitAndWhatIsChecked) {
  const v1::Campaign c = Create({"resources"});
  v1::ScoreSheet out;
  grpc::Status st = stub_->SubmitScoreSheet(CallContext(Rater(1)).get(), Sheet(c, 0, 50, 30), &out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(st.error_message().find("CAMPAIGN_STATE_DRAFT"), std::string::npos) << st.error_message();
  Open(c);
  st = stub_->SubmitScoreSheet(CallContext(Rater(kRaters + 1)).get(), Sheet(c, 0, 50, 30), &out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  st = stub_->SubmitScoreSheet(CallContext(Department("resources")).get(), Sheet(c, 0, 50, 30), &out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  st = stub_->SubmitScoreSheet(CallContext(Rater(1)).get(), Sheet(c, 0, 50, 40.5), &out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(st.error_message().find("score_sheet.scores[1].points"), std::string::npos) << st.error_message();
  EXPECT_NE(st.error_message().find("整改成效"), std::string::npos) << st.error_message();

  // Until the close a rater sees only their own sheets, and staff none.
  ASSERT_TRUE(stub_->SubmitScoreSheet(CallContext(Rater(1)).get(), Sheet(c, 0, 50, 30), &out).ok());
  ASSERT_TRUE(stub_->SubmitScoreSheet(CallContext(Rater(2)).get(), Sheet(c, 0, 40, 30), &out).ok());
  v1::ListScoreSheetsRequest list;
  list.set_parent(c.name());
  v1::ListScoreSheetsResponse sheets;
  ASSERT_TRUE(stub_->ListScoreSheets(CallContext(Rater(2)).get(), list, &sheets).ok());
  ASSERT_EQ(sheets.score_sheets_size(), 1);
  EXPECT_EQ(sheets.score_sheets(0).total(), "70.00");
  EXPECT_EQ(stub_->ListScoreSheets(CallContext(Staff()).get(), list, &sheets).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(EvaluationTest, DeadlineNoticesAreEmittedExactlyOnce) {
  const v1::Campaign c = Create({"water", "forestry"});
  Open(c);
  for (int i = 1; i <= 3; ++i) {
    v1::ScoreSheet out;
    ASSERT_TRUE(stub_->SubmitScoreSheet(CallContext(Rater(i)).get(), Sheet(c, 0, 45, 25), &out).ok());  // 70
    ASSERT_TRUE(stub_->SubmitScoreSheet(CallContext(Rater(i)).get(), Sheet(c, 1, 55, 35), &out).ok());  // 90
  }
  v1::CloseEvaluationRequest close;
  close.set_name(c.name());
  v1::EvaluationResult result;
  ASSERT_TRUE(stub_->CloseEvaluation(CallContext(Staff()).get(), close, &result).ok());
  ASSERT_EQ(result.subjects_size(), 2);
  EXPECT_EQ(result.subjects(0).grade(), v1::GRADE_BASICALLY_SATISFIED);
  EXPECT_EQ(result.subjects(1).grade(), v1::GRADE_SATISFIED);
  v1::GetEvaluationResultRequest get;
  get.set_name(c.name());
  ASSERT_TRUE(stub_->GetEvaluationResult(CallContext(Staff()).get(), get, &result).ok());
  absl::CivilDay opinion_due;
  ASSERT_TRUE(absl::ParseCivilTime(result.subjects(0).opinion_due(), &opinion_due)) << result.subjects(0).DebugString();

  PgPool pool({.dsn = *dsn_, .schema = "evaluation", .size = 4, .statements = minyi::evaluation::Statements()});
  auto count = [&](const std::string& type, const std::string& subject_like) {
    int n = 0;
    EXPECT_TRUE(pool.Read([&](pqxx::transaction_base& tx) {
                      n = tx.exec_params1("SELECT count(*) FROM outbox WHERE event_type = $1 AND subject LIKE $2", type,
                                          subject_like)[0]
                              .as<int>();
                      return absl::OkStatus();
                    })
                    .ok());
    return n;
  };
  const std::vector<std::string> kDeadlineEvents = {
      "minyi.evaluation.v1.OpinionDueSoon", "minyi.evaluation.v1.OpinionOverdue",
      "minyi.evaluation.v1.RectificationDueSoon", "minyi.evaluation.v1.RectificationOverdue"};
  // This campaign's deadline events by type, in kDeadlineEvents' order.
  auto ours = [&] {
    std::vector<int> out;
    for (const std::string& type : kDeadlineEvents) {
      out.push_back(count(type, c.name() + "/%"));
    }
    return out;
  };
  // Four sweepers at once. Other tests' campaigns share the database, so what they report in total must
  // match the deadline events added anywhere, and this campaign's events are checked by type.
  auto sweep_concurrently = [&](absl::CivilDay day) {
    int before = 0;
    for (const std::string& type : kDeadlineEvents) {
      before += count(type, "%");
    }
    std::atomic<int> emitted{0};
    std::vector<std::thread> sweepers;
    for (int i = 0; i < 4; ++i) {
      sweepers.emplace_back([&] {
        absl::StatusOr<int> n = minyi::evaluation::SweepDeadlines(pool, day);
        ASSERT_TRUE(n.ok()) << n.status();
        emitted += *n;
      });
    }
    for (std::thread& t : sweepers) {
      t.join();
    }
    int after = 0;
    for (const std::string& type : kDeadlineEvents) {
      after += count(type, "%");
    }
    EXPECT_EQ(emitted.load(), after - before);
    return ours();
  };
  using Counts = std::vector<int>;  // OpinionDueSoon, OpinionOverdue, RectificationDueSoon, RectificationOverdue

  // The office owes both subjects its written opinion within 10 days of the session.
  EXPECT_EQ(sweep_concurrently(opinion_due - 4), (Counts{0, 0, 0, 0}));  // not yet
  EXPECT_EQ(sweep_concurrently(opinion_due - 3), (Counts{2, 0, 0, 0}));
  EXPECT_EQ(sweep_concurrently(opinion_due), (Counts{2, 0, 0, 0}));  // already announced
  EXPECT_EQ(sweep_concurrently(opinion_due + 1), (Counts{2, 2, 0, 0}));
  EXPECT_EQ(sweep_concurrently(opinion_due + 2), (Counts{2, 2, 0, 0}));
  // The reminder goes to the organiser (the staff account that created the campaign), not the subject.
  ASSERT_TRUE(pool.Read([&](pqxx::transaction_base& tx) {
                    for (const pqxx::row& row : tx.exec_params(
                             "SELECT payload FROM outbox WHERE event_type = 'minyi.evaluation.v1.OpinionOverdue' "
                             "AND subject LIKE $1",
                             c.name() + "/%")) {
                      minyi::common::v1::Event envelope;
                      EXPECT_TRUE(envelope.ParseFromString(pqxx::binarystring(row[0]).str()));
                      v1::OpinionOverdue overdue;
                      EXPECT_TRUE(envelope.data().UnpackTo(&overdue));
                      EXPECT_EQ(overdue.reference(), c.name());
                      EXPECT_EQ(overdue.deadline(), absl::FormatCivilTime(opinion_due));
                      EXPECT_EQ(std::vector<std::string>(overdue.accounts().begin(), overdue.accounts().end()),
                                std::vector<std::string>{"accounts/1"});
                    }
                    return absl::OkStatus();
                  })
                  .ok());

  for (int n = 0; n < 2; ++n) {
    v1::IssueOpinionRequest opinion;
    opinion.set_parent(c.name());
    opinion.mutable_opinion()->set_subject(c.subjects(n).name());
    opinion.mutable_opinion()->set_text("书面评议意见：请对照问题清单逐项整改。");
    v1::SubjectResult subject;
    ASSERT_TRUE(stub_->IssueOpinion(CallContext(Staff()).get(), opinion, &subject).ok());
  }
  ASSERT_TRUE(stub_->GetEvaluationResult(CallContext(Staff()).get(), get, &result).ok());
  absl::CivilDay plan_due;
  ASSERT_TRUE(absl::ParseCivilTime(result.subjects(0).plan_due(), &plan_due)) << result.subjects(0).DebugString();
  EXPECT_TRUE(result.subjects(1).plan_due().empty());  // satisfied: nothing to rectify

  // The opinion is out: only the basically satisfied subject's plan is awaited now.
  EXPECT_EQ(sweep_concurrently(plan_due - 4), (Counts{2, 2, 0, 0}));  // not yet
  EXPECT_EQ(sweep_concurrently(plan_due - 2), (Counts{2, 2, 1, 0}));
  EXPECT_EQ(sweep_concurrently(plan_due - 1), (Counts{2, 2, 1, 0}));  // already announced
  EXPECT_EQ(sweep_concurrently(plan_due + 1), (Counts{2, 2, 1, 1}));
  EXPECT_EQ(sweep_concurrently(plan_due + 9), (Counts{2, 2, 1, 1}));
  EXPECT_EQ(count("minyi.evaluation.v1.EvaluationResultsAnnounced", c.name() + "/%"), 2);
  EXPECT_EQ(count("minyi.evaluation.v1.ScoreSheetSubmitted", c.name() + "/%"), 6);
}

TEST_F(EvaluationTest, CloseNeedsTheStagesBeforeTheSessionAndMarksSubjectsWithoutSheetsIncomplete) {
  const v1::Campaign c = Create({"civil-affairs", "audit"}, /*mashan_stages=*/true);
  Open(c);
  v1::ScoreSheet sheet;
  ASSERT_TRUE(stub_->SubmitScoreSheet(CallContext(Rater(1)).get(), Sheet(c, 0, 50, 30), &sheet).ok());
  v1::CloseEvaluationRequest close;
  close.set_name(c.name());
  v1::EvaluationResult result;
  grpc::Status st = stub_->CloseEvaluation(CallContext(Staff()).get(), close, &result);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(st.error_message().find("前期调查"), std::string::npos) << st.error_message();
  auto record = [&](int n, v1::Stage stage) {
    v1::RecordStageScoreRequest req;
    req.set_parent(c.name());
    req.mutable_stage_score()->set_subject(c.subjects(n).name());
    req.mutable_stage_score()->set_stage(stage);
    req.mutable_stage_score()->set_score(90);
    v1::StageScore out;
    return stub_->RecordStageScore(CallContext(Staff()).get(), req, &out);
  };
  for (int n = 0; n < 2; ++n) {
    for (v1::Stage stage : {v1::STAGE_PRELIMINARY_INVESTIGATION, v1::STAGE_INVESTIGATION_GROUP}) {
      ASSERT_TRUE(record(n, stage).ok());
    }
  }
  // The rectification stage's score is the look-back's: it is not typed in, and the close does not wait.
  st = record(0, v1::STAGE_RECTIFICATION);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(st.error_message().find("stage_score.stage"), std::string::npos) << st.error_message();
  ASSERT_TRUE(stub_->CloseEvaluation(CallContext(Staff()).get(), close, &result).ok());
  ASSERT_EQ(result.subjects_size(), 2);
  // On site 80; the session: (0.1 x 90 + 0.2 x 90 + 0.5 x 80) / 0.8 = 83.75 -> 满意; the final waits.
  EXPECT_EQ(result.subjects(0).on_site_score(), "80.00");
  EXPECT_EQ(result.subjects(0).session_score(), "83.75");
  EXPECT_EQ(result.subjects(0).session_grade(), v1::GRADE_SATISFIED);
  EXPECT_TRUE(result.subjects(0).final_pending());
  EXPECT_TRUE(result.subjects(0).final_score().empty());
  EXPECT_EQ(result.subjects(0).grade(), v1::GRADE_UNSPECIFIED);
  EXPECT_FALSE(result.subjects(1).complete());
  EXPECT_FALSE(result.subjects(1).incomplete_reason().empty());
  EXPECT_EQ(result.subjects(1).grade(), v1::GRADE_UNSPECIFIED);
  EXPECT_EQ(result.subjects(1).follow_up(), v1::FOLLOW_UP_STATE_UNSPECIFIED);
  v1::IssueOpinionRequest opinion;
  opinion.set_parent(c.name());
  opinion.mutable_opinion()->set_subject(c.subjects(1).name());
  opinion.mutable_opinion()->set_text("意见");
  v1::SubjectResult subject;
  EXPECT_EQ(stub_->IssueOpinion(CallContext(Staff()).get(), opinion, &subject).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  // A closed campaign is not closed again.
  EXPECT_EQ(stub_->CloseEvaluation(CallContext(Staff()).get(), close, &result).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(EvaluationTest, EverySheetAcceptedBeforeTheCloseIsCountedAndNoneAfter) {
  const v1::Campaign c = Create({"s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8"});
  Open(c);
  std::atomic<int> accepted{0};
  std::atomic<int> refused_closed{0};
  std::vector<std::thread> raters;
  for (int r = 1; r <= kRaters; ++r) {
    raters.emplace_back([&, r] {
      for (int s = 0; s < c.subjects_size(); ++s) {
        v1::ScoreSheet out;
        grpc::Status st = stub_->SubmitScoreSheet(CallContext(Rater(r)).get(), Sheet(c, s, 50, 30), &out);
        if (st.ok()) {
          ++accepted;
        } else if (st.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
          ++refused_closed;
        }
      }
    });
  }
  // Close while the sheets are coming in: once the first is in.
  EXPECT_TRUE(Eventually([&] { return accepted.load() > 0; }));
  v1::CloseEvaluationRequest close;
  close.set_name(c.name());
  v1::EvaluationResult result;
  grpc::Status st = stub_->CloseEvaluation(CallContext(Staff()).get(), close, &result);
  for (std::thread& t : raters) {
    t.join();
  }
  ASSERT_TRUE(st.ok()) << st.error_message();
  int counted = 0;
  for (const v1::SubjectResult& subject : result.subjects()) {
    for (const v1::GroupBreakdown& group : subject.groups()) {
      counted += group.sheets();
    }
  }
  EXPECT_EQ(counted, accepted.load());
  EXPECT_EQ(accepted.load() + refused_closed.load(), kRaters * c.subjects_size());
  EXPECT_EQ(SheetsReceived(c), accepted.load());
}

TEST_F(EvaluationTest, ListsPageByPageAndOnlyWhatTheCallerTakesPartIn) {
  std::set<std::string> created;
  for (int i = 0; i < 3; ++i) {
    created.insert(Create({absl::StrCat("paged-", i)}).name());
  }
  std::set<std::string> seen;
  v1::ListEvaluationsRequest req;
  req.set_page_size(2);
  int pages = 0;
  do {
    v1::ListEvaluationsResponse page;
    grpc::Status st = stub_->ListEvaluations(CallContext(Staff()).get(), req, &page);
    ASSERT_TRUE(st.ok()) << st.error_message();
    EXPECT_LE(page.evaluations_size(), 2);
    for (const v1::Campaign& c : page.evaluations()) {
      EXPECT_TRUE(seen.insert(c.name()).second) << c.name() << " listed twice";
    }
    req.set_page_token(page.next_page_token());
    ++pages;
  } while (!req.page_token().empty() && pages < 100);
  for (const std::string& name : created) {
    EXPECT_EQ(seen.count(name), 1u) << name;
  }
  // A department sees only the campaigns it is a subject of.
  v1::ListEvaluationsRequest all;
  all.set_page_size(200);
  v1::ListEvaluationsResponse mine;
  ASSERT_TRUE(stub_->ListEvaluations(CallContext(Department("paged-1")).get(), all, &mine).ok());
  ASSERT_EQ(mine.evaluations_size(), 1);
  EXPECT_EQ(mine.evaluations(0).subjects(0).department(), "paged-1");
  req.set_page_size(-1);
  EXPECT_EQ(stub_->ListEvaluations(CallContext(Staff()).get(), req, &mine).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace minyi::testing

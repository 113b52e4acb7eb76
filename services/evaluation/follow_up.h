#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/calendar.h"
#include "evaluation/decimal.h"
#include "minyi/evaluation/v1/evaluation.pb.h"

// The follow-up of one subject after the on-site session (整改跟踪), with no I/O. Calendar days are
// Asia/Shanghai days. The Mashan order: written opinion within 10 days of the session; a plan within a
// month for 基本满意 / 不满意; a rectification report within 3 months; the look-back (回头看).
//
//   AWAITING_OPINION --opinion--> AWAITING_PLAN    (基本满意 / 不满意: plan due 1 month, report 3 months)
//                    --opinion--> AWAITING_REPORT  (满意, rectification stage weighed: report due 3 months)
//                    --opinion--> DONE             (满意, no rectification stage: nothing awaits a score)
//   AWAITING_PLAN --plan--> AWAITING_REPORT --report--> AWAITING_LOOK_BACK
//   AWAITING_LOOK_BACK --result not 不满意--> DONE
//                      --result 不满意--> the second 不满意 -> REFERRED,
//                                         else round + 1 and AWAITING_PLAN again (再整改、再评议)
//
// The look-back's result: with a rectification stage its score is that stage's, and the result is the
// final grade it completes (不满意 below the pass mark whatever the sum). Without one (a custom stage set)
// the final grade was announced at the close, and the look-back only passes (score >= pass mark) or
// turns the result 不满意.
//
// What counts as 不满意 are results: a look-back's, and the close's when it was final (no rectification
// stage). The session's grade before the look-back is not a result yet; it only decides whether a plan is
// due.
namespace minyi::evaluation {

using minyi::evaluation::v1::FollowUpState;
using minyi::evaluation::v1::Grade;
using minyi::evaluation::v1::RectificationStep;

inline constexpr int kOpinionDays = 10;
inline constexpr int kPlanMonths = 1;
inline constexpr int kReportMonths = 3;
inline constexpr int kDueSoonDays = 3;

struct FollowUpRecord {
  FollowUpState state = minyi::evaluation::v1::FOLLOW_UP_STATE_UNSPECIFIED;
  Grade grade = minyi::evaluation::v1::GRADE_UNSPECIFIED;  // the session's grade, then the latest result's
  int round = 1;
  int unsatisfied = 0;  // how many results were 不满意
  absl::CivilDay opinion_due;
  std::optional<absl::CivilDay> opinion_date;
  std::optional<absl::CivilDay> plan_due;
  std::optional<absl::CivilDay> report_due;
};

enum class NoticeKind { kDueSoon, kOverdue };

// What a deadline is for: the office's written opinion (10 days after the session), or the subject's
// rectification plan or report.
enum class Duty { kOpinion, kPlan, kReport };
// "opinion", "plan" or "report": the step named in events and in deadline_notices.
std::string DutyLabel(Duty duty);

struct DeadlineNotice {
  Duty duty = Duty::kOpinion;
  NoticeKind kind = NoticeKind::kDueSoon;
  absl::CivilDay deadline;
  int round = 1;
};

struct LookBackOutcome {
  bool unsatisfied = false;   // the overall result turned 不满意
  bool second_round = false;  // rectify again and be evaluated again
  bool referral = false;      // unsatisfied twice
};

class FollowUp final {
 public:
  // After the session on `session_day`, graded `grade`; `final` when that grade is already the final
  // result (the campaign weighs no rectification stage).
  static FollowUpRecord Start(Grade grade, bool final, absl::CivilDay session_day);

  // Errors are FAILED_PRECONDITION naming the current state. `look_back_for_all`: the campaign weighs a
  // rectification stage, so even a 满意 subject reports its rectification and is looked back on — every
  // report lists problems and measures (六三一), and the final score needs that stage's score.
  static absl::Status IssueOpinion(FollowUpRecord* r, absl::CivilDay today, bool look_back_for_all);
  static absl::Status FileRectification(FollowUpRecord* r, RectificationStep step);
  // `final_grade`: the final grade the score completes, when the campaign weighs a rectification stage
  // (Scorer); nullopt without one, when the score alone passes or fails against `pass_mark`.
  static absl::StatusOr<LookBackOutcome> ScoreLookBack(FollowUpRecord* r, Centi score, Centi pass_mark,
                                                       std::optional<Grade> final_grade, absl::CivilDay today);

  // The notice that applies on `today` to what is now awaited (the opinion, plan or report): due-soon within
  // kDueSoonDays before the deadline (inclusive), overdue from the day after. Callers emit each (round,
  // duty, kind) once.
  static std::optional<DeadlineNotice> NoticeDue(const FollowUpRecord& r, absl::CivilDay today);
};

}  // namespace minyi::evaluation

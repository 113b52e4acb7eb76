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
// Asia/Shanghai days.
//
//   AWAITING_OPINION --opinion--> DONE                      (satisfied: nothing to rectify)
//                     --opinion--> AWAITING_PLAN            (plan due 1 month, report 3 months after it)
//   AWAITING_PLAN   --plan-->   AWAITING_REPORT --report--> AWAITING_LOOK_BACK
//   AWAITING_LOOK_BACK --score >= pass mark--> DONE
//                      --score <  pass mark--> grade 不满意; unsatisfied twice -> REFERRED,
//                                              else round + 1 and AWAITING_PLAN again (整改再评议)
//
// The on-site grade 不满意 counts as the first unsatisfied, so such a subject is referred at its first
// failed look-back; a basically satisfied one gets a second round first.
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
  Grade grade = minyi::evaluation::v1::GRADE_UNSPECIFIED;  // the overall grade now
  int round = 1;
  int unsatisfied = 0;  // how many times rated unsatisfied (on site or at a look-back)
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
  // After the result is announced on `session_day`.
  static FollowUpRecord Start(Grade grade, absl::CivilDay session_day);

  // Errors are FAILED_PRECONDITION naming the current state.
  static absl::Status IssueOpinion(FollowUpRecord* r, absl::CivilDay today);
  static absl::Status FileRectification(FollowUpRecord* r, RectificationStep step);
  static absl::StatusOr<LookBackOutcome> ScoreLookBack(FollowUpRecord* r, Centi score, Centi pass_mark,
                                                       absl::CivilDay today);

  // The notice that applies on `today` to what is now awaited (the opinion, plan or report): due-soon within
  // kDueSoonDays before the deadline (inclusive), overdue from the day after. Callers emit each (round,
  // duty, kind) once.
  static std::optional<DeadlineNotice> NoticeDue(const FollowUpRecord& r, absl::CivilDay today);
};

}  // namespace minyi::evaluation

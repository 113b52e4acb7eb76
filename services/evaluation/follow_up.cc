#include "evaluation/follow_up.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace minyi::evaluation {
namespace {

using minyi::evaluation::v1::FOLLOW_UP_STATE_AWAITING_LOOK_BACK;
using minyi::evaluation::v1::FOLLOW_UP_STATE_AWAITING_OPINION;
using minyi::evaluation::v1::FOLLOW_UP_STATE_AWAITING_PLAN;
using minyi::evaluation::v1::FOLLOW_UP_STATE_AWAITING_REPORT;
using minyi::evaluation::v1::FOLLOW_UP_STATE_DONE;
using minyi::evaluation::v1::FOLLOW_UP_STATE_REFERRED;
using minyi::evaluation::v1::GRADE_SATISFIED;
using minyi::evaluation::v1::GRADE_UNSATISFIED;

absl::Status WrongState(const FollowUpRecord& r, absl::string_view action) {
  return FailedPrecondition(
      "FOLLOW_UP_STATE",
      absl::StrCat("当前整改跟踪状态为 ", minyi::evaluation::v1::FollowUpState_Name(r.state), "，不能", action));
}

void StartRectification(FollowUpRecord* r, absl::CivilDay from) {
  r->state = FOLLOW_UP_STATE_AWAITING_PLAN;
  r->plan_due = AddCalendarMonths(from, kPlanMonths);
  r->report_due = AddCalendarMonths(from, kReportMonths);
}

// 满意: no plan is asked for, only the report of what the opinion asks to rectify.
void AwaitReport(FollowUpRecord* r, absl::CivilDay from) {
  r->state = FOLLOW_UP_STATE_AWAITING_REPORT;
  r->plan_due.reset();
  r->report_due = AddCalendarMonths(from, kReportMonths);
}

}  // namespace

FollowUpRecord FollowUp::Start(Grade grade, bool final, absl::CivilDay session_day) {
  FollowUpRecord r;
  r.state = FOLLOW_UP_STATE_AWAITING_OPINION;
  r.grade = grade;
  r.unsatisfied = final && grade == GRADE_UNSATISFIED ? 1 : 0;
  r.opinion_due = session_day + kOpinionDays;
  return r;
}

absl::Status FollowUp::IssueOpinion(FollowUpRecord* r, absl::CivilDay today, bool look_back_for_all) {
  if (r->state != FOLLOW_UP_STATE_AWAITING_OPINION) {
    return WrongState(*r, "再次出具评议意见");
  }
  r->opinion_date = today;
  if (r->grade != GRADE_SATISFIED) {
    StartRectification(r, today);
  } else if (look_back_for_all) {
    AwaitReport(r, today);
  } else {
    r->state = FOLLOW_UP_STATE_DONE;
  }
  return absl::OkStatus();
}

absl::Status FollowUp::FileRectification(FollowUpRecord* r, RectificationStep step) {
  if (step == minyi::evaluation::v1::RECTIFICATION_STEP_PLAN && r->state == FOLLOW_UP_STATE_AWAITING_PLAN) {
    r->state = FOLLOW_UP_STATE_AWAITING_REPORT;
    return absl::OkStatus();
  }
  if (step == minyi::evaluation::v1::RECTIFICATION_STEP_REPORT && r->state == FOLLOW_UP_STATE_AWAITING_REPORT) {
    r->state = FOLLOW_UP_STATE_AWAITING_LOOK_BACK;
    return absl::OkStatus();
  }
  return WrongState(*r, step == minyi::evaluation::v1::RECTIFICATION_STEP_PLAN ? "提交整改方案" : "提交整改报告");
}

absl::StatusOr<LookBackOutcome> FollowUp::ScoreLookBack(FollowUpRecord* r, Centi score, Centi pass_mark,
                                                        std::optional<Grade> final_grade, absl::CivilDay today) {
  if (r->state != FOLLOW_UP_STATE_AWAITING_LOOK_BACK) {
    return WrongState(*r, "进行回头看评分");
  }
  const Grade result = final_grade.has_value() ? *final_grade : score < pass_mark ? GRADE_UNSATISFIED : r->grade;
  const bool unsatisfied = final_grade.has_value() ? result == GRADE_UNSATISFIED : score < pass_mark;
  r->grade = result;
  LookBackOutcome out;
  if (!unsatisfied) {
    r->state = FOLLOW_UP_STATE_DONE;
    return out;
  }
  out.unsatisfied = true;
  ++r->unsatisfied;
  if (r->unsatisfied >= 2) {
    r->state = FOLLOW_UP_STATE_REFERRED;
    out.referral = true;
    return out;
  }
  ++r->round;
  StartRectification(r, today);
  out.second_round = true;
  return out;
}

std::string DutyLabel(Duty duty) {
  switch (duty) {
    case Duty::kOpinion:
      return "opinion";
    case Duty::kPlan:
      return "plan";
    case Duty::kReport:
      return "report";
  }
  return "";
}

std::optional<DeadlineNotice> FollowUp::NoticeDue(const FollowUpRecord& r, absl::CivilDay today) {
  std::optional<absl::CivilDay> deadline;
  Duty duty = Duty::kOpinion;
  if (r.state == FOLLOW_UP_STATE_AWAITING_OPINION) {
    deadline = r.opinion_due;
  } else if (r.state == FOLLOW_UP_STATE_AWAITING_PLAN) {
    deadline = r.plan_due;
    duty = Duty::kPlan;
  } else if (r.state == FOLLOW_UP_STATE_AWAITING_REPORT) {
    deadline = r.report_due;
    duty = Duty::kReport;
  }
  if (!deadline.has_value() || today < *deadline - kDueSoonDays) {
    return std::nullopt;
  }
  return DeadlineNotice{.duty = duty,
                        .kind = today > *deadline ? NoticeKind::kOverdue : NoticeKind::kDueSoon,
                        .deadline = *deadline,
                        .round = r.round};
}

}  // namespace minyi::evaluation

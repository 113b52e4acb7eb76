#include "evaluation/deadlines.h"

#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/outbox.h"
#include "evaluation/campaign.h"
#include "evaluation/follow_up.h"
#include "evaluation/store.h"
#include "minyi/evaluation/v1/events.pb.h"

namespace minyi::evaluation {
namespace {

namespace v1 = ::minyi::evaluation::v1;

template <typename Event>
void EmitRectification(pqxx::work& tx, const v1::Campaign& campaign, int64_t campaign_id, int n,
                       const DeadlineNotice& notice) {
  Event event;
  FillConcerned(campaign, n, &event);
  event.set_step(DutyLabel(notice.duty));
  event.set_deadline(FormatDay(notice.deadline));
  event.set_round(notice.round);
  EmitEvent(tx, event, SubjectName(campaign_id, n), /*actor=*/"");
}

// The opinion is the office's to write: it concerns the campaign's organiser, not the subject.
template <typename Event>
void EmitOpinion(pqxx::work& tx, const v1::Campaign& campaign, const PendingFollowUp& p, const DeadlineNotice& notice) {
  Event event;
  event.set_reference(campaign.name());
  event.set_title(campaign.title());
  event.set_subject(SubjectName(p.campaign_id, p.subject_no));
  event.add_accounts(absl::StrCat("accounts/", p.created_by));
  event.set_deadline(FormatDay(notice.deadline));
  EmitEvent(tx, event, SubjectName(p.campaign_id, p.subject_no), /*actor=*/"");
}

void Emit(pqxx::work& tx, const v1::Campaign& campaign, const PendingFollowUp& p, const DeadlineNotice& notice) {
  const bool overdue = notice.kind == NoticeKind::kOverdue;
  if (notice.duty == Duty::kOpinion && overdue) {
    EmitOpinion<v1::OpinionOverdue>(tx, campaign, p, notice);
  } else if (notice.duty == Duty::kOpinion) {
    EmitOpinion<v1::OpinionDueSoon>(tx, campaign, p, notice);
  } else if (overdue) {
    EmitRectification<v1::RectificationOverdue>(tx, campaign, p.campaign_id, p.subject_no, notice);
  } else {
    EmitRectification<v1::RectificationDueSoon>(tx, campaign, p.campaign_id, p.subject_no, notice);
  }
}

}  // namespace

absl::StatusOr<int> SweepDeadlines(PgPool& pool, absl::CivilDay today) {
  std::vector<PendingFollowUp> pending;
  absl::Status st = pool.Read([&](pqxx::transaction_base& tx) {
    pending = SelectPendingFollowUps(tx, today, kDueSoonDays);
    return absl::OkStatus();
  });
  if (!st.ok()) {
    return st;
  }
  int emitted = 0;
  for (const PendingFollowUp& p : pending) {
    // One transaction per subject: a failure leaves the others' notices standing, and the next sweep
    // retries this one.
    st = pool.Transact([&](pqxx::work& tx) -> absl::Status {
      std::optional<FollowUpRecord> record = LoadFollowUp(tx, p.campaign_id, p.subject_no);
      if (!record.has_value()) {
        return absl::OkStatus();
      }
      std::optional<DeadlineNotice> notice = FollowUp::NoticeDue(*record, today);
      if (!notice.has_value()) {
        return absl::OkStatus();  // filed since the list was read
      }
      if (!ClaimNotice(tx, p.campaign_id, p.subject_no, notice->round, DutyLabel(notice->duty),
                       notice->kind == NoticeKind::kOverdue ? "overdue" : "due_soon")) {
        return absl::OkStatus();
      }
      Emit(tx, *LoadCampaign(tx, p.campaign_id), p, *notice);
      ++emitted;
      return absl::OkStatus();
    });
    if (!st.ok()) {
      return st;
    }
  }
  return emitted;
}

}  // namespace minyi::evaluation

#include "evaluation/deadlines.h"

#include <optional>
#include <vector>

#include "common/outbox.h"
#include "evaluation/campaign.h"
#include "evaluation/follow_up.h"
#include "evaluation/store.h"
#include "minyi/evaluation/v1/events.pb.h"

namespace minyi::evaluation {
namespace {

namespace v1 = ::minyi::evaluation::v1;

template <typename Event>
void Emit(pqxx::work& tx, const v1::Campaign& campaign, int64_t campaign_id, int n, const DeadlineNotice& notice,
          const std::string& step) {
  Event event;
  FillConcerned(campaign, n, &event);
  event.set_step(step);
  event.set_deadline(FormatDay(notice.deadline));
  event.set_round(notice.round);
  EmitEvent(tx, event, SubjectName(campaign_id, n), /*actor=*/"");
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
      const std::string step = notice->step == v1::RECTIFICATION_STEP_PLAN ? "plan" : "report";
      const bool overdue = notice->kind == NoticeKind::kOverdue;
      if (!ClaimNotice(tx, p.campaign_id, p.subject_no, notice->round, step, overdue ? "overdue" : "due_soon")) {
        return absl::OkStatus();
      }
      std::optional<v1::Campaign> campaign = LoadCampaign(tx, p.campaign_id);
      if (overdue) {
        Emit<v1::RectificationOverdue>(tx, *campaign, p.campaign_id, p.subject_no, *notice, step);
      } else {
        Emit<v1::RectificationDueSoon>(tx, *campaign, p.campaign_id, p.subject_no, *notice, step);
      }
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

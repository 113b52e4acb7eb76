#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/auth.h"
#include "evaluation/decimal.h"
#include "evaluation/scoring.h"
#include "minyi/evaluation/v1/evaluation.pb.h"
#include "minyi/evaluation/v1/events.pb.h"

// A campaign's rules with no I/O: validating a set-up, defaults, who rates in which group, who a subject
// is, and turning a submitted sheet into its total.
namespace minyi::evaluation {

using minyi::evaluation::v1::Campaign;

inline constexpr absl::string_view kEvaluations = "evaluations/";

// The id of campaign `name` ("evaluations/{id}"); the error names `field`.
absl::StatusOr<int64_t> ParseCampaignId(absl::string_view name, absl::string_view field);
// FAILED_PRECONDITION: the campaign's state does not allow `action` (zh-CN, "开始评议").
absl::Status WrongState(minyi::evaluation::v1::CampaignState state, absl::string_view action);
absl::Status WrongState(const Campaign& campaign, absl::string_view action);

// Fills the defaults (Mashan stage weights, grade bands 80/60) and checks everything, naming the field
// ("evaluation.stages", "evaluation.rater_groups[1].indicators", ...). Output-only fields are cleared.
absl::Status NormalizeCampaign(Campaign* campaign);

// The rater key of a caller: "deputies/{id}" for a deputy account, else "accounts/{id}".
std::string RaterOf(const Caller& caller);
// The index of the group `rater` is in, or nullopt.
std::optional<int> GroupOf(const Campaign& campaign, const std::string& rater);
int SheetsExpected(const Campaign& campaign);

// The subject number n of "evaluations/{id}/subjects/{n}" within `campaign`; the error names `field`.
absl::StatusOr<int> SubjectIndex(const Campaign& campaign, absl::string_view subject, absl::string_view field);
std::string SubjectName(int64_t campaign_id, int n);
// Whether `caller` acts for subject n (the department's accounts, the official's or deputy's account).
bool ActsForSubject(const Campaign& campaign, int n, const Caller& caller);
// The subjects (numbers) `caller` acts for.
std::vector<int> SubjectsOf(const Campaign& campaign, const Caller& caller);

// Checks a sheet against its group's score sheet and returns its total; errors name the field
// ("score_sheet.scores[2].points": "指标 A3 ...").
absl::StatusOr<Centi> SheetTotal(const minyi::evaluation::v1::RaterGroup& group,
                                 const minyi::evaluation::v1::ScoreSheet& sheet);

Scorer ScorerFor(const Campaign& campaign);
// The look-back pass mark: the lower bound of 基本满意.
Centi PassMark(const Campaign& campaign);
// Whether the campaign weighs the rectification stage (整改落实), whose score the look-back makes: then
// the final score waits for the look-back, and every subject is looked back on.
bool WeighsRectification(const Campaign& campaign);

// Every rater of the campaign as a recipient of the opening: deputies by deputy, others by account.
void AddRaters(const Campaign& campaign, minyi::evaluation::v1::EvaluationOpened* event);

// Fills the fields of an event about subject n that say who is concerned (docs/events.md): the subject's
// department, account or deputy, and the copy recipients (抄送).
template <typename Event>
void FillConcerned(const Campaign& campaign, int n, Event* event) {
  const minyi::evaluation::v1::Subject& s = campaign.subjects(n - 1);
  event->set_reference(campaign.name());
  event->set_title(campaign.title());
  event->set_subject(s.name());
  event->set_department(s.department());
  if (!s.account().empty()) {
    event->add_accounts(s.account());
  }
  for (const std::string& account : campaign.copy_recipients()) {
    event->add_accounts(account);
  }
  if (!s.deputy().empty()) {
    event->add_deputies(s.deputy());
  }
}

// The event of subject n's final score and grade, complete in follow-up `round`.
minyi::evaluation::v1::EvaluationFinalScored FinalScored(const Campaign& campaign, int n, const SubjectScore& score,
                                                         int round);

}  // namespace minyi::evaluation

#include "evaluation/score_sheets.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/calendar.h"
#include "common/clock.h"
#include "common/names.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "evaluation/campaign.h"
#include "evaluation/store.h"
#include "evaluation/visibility.h"
#include "minyi/evaluation/v1/events.pb.h"

namespace minyi::evaluation {

absl::Status ScoreSheets::Submit(const Call& call, const v1::SubmitScoreSheetRequest& request,
                                 v1::ScoreSheet* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.Authenticate(call));
  ASSIGN_OR_RETURN(const int64_t id, ParseCampaignId(request.parent(), "parent"));
  ASSIGN_OR_RETURN(const std::shared_ptr<const v1::Campaign> campaign, access_.Definition(id));
  const std::string rater = RaterOf(caller);
  std::optional<int> group = GroupOf(*campaign, rater);
  if (!group.has_value()) {
    return PermissionDenied("您不在本次评议的评议组中");
  }
  const v1::RaterGroup& rater_group = campaign->rater_groups(*group);
  ASSIGN_OR_RETURN(const int n, SubjectIndex(*campaign, request.score_sheet().subject(), "score_sheet.subject"));
  ASSIGN_OR_RETURN(const Centi total, SheetTotal(rater_group, request.score_sheet()));
  v1::ScoreSheet content;
  content.set_subject(request.score_sheet().subject());
  *content.mutable_scores() = request.score_sheet().scores();
  content.set_grade(request.score_sheet().grade());
  return commands_.Run(call, caller, "SubmitScoreSheet", request, response, [&](Change& change) -> absl::Status {
    std::optional<v1::CampaignState> state = LockCampaignState(change.tx(), id);
    if (!state.has_value()) {
      return NotFoundError(request.parent());
    }
    if (*state != v1::CAMPAIGN_STATE_OPEN) {
      return WrongState(*state, "提交评分表");
    }
    std::optional<v1::ScoreSheet> sheet = InsertSheet(
        change.tx(),
        {.campaign_id = id, .subject_no = n, .rater = rater, .group_code = rater_group.code(), .total = total},
        content);
    if (!sheet.has_value()) {
      return AlreadyExists("SHEET_ALREADY_SUBMITTED", "您已对该评议对象提交过评分表，每人每个对象只能提交一次");
    }
    v1::ScoreSheetSubmitted event;
    if (caller.role() == minyi::common::v1::ROLE_DEPUTY && !caller.deputy().empty()) {
      event.add_deputies(caller.deputy());
    }
    event.set_reference(ResourceName(kEvaluations, id));
    event.set_occurred_on(ShanghaiDate(DomainNow()));
    event.set_rater_account(absl::StrCat("accounts/", caller.account_id()));
    event.set_subject(content.subject());
    change.Emit(event, sheet->name());
    change.Audit(sheet->name(), {{"subject", content.subject()}, {"group", rater_group.code()}});
    *response = *std::move(sheet);
    return absl::OkStatus();
  });
}

absl::Status ScoreSheets::List(const Call& call, const v1::ListScoreSheetsRequest& request,
                               v1::ListScoreSheetsResponse* response) {
  ASSIGN_OR_RETURN(const CampaignRead read, access_.ReadAsCaller(call, request.parent(), "parent"));
  ASSIGN_OR_RETURN(const std::string only_rater, SheetsVisibleTo(read.campaign, read.caller));
  return pool_.Read([&](pqxx::transaction_base& tx) {
    for (v1::ScoreSheet& s : SelectSheets(tx, read.id, only_rater)) {
      *response->add_score_sheets() = std::move(s);
    }
    return absl::OkStatus();
  });
}

}  // namespace minyi::evaluation

#include "evaluation/campaign_access.h"

#include <optional>
#include <utility>

#include "common/names.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "evaluation/campaign.h"
#include "evaluation/store.h"

namespace minyi::evaluation {
namespace {

absl::StatusOr<v1::Campaign> ReadCampaign(PgPool& pool, int64_t id) {
  std::optional<v1::Campaign> campaign;
  RETURN_IF_ERROR(pool.Read([&](pqxx::transaction_base& tx) {
    campaign = LoadCampaign(tx, id);
    if (campaign.has_value()) {
      campaign->set_sheets_received(CountSheets(tx, id));
    }
    return absl::OkStatus();
  }));
  if (!campaign.has_value()) {
    return NotFoundError(ResourceName(kEvaluations, id));
  }
  return *std::move(campaign);
}

// Inside a mutation: the campaign locked for update, NOT_FOUND when missing.
absl::StatusOr<v1::Campaign> LockCampaign(pqxx::work& tx, int64_t id) {
  std::optional<v1::Campaign> campaign = LoadCampaign(tx, id, /*for_update=*/true);
  if (!campaign.has_value()) {
    return NotFoundError(ResourceName(kEvaluations, id));
  }
  return *std::move(campaign);
}

}  // namespace

absl::StatusOr<CampaignRead> CampaignAccess::ReadAsCaller(const Call& call, absl::string_view name,
                                                          absl::string_view field) const {
  ASSIGN_OR_RETURN(Caller caller, authorizer_.Authenticate(call));
  ASSIGN_OR_RETURN(const int64_t id, ParseCampaignId(name, field));
  ASSIGN_OR_RETURN(v1::Campaign campaign, ReadCampaign(pool_, id));
  return CampaignRead{.caller = std::move(caller), .id = id, .campaign = std::move(campaign)};
}

absl::Status CampaignAccess::RunOnCampaign(const Call& call, const Caller& caller, absl::string_view action,
                                           const google::protobuf::Message& request,
                                           google::protobuf::Message* response, absl::string_view name,
                                           absl::string_view name_field, const CampaignWork& work) const {
  ASSIGN_OR_RETURN(const int64_t id, ParseCampaignId(name, name_field));
  return commands_.Run(call, caller, action, request, response, [&](Change& change) -> absl::Status {
    ASSIGN_OR_RETURN(const v1::Campaign campaign, LockCampaign(change.tx(), id));
    return work(change, campaign, id);
  });
}

absl::Status CampaignAccess::RunOnSubject(const Call& call, const Caller& caller, absl::string_view action,
                                          const google::protobuf::Message& request, google::protobuf::Message* response,
                                          absl::string_view parent, absl::string_view subject,
                                          absl::string_view subject_field, const SubjectWork& work) const {
  return RunOnCampaign(call, caller, action, request, response, parent, "parent",
                       [&](Change& change, const v1::Campaign& campaign, int64_t id) -> absl::Status {
                         ASSIGN_OR_RETURN(const int n, SubjectIndex(campaign, subject, subject_field));
                         return work(change, campaign, id, n);
                       });
}

absl::StatusOr<std::shared_ptr<const v1::Campaign>> CampaignAccess::Definition(int64_t id) {
  {
    absl::MutexLock lock(&definitions_mu_);
    if (auto it = definitions_.find(id); it != definitions_.end()) {
      return it->second;
    }
  }
  ASSIGN_OR_RETURN(v1::Campaign campaign, ReadCampaign(pool_, id));
  auto definition = std::make_shared<const v1::Campaign>(std::move(campaign));
  absl::MutexLock lock(&definitions_mu_);
  return definitions_.try_emplace(id, std::move(definition)).first->second;
}

}  // namespace minyi::evaluation

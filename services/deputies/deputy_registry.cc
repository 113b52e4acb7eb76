#include "deputies/deputy_registry.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/enums.h"
#include "common/names.h"
#include "common/paging.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "deputies/field_mask.h"
#include "deputies/privacy.h"
#include "deputies/registry.h"
#include "deputies/shared.h"
#include "deputies/store.h"

namespace minyi::deputies {
namespace {

using ::minyi::deputies::v1::BatchGetDeputyStatusesRequest;
using ::minyi::deputies::v1::BatchGetDeputyStatusesResponse;
using ::minyi::deputies::v1::CreateDeputyRequest;
using ::minyi::deputies::v1::Deputy;
using ::minyi::deputies::v1::GetDeputyRequest;
using ::minyi::deputies::v1::ListDeputiesRequest;
using ::minyi::deputies::v1::ListDeputiesResponse;
using ::minyi::deputies::v1::UpdateDeputyRequest;

// As many as a vote's electorate may name.
constexpr int kMaxStatusNames = 5000;

// Station references in a request body are checked here, inside the transaction whose foreign keys then
// hold them, so the error can name the offending element.
absl::Status CheckStationsExist(pqxx::work& tx, const Deputy& deputy) {
  const std::vector<int64_t> ids = StationIds(deputy);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (!StationExists(tx, ids[i])) {
      return InvalidField(absl::StrCat("deputy.stations[", i, "]"),
                          absl::StrCat(deputy.stations(static_cast<int>(i)), " does not exist"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status DeputyRegistry::Create(const Call& call, const CreateDeputyRequest& request, Deputy* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.RequireOffice(call));
  Deputy deputy = request.deputy();
  PrepareNewDeputy(&deputy);
  RETURN_IF_ERROR(ValidateDeputy(deputy));
  return commands_.Run(call, caller, "CreateDeputy", request, response, [&](Change& change) -> absl::Status {
    pqxx::work& tx = change.tx();
    RETURN_IF_ERROR(CheckStationsExist(tx, deputy));
    const int64_t id = InsertDeputy(tx, deputy, caller.account_id());
    for (int64_t station : StationIds(deputy)) {
      OpenMembership(tx, id, station);
    }
    const std::string name = ResourceName(kDeputies, id);
    minyi::deputies::v1::DeputyCreated event;
    event.set_deputy(name);
    event.set_display_name(deputy.display_name());
    *event.mutable_stations() = deputy.stations();
    change.Emit(event, name);
    change.Audit(name, {{"stations", JsonList(deputy.stations())}});
    *response = *LoadDeputy(tx, id);
    return absl::OkStatus();
  });
}

absl::Status DeputyRegistry::Get(const Call& call, const GetDeputyRequest& request, Deputy* response) {
  // The suggestions service reads a deputy's stations to check where they may enter citizens' opinions.
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.AuthenticateUserOrService(call, {"suggestions"}));
  ASSIGN_OR_RETURN(const int64_t id, ParseResourceId(request.name(), kDeputies, "name"));
  std::optional<Deputy> deputy;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::transaction_base& tx) {
    deputy = LoadDeputy(tx, id);
    return absl::OkStatus();
  }));
  if (!deputy.has_value()) {
    return NotFoundError(ResourceName(kDeputies, id));
  }
  if (!MaySeePersonalData(caller, deputy->name())) {
    MaskPersonalData(&*deputy);
  }
  *response = *std::move(deputy);
  return absl::OkStatus();
}

absl::Status DeputyRegistry::List(const Call& call, const ListDeputiesRequest& request,
                                  ListDeputiesResponse* response) {
  // The notifications service lists a station's members to reach them.
  RETURN_IF_ERROR(authorizer_.AuthenticateUserOrService(call, {"notifications"}).status());
  ASSIGN_OR_RETURN(const PageRequest page,
                   ReadPageRequest(request.page_size(), request.page_token(),
                                   {"deputies", request.station(), absl::StrCat(request.status()), request.query()}));
  // One row past the page tells whether another page follows.
  DeputyQuery query{.after_id = page.after_id, .limit = page.size + 1};
  if (!request.station().empty()) {
    ASSIGN_OR_RETURN(query.station_id, ParseResourceId(request.station(), kStations, "station"));
  }
  ASSIGN_OR_RETURN(query.status,
                   EnumFilter<minyi::deputies::v1::DeputyStatus>("status", request.status(), "is not a known status"));
  RETURN_IF_ERROR(CheckText("query", request.query(), 0, kMaxFilterChars));
  query.text = request.query();
  std::vector<Deputy> deputies;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::transaction_base& tx) {
    deputies = SelectDeputies(tx, query);
    return absl::OkStatus();
  }));
  response->set_next_page_token(TrimToPage(deputies, page.size, page.fingerprint, [](const Deputy& r) {
    return *ParseResourceId(r.name(), kDeputies, "name");
  }));
  for (Deputy& deputy : deputies) {
    MaskPersonalData(&deputy);
    *response->add_deputies() = std::move(deputy);
  }
  return absl::OkStatus();
}

absl::Status DeputyRegistry::Update(const Call& call, const UpdateDeputyRequest& request, Deputy* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.RequireOffice(call));
  ASSIGN_OR_RETURN(const int64_t id, ParseResourceId(request.deputy().name(), kDeputies, "deputy.name"));
  const std::string name = ResourceName(kDeputies, id);
  return commands_.Run(call, caller, "UpdateDeputy", request, response, [&](Change& change) -> absl::Status {
    pqxx::work& tx = change.tx();
    std::optional<Deputy> current = LoadDeputy(tx, id, /*for_update=*/true);
    if (!current.has_value()) {
      return NotFoundError(name);
    }
    Deputy updated = *current;
    ASSIGN_OR_RETURN(const std::vector<std::string> paths,
                     ApplyFieldMask(request.deputy(), request.update_mask(), kDeputyUpdatableFields, &updated));
    NormalizeDeputy(&updated);
    RETURN_IF_ERROR(ValidateDeputy(updated));
    RETURN_IF_ERROR(CheckStationsExist(tx, updated));
    // A deputy who leaves leaves their stations too; the closed memberships remain as history.
    const bool left = HasLeft(current->status(), updated.status());
    if (left) {
      updated.clear_stations();
    }
    const MembershipChanges changes = DiffMemberships(CurrentStationIds(tx, id), StationIds(updated));
    for (int64_t station : changes.close) {
      CloseMembership(tx, id, station);
    }
    for (int64_t station : changes.open) {
      OpenMembership(tx, id, station);
    }
    UpdateDeputyRow(tx, id, updated, caller.account_id());
    minyi::deputies::v1::DeputyUpdated event;
    event.set_deputy(name);
    for (const std::string& path : paths) {
      event.add_changed_fields(path);
    }
    event.set_status(updated.status());
    change.Emit(event, name);
    if (left) {
      minyi::deputies::v1::DeputyLeft event_left;
      event_left.set_deputy(name);
      event_left.set_status(updated.status());
      *event_left.mutable_stations() = current->stations();
      event_left.set_term_end_date(updated.term_end_date());
      change.Emit(event_left, name);
    }
    change.Audit(name, {{"changed_fields", JsonList(event.changed_fields())}});
    *response = *LoadDeputy(tx, id);
    return absl::OkStatus();
  });
}

absl::Status DeputyRegistry::BatchGetStatuses(const Call& call, const BatchGetDeputyStatusesRequest& request,
                                              BatchGetDeputyStatusesResponse* response) {
  RETURN_IF_ERROR(authorizer_
                      .RequireUserOrService(call, {minyi::common::v1::ROLE_ADMIN, minyi::common::v1::ROLE_STAFF},
                                            {"voting", "notifications"})
                      .status());
  if (request.names_size() < 1 || request.names_size() > kMaxStatusNames) {
    return InvalidField("names", absl::StrCat("must name 1-", kMaxStatusNames, " deputies"));
  }
  std::vector<int64_t> ids;
  for (int i = 0; i < request.names_size(); ++i) {
    ASSIGN_OR_RETURN(const int64_t id, ParseResourceId(request.names(i), kDeputies, absl::StrCat("names[", i, "]")));
    ids.push_back(id);
  }
  return pool_.Read([&](pqxx::transaction_base& tx) {
    for (const auto& [id, status] : SelectDeputyStatuses(tx, ids)) {
      auto* entry = response->add_deputies();
      entry->set_name(ResourceName(kDeputies, id));
      entry->set_status(status);
    }
    return absl::OkStatus();
  });
}

}  // namespace minyi::deputies

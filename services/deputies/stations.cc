#include "deputies/stations.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/names.h"
#include "common/paging.h"
#include "common/settings_revision.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "deputies/checklist.h"
#include "deputies/duties.h"
#include "deputies/field_mask.h"
#include "deputies/points.h"
#include "deputies/registry.h"
#include "deputies/rota.h"
#include "deputies/shared.h"
#include "deputies/stars.h"
#include "deputies/store.h"

namespace minyi::deputies {
namespace {

using ::minyi::deputies::v1::ChecklistDefinition;
using ::minyi::deputies::v1::CreateRotaEntryRequest;
using ::minyi::deputies::v1::CreateStationRequest;
using ::minyi::deputies::v1::Deputy;
using ::minyi::deputies::v1::GetChecklistDefinitionRequest;
using ::minyi::deputies::v1::GetStationChecklistRequest;
using ::minyi::deputies::v1::GetStationRequest;
using ::minyi::deputies::v1::ListRotaEntriesRequest;
using ::minyi::deputies::v1::ListRotaEntriesResponse;
using ::minyi::deputies::v1::ListStationsRequest;
using ::minyi::deputies::v1::ListStationsResponse;
using ::minyi::deputies::v1::RateStationsRequest;
using ::minyi::deputies::v1::RateStationsResponse;
using ::minyi::deputies::v1::RotaEntry;
using ::minyi::deputies::v1::Station;
using ::minyi::deputies::v1::StationChecklist;
using ::minyi::deputies::v1::UpdateChecklistDefinitionRequest;
using ::minyi::deputies::v1::UpdateStationChecklistRequest;
using ::minyi::deputies::v1::UpdateStationRequest;

}  // namespace

absl::Status Stations::Create(const Call& call, const CreateStationRequest& request, Station* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.RequireOffice(call));
  Station station = request.station();
  PrepareNewStation(&station);
  RETURN_IF_ERROR(ValidateStation(station));
  return commands_.Run(call, caller, "CreateStation", request, response, [&](Change& change) -> absl::Status {
    const int64_t id = InsertStation(change.tx(), station, caller.account_id());
    const std::string name = ResourceName(kStations, id);
    minyi::deputies::v1::StationCreated event;
    event.set_station(name);
    event.set_display_name(station.display_name());
    change.Emit(event, name);
    change.Audit(name);
    *response = *LoadStation(change.tx(), id);
    return absl::OkStatus();
  });
}

absl::Status Stations::Get(const Call& call, const GetStationRequest& request, Station* response) {
  RETURN_IF_ERROR(authorizer_.Authenticate(call).status());
  ASSIGN_OR_RETURN(const int64_t id, ParseResourceId(request.name(), kStations, "name"));
  std::optional<Station> station;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::transaction_base& tx) {
    station = LoadStation(tx, id);
    return absl::OkStatus();
  }));
  if (!station.has_value()) {
    return NotFoundError(ResourceName(kStations, id));
  }
  *response = *std::move(station);
  return absl::OkStatus();
}

absl::Status Stations::List(const Call& call, const ListStationsRequest& request, ListStationsResponse* response) {
  RETURN_IF_ERROR(authorizer_.Authenticate(call).status());
  ASSIGN_OR_RETURN(const PageRequest page,
                   ReadPageRequest(request.page_size(), request.page_token(),
                                   {"stations", absl::StrCat(request.kind()), request.region()}));
  ASSIGN_OR_RETURN(const StationQuery query, StationListQuery(page, request.kind(), request.region()));
  std::vector<Station> stations;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::transaction_base& tx) {
    stations = SelectStations(tx, query);
    return absl::OkStatus();
  }));
  response->set_next_page_token(MovePage(
      stations, page, [](const Station& r) { return *ParseResourceId(r.name(), kStations, "name"); },
      response->mutable_stations()));
  return absl::OkStatus();
}

absl::Status Stations::Update(const Call& call, const UpdateStationRequest& request, Station* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.RequireOffice(call));
  ASSIGN_OR_RETURN(const int64_t id, ParseResourceId(request.station().name(), kStations, "station.name"));
  const std::string name = ResourceName(kStations, id);
  return commands_.Run(call, caller, "UpdateStation", request, response, [&](Change& change) -> absl::Status {
    pqxx::work& tx = change.tx();
    std::optional<Station> current = LoadStation(tx, id, /*for_update=*/true);
    if (!current.has_value()) {
      return NotFoundError(name);
    }
    Station updated = *current;
    ASSIGN_OR_RETURN(const std::vector<std::string> paths,
                     ApplyFieldMask(request.station(), request.update_mask(), kStationUpdatableFields, &updated));
    RETURN_IF_ERROR(ValidateStation(updated));
    UpdateStationRow(tx, id, updated, caller.account_id());
    minyi::deputies::v1::StationUpdated event;
    event.set_station(name);
    for (const std::string& path : paths) {
      event.add_changed_fields(path);
    }
    change.Emit(event, name);
    change.Audit(name, {{"changed_fields", nlohmann::json(paths)}});
    *response = *LoadStation(tx, id);
    return absl::OkStatus();
  });
}

absl::Status Stations::Rate(const Call& call, const RateStationsRequest& request, RateStationsResponse* response) {
  RETURN_IF_ERROR(authorizer_.RequireOffice(call).status());
  RETURN_IF_ERROR(CheckText("region", request.region(), 1, kMaxFilterChars));
  ASSIGN_OR_RETURN(const Period period, ParsePeriod(request.period()));
  const minyi::deputies::v1::StarQuotas quotas = EffectiveQuotas(request);
  RETURN_IF_ERROR(ValidateQuotas(quotas));
  std::vector<StationActivity> activity;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::transaction_base& tx) {
    activity = SelectStationActivity(tx, request.region(), period.first_day, period.last_day);
    return absl::OkStatus();
  }));
  std::map<int64_t, const StationActivity*> by_id;
  std::vector<StationScore> scores;
  for (const StationActivity& a : activity) {
    by_id[a.station_id] = &a;
    scores.push_back({.station_id = a.station_id, .score = ActivityScore(a.duty_records, a.checklist_items_met)});
  }
  response->set_region(request.region());
  response->set_period(period.label);
  *response->mutable_quotas() = quotas;
  for (const StarResult& result : AssignStars(std::move(scores), quotas)) {
    const StationActivity& a = *by_id.at(result.station_id);
    minyi::deputies::v1::StationRating* rating = response->add_ratings();
    rating->set_station(ResourceName(kStations, a.station_id));
    rating->set_display_name(a.display_name);
    rating->set_members(a.members);
    rating->set_duty_records(a.duty_records);
    rating->set_checklist_items_met(a.checklist_items_met);
    rating->set_activity_score(result.score);
    rating->set_rank(result.rank);
    rating->set_stars(result.stars);
  }
  return absl::OkStatus();
}

absl::Status Stations::GetChecklistDefinition(const Call& call, const GetChecklistDefinitionRequest&,
                                              ChecklistDefinition* response) {
  RETURN_IF_ERROR(authorizer_.Authenticate(call).status());
  return pool_.Read([&](pqxx::transaction_base& tx) {
    *response = LoadChecklistDefinition(tx);
    return absl::OkStatus();
  });
}

absl::Status Stations::UpdateChecklistDefinition(const Call& call, const UpdateChecklistDefinitionRequest& request,
                                                 ChecklistDefinition* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.RequireOffice(call));
  RETURN_IF_ERROR(CheckOnlyPath(request.update_mask(), "items"));
  RETURN_IF_ERROR(ValidateChecklistDefinition(request.checklist_definition()));
  const std::string name(kChecklistDefinitionName);
  return commands_.Run(
      call, caller, "UpdateChecklistDefinition", request, response, [&](Change& change) -> absl::Status {
        RETURN_IF_ERROR(AdvanceSettingsRevision(change.tx(), name, "checklist_definition.etag",
                                                request.checklist_definition().etag(), caller.account_id()));
        ReplaceChecklistDefinition(change.tx(), request.checklist_definition());
        minyi::deputies::v1::ChecklistDefinitionUpdated event;
        *event.mutable_items() = request.checklist_definition().items();
        change.Emit(event, name);
        change.Audit(name, {{"items", JsonList(event.items())}});
        *response = LoadChecklistDefinition(change.tx());
        return absl::OkStatus();
      });
}

absl::Status Stations::GetChecklist(const Call& call, const GetStationChecklistRequest& request,
                                    StationChecklist* response) {
  RETURN_IF_ERROR(authorizer_.Authenticate(call).status());
  ASSIGN_OR_RETURN(const int64_t station_id, ParseChildOfResource(request.name(), kStations, kChecklistSuffix, "name"));
  const std::string station = ResourceName(kStations, station_id);
  return pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    if (!StationExists(tx, station_id)) {
      return NotFoundError(station);
    }
    const ChecklistDefinition definition = LoadChecklistDefinition(tx);
    *response = ComposeChecklist(absl::StrCat(station, kChecklistSuffix),
                                 {definition.items().begin(), definition.items().end()},
                                 LoadChecklistAssessments(tx, station_id));
    return absl::OkStatus();
  });
}

absl::Status Stations::UpdateChecklist(const Call& call, const UpdateStationChecklistRequest& request,
                                       StationChecklist* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.RequireOffice(call));
  ASSIGN_OR_RETURN(const int64_t station_id,
                   ParseChildOfResource(request.checklist().name(), kStations, kChecklistSuffix, "checklist.name"));
  RETURN_IF_ERROR(CheckOnlyPath(request.update_mask(), "items"));
  const std::string station = ResourceName(kStations, station_id);
  const std::string name = absl::StrCat(station, kChecklistSuffix);
  return commands_.Run(call, caller, "UpdateStationChecklist", request, response, [&](Change& change) -> absl::Status {
    pqxx::work& tx = change.tx();
    if (!LoadStation(tx, station_id, /*for_update=*/true).has_value()) {
      return NotFoundError(station);
    }
    // Checked against the definition inside the transaction, so a concurrent replacement cannot slip
    // an undefined item in.
    const ChecklistDefinition definition = LoadChecklistDefinition(tx);
    const std::vector<std::string> defined(definition.items().begin(), definition.items().end());
    RETURN_IF_ERROR(ValidateChecklistAssessment(request.checklist(), defined));
    minyi::deputies::v1::StationChecklistUpdated event;
    event.set_station(station);
    for (const minyi::deputies::v1::ChecklistItem& item : request.checklist().items()) {
      UpsertChecklistAssessment(tx, station_id, item, caller.account_id());
      event.add_items(item.item());
    }
    *response = ComposeChecklist(name, defined, LoadChecklistAssessments(tx, station_id));
    event.set_items_met(response->items_met());
    change.Emit(event, name);
    change.Audit(name, {{"items", JsonList(event.items())}, {"items_met", event.items_met()}});
    return absl::OkStatus();
  });
}

absl::Status Stations::CreateRotaEntry(const Call& call, const CreateRotaEntryRequest& request, RotaEntry* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.RequireOffice(call));
  ASSIGN_OR_RETURN(const int64_t station_id, ParseResourceId(request.parent(), kStations, "parent"));
  RotaEntry content = request.rota_entry();
  KeepRotaContent(&content);
  RETURN_IF_ERROR(ValidateRotaEntry(content));
  const int64_t deputy_id = *ParseResourceId(content.deputy(), kDeputies, "rota_entry.deputy");
  const std::string station = ResourceName(kStations, station_id);
  return commands_.Run(call, caller, "CreateRotaEntry", request, response, [&](Change& change) -> absl::Status {
    pqxx::work& tx = change.tx();
    if (!StationExists(tx, station_id)) {
      return NotFoundError(station);
    }
    // Locking the deputy serialises this check with a concurrent change of their stations.
    std::optional<Deputy> deputy = LoadDeputy(tx, deputy_id, /*for_update=*/true);
    if (!deputy.has_value()) {
      return InvalidField("rota_entry.deputy", absl::StrCat(content.deputy(), " does not exist"));
    }
    if (deputy->status() != minyi::deputies::v1::DEPUTY_STATUS_SERVING) {
      return InvalidField("rota_entry.deputy", absl::StrCat(content.deputy(), " is not serving"));
    }
    const auto& stations = deputy->stations();
    if (std::find(stations.begin(), stations.end(), station) == stations.end()) {
      return InvalidField("rota_entry.deputy", absl::StrCat(content.deputy(), " is not a current member of ", station));
    }
    const std::optional<int64_t> id = InsertRotaEntry(tx, station_id, deputy_id, content, caller.account_id());
    if (!id.has_value()) {
      return AlreadyExists("ROTA_ENTRY_EXISTS", absl::StrCat(content.deputy(), " is on the rota of ", station, " on ",
                                                             content.date(), " already"));
    }
    const std::string name = RotaEntryName(station_id, *id);
    minyi::deputies::v1::RotaEntryCreated event;
    event.set_rota_entry(name);
    event.set_deputy(content.deputy());
    event.set_date(content.date());
    change.Emit(event, name);
    change.Audit(name, {{"deputy", content.deputy()}, {"date", content.date()}});
    *response = *LoadRotaEntry(tx, *id);
    return absl::OkStatus();
  });
}

absl::Status Stations::ListRotaEntries(const Call& call, const ListRotaEntriesRequest& request,
                                       ListRotaEntriesResponse* response) {
  // The suggestions service reads who is on duty at a station today.
  RETURN_IF_ERROR(authorizer_.AuthenticateUserOrService(call, {"suggestions"}).status());
  ASSIGN_OR_RETURN(const int64_t station_id, ParseResourceId(request.parent(), kStations, "parent"));
  RETURN_IF_ERROR(ValidateRotaRange(request.start_date(), request.end_date()));
  return pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    if (!StationExists(tx, station_id)) {
      return NotFoundError(ResourceName(kStations, station_id));
    }
    for (RotaEntry& entry : SelectRotaEntries(tx, station_id, request.start_date(), request.end_date())) {
      *response->add_rota_entries() = std::move(entry);
    }
    return absl::OkStatus();
  });
}

}  // namespace minyi::deputies

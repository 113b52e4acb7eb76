#include "deputies/service.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/audit.h"
#include "common/idempotency.h"
#include "common/log.h"
#include "common/names.h"
#include "common/outbox.h"
#include "common/status.h"
#include "common/text.h"
#include "deputies/field_mask.h"
#include "deputies/paging.h"
#include "deputies/privacy.h"
#include "deputies/registry.h"
#include "deputies/store.h"
#include "grpcpp/server_context.h"

namespace minyi::deputies {
namespace {

using ::minyi::deputies::v1::CreateDeputyRequest;
using ::minyi::deputies::v1::CreateStationRequest;
using ::minyi::deputies::v1::Deputy;
using ::minyi::deputies::v1::GetDeputyRequest;
using ::minyi::deputies::v1::GetStationRequest;
using ::minyi::deputies::v1::ListDeputiesRequest;
using ::minyi::deputies::v1::ListDeputiesResponse;
using ::minyi::deputies::v1::ListStationsRequest;
using ::minyi::deputies::v1::ListStationsResponse;
using ::minyi::deputies::v1::Station;
using ::minyi::deputies::v1::UpdateDeputyRequest;
using ::minyi::deputies::v1::UpdateStationRequest;

constexpr std::size_t kMaxFilterChars = 64;

absl::StatusOr<Caller> RequireOffice(const Authorizer& authorizer, const grpc::ServerContext& ctx) {
  return authorizer.Require(ctx, {minyi::common::v1::ROLE_ADMIN, minyi::common::v1::ROLE_STAFF});
}

nlohmann::json JsonList(const google::protobuf::RepeatedPtrField<std::string>& values) {
  return nlohmann::json(std::vector<std::string>(values.begin(), values.end()));
}

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

DeputiesService::DeputiesService(PgPool& pool, const Authorizer& authorizer)
    : pool_(pool), authorizer_(authorizer) {}

grpc::Status DeputiesService::CreateDeputy(grpc::ServerContext* ctx, const CreateDeputyRequest* request,
                                           Deputy* response) {
  return ToGrpc(DoCreateDeputy(*ctx, *request, response));
}

grpc::Status DeputiesService::GetDeputy(grpc::ServerContext* ctx, const GetDeputyRequest* request,
                                        Deputy* response) {
  return ToGrpc(DoGetDeputy(*ctx, *request, response));
}

grpc::Status DeputiesService::ListDeputies(grpc::ServerContext* ctx, const ListDeputiesRequest* request,
                                           ListDeputiesResponse* response) {
  return ToGrpc(DoListDeputies(*ctx, *request, response));
}

grpc::Status DeputiesService::UpdateDeputy(grpc::ServerContext* ctx, const UpdateDeputyRequest* request,
                                           Deputy* response) {
  return ToGrpc(DoUpdateDeputy(*ctx, *request, response));
}

grpc::Status DeputiesService::CreateStation(grpc::ServerContext* ctx, const CreateStationRequest* request,
                                            Station* response) {
  return ToGrpc(DoCreateStation(*ctx, *request, response));
}

grpc::Status DeputiesService::GetStation(grpc::ServerContext* ctx, const GetStationRequest* request,
                                         Station* response) {
  return ToGrpc(DoGetStation(*ctx, *request, response));
}

grpc::Status DeputiesService::ListStations(grpc::ServerContext* ctx, const ListStationsRequest* request,
                                           ListStationsResponse* response) {
  return ToGrpc(DoListStations(*ctx, *request, response));
}

grpc::Status DeputiesService::UpdateStation(grpc::ServerContext* ctx, const UpdateStationRequest* request,
                                            Station* response) {
  return ToGrpc(DoUpdateStation(*ctx, *request, response));
}

absl::Status DeputiesService::DoCreateDeputy(const grpc::ServerContext& ctx,
                                             const CreateDeputyRequest& request, Deputy* response) {
  absl::StatusOr<Caller> caller = RequireOffice(authorizer_, ctx);
  if (!caller.ok()) {
    return caller.status();
  }
  Deputy deputy = request.deputy();
  PrepareNewDeputy(&deputy);
  if (absl::Status st = ValidateDeputy(deputy); !st.ok()) {
    return st;
  }
  return RunIdempotent(pool_, ctx, *caller, "deputies.CreateDeputy", request, response,
                       [&](pqxx::work& tx) -> absl::Status {
                         if (absl::Status st = CheckStationsExist(tx, deputy); !st.ok()) {
                           return st;
                         }
                         const int64_t id = InsertDeputy(tx, deputy, caller->account_id());
                         for (int64_t station : StationIds(deputy)) {
                           OpenMembership(tx, id, station);
                         }
                         const std::string name = ResourceName(kDeputies, id);
                         minyi::deputies::v1::DeputyCreated event;
                         event.set_deputy(name);
                         event.set_display_name(deputy.display_name());
                         *event.mutable_stations() = deputy.stations();
                         EmitEvent(tx, event, name, caller->account_id());
                         AppendAudit(tx, {.actor = caller->account_id(),
                                          .action = "CreateDeputy",
                                          .resource = name,
                                          .request_id = RequestId(ctx),
                                          .detail = {{"stations", JsonList(deputy.stations())}}});
                         *response = *LoadDeputy(tx, id);
                         return absl::OkStatus();
                       });
}

absl::Status DeputiesService::DoGetDeputy(const grpc::ServerContext& ctx, const GetDeputyRequest& request,
                                          Deputy* response) {
  absl::StatusOr<Caller> caller = authorizer_.Authenticate(ctx);
  if (!caller.ok()) {
    return caller.status();
  }
  absl::StatusOr<int64_t> id = ParseResourceId(request.name(), kDeputies, "name");
  if (!id.ok()) {
    return id.status();
  }
  std::optional<Deputy> deputy;
  absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) {
    deputy = LoadDeputy(tx, *id);
    return absl::OkStatus();
  });
  if (!st.ok()) {
    return st;
  }
  if (!deputy.has_value()) {
    return NotFoundError(ResourceName(kDeputies, *id));
  }
  if (!MaySeePersonalData(*caller, deputy->name())) {
    MaskPersonalData(&*deputy);
  }
  *response = *std::move(deputy);
  return absl::OkStatus();
}

absl::Status DeputiesService::DoListDeputies(const grpc::ServerContext& ctx,
                                             const ListDeputiesRequest& request,
                                             ListDeputiesResponse* response) {
  absl::StatusOr<Caller> caller = authorizer_.Authenticate(ctx);
  if (!caller.ok()) {
    return caller.status();
  }
  absl::StatusOr<int> page_size = EffectivePageSize(request.page_size());
  if (!page_size.ok()) {
    return page_size.status();
  }
  const std::string fingerprint = FilterFingerprint(request);
  absl::StatusOr<int64_t> after = DecodePageToken(request.page_token(), fingerprint);
  if (!after.ok()) {
    return after.status();
  }
  // One row past the page tells whether another page follows.
  DeputyQuery query{.after_id = *after, .limit = *page_size + 1};
  if (!request.station().empty()) {
    absl::StatusOr<int64_t> station = ParseResourceId(request.station(), kStations, "station");
    if (!station.ok()) {
      return station.status();
    }
    query.station_id = *station;
  }
  if (request.status() != minyi::deputies::v1::DEPUTY_STATUS_UNSPECIFIED) {
    if (!minyi::deputies::v1::DeputyStatus_IsValid(request.status())) {
      return InvalidField("status", "is not a known status");
    }
    query.status = minyi::deputies::v1::DeputyStatus_Name(request.status());
  }
  if (absl::Status st = CheckText("query", request.query(), 0, kMaxFilterChars); !st.ok()) {
    return st;
  }
  query.text = request.query();
  std::vector<Deputy> deputies;
  absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) {
    deputies = SelectDeputies(tx, query);
    return absl::OkStatus();
  });
  if (!st.ok()) {
    return st;
  }
  if (deputies.size() > static_cast<std::size_t>(*page_size)) {
    deputies.pop_back();
    response->set_next_page_token(
        EncodePageToken(*ParseResourceId(deputies.back().name(), kDeputies, "name"), fingerprint));
  }
  for (Deputy& deputy : deputies) {
    MaskPersonalData(&deputy);
    *response->add_deputies() = std::move(deputy);
  }
  return absl::OkStatus();
}

absl::Status DeputiesService::DoUpdateDeputy(const grpc::ServerContext& ctx,
                                             const UpdateDeputyRequest& request, Deputy* response) {
  absl::StatusOr<Caller> caller = RequireOffice(authorizer_, ctx);
  if (!caller.ok()) {
    return caller.status();
  }
  absl::StatusOr<int64_t> id = ParseResourceId(request.deputy().name(), kDeputies, "deputy.name");
  if (!id.ok()) {
    return id.status();
  }
  const std::string name = ResourceName(kDeputies, *id);
  return RunIdempotent(
      pool_, ctx, *caller, "deputies.UpdateDeputy", request, response, [&](pqxx::work& tx) -> absl::Status {
        std::optional<Deputy> current = LoadDeputy(tx, *id, /*for_update=*/true);
        if (!current.has_value()) {
          return NotFoundError(name);
        }
        Deputy updated = *current;
        absl::StatusOr<std::vector<std::string>> paths =
            ApplyFieldMask(request.deputy(), request.update_mask(), kDeputyUpdatableFields, &updated);
        if (!paths.ok()) {
          return paths.status();
        }
        NormalizeDeputy(&updated);
        if (absl::Status st = ValidateDeputy(updated); !st.ok()) {
          return st;
        }
        if (absl::Status st = CheckStationsExist(tx, updated); !st.ok()) {
          return st;
        }
        const MembershipChanges changes = DiffMemberships(CurrentStationIds(tx, *id), StationIds(updated));
        for (int64_t station : changes.close) {
          CloseMembership(tx, *id, station);
        }
        for (int64_t station : changes.open) {
          OpenMembership(tx, *id, station);
        }
        UpdateDeputyRow(tx, *id, updated, caller->account_id());
        minyi::deputies::v1::DeputyUpdated event;
        event.set_deputy(name);
        for (const std::string& path : *paths) {
          event.add_changed_fields(path);
        }
        event.set_status(updated.status());
        EmitEvent(tx, event, name, caller->account_id());
        AppendAudit(tx, {.actor = caller->account_id(),
                         .action = "UpdateDeputy",
                         .resource = name,
                         .request_id = RequestId(ctx),
                         .detail = {{"changed_fields", JsonList(event.changed_fields())}}});
        *response = *LoadDeputy(tx, *id);
        return absl::OkStatus();
      });
}

absl::Status DeputiesService::DoCreateStation(const grpc::ServerContext& ctx,
                                              const CreateStationRequest& request, Station* response) {
  absl::StatusOr<Caller> caller = RequireOffice(authorizer_, ctx);
  if (!caller.ok()) {
    return caller.status();
  }
  Station station = request.station();
  PrepareNewStation(&station);
  if (absl::Status st = ValidateStation(station); !st.ok()) {
    return st;
  }
  return RunIdempotent(pool_, ctx, *caller, "deputies.CreateStation", request, response,
                       [&](pqxx::work& tx) -> absl::Status {
                         const int64_t id = InsertStation(tx, station, caller->account_id());
                         const std::string name = ResourceName(kStations, id);
                         minyi::deputies::v1::StationCreated event;
                         event.set_station(name);
                         event.set_display_name(station.display_name());
                         EmitEvent(tx, event, name, caller->account_id());
                         AppendAudit(tx, {.actor = caller->account_id(),
                                          .action = "CreateStation",
                                          .resource = name,
                                          .request_id = RequestId(ctx)});
                         *response = *LoadStation(tx, id);
                         return absl::OkStatus();
                       });
}

absl::Status DeputiesService::DoGetStation(const grpc::ServerContext& ctx, const GetStationRequest& request,
                                           Station* response) {
  absl::StatusOr<Caller> caller = authorizer_.Authenticate(ctx);
  if (!caller.ok()) {
    return caller.status();
  }
  absl::StatusOr<int64_t> id = ParseResourceId(request.name(), kStations, "name");
  if (!id.ok()) {
    return id.status();
  }
  std::optional<Station> station;
  absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) {
    station = LoadStation(tx, *id);
    return absl::OkStatus();
  });
  if (!st.ok()) {
    return st;
  }
  if (!station.has_value()) {
    return NotFoundError(ResourceName(kStations, *id));
  }
  *response = *std::move(station);
  return absl::OkStatus();
}

absl::Status DeputiesService::DoListStations(const grpc::ServerContext& ctx,
                                             const ListStationsRequest& request,
                                             ListStationsResponse* response) {
  absl::StatusOr<Caller> caller = authorizer_.Authenticate(ctx);
  if (!caller.ok()) {
    return caller.status();
  }
  absl::StatusOr<int> page_size = EffectivePageSize(request.page_size());
  if (!page_size.ok()) {
    return page_size.status();
  }
  const std::string fingerprint = FilterFingerprint(request);
  absl::StatusOr<int64_t> after = DecodePageToken(request.page_token(), fingerprint);
  if (!after.ok()) {
    return after.status();
  }
  StationQuery query{.after_id = *after, .limit = *page_size + 1};
  if (request.kind() != minyi::deputies::v1::STATION_KIND_UNSPECIFIED) {
    if (!minyi::deputies::v1::StationKind_IsValid(request.kind())) {
      return InvalidField("kind", "is not a known station kind");
    }
    query.kind = minyi::deputies::v1::StationKind_Name(request.kind());
  }
  if (absl::Status st = CheckText("region", request.region(), 0, kMaxFilterChars); !st.ok()) {
    return st;
  }
  query.region = request.region();
  std::vector<Station> stations;
  absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) {
    stations = SelectStations(tx, query);
    return absl::OkStatus();
  });
  if (!st.ok()) {
    return st;
  }
  if (stations.size() > static_cast<std::size_t>(*page_size)) {
    stations.pop_back();
    response->set_next_page_token(
        EncodePageToken(*ParseResourceId(stations.back().name(), kStations, "name"), fingerprint));
  }
  for (Station& station : stations) {
    *response->add_stations() = std::move(station);
  }
  return absl::OkStatus();
}

absl::Status DeputiesService::DoUpdateStation(const grpc::ServerContext& ctx,
                                              const UpdateStationRequest& request, Station* response) {
  absl::StatusOr<Caller> caller = RequireOffice(authorizer_, ctx);
  if (!caller.ok()) {
    return caller.status();
  }
  absl::StatusOr<int64_t> id = ParseResourceId(request.station().name(), kStations, "station.name");
  if (!id.ok()) {
    return id.status();
  }
  const std::string name = ResourceName(kStations, *id);
  return RunIdempotent(
      pool_, ctx, *caller, "deputies.UpdateStation", request, response, [&](pqxx::work& tx) -> absl::Status {
        std::optional<Station> current = LoadStation(tx, *id, /*for_update=*/true);
        if (!current.has_value()) {
          return NotFoundError(name);
        }
        Station updated = *current;
        absl::StatusOr<std::vector<std::string>> paths =
            ApplyFieldMask(request.station(), request.update_mask(), kStationUpdatableFields, &updated);
        if (!paths.ok()) {
          return paths.status();
        }
        if (absl::Status st = ValidateStation(updated); !st.ok()) {
          return st;
        }
        UpdateStationRow(tx, *id, updated, caller->account_id());
        minyi::deputies::v1::StationUpdated event;
        event.set_station(name);
        for (const std::string& path : *paths) {
          event.add_changed_fields(path);
        }
        EmitEvent(tx, event, name, caller->account_id());
        AppendAudit(tx, {.actor = caller->account_id(),
                         .action = "UpdateStation",
                         .resource = name,
                         .request_id = RequestId(ctx),
                         .detail = {{"changed_fields", nlohmann::json(*paths)}}});
        *response = *LoadStation(tx, *id);
        return absl::OkStatus();
      });
}

}  // namespace minyi::deputies

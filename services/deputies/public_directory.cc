#include "deputies/public_directory.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/names.h"
#include "common/paging.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "deputies/privacy.h"
#include "deputies/registry.h"
#include "deputies/shared.h"
#include "deputies/store.h"

namespace minyi::deputies {
namespace {

using ::minyi::deputies::v1::Deputy;
using ::minyi::deputies::v1::PublicDeputy;
using ::minyi::deputies::v1::PublicStation;
using ::minyi::deputies::v1::Station;

// The rota shown on a station's page: today and the 13 days after.
constexpr int kRotaDays = 14;

// A station's public fields and its serving members. Memberships close when a deputy leaves, so the
// current members are the serving deputies.
PublicStation ToPublic(pqxx::transaction_base& tx, const Station& station, int64_t id) {
  PublicStation out;
  out.set_name(station.name());
  out.set_display_name(station.display_name());
  out.set_kind(station.kind());
  *out.mutable_region_path() = station.region_path();
  out.set_address(station.address());
  for (const Member& member : CurrentMembers(tx, id)) {
    auto* ref = out.add_deputies();
    ref->set_name(ResourceName(kDeputies, member.deputy_id));
    ref->set_display_name(member.display_name);
  }
  return out;
}

// The display names of the stations a profile names, read once per station per request.
void NameStations(pqxx::transaction_base& tx, std::map<std::string, std::string>& names, PublicDeputy* deputy) {
  for (auto& ref : *deputy->mutable_stations()) {
    auto it = names.find(ref.name());
    if (it == names.end()) {
      std::optional<Station> station;
      if (absl::StatusOr<int64_t> id = ParseResourceId(ref.name(), kStations, "station"); id.ok()) {
        station = LoadStation(tx, *id);
      }
      it = names.emplace(ref.name(), station.has_value() ? station->display_name() : "").first;
    }
    ref.set_display_name(it->second);
  }
}

}  // namespace

absl::Status PublicDirectory::ListStations(const Call&, const v1::ListPublicStationsRequest& request,
                                           v1::ListPublicStationsResponse* response) {
  ASSIGN_OR_RETURN(const PageRequest page,
                   ReadPageRequest(request.page_size(), request.page_token(),
                                   {"publicStations", absl::StrCat(request.kind()), request.region()}));
  ASSIGN_OR_RETURN(const StationQuery query, StationListQuery(page, request.kind(), request.region()));
  return pool_.Read([&](pqxx::transaction_base& tx) {
    std::vector<Station> stations = SelectStations(tx, query);
    response->set_next_page_token(TrimToPage(stations, page.size, page.fingerprint, [](const Station& r) {
      return *ParseResourceId(r.name(), kStations, "name");
    }));
    for (const Station& station : stations) {
      *response->add_stations() = ToPublic(tx, station, *ParseResourceId(station.name(), kStations, "name"));
    }
    return absl::OkStatus();
  });
}

absl::Status PublicDirectory::GetStation(const Call&, const v1::GetPublicStationRequest& request,
                                         PublicStation* response) {
  ASSIGN_OR_RETURN(const int64_t id, ParseResourceId(request.name(), kStations, "name"));
  const absl::CivilDay today = DomainClock().Today();
  return pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    std::optional<Station> station = LoadStation(tx, id);
    if (!station.has_value()) {
      return NotFoundError(ResourceName(kStations, id));
    }
    *response = ToPublic(tx, *station, id);
    std::set<std::string> serving;
    for (const auto& ref : response->deputies()) {
      serving.insert(ref.name());
    }
    for (const v1::RotaEntry& entry :
         SelectRotaEntries(tx, id, absl::FormatCivilTime(today), absl::FormatCivilTime(today + (kRotaDays - 1)))) {
      // A deputy who has left since the rota was made receives nobody.
      if (!serving.contains(entry.deputy())) {
        continue;
      }
      auto* day = response->add_rota();
      day->set_date(entry.date());
      day->mutable_deputy()->set_name(entry.deputy());
      day->mutable_deputy()->set_display_name(entry.display_name());
      day->set_note(entry.note());
    }
    return absl::OkStatus();
  });
}

absl::Status PublicDirectory::ListDeputies(const Call&, const v1::ListPublicDeputiesRequest& request,
                                           v1::ListPublicDeputiesResponse* response) {
  ASSIGN_OR_RETURN(const PageRequest page, ReadPageRequest(request.page_size(), request.page_token(),
                                                           {"publicDeputies", request.station(), request.query()}));
  DeputyQuery query{.after_id = page.after_id,
                    .limit = page.size + 1,
                    .status = minyi::deputies::v1::DeputyStatus_Name(minyi::deputies::v1::DEPUTY_STATUS_SERVING)};
  if (!request.station().empty()) {
    ASSIGN_OR_RETURN(query.station_id, ParseResourceId(request.station(), kStations, "station"));
  }
  RETURN_IF_ERROR(CheckText("query", request.query(), 0, kMaxFilterChars));
  query.text = request.query();
  return pool_.Read([&](pqxx::transaction_base& tx) {
    std::vector<Deputy> deputies = SelectDeputies(tx, query);
    response->set_next_page_token(TrimToPage(deputies, page.size, page.fingerprint, [](const Deputy& r) {
      return *ParseResourceId(r.name(), kDeputies, "name");
    }));
    std::map<std::string, std::string> station_names;
    for (const Deputy& deputy : deputies) {
      PublicDeputy* profile = response->add_deputies();
      *profile = PublicProfile(deputy);
      NameStations(tx, station_names, profile);
    }
    return absl::OkStatus();
  });
}

absl::Status PublicDirectory::GetDeputy(const Call&, const v1::GetPublicDeputyRequest& request,
                                        PublicDeputy* response) {
  ASSIGN_OR_RETURN(const int64_t id, ParseResourceId(request.name(), kDeputies, "name"));
  return pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    std::optional<Deputy> deputy = LoadDeputy(tx, id);
    if (!deputy.has_value() || !HasPublicProfile(*deputy)) {
      return NotFoundError(ResourceName(kDeputies, id));
    }
    *response = PublicProfile(*deputy);
    std::map<std::string, std::string> station_names;
    NameStations(tx, station_names, response);
    return absl::OkStatus();
  });
}

}  // namespace minyi::deputies

#pragma once

#include "absl/status/status.h"
#include "common/auth.h"
#include "common/call.h"
#include "common/command.h"
#include "common/pg.h"
#include "minyi/deputies/v1/deputies.pb.h"

namespace minyi::deputies {

namespace v1 = ::minyi::deputies::v1;

// Liaison stations (联络站): the stations themselves, their nine-haves checklist (the definition every
// station is assessed against, and each station's assessment), their duty rota and their star rating.
// Office staff keep them; every signed-in caller reads them.
class Stations final {
 public:
  Stations(PgPool& pool, const Authorizer& authorizer)
      : pool_(pool), authorizer_(authorizer), commands_(pool, "deputies") {}

  absl::Status Create(const Call& call, const v1::CreateStationRequest& request, v1::Station* response);
  absl::Status Get(const Call& call, const v1::GetStationRequest& request, v1::Station* response);
  absl::Status List(const Call& call, const v1::ListStationsRequest& request, v1::ListStationsResponse* response);
  absl::Status Update(const Call& call, const v1::UpdateStationRequest& request, v1::Station* response);
  absl::Status Rate(const Call& call, const v1::RateStationsRequest& request, v1::RateStationsResponse* response);

  absl::Status GetChecklistDefinition(const Call& call, const v1::GetChecklistDefinitionRequest& request,
                                      v1::ChecklistDefinition* response);
  absl::Status UpdateChecklistDefinition(const Call& call, const v1::UpdateChecklistDefinitionRequest& request,
                                         v1::ChecklistDefinition* response);
  absl::Status GetChecklist(const Call& call, const v1::GetStationChecklistRequest& request,
                            v1::StationChecklist* response);
  absl::Status UpdateChecklist(const Call& call, const v1::UpdateStationChecklistRequest& request,
                               v1::StationChecklist* response);

  absl::Status CreateRotaEntry(const Call& call, const v1::CreateRotaEntryRequest& request, v1::RotaEntry* response);
  absl::Status ListRotaEntries(const Call& call, const v1::ListRotaEntriesRequest& request,
                               v1::ListRotaEntriesResponse* response);

 private:
  PgPool& pool_;
  const Authorizer& authorizer_;
  const Commands commands_;
};

}  // namespace minyi::deputies

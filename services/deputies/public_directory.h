#pragma once

#include "absl/status/status.h"
#include "common/call.h"
#include "common/clock.h"
#include "common/pg.h"
#include "minyi/deputies/v1/deputies.pb.h"

namespace minyi::deputies {

namespace v1 = ::minyi::deputies::v1;

// The anonymous reads (PublicDeputies): the station directory and the serving deputies' public profiles.
// No handler reads a token: the gateway serves them to everyone alike. What of a deputy is public is
// privacy.h's to say; a deputy who no longer serves is NOT_FOUND exactly as an unknown id.
class PublicDirectory final {
 public:
  explicit PublicDirectory(PgPool& pool) : pool_(pool) {}

  absl::Status ListStations(const Call& call, const v1::ListPublicStationsRequest& request,
                            v1::ListPublicStationsResponse* response);
  absl::Status GetStation(const Call& call, const v1::GetPublicStationRequest& request, v1::PublicStation* response);
  absl::Status ListDeputies(const Call& call, const v1::ListPublicDeputiesRequest& request,
                            v1::ListPublicDeputiesResponse* response);
  absl::Status GetDeputy(const Call& call, const v1::GetPublicDeputyRequest& request, v1::PublicDeputy* response);

 private:
  PgPool& pool_;
};

}  // namespace minyi::deputies

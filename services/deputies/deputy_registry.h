#pragma once

#include "absl/status/status.h"
#include "common/auth.h"
#include "common/call.h"
#include "common/command.h"
#include "common/pg.h"
#include "minyi/deputies/v1/deputies.pb.h"

namespace minyi::deputies {

namespace v1 = ::minyi::deputies::v1;

// The deputies registry: deputies created, read, listed and updated by office staff, with their
// memberships of stations; a deputy's personal data is masked for everyone but the office and themself.
// Other services read deputies' stations and statuses with their own credentials.
class DeputyRegistry final {
 public:
  DeputyRegistry(PgPool& pool, const Authorizer& authorizer)
      : pool_(pool), authorizer_(authorizer), commands_(pool, "deputies") {}

  absl::Status Create(const Call& call, const v1::CreateDeputyRequest& request, v1::Deputy* response);
  absl::Status Get(const Call& call, const v1::GetDeputyRequest& request, v1::Deputy* response);
  absl::Status List(const Call& call, const v1::ListDeputiesRequest& request, v1::ListDeputiesResponse* response);
  absl::Status Update(const Call& call, const v1::UpdateDeputyRequest& request, v1::Deputy* response);
  absl::Status BatchGetStatuses(const Call& call, const v1::BatchGetDeputyStatusesRequest& request,
                                v1::BatchGetDeputyStatusesResponse* response);

 private:
  PgPool& pool_;
  const Authorizer& authorizer_;
  const Commands commands_;
};

}  // namespace minyi::deputies

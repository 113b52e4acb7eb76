#pragma once

#include "absl/status/status.h"
#include "common/auth.h"
#include "common/pg.h"
#include "minyi/deputies/v1/deputies.grpc.pb.h"

namespace minyi::deputies {

// The deputies registry and liaison stations. Each RPC delegates to an absl::Status method; errors are
// converted to gRPC only at the boundary. Mutations are office-only (admin, staff), idempotent with an
// Idempotency-Key, and write their event and audit row in the same transaction as the change.
class DeputiesService final : public minyi::deputies::v1::Deputies::Service {
 public:
  DeputiesService(PgPool& pool, const Authorizer& authorizer);

  grpc::Status CreateDeputy(grpc::ServerContext* ctx, const minyi::deputies::v1::CreateDeputyRequest* request,
                            minyi::deputies::v1::Deputy* response) override;
  grpc::Status GetDeputy(grpc::ServerContext* ctx, const minyi::deputies::v1::GetDeputyRequest* request,
                         minyi::deputies::v1::Deputy* response) override;
  grpc::Status ListDeputies(grpc::ServerContext* ctx, const minyi::deputies::v1::ListDeputiesRequest* request,
                            minyi::deputies::v1::ListDeputiesResponse* response) override;
  grpc::Status UpdateDeputy(grpc::ServerContext* ctx, const minyi::deputies::v1::UpdateDeputyRequest* request,
                            minyi::deputies::v1::Deputy* response) override;
  grpc::Status CreateStation(grpc::ServerContext* ctx,
                             const minyi::deputies::v1::CreateStationRequest* request,
                             minyi::deputies::v1::Station* response) override;
  grpc::Status GetStation(grpc::ServerContext* ctx, const minyi::deputies::v1::GetStationRequest* request,
                          minyi::deputies::v1::Station* response) override;
  grpc::Status ListStations(grpc::ServerContext* ctx, const minyi::deputies::v1::ListStationsRequest* request,
                            minyi::deputies::v1::ListStationsResponse* response) override;
  grpc::Status UpdateStation(grpc::ServerContext* ctx,
                             const minyi::deputies::v1::UpdateStationRequest* request,
                             minyi::deputies::v1::Station* response) override;

 private:
  absl::Status DoCreateDeputy(const grpc::ServerContext& ctx,
                              const minyi::deputies::v1::CreateDeputyRequest& request,
                              minyi::deputies::v1::Deputy* response);
  absl::Status DoGetDeputy(const grpc::ServerContext& ctx,
                           const minyi::deputies::v1::GetDeputyRequest& request,
                           minyi::deputies::v1::Deputy* response);
  absl::Status DoListDeputies(const grpc::ServerContext& ctx,
                              const minyi::deputies::v1::ListDeputiesRequest& request,
                              minyi::deputies::v1::ListDeputiesResponse* response);
  absl::Status DoUpdateDeputy(const grpc::ServerContext& ctx,
                              const minyi::deputies::v1::UpdateDeputyRequest& request,
                              minyi::deputies::v1::Deputy* response);
  absl::Status DoCreateStation(const grpc::ServerContext& ctx,
                               const minyi::deputies::v1::CreateStationRequest& request,
                               minyi::deputies::v1::Station* response);
  absl::Status DoGetStation(const grpc::ServerContext& ctx,
                            const minyi::deputies::v1::GetStationRequest& request,
                            minyi::deputies::v1::Station* response);
  absl::Status DoListStations(const grpc::ServerContext& ctx,
                              const minyi::deputies::v1::ListStationsRequest& request,
                              minyi::deputies::v1::ListStationsResponse* response);
  absl::Status DoUpdateStation(const grpc::ServerContext& ctx,
                               const minyi::deputies::v1::UpdateStationRequest& request,
                               minyi::deputies::v1::Station* response);

  PgPool& pool_;
  const Authorizer& authorizer_;
};

}  // namespace minyi::deputies

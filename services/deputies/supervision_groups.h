#pragma once

#include "absl/status/status.h"
#include "common/auth.h"
#include "common/call.h"
#include "common/command.h"
#include "common/pg.h"
#include "minyi/deputies/v1/deputies.pb.h"

namespace minyi::deputies {

namespace v1 = ::minyi::deputies::v1;

// Supervision groups (代表联系监督组): serving deputies proposed by sector for a livelihood project or a
// department, then formed and kept by office staff. Deputies, office staff and leaders read them; the
// voting service reads a group attached to a project.
class SupervisionGroups final {
 public:
  SupervisionGroups(PgPool& pool, const Authorizer& authorizer)
      : pool_(pool), authorizer_(authorizer), commands_(pool, "deputies") {}

  absl::Status Propose(const Call& call, const v1::ProposeSupervisionGroupRequest& request,
                       v1::ProposeSupervisionGroupResponse* response);
  absl::Status Create(const Call& call, const v1::CreateSupervisionGroupRequest& request,
                      v1::SupervisionGroup* response);
  absl::Status Get(const Call& call, const v1::GetSupervisionGroupRequest& request, v1::SupervisionGroup* response);
  absl::Status List(const Call& call, const v1::ListSupervisionGroupsRequest& request,
                    v1::ListSupervisionGroupsResponse* response);
  absl::Status Update(const Call& call, const v1::UpdateSupervisionGroupRequest& request,
                      v1::SupervisionGroup* response);

 private:
  PgPool& pool_;
  const Authorizer& authorizer_;
  const Commands commands_;
};

}  // namespace minyi::deputies

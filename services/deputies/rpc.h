#pragma once

#include <memory>

#include "common/dead_events.h"
#include "common/rpc.h"
#include "deputies/deputy_registry.h"
#include "deputies/duty_file.h"
#include "deputies/public_directory.h"
#include "deputies/stations.h"
#include "deputies/supervision_groups.h"

namespace minyi::deputies {

// The gRPC face of deputies: every RPC of its proto service bound to the handler method that owns it.
std::unique_ptr<RpcService> DeputiesRpc(DeputyRegistry& registry, Stations& stations, DutyFile& duty_file,
                                        SupervisionGroups& supervision_groups, DeadEvents& dead_events);

// The anonymous reads, PublicDeputies, served by the same process.
std::unique_ptr<RpcService> PublicDeputiesRpc(PublicDirectory& directory);

}  // namespace minyi::deputies

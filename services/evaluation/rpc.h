#pragma once

#include <memory>

#include "common/rpc.h"
#include "evaluation/campaigns.h"
#include "evaluation/investigations.h"
#include "evaluation/rectifications.h"
#include "evaluation/score_sheets.h"

namespace minyi::evaluation {

// The gRPC face of evaluation: every RPC of its proto service bound to the handler method that owns it.
std::unique_ptr<RpcService> EvaluationRpc(Campaigns& campaigns, Investigations& investigations,
                                          ScoreSheets& score_sheets, Rectifications& rectifications);

}  // namespace minyi::evaluation

#pragma once

#include <memory>

#include "common/dead_events.h"
#include "common/rpc.h"
#include "suggestions/configuration.h"
#include "suggestions/handling.h"
#include "suggestions/items.h"
#include "suggestions/public_reads.h"
#include "suggestions/queries.h"

namespace minyi::suggestions {

// The gRPC face of suggestions: every RPC of its proto service bound to the handler method that owns it.
std::unique_ptr<RpcService> SuggestionsRpc(Items& items, Handling& handling, Queries& queries,
                                           Configuration& configuration, DeadEvents& dead_events);
// The public reads: every RPC of PublicSuggestions.
std::unique_ptr<RpcService> PublicSuggestionsRpc(PublicReads& reads);

}  // namespace minyi::suggestions

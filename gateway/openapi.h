#pragma once

#include <vector>

#include "nlohmann/json.hpp"
#include "router.h"

namespace minyi::gateway {

// An OpenAPI 3.0.3 document for `routes`, generated from the same descriptors the gateway routes by:
// one operation per binding (operationId = full RPC name), path and query parameters, the request body,
// a 200 response and a default google.rpc.Status error, component schemas built recursively from the
// messages (lowerCamelCase names, 64-bit integers as strings, enums as string enums, well-known types
// in their JSON form), and an optional bearer-token security scheme.
//
// A path variable bound to a resource name, {name=deputies/*}, becomes /deputies/{deputy}: OpenAPI path
// parameters cannot contain '/', so the literal parts stay in the path and each wildcard becomes a
// parameter named after the collection before it.
nlohmann::json BuildOpenApi(const std::vector<Route>& routes);

}  // namespace minyi::gateway

#pragma once

#include <cstdint>
#include <utility>

#include "absl/status/statusor.h"
#include "common/auth.h"

namespace minyi {

// Who calls and which resource the request names: where an RPC on one resource starts.
struct Target {
  Caller caller;
  int64_t id = 0;
};

// The caller's error comes before the name's, so a request that may not be made learns nothing about
// how its name was read. Takes the results of Authorizer and ParseResourceId, which have no side effects.
inline absl::StatusOr<Target> ResolveTarget(absl::StatusOr<Caller> caller, absl::StatusOr<int64_t> id) {
  if (!caller.ok()) {
    return caller.status();
  }
  if (!id.ok()) {
    return id.status();
  }
  return Target{*std::move(caller), *id};
}

}  // namespace minyi

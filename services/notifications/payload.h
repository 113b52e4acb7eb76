#pragma once

#include "absl/status/statusor.h"
#include "google/protobuf/any.pb.h"
#include "nlohmann/json.hpp"

namespace minyi::notifications {

// An event's payload as a JSON object with proto field names and every field present (defaults
// included), decoded through the generated descriptor pool: any message linked into the binary reads
// without code of its own. NOT_FOUND when the type is not linked in, INVALID_ARGUMENT when the bytes do
// not parse as it.
absl::StatusOr<nlohmann::json> PayloadFields(const google::protobuf::Any& data);

}  // namespace minyi::notifications

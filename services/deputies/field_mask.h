#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/message.h"

// Partial updates with google.protobuf.FieldMask (AIP-134), for flat resources.
namespace minyi::deputies {

// The fields a client may change; everything else (name, create_time, update_time) is output only.
inline constexpr absl::string_view kDeputyUpdatableFields[] = {
    "display_name", "gender",    "level",  "term",     "delegation",      "electoral_district", "sector",
    "phone",        "id_number", "status", "stations", "term_start_date", "term_end_date"};
inline constexpr absl::string_view kStationUpdatableFields[] = {"display_name", "kind", "region_path", "address"};

// Copies the fields `mask` names from `patch` onto `target` (same message type); a named field that is
// empty in `patch` is cleared, a repeated field is replaced whole. Returns the paths applied.
//  - An empty mask means every updatable field populated in `patch` (AIP-134's implied mask): a field
//    can only be cleared by naming it.
//  - "*" means every updatable field: a full replacement.
//  - Any other path not in `updatable` is INVALID_ARGUMENT on "update_mask", naming the path.
absl::StatusOr<std::vector<std::string>> ApplyFieldMask(const google::protobuf::Message& patch,
                                                        const google::protobuf::FieldMask& mask,
                                                        absl::Span<const absl::string_view> updatable,
                                                        google::protobuf::Message* target);

// Singleton tables are replaced whole: their update mask may only name the one list field (or nothing).
// Any other path is INVALID_ARGUMENT on "update_mask", naming the path.
absl::Status CheckOnlyPath(const google::protobuf::FieldMask& mask, absl::string_view allowed);

}  // namespace minyi::deputies

#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/status.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/generated_enum_reflection.h"

// Checks of protobuf enum fields. An enum field may hold any number on the wire, so a value must be looked
// up before it is trusted; every enum's 0 is its *_UNSPECIFIED value.
namespace minyi {

// An optional enum filter of a list request: "" when unset (no filter), the value's name when known, and
// INVALID_ARGUMENT on `field` saying `unknown` otherwise.
template <typename Enum>
absl::StatusOr<std::string> EnumFilter(absl::string_view field, int value, absl::string_view unknown) {
  const google::protobuf::EnumValueDescriptor* known =
      google::protobuf::GetEnumDescriptor<Enum>()->FindValueByNumber(value);
  if (known == nullptr) {
    return InvalidField(field, unknown);
  }
  return value == 0 ? "" : known->name();
}

// A required enum field: INVALID_ARGUMENT on `field` saying `description` unless it is set and known.
template <typename Enum>
absl::Status RequireEnum(absl::string_view field, int value, absl::string_view description) {
  if (value == 0 || google::protobuf::GetEnumDescriptor<Enum>()->FindValueByNumber(value) == nullptr) {
    return InvalidField(field, description);
  }
  return absl::OkStatus();
}

}  // namespace minyi

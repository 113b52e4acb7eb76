#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace minyi {

// Resource names are "<collection>/<id>" with a positive decimal id, e.g. "stations/12".
// ParseResourceId("stations/12", "stations/", "deputy.stations[0]") -> 12; the error names `field`.
// Only the canonical spelling parses ("stations/012" and "stations/+12" do not), so one resource has one
// name.
absl::StatusOr<int64_t> ParseResourceId(absl::string_view name, absl::string_view collection, absl::string_view field);
std::string ResourceName(absl::string_view collection, int64_t id);

// How answers name whoever did something, from the account id stored beside it: "266" -> "accounts/266".
// "" stays "" (nobody: a scheduled job), and an id that is not a number (a service's own
// "service:notifications") is its own name.
std::string AccountName(absl::string_view account_id);

}  // namespace minyi

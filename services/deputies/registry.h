#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "minyi/deputies/v1/deputies.pb.h"

// The registry's rules, free of I/O: resource names, field validation, membership changes.
namespace minyi::deputies {

inline constexpr absl::string_view kDeputies = "deputies/";
inline constexpr absl::string_view kStations = "stations/";
inline constexpr int kMaxStationsPerDeputy = 20;
inline constexpr int kMaxRegionDepth = 6;

// A mainland mobile number: 11 digits starting with 1.
bool IsValidMobile(absl::string_view phone);
// A resident ID number (GB 11643-1999): 6-digit region, 8-digit birth date, 3-digit sequence and the
// ISO 7064 MOD 11-2 check character (0-9 or X).
bool IsValidIdNumber(absl::string_view id_number);
// YYYY-MM-DD naming a real calendar day.
bool IsValidDate(absl::string_view date);

// Canonicalises input (an ID number's check character is upper case), so stored values compare equal
// however they were typed.
void NormalizeDeputy(minyi::deputies::v1::Deputy* deputy);
// Prepares a deputy for creation: output-only fields are ignored (AIP-133), the status defaults to
// serving, and the result is normalized.
void PrepareNewDeputy(minyi::deputies::v1::Deputy* deputy);
// Prepares a station for creation: output-only fields are ignored.
void PrepareNewStation(minyi::deputies::v1::Station* station);

// Checks a deputy as it will be stored. The error names the first bad field ("deputy.phone",
// "deputy.stations[1]", ...). Station existence is the store's to check.
absl::Status ValidateDeputy(const minyi::deputies::v1::Deputy& deputy);
absl::Status ValidateStation(const minyi::deputies::v1::Station& station);

// True when a status change takes a deputy out of office (serving -> resigned or terminated); a change
// between the two leaving statuses is not a second departure.
bool HasLeft(minyi::deputies::v1::DeputyStatus before, minyi::deputies::v1::DeputyStatus after);

// The station ids of deputy.stations(), in order. Call after ValidateDeputy.
std::vector<int64_t> StationIds(const minyi::deputies::v1::Deputy& deputy);

// What changing a deputy's stations from `current` to `desired` does to memberships: the ones to close
// and the ones to open. Stations in both keep their membership (and its start date).
struct MembershipChanges {
  std::vector<int64_t> close;
  std::vector<int64_t> open;
};
MembershipChanges DiffMemberships(const std::vector<int64_t>& current, const std::vector<int64_t>& desired);

}  // namespace minyi::deputies

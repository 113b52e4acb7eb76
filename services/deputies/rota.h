#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "minyi/deputies/v1/deputies.pb.h"

// The duty rota (代表坐班轮值), free of I/O: names and validation.
namespace minyi::deputies {

inline constexpr int kMaxRotaNoteChars = 200;
inline constexpr int kMaxRotaRangeDays = 366;

// "stations/{station}/rotaEntries/{id}".
std::string RotaEntryName(int64_t station_id, int64_t id);

// Keeps only what a client may set (deputy, date, note).
void KeepRotaContent(minyi::deputies::v1::RotaEntry* entry);
// Errors name "rota_entry.<field>". Membership of the station is the store's to check.
absl::Status ValidateRotaEntry(const minyi::deputies::v1::RotaEntry& entry);
// Both dates required, end not before start and at most kMaxRotaRangeDays days after it.
absl::Status ValidateRotaRange(absl::string_view start_date, absl::string_view end_date);

}  // namespace minyi::deputies

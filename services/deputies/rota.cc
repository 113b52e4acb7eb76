#include "deputies/rota.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/names.h"
#include "common/status.h"
#include "common/text.h"
#include "deputies/registry.h"

namespace minyi::deputies {
namespace {

// Call after IsValidDate.
absl::CivilDay ToCivilDay(absl::string_view date) {
  int year = 0;
  int month = 0;
  int day = 0;
  (void)absl::SimpleAtoi(date.substr(0, 4), &year);
  (void)absl::SimpleAtoi(date.substr(5, 2), &month);
  (void)absl::SimpleAtoi(date.substr(8, 2), &day);
  return absl::CivilDay(year, month, day);
}

}  // namespace

std::string RotaEntryName(int64_t station_id, int64_t id) {
  return absl::StrCat(kStations, station_id, "/rotaEntries/", id);
}

void KeepRotaContent(minyi::deputies::v1::RotaEntry* entry) {
  minyi::deputies::v1::RotaEntry content;
  content.set_deputy(entry->deputy());
  content.set_date(entry->date());
  content.set_note(entry->note());
  *entry = std::move(content);
}

absl::Status ValidateRotaEntry(const minyi::deputies::v1::RotaEntry& entry) {
  if (absl::Status st = ParseResourceId(entry.deputy(), kDeputies, "rota_entry.deputy").status(); !st.ok()) {
    return st;
  }
  if (!IsValidDate(entry.date())) {
    return InvalidField("rota_entry.date", "must be a date as YYYY-MM-DD");
  }
  return CheckText("rota_entry.note", entry.note(), 0, kMaxRotaNoteChars);
}

absl::Status ValidateRotaRange(absl::string_view start_date, absl::string_view end_date) {
  if (!IsValidDate(start_date)) {
    return InvalidField("start_date", "is required, as YYYY-MM-DD");
  }
  if (!IsValidDate(end_date)) {
    return InvalidField("end_date", "is required, as YYYY-MM-DD");
  }
  const int64_t days = ToCivilDay(end_date) - ToCivilDay(start_date);
  if (days < 0) {
    return InvalidField("end_date", "must not be before start_date");
  }
  if (days > kMaxRotaRangeDays) {
    return InvalidField("end_date", absl::StrCat("must be at most ", kMaxRotaRangeDays, " days after start_date"));
  }
  return absl::OkStatus();
}

}  // namespace minyi::deputies

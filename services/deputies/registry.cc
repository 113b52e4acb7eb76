#include "deputies/registry.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "common/enums.h"
#include "common/names.h"
#include "common/status.h"
#include "common/text.h"

namespace minyi::deputies {
namespace {

using ::minyi::deputies::v1::Deputy;
using ::minyi::deputies::v1::Station;

constexpr int kMaxTerm = 99;
constexpr std::size_t kMaxNameChars = 32;
constexpr std::size_t kMaxShortTextChars = 64;
constexpr std::size_t kMaxAddressChars = 200;

bool AllDigits(absl::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); });
}

bool IsValidYmd(absl::string_view y, absl::string_view m, absl::string_view d) {
  int year = 0;
  int month = 0;
  int day = 0;
  if (!AllDigits(y) || !AllDigits(m) || !AllDigits(d) || !absl::SimpleAtoi(y, &year) || !absl::SimpleAtoi(m, &month) ||
      !absl::SimpleAtoi(d, &day) || year < 1900 || year > 2999) {
    return false;
  }
  // CivilDay normalises 02-30 to 03-02; a real date survives unchanged.
  absl::CivilDay civil(year, month, day);
  return civil.month() == month && civil.day() == day && month >= 1 && month <= 12;
}

// Every set enum field must hold a value the proto declares: an unknown number read from the wire is
// not a gender or a level.
absl::Status CheckEnums(const Deputy& d) {
  if (!minyi::deputies::v1::Gender_IsValid(d.gender())) {
    return InvalidField("deputy.gender", "is not a known gender");
  }
  if (!minyi::deputies::v1::Level_IsValid(d.level())) {
    return InvalidField("deputy.level", "is not a known level");
  }
  return RequireEnum<minyi::deputies::v1::DeputyStatus>("deputy.status", d.status(),
                                                        "must be one of the DEPUTY_STATUS_* values");
}

absl::Status CheckStations(const Deputy& d) {
  if (d.stations_size() > kMaxStationsPerDeputy) {
    return InvalidField("deputy.stations", absl::StrCat("at most ", kMaxStationsPerDeputy, " stations"));
  }
  std::vector<int64_t> seen;
  for (int i = 0; i < d.stations_size(); ++i) {
    const std::string field = absl::StrCat("deputy.stations[", i, "]");
    absl::StatusOr<int64_t> id = ParseResourceId(d.stations(i), kStations, field);
    if (!id.ok()) {
      return id.status();
    }
    if (std::find(seen.begin(), seen.end(), *id) != seen.end()) {
      return InvalidField(field, "is listed twice");
    }
    seen.push_back(*id);
  }
  if (d.status() == minyi::deputies::v1::DEPUTY_STATUS_SERVING && d.stations().empty()) {
    return InvalidField("deputy.stations", "a serving deputy must belong to at least one station (代表进站)");
  }
  return absl::OkStatus();
}

absl::Status CheckDates(const Deputy& d) {
  if (!d.term_start_date().empty() && !IsValidDate(d.term_start_date())) {
    return InvalidField("deputy.term_start_date", "must be a date as YYYY-MM-DD");
  }
  if (!d.term_end_date().empty() && !IsValidDate(d.term_end_date())) {
    return InvalidField("deputy.term_end_date", "must be a date as YYYY-MM-DD");
  }
  // ISO dates order as strings.
  if (!d.term_start_date().empty() && !d.term_end_date().empty() && d.term_end_date() < d.term_start_date()) {
    return InvalidField("deputy.term_end_date", "must not be before term_start_date");
  }
  return absl::OkStatus();
}

}  // namespace

bool IsValidMobile(absl::string_view phone) { return phone.size() == 11 && phone[0] == '1' && AllDigits(phone); }

bool IsValidIdNumber(absl::string_view id) {
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr char kCheck[] = "10X98765432";
  if (id.size() != 18 || !AllDigits(id.substr(0, 17))) {
    return false;
  }
  if (!IsValidYmd(id.substr(6, 4), id.substr(10, 2), id.substr(12, 2))) {
    return false;
  }
  int sum = 0;
  for (int i = 0; i < 17; ++i) {
    sum += (id[i] - '0') * kWeights[i];
  }
  return id[17] == kCheck[sum % 11];
}

bool IsValidDate(absl::string_view date) {
  return date.size() == 10 && date[4] == '-' && date[7] == '-' &&
         IsValidYmd(date.substr(0, 4), date.substr(5, 2), date.substr(8, 2));
}

void NormalizeDeputy(Deputy* deputy) {
  if (deputy->id_number().size() == 18 && deputy->id_number()[17] == 'x') {
    (*deputy->mutable_id_number())[17] = 'X';
  }
}

void PrepareNewDeputy(Deputy* deputy) {
  deputy->clear_name();
  deputy->clear_create_time();
  deputy->clear_update_time();
  if (deputy->status() == minyi::deputies::v1::DEPUTY_STATUS_UNSPECIFIED) {
    deputy->set_status(minyi::deputies::v1::DEPUTY_STATUS_SERVING);
  }
  NormalizeDeputy(deputy);
}

void PrepareNewStation(Station* station) {
  station->clear_name();
  station->clear_create_time();
  station->clear_update_time();
}

absl::Status ValidateDeputy(const Deputy& d) {
  if (absl::Status st = CheckText("deputy.display_name", d.display_name(), 1, kMaxNameChars); !st.ok()) {
    return st;
  }
  if (absl::Status st = CheckEnums(d); !st.ok()) {
    return st;
  }
  if (d.term() < 1 || d.term() > kMaxTerm) {
    return InvalidField("deputy.term", absl::StrCat("must be between 1 and ", kMaxTerm));
  }
  for (const auto& [field, value] :
       {std::pair<absl::string_view, const std::string&>{"deputy.delegation", d.delegation()},
        {"deputy.electoral_district", d.electoral_district()},
        {"deputy.sector", d.sector()}}) {
    if (absl::Status st = CheckText(field, value, 0, kMaxShortTextChars); !st.ok()) {
      return st;
    }
  }
  if (!d.phone().empty() && !IsValidMobile(d.phone())) {
    return InvalidField("deputy.phone", "must be 11 digits starting with 1");
  }
  if (!d.id_number().empty() && !IsValidIdNumber(d.id_number())) {
    return InvalidField("deputy.id_number", "is not a valid resident ID number (GB 11643)");
  }
  if (absl::Status st = CheckDates(d); !st.ok()) {
    return st;
  }
  return CheckStations(d);
}

absl::Status ValidateStation(const Station& s) {
  if (absl::Status st = CheckText("station.display_name", s.display_name(), 1, kMaxShortTextChars); !st.ok()) {
    return st;
  }
  if (absl::Status st = RequireEnum<minyi::deputies::v1::StationKind>("station.kind", s.kind(),
                                                                      "must be one of the STATION_KIND_* values");
      !st.ok()) {
    return st;
  }
  if (s.region_path_size() > kMaxRegionDepth) {
    return InvalidField("station.region_path", absl::StrCat("at most ", kMaxRegionDepth, " levels"));
  }
  for (int i = 0; i < s.region_path_size(); ++i) {
    if (absl::Status st =
            CheckText(absl::StrCat("station.region_path[", i, "]"), s.region_path(i), 1, kMaxShortTextChars);
        !st.ok()) {
      return st;
    }
  }
  return CheckText("station.address", s.address(), 0, kMaxAddressChars);
}

bool HasLeft(minyi::deputies::v1::DeputyStatus before, minyi::deputies::v1::DeputyStatus after) {
  return before == minyi::deputies::v1::DEPUTY_STATUS_SERVING &&
         (after == minyi::deputies::v1::DEPUTY_STATUS_RESIGNED ||
          after == minyi::deputies::v1::DEPUTY_STATUS_TERMINATED);
}

std::vector<int64_t> StationIds(const Deputy& deputy) {
  std::vector<int64_t> ids;
  for (const std::string& name : deputy.stations()) {
    absl::StatusOr<int64_t> id = ParseResourceId(name, kStations, "deputy.stations");
    if (id.ok()) {
      ids.push_back(*id);
    }
  }
  return ids;
}

MembershipChanges DiffMemberships(const std::vector<int64_t>& current, const std::vector<int64_t>& desired) {
  auto contains = [](const std::vector<int64_t>& v, int64_t x) { return std::find(v.begin(), v.end(), x) != v.end(); };
  MembershipChanges changes;
  for (int64_t id : current) {
    if (!contains(desired, id)) {
      changes.close.push_back(id);
    }
  }
  for (int64_t id : desired) {
    if (!contains(current, id)) {
      changes.open.push_back(id);
    }
  }
  return changes;
}

}  // namespace minyi::deputies

#include "deputies/privacy.h"

#include "common/text.h"

namespace minyi::deputies {

bool MaySeePersonalData(const Caller& caller, absl::string_view deputy_name) {
  if (IsOffice(caller)) {
    return true;
  }
  return caller.role() == minyi::common::v1::ROLE_DEPUTY && !caller.deputy().empty() && caller.deputy() == deputy_name;
}

void MaskPersonalData(minyi::deputies::v1::Deputy* deputy) {
  if (!deputy->phone().empty()) {
    deputy->set_phone(MaskPhone(deputy->phone()));
  }
  if (!deputy->id_number().empty()) {
    deputy->set_id_number(MaskIdNumber(deputy->id_number()));
  }
}

bool HasPublicProfile(const minyi::deputies::v1::Deputy& deputy) {
  return deputy.status() == minyi::deputies::v1::DEPUTY_STATUS_SERVING;
}

minyi::deputies::v1::PublicDeputy PublicProfile(const minyi::deputies::v1::Deputy& deputy) {
  minyi::deputies::v1::PublicDeputy out;
  out.set_name(deputy.name());
  out.set_display_name(deputy.display_name());
  out.set_level(deputy.level());
  out.set_delegation(deputy.delegation());
  out.set_sector(deputy.sector());
  for (const std::string& station : deputy.stations()) {
    out.add_stations()->set_name(station);
  }
  return out;
}

}  // namespace minyi::deputies

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

}  // namespace minyi::deputies

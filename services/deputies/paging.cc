#include "deputies/paging.h"

#include "absl/strings/str_cat.h"

namespace minyi::deputies {

std::string FilterFingerprint(const minyi::deputies::v1::ListDeputiesRequest& request) {
  return Fingerprint({"deputies", request.station(), absl::StrCat(request.status()), request.query()});
}

std::string FilterFingerprint(const minyi::deputies::v1::ListStationsRequest& request) {
  return Fingerprint({"stations", absl::StrCat(request.kind()), request.region()});
}

std::string FilterFingerprint(const minyi::deputies::v1::ListDutyRecordsRequest& request) {
  return Fingerprint({"duties", request.parent(), absl::StrCat(request.category()), request.start_date(),
                      request.end_date()});
}

std::string FilterFingerprint(const minyi::deputies::v1::ListSupervisionGroupsRequest& request) {
  return Fingerprint({"supervisionGroups", absl::StrCat(request.target_kind()), request.member()});
}

}  // namespace minyi::deputies

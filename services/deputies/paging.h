#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/paging.h"
#include "minyi/deputies/v1/deputies.pb.h"

// Filter fingerprints of the deputies service's list requests; paging itself is common/paging.h.
namespace minyi::deputies {

// Fingerprints of the filter fields of each list request (page size and token are not filters).
std::string FilterFingerprint(const minyi::deputies::v1::ListDeputiesRequest& request);
std::string FilterFingerprint(const minyi::deputies::v1::ListStationsRequest& request);
std::string FilterFingerprint(const minyi::deputies::v1::ListDutyRecordsRequest& request);
std::string FilterFingerprint(const minyi::deputies::v1::ListSupervisionGroupsRequest& request);

}  // namespace minyi::deputies

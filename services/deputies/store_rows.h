#pragma once

#include <string>
#include <vector>

#include "google/protobuf/repeated_field.h"
#include "google/protobuf/util/time_util.h"
#include "nlohmann/json.hpp"
#include "pqxx/pqxx"

// What the store's files (store.cc, store_stations.cc, store_duties.cc, store_supervision.cc) share to read
// rows and write parameters, besides common/query.h's. Only they include it.
namespace minyi::deputies {

using ::google::protobuf::util::TimeUtil;

// Lists of strings (evidence, keywords) are stored as JSON arrays.
inline std::string JsonStrings(const google::protobuf::RepeatedPtrField<std::string>& values) {
  return nlohmann::json(std::vector<std::string>(values.begin(), values.end())).dump();
}

}  // namespace minyi::deputies

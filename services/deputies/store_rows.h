#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/repeated_field.h"
#include "google/protobuf/util/time_util.h"
#include "nlohmann/json.hpp"
#include "pqxx/pqxx"

// What the store's files (store.cc, store_stations.cc, store_duties.cc, store_supervision.cc) share to read
// rows and write parameters. Only they include it.
namespace minyi::deputies {

using ::google::protobuf::util::TimeUtil;

// An enum column holds the value's name.
template <typename Enum>
Enum ParseEnum(const pqxx::field& f, bool (*parse)(const std::string&, Enum*)) {
  Enum value{};
  parse(f.as<std::string>(), &value);
  return value;
}

// A bigint[] parameter as PostgreSQL's array literal: libpqxx 6 has no array parameter conversion.
inline std::string IdArray(const std::vector<int64_t>& ids) {
  return absl::StrCat("{", absl::StrJoin(ids, ","), "}");
}

// Lists of strings (evidence, keywords) are stored as JSON arrays.
inline std::string JsonStrings(const google::protobuf::RepeatedPtrField<std::string>& values) {
  return nlohmann::json(std::vector<std::string>(values.begin(), values.end())).dump();
}

}  // namespace minyi::deputies

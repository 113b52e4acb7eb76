#include "common/query.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace minyi {
namespace {

// Filled during static initialisation, which is single-threaded, and only read after it.
std::vector<const Query*>& Registry() {
  static std::vector<const Query*>* const registry = new std::vector<const Query*>();
  return *registry;
}

}  // namespace

Query::Query(std::string name, std::string sql) : name_(std::move(name)), sql_(std::move(sql)) {
  Registry().push_back(this);
}

std::vector<PreparedStatement> QueriesOf(std::string_view prefix) {
  std::vector<PreparedStatement> out;
  for (const Query* q : Registry()) {
    if (q->name().compare(0, prefix.size(), prefix) == 0) {
      out.push_back({q->name(), q->sql()});
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

std::string IdArray(const std::vector<int64_t>& ids) { return absl::StrCat("{", absl::StrJoin(ids, ","), "}"); }

}  // namespace minyi

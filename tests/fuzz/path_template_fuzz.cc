// libFuzzer target: the google.api.http path-template parser and matcher, and the router over every
// linked service's routes. Input: a template on the first line, a request path on the rest.

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "fuzz_check.h"
#include "path_template.h"
#include "router.h"

namespace minyi::gateway {
namespace {

const Router& RealRouter() {
  static const Router* const router = [] {
    std::vector<ServiceBinding> services;
    for (const std::string& backend : LinkedBackends()) {
      auto found = ServicesOfBackend(*google::protobuf::DescriptorPool::generated_pool(), backend);
      FUZZ_CHECK(found.ok());
      services.insert(services.end(), found->begin(), found->end());
    }
    absl::StatusOr<Router> built = Router::Build(services);
    FUZZ_CHECK(built.ok());
    return new Router(*std::move(built));
  }();
  return *router;
}

void CheckTemplate(const PathTemplate& t, absl::string_view text, absl::string_view path) {
  FUZZ_CHECK(t.text() == text);
  FUZZ_CHECK(!t.MoreSpecificThan(t));
  for (const PathTemplate::Variable& v : t.variables()) {
    FUZZ_CHECK(0 <= v.begin && v.begin < v.end && v.end <= static_cast<int>(t.segments().size()));
  }
  std::vector<PathTemplate::Binding> bindings;
  if (t.Match(path, &bindings)) {
    FUZZ_CHECK(bindings.size() == t.variables().size());
    for (size_t i = 0; i < bindings.size(); ++i) {
      FUZZ_CHECK(bindings[i].field_path == t.variables()[i].field_path);
    }
  }
}

}  // namespace
}  // namespace minyi::gateway

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace minyi::gateway;
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t newline = input.find('\n');
  const absl::string_view text = input.substr(0, newline);
  const absl::string_view path = newline == absl::string_view::npos ? input : input.substr(newline + 1);

  if (absl::StatusOr<PathTemplate> t = PathTemplate::Parse(text); t.ok()) {
    CheckTemplate(*t, text, path);
  }
  // A decoded string is never longer than its input, and a kept "%2F" stays exactly that.
  const std::string decoded = PercentDecode(path);
  FUZZ_CHECK(decoded.size() <= path.size());
  const std::string kept = PercentDecode(path, /*keep_slash=*/true);
  FUZZ_CHECK(kept.size() >= decoded.size() && kept.size() <= path.size());

  for (const char* method : {"GET", "POST", "PATCH", "DELETE"}) {
    RouteMatch match = RealRouter().Find(method, path);
    if (match.route != nullptr) {
      FUZZ_CHECK(match.route->http_method == method);
      FUZZ_CHECK(match.bindings.size() == match.route->path.variables().size());
      FUZZ_CHECK(match.allowed_methods.empty());
    }
  }
  return 0;
}

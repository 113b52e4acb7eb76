#include "support/signed_out.h"

#include <atomic>

#include "absl/strings/str_cat.h"
#include "support/platform.h"

namespace minyi::testing {

HttpResponse SignedOutGet(int port, absl::string_view target) {
  static std::atomic<int> calls{0};
  const int n = calls.fetch_add(1);
  const std::string address = absl::StrCat("127.0.", 1 + (n / 250) % 250, ".", 1 + n % 250);
  return JsonCall(port, "GET", target, nullptr, "", {}, address);
}

}  // namespace minyi::testing

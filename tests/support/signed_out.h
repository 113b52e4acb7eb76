#pragma once

#include "absl/strings/string_view.h"
#include "support/harness.h"

namespace minyi::testing {

// A GET without a token to the gateway at `port`, from a loopback address no earlier call of this process
// used (127.0.1.1, 127.0.1.2, ...): tests of what the public routes answer are not throttled by their
// per-client-address limit, which tests/e2e/deputies/public_test.cc floods on purpose.
HttpResponse SignedOutGet(int port, absl::string_view target);

}  // namespace minyi::testing

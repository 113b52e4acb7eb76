#pragma once

// What the suggestions end-to-end tests share: the process's platform and calls through its gateway that
// check the answer's status.

#include <string>

#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "support/platform.h"

namespace minyi::testing {

// The process's shared platform, under a short name for the many calls of these tests.
inline Platform& P() { return Platform::Shared(); }

// A call through the shared gateway that must answer `expected_status` (a test failure naming the call
// otherwise); returns the answer's JSON.
inline nlohmann::json Call(absl::string_view method, const std::string& path, const nlohmann::json& body,
                           const std::string& token, int expected_status = 200) {
  HttpResponse r = P().Call(method, path, body, token);
  EXPECT_EQ(r.status, expected_status) << method << " " << path << ": " << r.body;
  return Json(r);
}

}  // namespace minyi::testing

#pragma once

// What the notifications end-to-end tests share: a deputy's suggestion taken through the gateway to the
// department that leads its handling, whose events the notifications service turns into messages.

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "support/platform.h"

namespace minyi::testing {

// The answer's JSON; a test failure unless it is 200.
inline nlohmann::json Ok(const HttpResponse& r) {
  EXPECT_EQ(r.status, 200) << r.body;
  return Json(r);
}

struct AssignedSuggestion {
  std::string name;
  nlohmann::json assignment;  // the answer to :assign, which holds the deadline
};

// A deputy's suggestion submitted with `deputy_token`, then accepted and assigned to `department` by the
// admin.
inline AssignedSuggestion SubmitAndAssign(Platform& platform, const std::string& deputy_token, absl::string_view title,
                                          absl::string_view body, const std::string& department) {
  const std::string& admin = platform.Admin();
  const std::string name = Ok(platform.Call(
      "POST", "/v1/suggestions",
      {{"submit", true}, {"suggestion", {{"kind", "SUGGESTION_KIND_DEPUTY"}, {"title", title}, {"body", body}}}},
      deputy_token))["name"];
  Ok(platform.Call("POST", absl::StrCat("/v1/", name, ":accept"), nlohmann::json::object(), admin));
  return {name,
          Ok(platform.Call("POST", absl::StrCat("/v1/", name, ":assign"), {{"leadDepartment", department}}, admin))};
}

}  // namespace minyi::testing

#include "suggestions/config.h"

#include "absl/strings/str_cat.h"
#include "common/config.h"
#include "common/status_macros.h"

namespace minyi::suggestions {

absl::StatusOr<SuggestionsConfig> LoadSuggestionsConfig() {
  EnvReader env;
  absl::StatusOr<DeadlinePolicy> deadlines = ParseDeadlinePolicy(env.Optional("MINYI_SUGGESTIONS_DEADLINES", ""));
  if (!deadlines.ok()) {
    env.Problem(absl::StrCat("MINYI_SUGGESTIONS_DEADLINES: ", deadlines.status().message()));
  }
  const int sweep_seconds = env.Int("MINYI_SUGGESTIONS_SWEEP_SECONDS", 300, 1, 86400);
  std::string deputies_addr = env.Required("MINYI_DEPUTIES_ADDR");
  RETURN_IF_ERROR(env.Finish());
  return SuggestionsConfig{.deadlines = *std::move(deadlines),
                           .sweep_interval = absl::Seconds(sweep_seconds),
                           .deputies_addr = std::move(deputies_addr)};
}

}  // namespace minyi::suggestions

#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "suggestions/deadlines.h"

namespace minyi::suggestions {

// Suggestions' own settings, read before anything else so a missing or wrong value stops the process
// before it touches the database (the settings every service shares are common/config.h's).
struct SuggestionsConfig {
  DeadlinePolicy deadlines;       // MINYI_SUGGESTIONS_DEADLINES, the statutory periods by default
  absl::Duration sweep_interval;  // MINYI_SUGGESTIONS_SWEEP_SECONDS, how often deadlines are swept
  std::string deputies_addr;      // MINYI_DEPUTIES_ADDR: stations, their members and the duty rota are deputies'
};

// From the environment; an error names every variable that is missing or wrong.
absl::StatusOr<SuggestionsConfig> LoadSuggestionsConfig();

}  // namespace minyi::suggestions

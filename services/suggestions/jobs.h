#pragma once

#include "absl/time/time.h"
#include "common/server.h"
#include "suggestions/handling.h"

namespace minyi::suggestions {

// Suggestions' background work: due-soon and overdue events, each exactly once (recorded in
// deadline_alerts), swept every `sweep_interval`; and the title bands of items indexed before migration 004.
void AddJobs(ServiceHost& host, Handling& handling, const Access& access, absl::Duration sweep_interval);

}  // namespace minyi::suggestions

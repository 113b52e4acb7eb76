#pragma once

#include "absl/time/time.h"
#include "common/server.h"
#include "suggestions/handling.h"

namespace minyi::suggestions {

// Suggestions' background work: due-soon and overdue events, each exactly once (recorded in
// deadline_alerts), swept every `sweep_interval`; and search words for items written without them (by
// migration 003, or by a replica older than it), a few seconds after they appear.
void AddJobs(ServiceHost& host, Handling& handling, absl::Duration sweep_interval);

}  // namespace minyi::suggestions

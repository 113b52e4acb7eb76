#include "suggestions/jobs.h"

#include "common/clock.h"

namespace minyi::suggestions {

void AddJobs(ServiceHost& host, Handling& handling, absl::Duration sweep_interval) {
  host.AddPeriodicTask("deadline-sweeper", sweep_interval,
                       [&handling]() { return handling.SweepDeadlines(DomainNow()).status(); });
}

}  // namespace minyi::suggestions

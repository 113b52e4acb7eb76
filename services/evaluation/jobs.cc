#include "evaluation/jobs.h"

#include "common/calendar.h"
#include "common/clock.h"
#include "evaluation/deadlines.h"

namespace minyi::evaluation {

void AddJobs(ServiceHost& host) {
  // Rectification deadlines are calendar days: a sweep every few minutes is timely, and claims make
  // every notice once-only across sweeps and replicas.
  host.AddPeriodicTask("rectification-deadlines", absl::Minutes(5),
                       [&pool = host.pool()]() { return SweepDeadlines(pool, ShanghaiDay(DomainNow())).status(); });
}

}  // namespace minyi::evaluation

#include "suggestions/jobs.h"

#include "common/clock.h"
#include "suggestions/store.h"

namespace minyi::suggestions {

void AddJobs(ServiceHost& host, Handling& handling, const Access& access, absl::Duration sweep_interval) {
  host.AddPeriodicTask("deadline-sweeper", sweep_interval,
                       [&handling]() { return handling.SweepDeadlines(DomainNow()).status(); });
  // Items indexed before titles had bands get theirs, a thousand per second, until the queue is empty.
  host.AddPeriodicTask("dedup-reindex", absl::Seconds(1), [&host, &access]() {
    return host.pool().Transact([&](pqxx::work& tx) {
      for (const ReindexItem& item : ClaimReindex(tx, 1000)) {
        InsertBands(tx, item.id, access.hasher().BandKeysOf({item.title, item.body}));
      }
      return absl::OkStatus();
    });
  });
}

}  // namespace minyi::suggestions

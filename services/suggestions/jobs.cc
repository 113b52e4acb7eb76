#include "suggestions/jobs.h"

#include "common/clock.h"
#include "suggestions/store.h"

namespace minyi::suggestions {

int ReindexBands(pqxx::work& tx, const MinHasher& hasher, int limit) {
  const std::vector<ReindexItem> items = ClaimReindex(tx, limit);
  for (const ReindexItem& item : items) {
    InsertBands(tx, item.id, hasher.BandKeysOf({item.title, item.body}));
  }
  return static_cast<int>(items.size());
}

void AddJobs(ServiceHost& host, Handling& handling, const Access& access, absl::Duration sweep_interval) {
  host.AddPeriodicTask("deadline-sweeper", sweep_interval,
                       [&handling]() { return handling.SweepDeadlines(DomainNow()).status(); });
  // Items indexed before titles had bands get theirs, a thousand per second, until the queue is empty.
  host.AddPeriodicTask("dedup-reindex", absl::Seconds(1), [&host, &access]() {
    return host.pool().Transact([&](pqxx::work& tx) {
      ReindexBands(tx, access.hasher(), 1000);
      return absl::OkStatus();
    });
  });
}

}  // namespace minyi::suggestions

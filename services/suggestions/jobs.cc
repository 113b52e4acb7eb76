#include "suggestions/jobs.h"

#include "common/clock.h"
#include "common/status_macros.h"
#include "suggestions/store.h"

namespace minyi::suggestions {
namespace {

// Each batch is a short transaction of its own, so writers of the same rows wait little.
constexpr int kIndexBatch = 500;
constexpr int kIndexBatchesPerRun = 40;

absl::Status IndexSearchWords(PgPool& pool) {
  for (int i = 0; i < kIndexBatchesPerRun; ++i) {
    int indexed = 0;
    RETURN_IF_ERROR(pool.Transact([&](pqxx::work& tx) -> absl::Status {
      indexed = IndexUnindexed(tx, kIndexBatch);
      return absl::OkStatus();
    }));
    if (indexed < kIndexBatch) {
      break;
    }
  }
  return absl::OkStatus();
}

}  // namespace

void AddJobs(ServiceHost& host, Handling& handling, absl::Duration sweep_interval) {
  host.AddPeriodicTask("deadline-sweeper", sweep_interval,
                       [&handling]() { return handling.SweepDeadlines(DomainNow()).status(); });
  host.AddPeriodicTask("search-indexer", absl::Seconds(5), [&host]() { return IndexSearchWords(host.pool()); });
}

}  // namespace minyi::suggestions

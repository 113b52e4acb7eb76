#pragma once

#include "absl/time/time.h"
#include "common/server.h"
#include "pqxx/pqxx"
#include "suggestions/dedup.h"
#include "suggestions/handling.h"

namespace minyi::suggestions {

// Gives up to `limit` items queued in dedup_reindex (migration 007) every band key they lack; returns how
// many it took off the queue.
int ReindexBands(pqxx::work& tx, const MinHasher& hasher, int limit);

// Suggestions' background work: due-soon and overdue events, each exactly once (recorded in
// deadline_alerts), swept every `sweep_interval`; search words for items written without them (by
// migration 003, or by a replica older than it), a few seconds after they appear; the title bands of
// items indexed before migration 007; and, as consumer group "suggestions", the erasure of a closed
// account's call-back numbers (minyi.identity.v1.AccountClosed).
void AddJobs(ServiceHost& host, Handling& handling, const Access& access, absl::Duration sweep_interval);

}  // namespace minyi::suggestions

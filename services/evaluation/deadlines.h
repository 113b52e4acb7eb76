#pragma once

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/pg.h"

namespace minyi::evaluation {

// The follow-up deadline sweeper: for every follow-up awaiting the written opinion, emits OpinionDueSoon
// from kDueSoonDays before its deadline and OpinionOverdue after it; for one awaiting a plan or report,
// RectificationDueSoon and RectificationOverdue likewise — each once per (subject, round, step, kind),
// claimed by a row in deadline_notices inside the transaction that emits the event, so replicas sweeping
// at once and repeated sweeps announce nothing twice. Returns how many events it emitted. `today` is the
// Asia/Shanghai day.
absl::StatusOr<int> SweepDeadlines(PgPool& pool, absl::CivilDay today);

}  // namespace minyi::evaluation

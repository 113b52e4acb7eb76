#pragma once

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/pg.h"

namespace minyi::evaluation {

// The rectification deadline sweeper: for every follow-up awaiting a plan or report, emits
// RectificationDueSoon from kDueSoonDays before the deadline and RectificationOverdue after it — each once
// per (subject, round, step), claimed by a row in deadline_notices inside the transaction that emits the
// event, so replicas sweeping at once and repeated sweeps announce nothing twice. Returns how many events
// it emitted. `today` is the Asia/Shanghai day.
absl::StatusOr<int> SweepDeadlines(PgPool& pool, absl::CivilDay today);

}  // namespace minyi::evaluation

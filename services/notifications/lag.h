#pragma once

#include <string>

#include "absl/status/status.h"
#include "common/pg.h"
#include "common/redis.h"
#include "notifications/metrics.h"

namespace minyi::notifications {

// Samples the consumer group's lag and pending count (XINFO GROUPS) and the dead-letter list's size into
// the gauges.
absl::Status SampleBacklog(RedisClient& redis, const std::string& stream, const std::string& group, PgPool& pool,
                           NotifyMetrics& metrics);

}  // namespace minyi::notifications

#include "notifications/lag.h"

#include "absl/strings/str_cat.h"
#include "notifications/store.h"

namespace minyi::notifications {

absl::Status SampleBacklog(RedisClient& redis, const std::string& stream, const std::string& group, PgPool& pool,
                           NotifyMetrics& metrics) {
  absl::StatusOr<RedisReply> groups = redis.Command({"XINFO", "GROUPS", stream});
  if (!groups.ok()) {
    return groups.status();
  }
  if (groups->type == RedisReply::Type::kError) {
    return absl::UnavailableError(absl::StrCat("redis XINFO GROUPS: ", groups->str));
  }
  // [[field, value, ...], ...]; "lag" is nil when Redis cannot tell (after deletions), counted as 0.
  for (const RedisReply& g : groups->elements) {
    double lag = 0;
    double pending = 0;
    bool ours = false;
    for (size_t i = 0; i + 1 < g.elements.size(); i += 2) {
      const std::string& field = g.elements[i].str;
      const RedisReply& value = g.elements[i + 1];
      if (field == "name") {
        ours = value.str == group;
      } else if (field == "lag") {
        lag = static_cast<double>(value.integer);
      } else if (field == "pending") {
        pending = static_cast<double>(value.integer);
      }
    }
    if (ours) {
      metrics.SetConsumer(lag, pending);
    }
  }
  return pool.Read([&](pqxx::transaction_base& tx) {
    metrics.SetDead(static_cast<double>(CountDead(tx)));
    return absl::OkStatus();
  });
}

}  // namespace minyi::notifications

#pragma once

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "minyi/common/v1/common.pb.h"
#include "notifications/directory.h"
#include "notifications/metrics.h"
#include "pqxx/pqxx"

namespace minyi::notifications {

// The event consumer's handler: turns one event into inbox messages and external deliveries, inside the
// consumer's transaction (which also records the event as processed). Recipients come from the
// Directory; when an owning service does not answer, the error rolls the transaction back and the event
// is retried. The unique keys make a repeated event add nothing.
class Fanout final {
 public:
  Fanout(Directory& directory, NotifyMetrics& metrics) : directory_(directory), metrics_(metrics) {}

  absl::Status Handle(const minyi::common::v1::Event& event, pqxx::work& tx);

 private:
  Directory& directory_;
  NotifyMetrics& metrics_;
};

}  // namespace minyi::notifications

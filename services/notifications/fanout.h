#pragma once

#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "minyi/common/v1/common.pb.h"
#include "notifications/directory.h"
#include "notifications/metrics.h"
#include "pqxx/pqxx"

namespace minyi::notifications {

// The event consumer's handler: turns events into inbox messages and external deliveries, inside the
// consumer's transaction (which also records the events as processed), with one insert of each kind per
// batch. Recipients come from the Directory; when an owning service does not answer, the error rolls
// the transaction back and the events are retried. An event naming a deputy or station that does not
// exist is refused (logged, nobody notified). The unique keys make a repeated event add nothing.
class Fanout final {
 public:
  Fanout(Directory& directory, NotifyMetrics& metrics) : directory_(directory), metrics_(metrics) {}

  absl::Status Handle(const std::vector<minyi::common::v1::Event>& events, pqxx::work& tx);

 private:
  Directory& directory_;
  NotifyMetrics& metrics_;
};

}  // namespace minyi::notifications

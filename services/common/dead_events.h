#pragma once

#include <map>
#include <string>

#include "absl/status/status.h"
#include "common/auth.h"
#include "common/call.h"
#include "common/command.h"
#include "common/consumer.h"
#include "common/pg.h"
#include "minyi/common/v1/common.pb.h"

namespace minyi {

// The office's view of the events this service's consumer groups gave up on (the schema's dead_events,
// written by EventConsumer): the list, and replay, which runs the group's handler for the event now in one
// transaction with its processed_events row. Every consuming service binds these two methods in its rpc.cc;
// ServiceHost owns the one instance and registers each consumer it runs.
class DeadEvents final {
 public:
  DeadEvents(PgPool& pool, const Authorizer& authorizer, std::string service)
      : pool_(pool), authorizer_(authorizer), commands_(pool, std::move(service)) {}

  // Replays of `consumer`'s dead events run its handler. Called before the service serves.
  void AddConsumer(const EventConsumer& consumer) { consumers_[consumer.options().group] = &consumer; }

  absl::Status List(const Call& call, const minyi::common::v1::ListDeadEventsRequest& request,
                    minyi::common::v1::ListDeadEventsResponse* response);
  // Done: the row is removed (audited as ReplayDeadEvent) and returned as it was. The handler failing again:
  // FAILED_PRECONDITION EVENT_REPLAY_FAILED naming the error's code, the row keeping the new error.
  absl::Status Replay(const Call& call, const minyi::common::v1::ReplayDeadEventRequest& request,
                      minyi::common::v1::DeadEvent* response);

 private:
  PgPool& pool_;
  const Authorizer& authorizer_;
  const Commands commands_;
  std::map<std::string, const EventConsumer*> consumers_;
};

}  // namespace minyi

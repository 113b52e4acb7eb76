#pragma once

#include <vector>

#include "absl/status/status.h"
#include "minyi/common/v1/common.pb.h"
#include "pqxx/pqxx"

namespace minyi::deputies {

// The "deputies" consumer group's handler: records a duty for each deputy a duty-relevant event names
// (see DutyEvidence in deputies.proto) and ignores every other event. Runs inside the consumer's
// transaction, which also records the event id, so redelivery applies nothing twice; the unique
// (deputy, event) index holds even so. Deputies the event names that do not exist are skipped and logged
// by id, as retrying could never succeed.
absl::Status RecordDutiesFromEvent(const minyi::common::v1::Event& event, pqxx::work& tx);

// The consumer's batch form: the events of one read in one transaction (one commit for a sitting's burst
// of ballots instead of one each).
absl::Status RecordDutiesFromEvents(const std::vector<minyi::common::v1::Event>& events, pqxx::work& tx);

}  // namespace minyi::deputies

#pragma once

#include <vector>

#include "absl/status/status.h"
#include "minyi/common/v1/common.pb.h"
#include "pqxx/pqxx"

namespace minyi::deputies {

// The "deputies" consumer group's handler, for the events of one read in the consumer's one transaction
// (which also records their ids, so redelivery applies nothing twice; the unique (deputy, event) index
// holds even so). Records a duty for each deputy a duty-relevant event names (see DutyEvidence in
// deputies.proto) and ignores every other event. An event naming a deputy that does not exist is refused
// whole (one log line with the missing names; no record for any of its deputies) and acknowledged, as
// retrying could never succeed. A sitting's burst of ballots costs a handful of
// statements per read, not several per ballot.
absl::Status RecordDutiesFromEvents(const std::vector<minyi::common::v1::Event>& events, pqxx::work& tx);

}  // namespace minyi::deputies

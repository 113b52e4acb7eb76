#pragma once

#include "common/server.h"

namespace minyi::deputies {

// Deputies' background work: other services' duty-relevant events become duty records (see DutyEvidence
// in deputies.proto).
void AddJobs(ServiceHost& host);

}  // namespace minyi::deputies

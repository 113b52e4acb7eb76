#pragma once

#include "common/server.h"
#include "identity/sessions.h"

namespace minyi::identity {

// Identity's background work: PostgreSQL holds the revocations; the mirror keeps Redis (and so every
// process) in step with it.
void AddJobs(ServiceHost& host, RevocationMirror& revocations);

}  // namespace minyi::identity

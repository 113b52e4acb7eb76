#pragma once

#include "common/server.h"
#include "identity/codes.h"
#include "identity/sessions.h"

namespace minyi::identity {

// Identity's background work: PostgreSQL holds the revocations; the mirror keeps Redis (and so every
// process) in step with it. Spent one-time codes are deleted a day after they expire.
void AddJobs(ServiceHost& host, RevocationMirror& revocations, PhoneCodes& codes);

}  // namespace minyi::identity

#include "identity/jobs.h"

namespace minyi::identity {

void AddJobs(ServiceHost& host, RevocationMirror& revocations) {
  host.AddPeriodicTask("revocation mirror", absl::Seconds(2), [&revocations] { return revocations.Sync(); });
}

}  // namespace minyi::identity

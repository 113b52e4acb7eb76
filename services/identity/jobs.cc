#include "identity/jobs.h"

namespace minyi::identity {

void AddJobs(ServiceHost& host, RevocationMirror& revocations, PhoneCodes& codes) {
  host.AddPeriodicTask("revocation mirror", absl::Seconds(2), [&revocations] { return revocations.Sync(); });
  host.AddPeriodicTask("phone code purge", absl::Minutes(10), [&codes] { return codes.Purge(); });
}

}  // namespace minyi::identity

#include "voting/jobs.h"

namespace minyi::voting {

void AddJobs(ServiceHost& host, BallotBox& ballot_box) {
  host.AddPeriodicTask("remix sealed ballots", BallotBox::kRemixLook, [&ballot_box] { return ballot_box.RemixDue(); });
}

}  // namespace minyi::voting

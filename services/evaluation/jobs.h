#pragma once

#include "common/server.h"

namespace minyi::evaluation {

// Evaluation's background work: notices of rectification deadlines, due soon and missed.
void AddJobs(ServiceHost& host);

}  // namespace minyi::evaluation

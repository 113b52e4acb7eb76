#pragma once

#include "absl/strings/string_view.h"

namespace minyi {

// What every Minyi process does first, before any thread starts: names itself for logs and error
// domains, reads MINYI_LOG_LEVEL, blocks SIGTERM and SIGINT (so every later thread inherits the mask and
// only WaitForShutdownSignal sees them), and turns off Abseil's mutex deadlock detection, which Debian's
// build leaves on and which puts a global lock in every gRPC mutex acquisition.
void InitProcess(absl::string_view name);

// Blocks until SIGTERM or SIGINT; returns the signal.
int WaitForShutdownSignal();

}  // namespace minyi

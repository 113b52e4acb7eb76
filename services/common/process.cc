#include "process.h"

#include <pthread.h>
#include <signal.h>

#include <string>

#include "absl/synchronization/mutex.h"
#include "config.h"
#include "log.h"

namespace minyi {
namespace {

sigset_t ShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

}  // namespace

void InitProcess(absl::string_view name) {
  sigset_t signals = ShutdownSignals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  SetServiceName(std::string(name));
  log::InitFromEnv();
}

int WaitForShutdownSignal() {
  sigset_t signals = ShutdownSignals();
  int sig = 0;
  sigwait(&signals, &sig);
  return sig;
}

}  // namespace minyi

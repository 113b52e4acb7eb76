#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "absl/time/time.h"

// When to remix a vote's sealed ballots (docs/voting.md, "Remixing"). No I/O, no clock of its own.
namespace minyi::voting {

// A vote that received ballots is remixed soon after, then at most once per `min_interval`: a quiet cast is
// remixed at the next look, and a sitting's burst is remixed every `min_interval` rather than after every
// batch, with casts that arrive during a remix covered by the next one.
class RemixSchedule final {
 public:
  explicit RemixSchedule(absl::Duration min_interval) : min_interval_(min_interval) {}

  // Ballots were cast in `vote`, or its boxes need a remix for another reason (at start, after a remix
  // that failed).
  void Cast(int64_t vote);
  // The votes to remix at `now`, each taken as remixing from `now`: what is cast from here on waits for
  // the next remix.
  std::vector<int64_t> Due(absl::Time now);

 private:
  struct State {
    bool pending = false;
    absl::Time last = absl::InfinitePast();  // when its last remix started
  };
  const absl::Duration min_interval_;
  std::map<int64_t, State> votes_;
};

}  // namespace minyi::voting

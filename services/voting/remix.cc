#include "voting/remix.h"

namespace minyi::voting {

void RemixSchedule::Cast(int64_t vote) { votes_[vote].pending = true; }

std::vector<int64_t> RemixSchedule::Due(absl::Time now) {
  std::vector<int64_t> due;
  for (auto it = votes_.begin(); it != votes_.end();) {
    State& s = it->second;
    const bool rested = now - s.last >= min_interval_;
    if (s.pending && rested) {
      s.pending = false;
      s.last = now;
      due.push_back(it->first);
    } else if (!s.pending && rested) {
      it = votes_.erase(it);  // a vote not seen is as good as one remixed long ago
      continue;
    }
    ++it;
  }
  return due;
}

}  // namespace minyi::voting

#pragma once

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace minyi {

struct VerifiedToken;

// The Redis hash every process reads revocations from. The identity service writes it from PostgreSQL,
// which holds the truth (docs/security.md).
inline constexpr char kRevocationsKey[] = "minyi.revocations";

// One revocation: either every token of `account_id` whose version is below `min_version` (password
// changed, account disabled, all sessions ended), or the single token `token_id` (logout). `until` is when
// every token it can void has expired, so it can be forgotten.
struct Revocation {
  std::string account_id = "";
  int64_t min_version = 0;
  std::string token_id = "";
  absl::Time until = absl::InfinitePast();
};

// The hash field and value of a revocation: "a:<account>:<min_version>" or "t:<token id>", and `until` in
// Unix seconds. A field is only ever added (never rewritten to a lower version), so writers racing each
// other cannot undo a revocation.
std::pair<std::string, std::string> RevocationEntry(const Revocation& revocation);

// This process's view of what is revoked: fed from the Redis hash every second, kept until each entry's
// `until` even when Redis loses the hash (the identity service writes it again within seconds), so a
// Redis restart never un-revokes a token this process already knew about.
class RevocationList final {
 public:
  RevocationList() = default;
  ~RevocationList();
  RevocationList(const RevocationList&) = delete;
  RevocationList& operator=(const RevocationList&) = delete;

  bool IsRevoked(const VerifiedToken& token, absl::Time now) const;

  void Add(const Revocation& revocation);
  // Adds each well-formed (field, value) pair of the Redis hash; malformed ones are ignored.
  void Merge(const std::vector<std::pair<std::string, std::string>>& entries);
  // Forgets entries whose `until` is before `now`.
  void Expire(absl::Time now);

  // Reads the Redis hash at `redis_addr` now and then every `interval` on a thread of its own, until Stop
  // or destruction. A failed read keeps what is known and is retried at the next interval.
  void StartPolling(std::string redis_addr, absl::Duration interval = absl::Seconds(1));
  void Stop();

 private:
  struct AccountCutoff {
    int64_t min_version = 0;
    absl::Time until;
  };

  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, AccountCutoff> accounts_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, absl::Time> tokens_ ABSL_GUARDED_BY(mu_);

  std::mutex poll_mu_;
  std::condition_variable poll_wake_;
  bool stopping_ = false;  // guarded by poll_mu_
  std::thread poller_;
};

}  // namespace minyi

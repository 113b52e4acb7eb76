// The public API family: every route under /v1/public/ is an anonymous GET, rate-limited per client
// address and cacheable (Cache-Control, strong ETag, If-None-Match -> 304). These are the pure parts;
// session_request.cc applies them.

#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace minyi::gateway {

inline constexpr absl::string_view kPublicPathPrefix = "/v1/public/";

// True for a route path template of the public family.
bool IsPublicPath(absl::string_view path_template);

// A token bucket per client address: `burst` requests at once, refilled at `per_second`. No I/O and no
// clock of its own (the caller passes the time), thread-safe. The limit holds per gateway replica.
// Memory is bounded: past `max_addresses` buckets, those that have refilled completely (idle addresses)
// are dropped, and if every one is still in use the table starts afresh.
class PublicRateLimiter final {
 public:
  struct Limits {
    int per_second = 10;
    int burst = 30;
    int max_addresses = 100000;
  };

  explicit PublicRateLimiter(Limits limits) : limits_(limits) {}

  // Takes one request of `address` at `now`: zero when admitted, else how long until one is (> 0).
  absl::Duration Take(absl::string_view address, absl::Time now);

 private:
  struct Bucket {
    double tokens = 0;
    absl::Time last;
  };
  struct Shard {
    absl::Mutex mu;
    absl::flat_hash_map<std::string, Bucket> buckets ABSL_GUARDED_BY(mu);
  };
  static constexpr int kShards = 16;

  const Limits limits_;
  std::array<Shard, kShards> shards_;
};

// A strong entity tag of a response body: a quoted hex digest, the same from every replica.
std::string StrongEtag(absl::string_view body);

// Whether an If-None-Match header value ("*", or a comma-separated list of entity tags, weak or strong)
// matches `etag`, by the weak comparison RFC 9110 prescribes for it.
bool IfNoneMatchHits(absl::string_view if_none_match, absl::string_view etag);

}  // namespace minyi::gateway

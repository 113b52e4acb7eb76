#include "public_reads.h"

#include <algorithm>
#include <cmath>

#include "absl/hash/hash.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "openssl/sha.h"

namespace minyi::gateway {
namespace {

// The opaque part of an entity tag, without W/ (the weak comparison ignores it).
absl::string_view Opaque(absl::string_view tag) {
  tag = absl::StripAsciiWhitespace(tag);
  absl::ConsumePrefix(&tag, "W/");
  return tag;
}

}  // namespace

bool IsPublicPath(absl::string_view path_template) { return absl::StartsWith(path_template, kPublicPathPrefix); }

absl::Duration PublicRateLimiter::Take(absl::string_view address, absl::Time now) {
  Shard& shard = shards_[absl::HashOf(address) % kShards];
  const double rate = limits_.per_second;
  const double burst = limits_.burst;
  absl::MutexLock lock(&shard.mu);
  auto it = shard.buckets.find(address);
  if (it == shard.buckets.end()) {
    if (static_cast<int>(shard.buckets.size()) >= std::max(1, limits_.max_addresses / kShards)) {
      // A bucket that has had time to refill completely is the same as no bucket.
      const absl::Duration full = absl::Seconds(burst / rate);
      absl::erase_if(shard.buckets, [&](const auto& entry) { return now - entry.second.last >= full; });
      if (static_cast<int>(shard.buckets.size()) >= std::max(1, limits_.max_addresses / kShards)) {
        shard.buckets.clear();
      }
    }
    it = shard.buckets.emplace(std::string(address), Bucket{burst, now}).first;
  }
  Bucket& bucket = it->second;
  // A clock that steps back refills nothing.
  const double elapsed = std::max(0.0, absl::ToDoubleSeconds(now - bucket.last));
  bucket.tokens = std::min(burst, bucket.tokens + elapsed * rate);
  bucket.last = std::max(bucket.last, now);
  if (bucket.tokens >= 1.0) {
    bucket.tokens -= 1.0;
    return absl::ZeroDuration();
  }
  return absl::Seconds((1.0 - bucket.tokens) / rate);
}

std::string StrongEtag(absl::string_view body) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest);
  // 128 bits tell bodies apart well enough and keep the header short.
  return absl::StrCat("\"", absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), 16)), "\"");
}

bool IfNoneMatchHits(absl::string_view if_none_match, absl::string_view etag) {
  if (absl::StripAsciiWhitespace(if_none_match) == "*") {
    return true;
  }
  const absl::string_view wanted = Opaque(etag);
  for (absl::string_view tag : absl::StrSplit(if_none_match, ',')) {
    if (Opaque(tag) == wanted) {
      return true;
    }
  }
  return false;
}

}  // namespace minyi::gateway

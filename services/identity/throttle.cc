#include "identity/throttle.h"

#include <sodium.h>

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/log.h"

namespace minyi::identity {
namespace {

// User names are keyed by a hash: Redis holds no list of the names people tried.
std::string UserKey(absl::string_view username) {
  const std::string lower = absl::AsciiStrToLower(username);
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(lower.data()), lower.size());
  return absl::StrCat("minyi.signin.u.",
                      absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(digest), 16)));
}

std::string AddressKey(absl::string_view address) { return absl::StrCat("minyi.signin.a.", address); }

std::string LockKey(absl::string_view key) { return absl::StrCat(key, ".lock"); }

}  // namespace

absl::Duration LockoutAfter(const ThrottlePolicy& policy, int64_t failures) {
  if (failures < policy.free_attempts) {
    return absl::ZeroDuration();
  }
  absl::Duration delay = policy.first_delay;
  for (int64_t i = policy.free_attempts; i < failures && delay < policy.max_delay; ++i) {
    delay *= 2;
  }
  return std::min(delay, policy.max_delay);
}

SignInThrottle::SignInThrottle(std::string redis_addr) : redis_(std::move(redis_addr), absl::Seconds(1)) {}

void SignInThrottle::WarnOnce(const absl::Status& status) {
  absl::MutexLock lock(&mu_);
  if (!warned_) {
    log::Warn("sign-in throttle cannot reach Redis; sign-ins are not throttled meanwhile",
              {{"error", status.ToString()}});
    warned_ = true;
  }
}

absl::Duration SignInThrottle::Wait(absl::string_view username, absl::string_view address) {
  const std::vector<std::vector<std::string>> commands = {{"PTTL", LockKey(UserKey(username))},
                                                          {"PTTL", LockKey(AddressKey(address))}};
  absl::StatusOr<std::vector<RedisReply>> replies = redis_.Pipeline(commands);
  if (!replies.ok()) {
    WarnOnce(replies.status());
    return absl::ZeroDuration();
  }
  {
    absl::MutexLock lock(&mu_);
    warned_ = false;
  }
  long long ms = 0;
  for (const RedisReply& r : *replies) {
    if (r.type == RedisReply::Type::kInteger) {
      ms = std::max(ms, r.integer);  // -2: no lock, -1: no expiry (never set so)
    }
  }
  return absl::Milliseconds(ms);
}

void SignInThrottle::RecordFailure(absl::string_view username, absl::string_view address) {
  const std::string user = UserKey(username);
  const std::string addr = AddressKey(address);
  const std::string memory = absl::StrCat(absl::ToInt64Milliseconds(kFailureMemory));
  const std::vector<std::vector<std::string>> count = {
      {"INCR", user}, {"PEXPIRE", user, memory}, {"INCR", addr}, {"PEXPIRE", addr, memory}};
  absl::StatusOr<std::vector<RedisReply>> counted = redis_.Pipeline(count);
  if (!counted.ok()) {
    WarnOnce(counted.status());
    return;
  }
  std::vector<std::vector<std::string>> locks;
  const std::pair<const std::string*, absl::Duration> wanted[] = {
      {&user, LockoutAfter(kPerUsername, (*counted)[0].integer)},
      {&addr, LockoutAfter(kPerAddress, (*counted)[2].integer)}};
  for (const auto& [key, delay] : wanted) {
    if (delay > absl::ZeroDuration()) {
      locks.push_back({"SET", LockKey(*key), "1", "PX", absl::StrCat(absl::ToInt64Milliseconds(delay))});
    }
  }
  if (!locks.empty()) {
    if (absl::StatusOr<std::vector<RedisReply>> set = redis_.Pipeline(locks); !set.ok()) {
      WarnOnce(set.status());
    }
  }
}

void SignInThrottle::RecordSuccess(absl::string_view username) {
  const std::string user = UserKey(username);
  if (absl::StatusOr<RedisReply> r = redis_.Command({"DEL", user, LockKey(user)}); !r.ok()) {
    WarnOnce(r.status());
  }
}

}  // namespace minyi::identity

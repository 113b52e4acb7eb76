#include "common/revocation.h"

#include <chrono>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/auth.h"
#include "common/log.h"
#include "common/redis.h"

namespace minyi {

std::pair<std::string, std::string> RevocationEntry(const Revocation& revocation) {
  std::string field = revocation.token_id.empty()
                          ? absl::StrCat("a:", revocation.account_id, ":", revocation.min_version)
                          : absl::StrCat("t:", revocation.token_id);
  return {std::move(field), absl::StrCat(absl::ToUnixSeconds(revocation.until))};
}

RevocationList::~RevocationList() { Stop(); }

bool RevocationList::IsRevoked(const VerifiedToken& token, absl::Time now) const {
  absl::MutexLock lock(&mu_);
  if (auto it = tokens_.find(token.caller.token_id()); it != tokens_.end() && it->second >= now) {
    return true;
  }
  auto it = accounts_.find(token.caller.account_id());
  return it != accounts_.end() && it->second.until >= now && token.version < it->second.min_version;
}

void RevocationList::Add(const Revocation& revocation) {
  absl::MutexLock lock(&mu_);
  if (!revocation.token_id.empty()) {
    absl::Time& until = tokens_[revocation.token_id];
    until = std::max(until, revocation.until);
    return;
  }
  auto [it, inserted] =
      accounts_.try_emplace(revocation.account_id, AccountCutoff{revocation.min_version, revocation.until});
  AccountCutoff& cutoff = it->second;
  if (!inserted && revocation.min_version >= cutoff.min_version) {
    cutoff.until =
        revocation.min_version == cutoff.min_version ? std::max(cutoff.until, revocation.until) : revocation.until;
    cutoff.min_version = revocation.min_version;
  }
}

void RevocationList::Merge(const std::vector<std::pair<std::string, std::string>>& entries) {
  for (const auto& [field, value] : entries) {
    int64_t until = 0;
    if (!absl::SimpleAtoi(value, &until)) {
      continue;
    }
    Revocation r;
    r.until = absl::FromUnixSeconds(until);
    std::vector<absl::string_view> parts = absl::StrSplit(field, absl::MaxSplits(':', 2));
    if (parts.size() == 2 && parts[0] == "t" && !parts[1].empty()) {
      r.token_id = std::string(parts[1]);
    } else if (parts.size() == 3 && parts[0] == "a" && !parts[1].empty() &&
               absl::SimpleAtoi(parts[2], &r.min_version)) {
      r.account_id = std::string(parts[1]);
    } else {
      continue;
    }
    Add(r);
  }
}

void RevocationList::Expire(absl::Time now) {
  absl::MutexLock lock(&mu_);
  absl::erase_if(tokens_, [now](const auto& entry) { return entry.second < now; });
  absl::erase_if(accounts_, [now](const auto& entry) { return entry.second.until < now; });
}

void RevocationList::StartPolling(std::string redis_addr, absl::Duration interval) {
  poller_ = std::thread([this, addr = std::move(redis_addr), interval] {
    RedisClient redis(addr, absl::Seconds(2));
    bool warned = false;
    std::unique_lock<std::mutex> lock(poll_mu_);
    while (!stopping_) {
      lock.unlock();
      absl::StatusOr<RedisReply> reply = redis.Command({"HGETALL", kRevocationsKey});
      if (reply.ok() && reply->type == RedisReply::Type::kArray) {
        std::vector<std::pair<std::string, std::string>> entries;
        for (size_t i = 0; i + 1 < reply->elements.size(); i += 2) {
          entries.emplace_back(reply->elements[i].str, reply->elements[i + 1].str);
        }
        Merge(entries);
        warned = false;
      } else if (!warned) {
        // Once per outage: what is known stays in force, and the next read catches up.
        log::Warn("cannot read token revocations from Redis; keeping the ones known",
                  {{"error", reply.ok() ? reply->str : reply.status().ToString()}});
        warned = true;
      }
      Expire(absl::Now());
      lock.lock();
      poll_wake_.wait_for(lock, absl::ToChronoMilliseconds(interval), [this] { return stopping_; });
    }
  });
}

void RevocationList::Stop() {
  {
    std::lock_guard<std::mutex> lock(poll_mu_);
    stopping_ = true;
  }
  poll_wake_.notify_all();
  if (poller_.joinable()) {
    poller_.join();
  }
}

}  // namespace minyi

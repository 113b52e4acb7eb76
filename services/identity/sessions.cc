#include "identity/sessions.h"

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log.h"
#include "common/status.h"
#include "identity/account.h"
#include "identity/store.h"

namespace minyi::identity {
namespace {

// Field-value pairs per HSET: a few thousand revocations in a handful of commands.
constexpr size_t kFieldsPerCommand = 500;

}  // namespace

absl::StatusOr<int64_t> OwnAccountId(const Caller& caller, absl::string_view name) {
  int64_t id = 0;
  if (!absl::SimpleAtoi(caller.account_id(), &id)) {
    return Unauthenticated("TOKEN_INVALID", "the access token names no account");
  }
  if (name != "accounts/me") {
    absl::StatusOr<int64_t> named = ParseAccountName(name);
    if (!named.ok()) {
      return named.status();
    }
    if (*named != id) {
      return PermissionDenied("only the account itself may do this");
    }
  }
  return id;
}

RevocationMirror::RevocationMirror(PgPool& pool, std::string redis_addr, RevocationList& local)
    : pool_(pool), redis_(std::move(redis_addr), absl::Seconds(2)), local_(local) {}

void RevocationMirror::Publish(const Revocation& revocation) {
  local_.Add(revocation);
  auto [field, value] = RevocationEntry(revocation);
  if (absl::StatusOr<RedisReply> r = redis_.Command({"HSET", kRevocationsKey, field, value}); !r.ok()) {
    log::Warn("revocation not written to Redis yet; the next sync writes it", {{"error", r.status().ToString()}});
  }
}

absl::Status RevocationMirror::Sync() {
  std::vector<Revocation> active;
  absl::Status st = pool_.Transact([&](pqxx::work& tx) {
    active = ActiveRevocations(tx);
    if (const int purged = PurgeRevocations(tx); purged > 0) {
      log::Info("ended revocations purged", {{"count", purged}});
    }
    return absl::OkStatus();
  });
  if (!st.ok()) {
    return st;
  }
  std::vector<std::vector<std::string>> commands;
  for (const Revocation& r : active) {
    local_.Add(r);
    if (commands.empty() || commands.back().size() >= 2 + 2 * kFieldsPerCommand) {
      commands.push_back({"HSET", kRevocationsKey});
    }
    auto [field, value] = RevocationEntry(r);
    commands.back().push_back(std::move(field));
    commands.back().push_back(std::move(value));
  }
  if (!commands.empty()) {
    if (absl::StatusOr<std::vector<RedisReply>> r = redis_.Pipeline(commands); !r.ok()) {
      return r.status();
    }
  }
  // Fields whose `until` has passed void nothing any more.
  absl::StatusOr<RedisReply> all = redis_.Command({"HGETALL", kRevocationsKey});
  if (!all.ok()) {
    return all.status();
  }
  std::vector<std::string> expired = {"HDEL", kRevocationsKey};
  const int64_t now = absl::ToUnixSeconds(absl::Now());
  for (size_t i = 0; i + 1 < all->elements.size(); i += 2) {
    int64_t until = 0;
    if (!absl::SimpleAtoi(all->elements[i + 1].str, &until) || until < now) {
      expired.push_back(all->elements[i].str);
    }
  }
  if (expired.size() > 2) {
    if (absl::StatusOr<RedisReply> r = redis_.Command(expired); !r.ok()) {
      return r.status();
    }
  }
  return absl::OkStatus();
}

Revocation EndSessionsBelow(const TokenIssuer& issuer, int64_t id, int64_t version) {
  return Revocation{
      .account_id = absl::StrCat(id), .min_version = version, .until = absl::Now() + issuer.ttl() + kRevocationMargin};
}

absl::Status HashingBusy() {
  return ResourceExhausted("SIGN_IN_BUSY", "too many sign-ins at once; try again in a second", absl::Seconds(1));
}

}  // namespace minyi::identity

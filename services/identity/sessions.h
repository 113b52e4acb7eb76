#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/auth.h"
#include "common/pg.h"
#include "common/redis.h"
#include "common/revocation.h"
#include "identity/codes.h"
#include "identity/password.h"
#include "identity/throttle.h"

namespace minyi::identity {

// Where revocations travel after the transaction that recorded them commits (docs/security.md): into this
// process's RevocationList at once, and into the Redis hash every other process polls. PostgreSQL keeps
// the truth; Sync writes it all into Redis again every few seconds, so a failed write or a Redis that
// lost its data is repaired within seconds.
class RevocationMirror final {
 public:
  RevocationMirror(PgPool& pool, std::string redis_addr, RevocationList& local);

  void Publish(const Revocation& revocation);
  // Every active revocation into Redis; expired fields out of it; revocations ended a day ago out of
  // PostgreSQL. Safe in several replicas at once (fields are only added, never lowered).
  absl::Status Sync();

 private:
  PgPool& pool_;
  RedisClient redis_;
  RevocationList& local_;
};

// A revocation outlives every token it voids: their lifetime plus the verifiers' clock leeway and a margin.
inline constexpr absl::Duration kRevocationMargin = absl::Seconds(60);

// What sign-in and account calls need besides the database (wired in main.cc).
struct Sessions {
  const TokenIssuer& issuer;
  const TokenVerifier& verifier;  // its keys are the JWK Set
  RevocationMirror& revocations;
  SignInThrottle& throttle;
  HashingSlots& hashing;
  PhoneCodes& codes;
};

// Revokes every token of account `id` below `version` until the last of them has expired.
Revocation EndSessionsBelow(const TokenIssuer& issuer, int64_t id, int64_t version);

// The id of the caller's own account named `name` ("accounts/me" or its own name); PERMISSION_DENIED for
// another's.
absl::StatusOr<int64_t> OwnAccountId(const Caller& caller, absl::string_view name);

// RESOURCE_EXHAUSTED telling the caller to come back in a second: every hashing slot is busy.
absl::Status HashingBusy();

}  // namespace minyi::identity

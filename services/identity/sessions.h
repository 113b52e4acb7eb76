#pragma once

#include <string>

#include "absl/status/status.h"
#include "common/pg.h"
#include "common/redis.h"
#include "common/revocation.h"

// Where revocations travel after the transaction that recorded them commits (docs/security.md): into this
// process's RevocationList at once, and into the Redis hash every other process polls. PostgreSQL keeps
// the truth; Sync writes it all into Redis again every few seconds, so a failed write or a Redis that
// lost its data is repaired within seconds.
namespace minyi::identity {

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

}  // namespace minyi::identity

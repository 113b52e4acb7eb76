#pragma once

#include <string>
#include <vector>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"

namespace minyi {

// One numbered schema migration. Landed migrations are never edited: a change is a new number.
struct Migration {
  int version;
  const char* file;
  const char* sql;
};

// Applies the tables every service has (outbox, processed_events, idempotency_keys, audit_log) and
// then `migrations`, in order, to `schema`, under a PostgreSQL advisory lock so that replicas starting
// together apply each migration exactly once. Each migration runs in its own transaction.
absl::Status ApplyMigrations(const std::string& dsn, absl::string_view schema,
                             const std::vector<Migration>& migrations);

}  // namespace minyi

#include "migrate.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "log.h"
#include "pqxx/pqxx"

namespace minyi {
namespace {

// Tables every service schema has. Numbered like a service's own migrations, tracked as component
// "common"; append, never edit.
const std::vector<Migration>& CommonMigrations() {
  static const std::vector<Migration> kCommon = {
      {1, "common/001_outbox.sql", R"sql(
CREATE TABLE outbox (
  id bigserial PRIMARY KEY,
  event_id uuid NOT NULL UNIQUE,
  event_type text NOT NULL,
  subject text NOT NULL,
  payload bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz
);
CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;
CREATE TABLE processed_events (
  consumer text NOT NULL,
  event_id uuid NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);
CREATE TABLE idempotency_keys (
  scope text NOT NULL,
  key text NOT NULL,
  request_hash bytea NOT NULL,
  response bytea,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,
  action text NOT NULL,
  resource text NOT NULL,
  request_id text NOT NULL DEFAULT '',
  detail jsonb NOT NULL DEFAULT '{}'::jsonb
);
-- The audit trail is append-only: updates and deletes are refused by the database itself.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
)sql"},
      {2, "common/002_outbox_confirmation.sql", R"sql(
-- stream_id: the entry id XADD returned ("<ms>-<seq>"); confirmed_at: when every consumer group of the
-- stream had read and acknowledged that entry (until then the row is published again if Redis loses it).
ALTER TABLE outbox ADD COLUMN stream_id text, ADD COLUMN confirmed_at timestamptz;
-- Rows published before entry ids were recorded cannot be checked against the stream: they are taken as
-- consumed, as they were until now.
UPDATE outbox SET confirmed_at = published_at WHERE published_at IS NOT NULL;
CREATE INDEX outbox_unconfirmed ON outbox (id) WHERE published_at IS NOT NULL AND confirmed_at IS NULL;
-- Pruning finds confirmed rows older than the retention through this.
CREATE INDEX outbox_created ON outbox (created_at);
-- The Redis run id (INFO server) the relay last saw for a stream: a new one means Redis restarted or
-- failed over, and may have lost what it had not yet written to disk.
CREATE TABLE outbox_redis_runs (
  stream text PRIMARY KEY,
  run_id text NOT NULL
);
)sql"},
      // Events a consumer group gave up on after its last attempt, kept in PostgreSQL (not a Redis stream)
      // so that losing Redis' data loses none of them; staff list and replay them (common/dead_events.h).
      {3, "common/003_dead_events.sql", R"sql(
CREATE TABLE dead_events (
  id bigserial PRIMARY KEY,
  consumer text NOT NULL,
  event_id uuid NOT NULL,
  event_type text NOT NULL,
  payload bytea NOT NULL,
  error text NOT NULL,
  attempts int NOT NULL,
  first_failed_at timestamptz NOT NULL,
  dead_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (consumer, event_id)
);
)sql"},
      // The revision of each setting replaced as a whole, shown as its etag (common/settings_revision.h).
      {4, "common/004_settings_revisions.sql", R"sql(
CREATE TABLE settings_revisions (
  setting text PRIMARY KEY,
  revision bigint NOT NULL CHECK (revision > 0),
  update_time timestamptz NOT NULL DEFAULT now(),
  updated_by text NOT NULL
);
)sql"},
  };
  return kCommon;
}

void ApplyComponent(pqxx::connection& conn, const std::string& schema, const std::string& component,
                    const std::vector<Migration>& migrations) {
  std::set<int> applied;
  {
    pqxx::work tx(conn);
    for (const auto& row : tx.exec_params("SELECT version FROM schema_migrations WHERE component = $1", component)) {
      applied.insert(row[0].as<int>());
    }
    tx.commit();
  }
  for (const Migration& m : migrations) {
    if (applied.count(m.version) > 0) {
      continue;
    }
    pqxx::work tx(conn);
    tx.exec(m.sql);
    tx.exec_params("INSERT INTO schema_migrations (component, version, file) VALUES ($1, $2, $3)", component, m.version,
                   m.file);
    tx.commit();
    log::Info("migration applied", {{"schema", schema}, {"component", component}, {"file", m.file}});
  }
}

}  // namespace

absl::Status ApplyMigrations(const std::string& dsn, absl::string_view schema_view,
                             const std::vector<Migration>& migrations) {
  const std::string schema(schema_view);
  try {
    pqxx::connection conn(dsn);
    const std::string lock_key = absl::StrCat("minyi.migrate.", schema);
    {
      pqxx::nontransaction nt(conn);
      // Session-level lock: held across the per-migration transactions below, released on return.
      nt.exec_params("SELECT pg_advisory_lock(hashtext($1))", lock_key);
      // Deployed, the service's own role owns its schema, made for it beforehand, and may not create schemas
      // (docs/security.md): CREATE SCHEMA IF NOT EXISTS would be refused even for a schema that exists.
      if (nt.exec_params("SELECT 1 FROM pg_namespace WHERE nspname = $1", schema).empty()) {
        nt.exec(absl::StrCat("CREATE SCHEMA ", conn.quote_name(schema)));
      }
      nt.exec(absl::StrCat("SET search_path TO ", conn.quote_name(schema)));
      nt.exec(R"sql(CREATE TABLE IF NOT EXISTS schema_migrations (
          component text NOT NULL, version int NOT NULL, file text NOT NULL,
          applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (component, version)))sql");
    }
    absl::Status result = absl::OkStatus();
    try {
      ApplyComponent(conn, schema, "common", CommonMigrations());
      ApplyComponent(conn, schema, schema, migrations);
    } catch (const std::exception& e) {
      result = absl::InternalError(absl::StrCat("migrating schema ", schema, ": ", e.what()));
    }
    pqxx::nontransaction nt(conn);
    nt.exec_params("SELECT pg_advisory_unlock(hashtext($1))", lock_key);
    return result;
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat("migrating schema ", schema, ": ", e.what()));
  }
}

}  // namespace minyi

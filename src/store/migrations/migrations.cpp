#include "store/migrations/migrations.hpp"

#include <chrono>
#include <string>

#include "core/error.hpp"

namespace rapport::store {

namespace {

// Times are stored as INTEGER milliseconds since the Unix epoch, UTC: one representation
// everywhere, portable to PostgreSQL (bigint) and cheap to compare for SLA timers.
constexpr Migration kMigrations[] = {
    {1, "platform: users, sessions and tokens, sign-in failures, audit log, settings", R"sql(
CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  email         TEXT NOT NULL,
  name          TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('admin','manager','sales','service','analyst')),
  password_hash TEXT NOT NULL,
  disabled      INTEGER NOT NULL DEFAULT 0,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  version       INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX users_email ON users (lower(email));

CREATE TABLE auth_tokens (
  id          INTEGER PRIMARY KEY,
  token_hash  BLOB NOT NULL UNIQUE,
  user_id     INTEGER NOT NULL REFERENCES users (id),
  kind        TEXT NOT NULL CHECK (kind IN ('session','api')),
  name        TEXT,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  revoked_at  INTEGER
);
CREATE INDEX auth_tokens_user ON auth_tokens (user_id);

CREATE TABLE sign_in_failures (
  id    INTEGER PRIMARY KEY,
  email TEXT NOT NULL,
  at    INTEGER NOT NULL
);
CREATE INDEX sign_in_failures_email_at ON sign_in_failures (email, at);

CREATE TABLE audit_log (
  id          INTEGER PRIMARY KEY,
  at          INTEGER NOT NULL,
  user_id     INTEGER,
  request_id  TEXT,
  action      TEXT NOT NULL,
  entity      TEXT NOT NULL,
  entity_id   TEXT,
  before      TEXT,
  after       TEXT
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id, id);
CREATE INDEX audit_log_user ON audit_log (user_id, id);
CREATE INDEX audit_log_at ON audit_log (at, id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
)sql"},
};

void ensure_version_table(Connection& conn) {
  conn.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
      "name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::span<const Migration> all_migrations() {
  return kMigrations;
}
int latest_schema_version() {
  return kMigrations[std::size(kMigrations) - 1].version;
}

int current_schema_version(Connection& conn) {
  Query exists(conn,
               "SELECT count(*) FROM sqlite_master WHERE type='table' AND "
               "name='schema_migrations'");
  exists.step();
  if (exists->get_int(0) == 0) return 0;
  Query q(conn, "SELECT coalesce(max(version), 0) FROM schema_migrations");
  q.step();
  return static_cast<int>(q->get_int(0));
}

std::vector<Migration> pending_migrations(Connection& conn) {
  int current = current_schema_version(conn);
  if (current > latest_schema_version()) {
    throw Error(ErrorCode::kConflict,
                "the database has schema version " + std::to_string(current) +
                    ", newer than this Rapport knows (" + std::to_string(latest_schema_version()) +
                    "); use a newer Rapport with this database",
                "db");
  }
  std::vector<Migration> out;
  for (const auto& m : kMigrations) {
    if (m.version > current) out.push_back(m);
  }
  return out;
}

std::vector<Migration> migrate(Connection& conn) {
  // Under the write lock, so two processes starting at once cannot both apply a migration.
  Transaction tx(conn, true);
  auto todo = pending_migrations(conn);
  if (todo.empty()) {
    tx.commit();
    return todo;
  }
  ensure_version_table(conn);
  for (const auto& m : todo) {
    try {
      conn.exec(m.sql);
      execute(conn, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
              m.version, std::string(m.name), now_ms());
    } catch (const Error& e) {
      throw Error(ErrorCode::kInternal,
                  "migration " + std::to_string(m.version) + " (" + std::string(m.name) +
                      ") failed, nothing was changed: " + e.what(),
                  "db");
    }
  }
  tx.commit();
  return todo;
}

}  // namespace rapport::store

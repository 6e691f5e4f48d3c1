#pragma once
// Numbered, append-only schema migrations. A released migration is never edited: a change is a
// new migration. tests/fixtures/schema/ keeps a database of every released schema version, and a
// test upgrades each of them to the latest.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/connection.hpp"

namespace rapport::store {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;  // portable SQL; may hold several statements
};

// All migrations in version order.
std::span<const Migration> all_migrations();
int latest_schema_version();

// The schema version of the database (0 for an empty one).
int current_schema_version(Connection& conn);

// Migrations that would run on this database, in order. Throws rapport::Error(kConflict) when the
// database is from a newer Rapport than this one.
std::vector<Migration> pending_migrations(Connection& conn);
std::vector<Migration> pending_migrations(Connection& conn, std::span<const Migration> migrations);

// Applies the pending migrations in one transaction: all of them or none. On failure the
// previous schema is intact and the error names the migration that failed and why.
// Returns the migrations applied.
std::vector<Migration> migrate(Connection& conn);
// The same with a given list (tests use it to prove a failing migration changes nothing).
std::vector<Migration> migrate(Connection& conn, std::span<const Migration> migrations);

}  // namespace rapport::store

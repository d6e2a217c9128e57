// The PostgreSQL backend of the ledger (ledger.h): one database that many hosts share, over libpq.
//
// The URI goes to libpq as given (PQconnectdbParams with expand_dbname), so libpq's URI syntax
// and its environment (PGPASSFILE, PGPASSWORD, PGSSLMODE, PGCONNECT_TIMEOUT, ...) apply. The
// schema (tables coupongen_meta, coupongen_batches, coupongen_codes, coupongen_ranges) is created
// on first use, under an advisory lock so two hosts creating it at once do not collide.
//
// Guarantees, and what they rest on:
// - Unique codes: a UNIQUE index on the code with ASCII letters folded to lower case (codes are
//   unique ignoring ASCII case, as in SQLite). Whatever else happens, the database refuses a
//   second row of one code.
// - Writers serialise: BeginIssue() begins a READ COMMITTED transaction and takes
//   pg_advisory_xact_lock, held until the commit or rollback (or the connection's end); every
//   statement after it sees the codes the previous writer committed, so a run never draws them
//   (as SQLite's BEGIN IMMEDIATE). Keyed ranges are checked for overlaps under the same lock.
//   A code that is in the ledger all the same (a writer that does not take the lock) fails the
//   bulk insert on the unique index: the run records nothing and fails (exit 1), to be run again.
// - Durable before the rename: Commit() returns after the server acknowledged COMMIT, with
//   synchronous_commit raised to `on` for the session when the server had it `off`.
// - Reserve-then-deliver: rows are written undelivered; MarkDelivered() is a second transaction.
// - Bulk insert: codes go in by COPY, in blocks, never one round trip per code.
// Passwords (in the URI, a password= parameter, or PGPASSWORD) never appear in messages: path()
// is the URI with the password replaced by ****, and libpq's messages are scrubbed of them.
#pragma once

#include <memory>
#include <string>

#include "ledger/ledger.h"

namespace coupongen {

/// Ledger::Open for a postgresql:// or postgres:// URI.
Result<std::unique_ptr<Ledger>> OpenPostgresLedger(const std::string& uri, const LedgerOptions& options);

}  // namespace coupongen

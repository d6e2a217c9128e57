// Ledger: a SQLite database of every code ever issued through it (the contract's --ledger DB).
//
// How `generate` uses it:
//   auto ledger = Ledger::Open(path);              // creates file (0600) + schema if missing
//   auto session = (*ledger)->BeginIssue();        // exclusive: a second run waits here
//   (*ledger)->ForEachCode(...);                   // every code issued so far -> uniqueness set
//   session->Record(code, campaign, rule, now, output_path);   // per new code
//   session->Commit();                             // durable; only then rename the output file
// A session destroyed without Commit() rolls back: a failed run leaves the ledger unchanged.
//
// Durability: rollback journal (journal_mode=DELETE, SQLite's default) with synchronous=EXTRA, so
// when Commit() returns the codes are on disk, including the journal's unlink (the commit point)
// being synced into the directory. Not WAL: WAL with synchronous=NORMAL is not durable at commit,
// and WAL needs shared memory (no network file systems) and leaves -wal/-shm files beside the
// ledger; a run commits once, so WAL's cheaper commits buy nothing here.
// Locking: BeginIssue() is BEGIN IMMEDIATE with a busy timeout, so writers serialise and the
// second sees the first's codes. Readers (Find, Stats, ...) never wait for a session, only for the
// moment of a commit; a commit in turn waits (up to the busy timeout) for running readers.
//
// Codes are unique ignoring (ASCII) letter case, as everywhere in coupongen: the schema enforces it
// with a UNIQUE ... COLLATE NOCASE column.
//
// Threads: a Ledger and its sessions are used by one thread at a time. Processes: open the
// ledger after fork(), never share a Ledger across it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/timestamp.h"

struct sqlite3;
struct sqlite3_stmt;

namespace coupongen {

namespace ledger_internal {
struct DbCloser {
  void operator()(sqlite3* db) const;
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* stmt) const;
};
using DbPtr = std::unique_ptr<sqlite3, DbCloser>;
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;
}  // namespace ledger_internal

/// One issued code, as `ledger find` and `ledger export` show it.
struct LedgerEntry {
  std::string code;               // as issued (original case)
  std::string campaign;
  std::string promotion_rule_id;  // "" when the spec set none
  TimeMs issued_at = 0;
  std::string output_path;        // as given to generate ("-" for stdout)

  bool operator==(const LedgerEntry&) const = default;
};

/// Per campaign: how many codes were issued, and when the first and last were.
struct CampaignStats {
  std::string campaign;
  uint64_t count = 0;
  TimeMs first_issued_at = 0;
  TimeMs last_issued_at = 0;

  bool operator==(const CampaignStats&) const = default;
};

/// A run of sequence numbers [start, start + count) issued for keyed generation.
struct LedgerRange {
  std::string campaign;
  std::string key_id;
  uint64_t start = 0;
  uint64_t count = 0;  // > 0; start + count <= INT64_MAX
  TimeMs issued_at = 0;
  std::string output_path;

  bool operator==(const LedgerRange&) const = default;
};

struct LedgerOptions {
  /// How long BeginIssue() (and any statement) waits for another process's lock before failing
  /// with "... is locked by another run".
  int busy_timeout_ms = 30000;
  /// Create the file and schema when the path does not exist. `ledger find|stats|export` pass
  /// false: querying a ledger that is not there is an error, not an empty ledger.
  bool create_if_missing = true;
};

class Ledger;

/// An exclusive write session (a SQLite transaction begun IMMEDIATE). Everything recorded through
/// it becomes durable at Commit(), or is rolled back when the session is destroyed without one.
/// REQUIRES: the Ledger outlives the session. Movable (assigning over an open session rolls it
/// back), not copyable.
class IssueSession {
 public:
  IssueSession(IssueSession&& other) noexcept;
  IssueSession& operator=(IssueSession&& other) noexcept;
  IssueSession(const IssueSession&) = delete;
  IssueSession& operator=(const IssueSession&) = delete;
  /// Rolls back unless committed.
  ~IssueSession();

  /// Records one issued code. `promotion_rule_id` may be "" (none). A code already in the ledger
  /// (ignoring case), including one recorded earlier in this session, is Invalid; the session stays
  /// usable but the caller is expected to abandon it. I/O failures are IoError.
  /// REQUIRES: not committed.
  Status Record(std::string_view code, std::string_view campaign, std::string_view promotion_rule_id,
                TimeMs issued_at, std::string_view output_path);

  /// Records a range of sequence numbers. A range overlapping one already recorded for the same
  /// campaign and key_id is Invalid (adjacent ranges are fine); so are count == 0 and ranges
  /// reaching past INT64_MAX. REQUIRES: not committed.
  Status RecordRange(const LedgerRange& range);

  /// Makes everything recorded durable. On failure the session is still open (and rolls back when
  /// destroyed). REQUIRES: not committed.
  /// Record and Commit fail with InterruptedStatus() once a deferred signal is pending
  /// (base/interrupt.h), so an interrupted run rolls back instead of leaving a journal behind.
  Status Commit();

 private:
  friend class Ledger;
  IssueSession(sqlite3* db, const std::string* path) : db_(db), path_(path) {}
  Status Prepare();
  void RollbackUnlessCommitted();
  Status BatchId(std::string_view campaign, std::string_view promotion_rule_id, TimeMs issued_at,
                 std::string_view output_path, int64_t* id);

  sqlite3* db_;               // not owned; null once committed or moved from
  const std::string* path_;   // the Ledger's, for messages
  ledger_internal::StmtPtr insert_batch_, insert_code_, find_overlap_, insert_range_;
  // The batch (campaign, rule, time, output) the previous Record went to: most runs use one.
  int64_t batch_id_ = 0;
  std::string batch_campaign_, batch_rule_, batch_output_;
  TimeMs batch_issued_at_ = 0;
};

class Ledger {
 public:
  /// Opens the ledger at `path`, creating it (mode 0600, codes are secrets) and its schema when
  /// missing and `options.create_if_missing`. Fails with IoError "<path>: file is not a database"
  /// for a file that is not SQLite, "<path>: not a coupongen ledger" for another SQLite database,
  /// "<path>: database disk image is malformed" for a damaged one, and when it cannot be opened.
  static Result<std::unique_ptr<Ledger>> Open(const std::string& path, const LedgerOptions& options = {});

  Ledger(const Ledger&) = delete;
  Ledger& operator=(const Ledger&) = delete;
  ~Ledger();

  /// Starts the one write session of this run. Waits up to busy_timeout_ms for another process's
  /// session to end, then fails with IoError "<path> is locked by another run".
  /// REQUIRES: no other session of this Ledger is open.
  Result<IssueSession> BeginIssue();

  /// Calls fn(code) for every issued code, in no particular order. Inside a session this is every
  /// code committed before it began plus the session's own. Stops at, and returns, the first
  /// non-ok status fn returns. The string_view is valid only during the call.
  Status ForEachCode(const std::function<Status(std::string_view code)>& fn);

  /// The entry of `code`, ignoring case, or nullopt when it was never issued.
  Result<std::optional<LedgerEntry>> Find(std::string_view code);

  /// Per campaign (sorted by name): count, first and last issue time. Codes only, not ranges.
  Result<std::vector<CampaignStats>> Stats();

  /// Calls fn for every entry in issue order. Stops at, and returns, fn's first non-ok status.
  Status ForEachEntry(const std::function<Status(const LedgerEntry&)>& fn);

  /// Calls fn for every range, by campaign, key_id and start. Stops at fn's first non-ok status.
  Status ForEachRange(const std::function<Status(const LedgerRange&)>& fn);

  const std::string& path() const { return path_; }

 private:
  Ledger(std::string path, ledger_internal::DbPtr db) : path_(std::move(path)), db_(std::move(db)) {}

  std::string path_;
  ledger_internal::DbPtr db_;
};

}  // namespace coupongen

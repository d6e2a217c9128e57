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
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/timestamp.h"
#include "codes/alphabet.h"
#include "codes/shape.h"

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
  bool delivered = true;          // false: reserved, but the run never marked its output delivered

  bool operator==(const LedgerEntry&) const = default;
};

/// Per campaign: how many codes were issued, and when the first and last were. Keyed runs count
/// the sequence numbers of their ranges (`keyed`, included in `count`). Undelivered codes were
/// reserved by a run whose output was never renamed into place (it failed or was killed between
/// its commit and the rename): they are never issued again.
struct CampaignStats {
  std::string campaign;
  uint64_t count = 0;        // codes issued (reserved), random and keyed
  uint64_t keyed = 0;        // of which by keyed ranges
  uint64_t undelivered = 0;  // of which were never delivered
  TimeMs first_issued_at = 0;
  TimeMs last_issued_at = 0;
  // Upload states (RecordUploadStates), of the codes recorded one by one (keyed ranges' codes are
  // not in the ledger, so an upload cannot be matched to them):
  uint64_t uploaded = 0;  // imported by Commerce Layer
  uint64_t refused = 0;   // refused by Commerce Layer, and not imported since
  uint64_t not_sent = 0;  // given to an upload whose import never took them (stopped, interrupted)

  /// Codes not (yet) in Commerce Layer by the ledger's account: not_sent plus the codes never given
  /// to an upload with this ledger (`ledger stats`' "not sent"). Keyed codes are left out.
  uint64_t not_uploaded() const {
    const uint64_t known = count - keyed;
    return known > uploaded + refused ? known - uploaded - refused : 0;
  }

  bool operator==(const CampaignStats&) const = default;
};

/// What became of a code in an upload to Commerce Layer (upload --ledger, generate --upload).
enum class UploadState { kUploaded, kRefused, kNotSent };
/// "uploaded", "refused", "not_sent" (as stored, and in --json).
const char* UploadStateName(UploadState state);

/// One code's outcome in an upload run, for RecordUploadStates.
struct UploadOutcome {
  std::string code;
  UploadState state = UploadState::kNotSent;
  std::string message;    // refused: Commerce Layer's reasons; not sent: why; uploaded: ""
  std::string reference;  // the import's reference ("<name>-NNNN")
};

/// A code's recorded upload state, as `ledger find` shows it.
struct CodeUploadState {
  UploadState state = UploadState::kNotSent;
  std::string message;
  std::string reference;
  TimeMs updated_at = 0;  // when this state was recorded

  bool operator==(const CodeUploadState&) const = default;
};

/// What RecordUploadStates did: codes whose state it recorded or kept, and codes it ignored
/// because the ledger never issued them (a file made elsewhere, keyed codes).
struct UploadRecordCounts {
  uint64_t recorded = 0;
  uint64_t not_in_ledger = 0;
};

/// A run of sequence numbers [start, start + count) issued for keyed generation.
struct LedgerRange {
  std::string campaign;
  std::string key_id;
  uint64_t start = 0;
  uint64_t count = 0;  // > 0; start + count <= INT64_MAX
  TimeMs issued_at = 0;
  std::string output_path;
  std::string rules;       // the run's code rules (ledger/rules_record.h); "" = not recorded (schema 1)
  bool delivered = true;   // read back only; RecordRange records a range undelivered

  bool operator==(const LedgerRange&) const = default;
};

struct LedgerOptions {
  /// How long BeginIssue() (and any statement) waits for another process's lock before failing
  /// with "... is locked by another run".
  int busy_timeout_ms = 30000;
  /// Create the file and schema when the path does not exist. `ledger find|stats|export` pass
  /// false: querying a ledger that is not there is an error, not an empty ledger.
  bool create_if_missing = true;
  /// Called once, after about a second of waiting for another process's lock (BeginIssue and
  /// any statement), so the caller can say why nothing happens. Not called when the lock comes
  /// sooner. Runs on the waiting thread; must not use the Ledger.
  std::function<void()> on_wait;
  int wait_notice_ms = 1000;
};

namespace ledger_internal {
struct BusyState;
}

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

  /// Record() of each code (all with the same attributes), faster for packed codes.
  Status RecordMany(std::span<const std::string_view> codes, std::string_view campaign,
                    std::string_view promotion_rule_id, TimeMs issued_at, std::string_view output_path);

  /// Records a range of sequence numbers. A range overlapping one already recorded for the same
  /// campaign and key_id is Invalid (adjacent ranges are fine); so are count == 0 and ranges
  /// reaching past INT64_MAX. REQUIRES: not committed.
  Status RecordRange(const LedgerRange& range);

  /// Makes everything recorded durable, as RESERVED (undelivered). On failure the session is still
  /// open (and rolls back when destroyed). REQUIRES: not committed.
  /// Record and Commit fail with InterruptedStatus() once a deferred signal is pending
  /// (base/interrupt.h), so an interrupted run rolls back instead of leaving a journal behind.
  Status Commit();

  /// After Commit() and the output's rename: marks what this session recorded as delivered, in a
  /// second short transaction. When it is never called (the rename failed, the process was
  /// killed), the codes stay reserved: never issued again, and counted as undelivered by Stats().
  /// REQUIRES: committed.
  Status MarkDelivered();

  /// Codes recorded so far (each code, and each number of each range).
  uint64_t recorded() const { return recorded_; }

  /// Codes of `shape` over `alphabet` recorded after this call are stored packed: 8 bytes each,
  /// by shape, in blobs of sorted keys (see ledger.cc, "Packed codes"), written at Commit(). Needs
  /// a shape whose folded keyspace fits 64 bits, a single-case alphabet (the key keeps no case),
  /// and no '#' in the literal text; returns false (codes go to the text table) otherwise.
  /// A packed Record does not look the code up in the ledger: the caller has made sure (through
  /// Ledger::Find, or the keys of ForEachPackedKey and ForEachCode) that it is new, inside this
  /// session. Duplicates among the session's own packed codes fail Commit() (Invalid).
  bool PackShape(const CodeShape& shape, const Alphabet& alphabet);

 private:
  friend class Ledger;
  IssueSession(sqlite3* db, const std::string* path) : db_(db), path_(path) {}
  Status Prepare();
  void RollbackUnlessCommitted();
  Status BatchId(std::string_view campaign, std::string_view promotion_rule_id, TimeMs issued_at,
                 std::string_view output_path, int64_t* id);

  sqlite3* db_;               // not owned; null once committed or moved from
  sqlite3* committed_db_ = nullptr;  // after Commit(): for MarkDelivered()
  std::vector<int64_t> batch_ids_, range_ids_;  // rows this session inserted
  uint64_t recorded_ = 0;
  const std::string* path_;   // the Ledger's, for messages
  Status FlushPacked();
  ledger_internal::StmtPtr insert_batch_, insert_code_, find_overlap_, insert_range_;
  struct Packing;
  std::shared_ptr<Packing> packing_;
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
  /// The same, leaving out the codes packed under exactly `shape` and `alphabet` (which
  /// ForEachPackedKey gives faster).
  Status ForEachCodeExcept(const CodeShape& shape, const Alphabet& alphabet,
                           const std::function<Status(std::string_view code)>& fn);

  /// The entry of `code`, ignoring case, or nullopt when it was never issued.
  Result<std::optional<LedgerEntry>> Find(std::string_view code);

  /// The packed keys (CodeKeyer's key - 1) of every code issued of exactly this shape and alphabet.
  Status ForEachPackedKey(const CodeShape& shape, const Alphabet& alphabet, const std::function<void(uint64_t)>& fn);

  /// How many issued codes could have this shape: those packed under exactly this shape and
  /// alphabet (`same`), and the others of the same total length (text codes, other shapes).
  struct ShapeCounts {
    uint64_t same = 0;
    uint64_t other = 0;
  };
  Result<ShapeCounts> CountForShape(const CodeShape& shape, const Alphabet& alphabet);

  /// Per campaign (sorted by name): count, first and last issue time. Codes only, not ranges.
  /// With the upload states (RecordUploadStates) counted per state: uploaded, refused, not_sent.
  Result<std::vector<CampaignStats>> Stats();

  /// Calls fn for every entry in issue order. Stops at, and returns, fn's first non-ok status.
  Status ForEachEntry(const std::function<Status(const LedgerEntry&)>& fn);

  /// Calls fn for every range, by campaign, key_id and start. Stops at fn's first non-ok status.
  Status ForEachRange(const std::function<Status(const LedgerRange&)>& fn);

  /// Records what an upload did with each code, in one transaction (waits for the write lock as
  /// BeginIssue does). Codes are matched ignoring case; codes the ledger never issued are counted
  /// in not_in_ledger and otherwise ignored. One state per code, the latest except that:
  ///   uploaded  is final: once a code is in Commerce Layer, later outcomes do not change it
  ///             (so a code is never counted uploaded twice, whatever reruns record);
  ///   refused   replaces refused and not_sent (with its message);
  ///   not_sent  is recorded only for a code with no state yet, or a not_sent one.
  /// REQUIRES: no IssueSession of this Ledger is open.
  Result<UploadRecordCounts> RecordUploadStates(std::span<const UploadOutcome> outcomes, TimeMs at);

  /// The recorded upload state of `code` (ignoring case), or nullopt when none was recorded.
  Result<std::optional<CodeUploadState>> UploadStateOf(std::string_view code);

  const std::string& path() const { return path_; }

 private:
  Ledger(std::string path, ledger_internal::DbPtr db, std::unique_ptr<ledger_internal::BusyState> busy);

  struct PackedShape;
  Result<const std::vector<PackedShape>*> PackedShapes();
  Status ForEachPackedCode(int64_t skip_shape_id, const std::function<Status(std::string_view, int64_t batch)>& fn);

  Status EnsureUploadTable();  // the upload_states table, in a ledger made before it existed

  std::string path_;
  bool upload_table_ = false;  // upload_states exists (false only in a read-only old ledger)
  std::shared_ptr<std::vector<PackedShape>> shapes_;  // loaded on first use; reset by BeginIssue
  std::unique_ptr<ledger_internal::BusyState> busy_;  // declared before db_: outlives it
  ledger_internal::DbPtr db_;
  ledger_internal::StmtPtr find_text_, find_packed_;  // after db_: finalized before it closes
};

}  // namespace coupongen

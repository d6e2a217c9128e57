// Ledger: a database of every code ever issued through it (the contract's --ledger DB). One
// interface, two backends: a SQLite file (ledger/sqlite_ledger.h) and a PostgreSQL database that
// many hosts share (ledger/postgres_ledger.h). Ledger::Open picks the backend by the name:
// a `postgresql://` or `postgres://` URI is PostgreSQL, anything else a SQLite file path.
//
// How `generate` uses it:
//   auto ledger = Ledger::Open(path);              // creates the ledger (and schema) if missing
//   auto session = (*ledger)->BeginIssue();        // exclusive: a second run waits here
//   (*ledger)->ForEachCode(...);                   // every code issued so far -> uniqueness set
//   (*session)->Record(code, campaign, rule, now, output_path);   // per new code
//   (*session)->Commit();                          // durable; only then rename the output file
//   (*session)->MarkDelivered();                   // after the rename, a second transaction
// A session destroyed without Commit() rolls back: a failed run leaves the ledger unchanged.
// Writers serialise (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory lock taken inside the
// transaction), so the second sees the first's codes; the unique index on the case-folded code
// is the guarantee behind it. Readers (Find, Stats, ...) never wait for a session.
//
// Codes are unique ignoring (ASCII) letter case, as everywhere in coupongen.
//
// Threads: a Ledger and its sessions are used by one thread at a time. Processes: open the
// ledger after fork(), never share a Ledger across it. The callbacks of the ForEach* methods
// must not use the Ledger (a PostgreSQL connection is busy streaming the rows).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/env.h"
#include "base/status.h"
#include "base/timestamp.h"
#include "codes/alphabet.h"
#include "codes/shape.h"

namespace coupongen {

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

  /// Adds `n` codes in upload state `state` ("uploaded", "refused", anything else: not sent), as
  /// both backends store it.
  void AddUploads(std::string_view state, uint64_t n) {
    if (state == "uploaded") uploaded += n;
    else if (state == "refused") refused += n;
    else not_sent += n;
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
  /// The file system through which a SQLite ledger's file is looked for and created (tests
  /// inject faults); SQLite reads and writes the database itself. nullptr: Env::Default().
  Env* env = nullptr;
};

/// An exclusive write session (a transaction that holds the ledger's writer lock). Everything
/// recorded through it becomes durable at Commit(), or is rolled back when the session is
/// destroyed without one. REQUIRES: the Ledger outlives the session.
class IssueSession {
 public:
  IssueSession() = default;
  IssueSession(const IssueSession&) = delete;
  IssueSession& operator=(const IssueSession&) = delete;
  /// Rolls back unless committed.
  virtual ~IssueSession() = default;

  /// Records one issued code. `promotion_rule_id` may be "" (none). A code already in the ledger
  /// (ignoring case), including one recorded earlier in this session, is Invalid; the session stays
  /// usable but the caller is expected to abandon it. I/O failures are IoError.
  /// REQUIRES: not committed.
  virtual Status Record(std::string_view code, std::string_view campaign, std::string_view promotion_rule_id,
                        TimeMs issued_at, std::string_view output_path) = 0;

  /// Record() of each code (all with the same attributes), in bulk: the caller has made sure the
  /// codes are new (as for packed codes, see PackShape). A code that is not new fails this call
  /// or, at the latest, Commit() (SQLite's packed codes: Invalid; PostgreSQL: IoError, as only a
  /// writer bypassing the lock can cause it), and nothing of the session is kept.
  virtual Status RecordMany(std::span<const std::string_view> codes, std::string_view campaign,
                            std::string_view promotion_rule_id, TimeMs issued_at, std::string_view output_path) = 0;

  /// Records a range of sequence numbers. A range overlapping one already recorded for the same
  /// campaign and key_id is Invalid (adjacent ranges are fine); so are count == 0 and ranges
  /// reaching past INT64_MAX. REQUIRES: not committed.
  virtual Status RecordRange(const LedgerRange& range) = 0;

  /// Makes everything recorded durable, as RESERVED (undelivered): when it returns ok the
  /// database has committed. On failure nothing of the session is kept (a lost connection's
  /// transaction is rolled back by the server; one whose COMMIT's answer was lost may have
  /// committed, leaving the codes reserved, never issued again). REQUIRES: not committed.
  /// Record and Commit fail with InterruptedStatus() once a deferred signal is pending
  /// (base/interrupt.h), so an interrupted run rolls back instead of leaving a journal behind.
  virtual Status Commit() = 0;

  /// After Commit() and the output's rename: marks what this session recorded as delivered, in a
  /// second short transaction. When it is never called (the rename failed, the process was
  /// killed), the codes stay reserved: never issued again, and counted as undelivered by Stats().
  /// REQUIRES: committed.
  virtual Status MarkDelivered() = 0;

  /// Codes recorded so far (each code, and each number of each range).
  uint64_t recorded() const { return recorded_; }

  /// Codes of `shape` over `alphabet` recorded after this call are stored packed where the backend
  /// can (SQLite: 8 bytes each, by shape, in blobs of sorted keys, see sqlite_ledger.cc, "Packed
  /// codes"). Needs a shape whose folded keyspace fits 64 bits, a single-case alphabet (the key
  /// keeps no case), and no '#' in the literal text; returns false (codes go to the text table)
  /// otherwise, and always on PostgreSQL.
  /// A packed Record does not look the code up in the ledger: the caller has made sure (through
  /// Ledger::Find, or the keys of ForEachPackedKey and ForEachCode) that it is new, inside this
  /// session. Duplicates among the session's own packed codes fail Commit() (Invalid).
  virtual bool PackShape(const CodeShape& shape, const Alphabet& alphabet) = 0;

 protected:
  uint64_t recorded_ = 0;
};

class Ledger {
 public:
  /// Opens the ledger `name`: a PostgreSQL database for a `postgresql://` or `postgres://` URI
  /// (libpq's syntax and environment: PGPASSFILE, PGPASSWORD, PGSSLMODE, ...), else the SQLite
  /// file at that path. Creates it (SQLite: the file, mode 0600; both: the schema) when missing
  /// and `options.create_if_missing`. Errors name the ledger as path() does (no password).
  /// SQLite fails with IoError "<path>: file is not a database" for a file that is not SQLite,
  /// "<path>: not a coupongen ledger" for another SQLite database, "<path>: database disk image
  /// is malformed" for a damaged one, and when it cannot be opened.
  static Result<std::unique_ptr<Ledger>> Open(const std::string& name, const LedgerOptions& options = {});

  Ledger() = default;
  Ledger(const Ledger&) = delete;
  Ledger& operator=(const Ledger&) = delete;
  virtual ~Ledger() = default;

  /// Starts the one write session of this run. Waits up to busy_timeout_ms for another process's
  /// session to end, then fails with IoError "<path> is locked by another run".
  /// REQUIRES: no other session of this Ledger is open.
  virtual Result<std::unique_ptr<IssueSession>> BeginIssue() = 0;

  /// Calls fn(code) for every issued code, in no particular order. Inside a session this is every
  /// code committed before it began plus the session's own. Stops at, and returns, the first
  /// non-ok status fn returns. The string_view is valid only during the call.
  virtual Status ForEachCode(const std::function<Status(std::string_view code)>& fn) = 0;
  /// The same, leaving out the codes packed under exactly `shape` and `alphabet` (which
  /// ForEachPackedKey gives faster).
  virtual Status ForEachCodeExcept(const CodeShape& shape, const Alphabet& alphabet,
                                   const std::function<Status(std::string_view code)>& fn) = 0;

  /// The entry of `code`, ignoring case, or nullopt when it was never issued.
  virtual Result<std::optional<LedgerEntry>> Find(std::string_view code) = 0;

  /// The packed keys (CodeKeyer's key - 1) of every code issued of exactly this shape and
  /// alphabet (none on a backend that packs nothing).
  virtual Status ForEachPackedKey(const CodeShape& shape, const Alphabet& alphabet,
                                  const std::function<void(uint64_t)>& fn) = 0;

  /// How many issued codes could have this shape: those packed under exactly this shape and
  /// alphabet (`same`), and the others of the same total length (text codes, other shapes).
  struct ShapeCounts {
    uint64_t same = 0;
    uint64_t other = 0;
  };
  virtual Result<ShapeCounts> CountForShape(const CodeShape& shape, const Alphabet& alphabet) = 0;

  /// Per campaign (sorted by name): count, first and last issue time, codes and ranges.
  /// With the upload states (RecordUploadStates) counted per state: uploaded, refused, not_sent.
  virtual Result<std::vector<CampaignStats>> Stats() = 0;

  /// Calls fn for every entry in issue order. Stops at, and returns, fn's first non-ok status.
  virtual Status ForEachEntry(const std::function<Status(const LedgerEntry&)>& fn) = 0;

  /// Calls fn for every range, by campaign, key_id and start. Stops at fn's first non-ok status.
  virtual Status ForEachRange(const std::function<Status(const LedgerRange&)>& fn) = 0;

  /// Records what an upload did with each code, in one transaction (waits for the write lock as
  /// BeginIssue does). Codes are matched ignoring case; codes the ledger never issued are counted
  /// in not_in_ledger and otherwise ignored. One state per code, the latest except that:
  ///   uploaded  is final: once a code is in Commerce Layer, later outcomes do not change it
  ///             (so a code is never counted uploaded twice, whatever reruns record);
  ///   refused   replaces refused and not_sent (with its message);
  ///   not_sent  is recorded only for a code with no state yet, or a not_sent one.
  /// REQUIRES: no IssueSession of this Ledger is open.
  virtual Result<UploadRecordCounts> RecordUploadStates(std::span<const UploadOutcome> outcomes, TimeMs at) = 0;

  /// The recorded upload state of `code` (ignoring case), or nullopt when none was recorded.
  virtual Result<std::optional<CodeUploadState>> UploadStateOf(std::string_view code) = 0;

  /// The ledger's name for messages: the SQLite path, or the URI with its password replaced by
  /// "****" (RedactLedgerName).
  virtual const std::string& path() const = 0;
};

/// True for a name Ledger::Open hands to PostgreSQL: it starts with postgresql:// or postgres://.
bool IsPostgresLedgerName(std::string_view name);

/// `name` fit for messages and reports: a PostgreSQL URI's password (user:PASSWORD@, and a
/// password=... query parameter) replaced by "****"; a SQLite path unchanged.
std::string RedactLedgerName(std::string_view name);

}  // namespace coupongen

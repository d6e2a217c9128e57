// The SQLite backend of the ledger (ledger.h): one file, many processes on one host.
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
// Codes are unique ignoring (ASCII) letter case: the schema enforces it with a
// UNIQUE ... COLLATE NOCASE column (and packed codes are keys of their folded characters).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ledger/backend_common.h"
#include "ledger/ledger.h"

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
struct BusyState;
}  // namespace ledger_internal

class SqliteLedger;

/// A SQLite transaction begun IMMEDIATE.
class SqliteSession final : public IssueSession {
 public:
  ~SqliteSession() override;

  Status Record(std::string_view code, std::string_view campaign, std::string_view promotion_rule_id,
                TimeMs issued_at, std::string_view output_path) override;
  Status RecordMany(std::span<const std::string_view> codes, std::string_view campaign,
                    std::string_view promotion_rule_id, TimeMs issued_at, std::string_view output_path) override;
  Status RecordRange(const LedgerRange& range) override;
  Status Commit() override;
  Status MarkDelivered() override;
  bool PackShape(const CodeShape& shape, const Alphabet& alphabet) override;

 private:
  friend class SqliteLedger;
  SqliteSession(sqlite3* db, const std::string* path) : db_(db), path_(path) {}
  Status Prepare();
  void RollbackUnlessCommitted();
  Status BatchId(std::string_view campaign, std::string_view promotion_rule_id, TimeMs issued_at,
                 std::string_view output_path, int64_t* id);
  Status FlushPacked();

  sqlite3* db_;               // not owned; null once committed
  sqlite3* committed_db_ = nullptr;  // after Commit(): for MarkDelivered()
  std::vector<int64_t> batch_ids_, range_ids_;  // rows this session inserted
  const std::string* path_;   // the Ledger's, for messages
  ledger_internal::StmtPtr insert_batch_, insert_code_, find_overlap_, insert_range_;
  struct Packing;
  std::shared_ptr<Packing> packing_;
  ledger_internal::LastBatch last_batch_;  // the batch the previous Record went to
};

class SqliteLedger final : public Ledger {
 public:
  /// Ledger::Open for a SQLite path.
  static Result<std::unique_ptr<Ledger>> Open(const std::string& path, const LedgerOptions& options);
  ~SqliteLedger() override;

  Result<std::unique_ptr<IssueSession>> BeginIssue() override;
  Status ForEachCode(const std::function<Status(std::string_view code)>& fn) override;
  Status ForEachCodeExcept(const CodeShape& shape, const Alphabet& alphabet,
                           const std::function<Status(std::string_view code)>& fn) override;
  Result<std::optional<LedgerEntry>> Find(std::string_view code) override;
  Status ForEachPackedKey(const CodeShape& shape, const Alphabet& alphabet,
                          const std::function<void(uint64_t)>& fn) override;
  Result<ShapeCounts> CountForShape(const CodeShape& shape, const Alphabet& alphabet) override;
  Result<std::vector<CampaignStats>> Stats() override;
  Status ForEachEntry(const std::function<Status(const LedgerEntry&)>& fn) override;
  Status ForEachRange(const std::function<Status(const LedgerRange&)>& fn) override;
  Result<UploadRecordCounts> RecordUploadStates(std::span<const UploadOutcome> outcomes, TimeMs at) override;
  Result<std::optional<CodeUploadState>> UploadStateOf(std::string_view code) override;
  const std::string& path() const override { return path_; }

 private:
  SqliteLedger(std::string path, ledger_internal::DbPtr db, std::unique_ptr<ledger_internal::BusyState> busy);

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

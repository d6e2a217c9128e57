#include "ledger/ledger.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <map>
#include <unordered_map>
#include <utility>

#include "base/interrupt.h"

namespace coupongen {

namespace ledger_internal {
void DbCloser::operator()(sqlite3* db) const { sqlite3_close_v2(db); }
void StmtFinalizer::operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
}  // namespace ledger_internal

using ledger_internal::DbPtr;
using ledger_internal::StmtPtr;

namespace {

constexpr int64_t kApplicationId = 0x63676c64;  // "cgld": PRAGMA application_id of a ledger
constexpr int64_t kSchemaVersion = 1;            // PRAGMA user_version

// A run's codes share campaign, rule, time and output: they live once in `batches`, and each
// code row is just the code and its batch (about half the size of repeating them per code).
// The UNIQUE index on codes.code compares with NOCASE, so codes differing only in (ASCII) case
// collide, and Find() looks codes up through that index.
constexpr char kSchemaSql[] = R"sql(
CREATE TABLE batches(
  id INTEGER PRIMARY KEY,
  campaign TEXT NOT NULL,
  promotion_rule_id TEXT,
  issued_at INTEGER NOT NULL,
  output_path TEXT NOT NULL);
CREATE TABLE codes(
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL COLLATE NOCASE UNIQUE,
  batch_id INTEGER NOT NULL REFERENCES batches(id));
CREATE TABLE ranges(
  id INTEGER PRIMARY KEY,
  campaign TEXT NOT NULL,
  key_id TEXT NOT NULL,
  start INTEGER NOT NULL CHECK (start >= 0),
  count INTEGER NOT NULL CHECK (count > 0),
  issued_at INTEGER NOT NULL,
  output_path TEXT NOT NULL);
CREATE INDEX ranges_by_start ON ranges(campaign, key_id, start);
PRAGMA application_id = 1667722340;
PRAGMA user_version = 1;
)sql";
static_assert(kApplicationId == 1667722340 && kSchemaVersion == 1, "keep kSchemaSql in step");

constexpr char kEntrySelect[] =
    "SELECT c.code, b.campaign, b.promotion_rule_id, b.issued_at, b.output_path "
    "FROM codes c JOIN batches b ON b.id = c.batch_id ";

bool IsBusy(int rc) { return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED; }

// SQLite's message, with the system's reason for an I/O failure ("disk I/O error (File too
// large)" rather than only "disk I/O error").
std::string ErrorText(sqlite3* db) {
  std::string msg = sqlite3_errmsg(db);
  int primary = sqlite3_extended_errcode(db) & 0xff;
  int sys = sqlite3_system_errno(db);
  if (sys != 0 && (primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN || primary == SQLITE_FULL))
    msg += std::string(" (") + std::strerror(sys) + ")";
  return msg;
}

Status SqlError(const std::string& path, sqlite3* db) {
  return Status::IoError(path + ": " + ErrorText(db));
}

Status Exec(sqlite3* db, const std::string& path, const char* sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string msg = err ? err : sqlite3_errstr(rc);
  sqlite3_free(err);
  return Status::IoError(path + ": " + msg);
}

Result<StmtPtr> Prepare(sqlite3* db, const std::string& path, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return SqlError(path, db);
  }
  return StmtPtr(stmt);
}

// Binds text without copying: the caller's bytes stay valid until the statement is reset.
// An empty view binds "" (a null data() would bind SQL NULL).
void BindText(sqlite3_stmt* stmt, int i, std::string_view text) {
  sqlite3_bind_text(stmt, i, text.empty() ? "" : text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
}

std::string_view ColumnText(sqlite3_stmt* stmt, int i) {
  const char* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
  return text ? std::string_view(text, sqlite3_column_bytes(stmt, i)) : std::string_view();
}

// Runs a statement that returns no rows, then resets it for reuse. Returns the sqlite3 result
// code; on error *error holds the message (read before the reset).
int StepOnce(sqlite3* db, sqlite3_stmt* stmt, std::string* error) {
  int rc = sqlite3_step(stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) *error = ErrorText(db);
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  return rc;
}

// Calls row(stmt) for each row until the end, an SQLite error, or row's first non-ok status.
template <typename RowFn>
Status ForEachRow(sqlite3* db, const std::string& path, sqlite3_stmt* stmt, RowFn&& row) {
  while (true) {
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) return Status::Ok();
    if (rc != SQLITE_ROW) return SqlError(path, db);
    COUPONGEN_RETURN_IF_ERROR(row(stmt));
  }
}

// Fills *e from a kEntrySelect row, reusing its strings' storage.
void EntryFromRow(sqlite3_stmt* stmt, LedgerEntry* e) {
  e->code = ColumnText(stmt, 0);
  e->campaign = ColumnText(stmt, 1);
  e->promotion_rule_id = ColumnText(stmt, 2);
  e->issued_at = sqlite3_column_int64(stmt, 3);
  e->output_path = ColumnText(stmt, 4);
}

struct Header {
  int64_t application_id = 0;
  int64_t user_version = 0;
  int64_t objects = 0;  // tables, indexes, ... in sqlite_schema
  int64_t page_size = 0;
  int64_t file_size = 0;
  bool empty() const { return application_id == 0 && user_version == 0 && objects == 0; }
};

// Reading the header is the first access to the file: this is where SQLite reports a file that is
// not a database or is missing whole pages, and rolls back a hot journal left by a killed run.
// SQLite counts a partial last page as a page (reading zeros past the end), so a file cut inside
// its last page is caught here: the size is taken while the statement holds the read lock, when
// no writer can be changing the file, and a ledger is always a whole number of pages.
Status ReadHeader(sqlite3* db, const std::string& path, Header* h) {
  auto stmt = Prepare(db, path,
                      "SELECT * FROM pragma_application_id, pragma_user_version, pragma_page_size, "
                      "(SELECT count(*) FROM sqlite_schema)");
  if (!stmt.ok()) return stmt.status();
  COUPONGEN_RETURN_IF_ERROR(ForEachRow(db, path, stmt->get(), [&](sqlite3_stmt* s) {
    h->application_id = sqlite3_column_int64(s, 0);
    h->user_version = sqlite3_column_int64(s, 1);
    h->page_size = sqlite3_column_int64(s, 2);
    h->objects = sqlite3_column_int64(s, 3);
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return Status::IoError(path + ": " + std::strerror(errno));
    h->file_size = st.st_size;
    return Status::Ok();
  }));
  if (h->page_size > 0 && h->file_size % h->page_size != 0) {
    return Status::IoError(path + ": database disk image is malformed (truncated)");
  }
  return Status::Ok();
}

// Creates the schema in a fresh (empty) file.
Status CreateSchema(sqlite3* db, const std::string& path) {
  COUPONGEN_RETURN_IF_ERROR(Exec(db, path, "BEGIN IMMEDIATE"));
  Status st = Exec(db, path, kSchemaSql);
  if (st.ok()) st = Exec(db, path, "COMMIT");
  if (!st.ok() && !sqlite3_get_autocommit(db)) Exec(db, path, "ROLLBACK");
  return st;
}

Status CheckSchema(sqlite3* db, const std::string& path) {
  Header h;
  COUPONGEN_RETURN_IF_ERROR(ReadHeader(db, path, &h));
  // A ledger only ever appears complete (CreateLedgerFile), so an empty file is a damaged one
  // (truncated, or overwritten): never a fresh start, which could issue its codes again.
  if (h.empty() && h.file_size == 0)
    return Status::IoError(path + ": the file is empty, not a coupongen ledger (damaged? restore it from a backup)");
  if (h.application_id != kApplicationId) return Status::IoError(path + ": not a coupongen ledger");
  if (h.user_version > kSchemaVersion) {
    return Status::IoError(path + ": ledger schema version " + std::to_string(h.user_version) +
                           " is newer than this coupongen supports (" + std::to_string(kSchemaVersion) +
                           "); upgrade coupongen");
  }
  if (h.user_version != kSchemaVersion) {
    return Status::IoError(path + ": not a coupongen ledger (schema version " +
                           std::to_string(h.user_version) + ")");
  }
  return Status::Ok();
}

std::string DirOf(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// Creates a new ledger at `path` atomically: the schema is built in a temporary file beside it
// (mode 0600 whatever the umask: codes are secrets; SQLite gives its journal the same mode), which
// is then linked into place without replacing anything. So a ledger file never exists without its
// schema, and two runs racing to create one end up sharing the winner's.
Status CreateLedgerFile(const std::string& path) {
  std::string temp = path + ".new-XXXXXX";
  sigset_t block, old;
  sigemptyset(&block);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&block, sig);
  pthread_sigmask(SIG_BLOCK, &block, &old);
  int fd = ::mkostemp(temp.data(), O_CLOEXEC);
  int saved = errno;
  int slot = fd >= 0 ? RegisterTempPath(temp) : -1;  // removed if a signal kills the run
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (fd < 0) return Status::IoError(path + ": cannot create ledger: " + std::strerror(saved));
  ::fchmod(fd, 0600);
  ::close(fd);
  Status st = [&]() -> Status {
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(temp.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
    DbPtr db(raw);
    if (rc != SQLITE_OK) return Status::IoError(path + ": cannot create ledger: " + (raw ? ErrorText(raw) : sqlite3_errstr(rc)));
    COUPONGEN_RETURN_IF_ERROR(Exec(db.get(), path, "PRAGMA synchronous = EXTRA"));
    return CreateSchema(db.get(), path);
  }();
  if (st.ok()) {
    // Publish without replacing: another run may have created the ledger meanwhile.
    if (::renameat2(AT_FDCWD, temp.c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE) != 0) {
      if (errno == EINVAL || errno == ENOSYS) {  // no RENAME_NOREPLACE here: link() refuses too
        if (::link(temp.c_str(), path.c_str()) != 0 && errno != EEXIST)
          st = Status::IoError(path + ": cannot create ledger: " + std::strerror(errno));
      } else if (errno != EEXIST) {
        st = Status::IoError(path + ": cannot create ledger: " + std::strerror(errno));
      }
    }
  }
  ::unlink(temp.c_str());  // gone already when renamed
  UnregisterTempPath(slot);
  if (st.ok()) {
    int dfd = ::open(DirOf(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      ::fsync(dfd);
      ::close(dfd);
    }
  }
  return st;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Ledger

Result<std::unique_ptr<Ledger>> Ledger::Open(const std::string& path, const LedgerOptions& options) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) return Status::IoError(path + ": " + std::strerror(errno));
    if (!options.create_if_missing) return Status::IoError(path + ": no such ledger");
    COUPONGEN_RETURN_IF_ERROR(CreateLedgerFile(path));
  }

  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  DbPtr db(raw);
  if (rc != SQLITE_OK) {
    return Status::IoError(path + ": cannot open ledger: " + (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_extended_result_codes(db.get(), 1);
  sqlite3_busy_timeout(db.get(), options.busy_timeout_ms);
  // EXTRA = FULL (journal and database fsynced at commit) plus an fsync of the directory after
  // the journal is unlinked, which is the commit point in DELETE mode: without it a power cut
  // right after Commit() could bring the journal back and undo the run whose output file has
  // already been renamed into place. A run commits once, so the fsyncs cost nothing noticeable.
  // The cache holds a million-code transaction without spilling to the file mid-way.
  COUPONGEN_RETURN_IF_ERROR(Exec(db.get(), path, "PRAGMA synchronous = EXTRA; PRAGMA cache_size = -131072"));
  COUPONGEN_RETURN_IF_ERROR(CheckSchema(db.get(), path));
  return std::unique_ptr<Ledger>(new Ledger(path, std::move(db)));
}

Ledger::~Ledger() = default;

Result<IssueSession> Ledger::BeginIssue() {
  int rc = sqlite3_exec(db_.get(), "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
  if (IsBusy(rc)) return Status::IoError(path_ + " is locked by another run");
  if (rc != SQLITE_OK) return SqlError(path_, db_.get());
  IssueSession session(db_.get(), &path_);
  COUPONGEN_RETURN_IF_ERROR(session.Prepare());  // on failure the session's destructor rolls back
  return session;
}

Status Ledger::ForEachCode(const std::function<Status(std::string_view code)>& fn) {
  auto stmt = Prepare(db_.get(), path_, "SELECT code FROM codes");
  if (!stmt.ok()) return stmt.status();
  return ForEachRow(db_.get(), path_, stmt->get(), [&fn](sqlite3_stmt* s) { return fn(ColumnText(s, 0)); });
}

Result<std::optional<LedgerEntry>> Ledger::Find(std::string_view code) {
  auto stmt = Prepare(db_.get(), path_, (std::string(kEntrySelect) + "WHERE c.code = ?1").c_str());
  if (!stmt.ok()) return stmt.status();
  BindText(stmt->get(), 1, code);
  std::optional<LedgerEntry> found;
  Status st = ForEachRow(db_.get(), path_, stmt->get(), [&found](sqlite3_stmt* s) {
    EntryFromRow(s, &found.emplace());
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return found;
}

Result<std::vector<CampaignStats>> Ledger::Stats() {
  // Counting codes per batch here, then folding batches into campaigns, avoids a GROUP BY over
  // the code rows, which SQLite does by sorting all of them (ten times slower at a million).
  // Batches are read after codes and never deleted, so every counted code's batch is found.
  std::unordered_map<int64_t, uint64_t> per_batch;
  auto codes = Prepare(db_.get(), path_, "SELECT batch_id FROM codes");
  if (!codes.ok()) return codes.status();
  COUPONGEN_RETURN_IF_ERROR(ForEachRow(db_.get(), path_, codes->get(), [&per_batch](sqlite3_stmt* s) {
    ++per_batch[sqlite3_column_int64(s, 0)];
    return Status::Ok();
  }));
  auto batches = Prepare(db_.get(), path_, "SELECT id, campaign, issued_at FROM batches");
  if (!batches.ok()) return batches.status();
  std::map<std::string, CampaignStats, std::less<>> by_campaign;
  COUPONGEN_RETURN_IF_ERROR(ForEachRow(db_.get(), path_, batches->get(), [&](sqlite3_stmt* s) {
    auto counted = per_batch.find(sqlite3_column_int64(s, 0));
    if (counted == per_batch.end()) return Status::Ok();
    std::string_view campaign = ColumnText(s, 1);
    TimeMs issued_at = sqlite3_column_int64(s, 2);
    auto [it, added] = by_campaign.try_emplace(std::string(campaign));
    CampaignStats& c = it->second;
    if (added) c = {std::string(campaign), 0, issued_at, issued_at};
    c.count += counted->second;
    c.first_issued_at = std::min(c.first_issued_at, issued_at);
    c.last_issued_at = std::max(c.last_issued_at, issued_at);
    return Status::Ok();
  }));
  std::vector<CampaignStats> stats;
  for (auto& [name, c] : by_campaign) stats.push_back(std::move(c));
  return stats;
}

Status Ledger::ForEachEntry(const std::function<Status(const LedgerEntry&)>& fn) {
  auto stmt = Prepare(db_.get(), path_, (std::string(kEntrySelect) + "ORDER BY c.id").c_str());
  if (!stmt.ok()) return stmt.status();
  LedgerEntry entry;
  return ForEachRow(db_.get(), path_, stmt->get(), [&](sqlite3_stmt* s) {
    EntryFromRow(s, &entry);
    return fn(entry);
  });
}

Status Ledger::ForEachRange(const std::function<Status(const LedgerRange&)>& fn) {
  auto stmt = Prepare(db_.get(), path_,
                      "SELECT campaign, key_id, start, count, issued_at, output_path FROM ranges "
                      "ORDER BY campaign, key_id, start");
  if (!stmt.ok()) return stmt.status();
  return ForEachRow(db_.get(), path_, stmt->get(), [&fn](sqlite3_stmt* s) {
    LedgerRange r;
    r.campaign = ColumnText(s, 0);
    r.key_id = ColumnText(s, 1);
    r.start = static_cast<uint64_t>(sqlite3_column_int64(s, 2));
    r.count = static_cast<uint64_t>(sqlite3_column_int64(s, 3));
    r.issued_at = sqlite3_column_int64(s, 4);
    r.output_path = ColumnText(s, 5);
    return fn(r);
  });
}

// ---------------------------------------------------------------------------------------------
// IssueSession

IssueSession::IssueSession(IssueSession&& other) noexcept : db_(nullptr), path_(other.path_) {
  *this = std::move(other);
}

IssueSession& IssueSession::operator=(IssueSession&& other) noexcept {
  if (this == &other) return *this;
  RollbackUnlessCommitted();
  db_ = std::exchange(other.db_, nullptr);
  path_ = other.path_;
  insert_batch_ = std::move(other.insert_batch_);
  insert_code_ = std::move(other.insert_code_);
  find_overlap_ = std::move(other.find_overlap_);
  insert_range_ = std::move(other.insert_range_);
  batch_id_ = other.batch_id_;
  batch_campaign_ = std::move(other.batch_campaign_);
  batch_rule_ = std::move(other.batch_rule_);
  batch_output_ = std::move(other.batch_output_);
  batch_issued_at_ = other.batch_issued_at_;
  return *this;
}

IssueSession::~IssueSession() { RollbackUnlessCommitted(); }

void IssueSession::RollbackUnlessCommitted() {
  // Statements first: they are reset after each use, but finalizing makes ROLLBACK unconditional.
  insert_batch_.reset();
  insert_code_.reset();
  find_overlap_.reset();
  insert_range_.reset();
  // SQLite may already have rolled back by itself (e.g. after a disk-full error).
  if (db_ && !sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  db_ = nullptr;
}

Status IssueSession::Prepare() {
  struct {
    StmtPtr* stmt;
    const char* sql;
  } const statements[] = {
      {&insert_batch_,
       "INSERT INTO batches(campaign, promotion_rule_id, issued_at, output_path) VALUES (?1, ?2, ?3, ?4)"},
      {&insert_code_, "INSERT INTO codes(code, batch_id) VALUES (?1, ?2)"},
      // Recorded ranges never overlap, so the only one that can overlap [start, end) is the last
      // one starting before `end`.
      {&find_overlap_,
       "SELECT start, count FROM ranges WHERE campaign = ?1 AND key_id = ?2 AND start < ?3 "
       "ORDER BY start DESC LIMIT 1"},
      {&insert_range_,
       "INSERT INTO ranges(campaign, key_id, start, count, issued_at, output_path) "
       "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"},
  };
  for (const auto& s : statements) {
    auto stmt = ::coupongen::Prepare(db_, *path_, s.sql);
    if (!stmt.ok()) return stmt.status();
    *s.stmt = std::move(stmt).value();
  }
  return Status::Ok();
}

Status IssueSession::BatchId(std::string_view campaign, std::string_view promotion_rule_id, TimeMs issued_at,
                             std::string_view output_path, int64_t* id) {
  if (batch_id_ != 0 && issued_at == batch_issued_at_ && campaign == batch_campaign_ &&
      promotion_rule_id == batch_rule_ && output_path == batch_output_) {
    *id = batch_id_;
    return Status::Ok();
  }
  sqlite3_stmt* s = insert_batch_.get();
  BindText(s, 1, campaign);
  if (!promotion_rule_id.empty()) BindText(s, 2, promotion_rule_id);  // else NULL
  sqlite3_bind_int64(s, 3, issued_at);
  BindText(s, 4, output_path);
  std::string error;
  if (StepOnce(db_, s, &error) != SQLITE_DONE) return Status::IoError(*path_ + ": " + error);
  batch_id_ = *id = sqlite3_last_insert_rowid(db_);
  batch_campaign_ = campaign;
  batch_rule_ = promotion_rule_id;
  batch_output_ = output_path;
  batch_issued_at_ = issued_at;
  return Status::Ok();
}

Status IssueSession::Record(std::string_view code, std::string_view campaign, std::string_view promotion_rule_id,
                            TimeMs issued_at, std::string_view output_path) {
  if (!db_) return Status::IoError(*path_ + ": the ledger session has ended");
  if (code.empty()) return Status::Invalid(*path_ + ": cannot record an empty code");
  if (PendingInterrupt()) return InterruptedStatus();  // stop writing: the run rolls back
  int64_t batch = 0;
  COUPONGEN_RETURN_IF_ERROR(BatchId(campaign, promotion_rule_id, issued_at, output_path, &batch));
  sqlite3_stmt* s = insert_code_.get();
  BindText(s, 1, code);
  sqlite3_bind_int64(s, 2, batch);
  std::string error;
  int rc = StepOnce(db_, s, &error);
  if (rc == SQLITE_DONE) return Status::Ok();
  if (rc == SQLITE_CONSTRAINT_UNIQUE) {
    return Status::Invalid(*path_ + ": code " + std::string(code) + " is already in the ledger");
  }
  return Status::IoError(*path_ + ": " + error);
}

Status IssueSession::RecordRange(const LedgerRange& range) {
  if (!db_) return Status::IoError(*path_ + ": the ledger session has ended");
  constexpr uint64_t kMax = std::numeric_limits<int64_t>::max();
  if (range.count == 0 || range.start > kMax || range.count > kMax - range.start) {
    return Status::Invalid(*path_ + ": invalid range of " + std::to_string(range.count) + " starting at " +
                           std::to_string(range.start));
  }
  const uint64_t end = range.start + range.count;
  std::string error;

  sqlite3_stmt* s = find_overlap_.get();
  BindText(s, 1, range.campaign);
  BindText(s, 2, range.key_id);
  sqlite3_bind_int64(s, 3, static_cast<int64_t>(end));
  int rc = sqlite3_step(s);
  uint64_t other_start = 0, other_end = 0;
  if (rc == SQLITE_ROW) {
    other_start = static_cast<uint64_t>(sqlite3_column_int64(s, 0));
    other_end = other_start + static_cast<uint64_t>(sqlite3_column_int64(s, 1));
  } else if (rc != SQLITE_DONE) {
    error = sqlite3_errmsg(db_);
  }
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  if (!error.empty()) return Status::IoError(*path_ + ": " + error);
  if (rc == SQLITE_ROW && other_end > range.start) {
    return Status::Invalid(*path_ + ": range " + std::to_string(range.start) + ".." + std::to_string(end - 1) +
                           " of campaign " + range.campaign + " key " + range.key_id + " overlaps range " +
                           std::to_string(other_start) + ".." + std::to_string(other_end - 1) +
                           ", already issued");
  }

  s = insert_range_.get();
  BindText(s, 1, range.campaign);
  BindText(s, 2, range.key_id);
  sqlite3_bind_int64(s, 3, static_cast<int64_t>(range.start));
  sqlite3_bind_int64(s, 4, static_cast<int64_t>(range.count));
  sqlite3_bind_int64(s, 5, range.issued_at);
  BindText(s, 6, range.output_path);
  if (StepOnce(db_, s, &error) != SQLITE_DONE) return Status::IoError(*path_ + ": " + error);
  return Status::Ok();
}

Status IssueSession::Commit() {
  if (!db_) return Status::IoError(*path_ + ": the ledger session has ended");
  if (PendingInterrupt()) return InterruptedStatus();  // interrupted after the last Record
  int rc = sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
  if (IsBusy(rc)) return Status::IoError(*path_ + " is locked by another run (cannot commit)");
  if (rc != SQLITE_OK) return SqlError(*path_, db_);
  db_ = nullptr;
  return Status::Ok();
}

}  // namespace coupongen

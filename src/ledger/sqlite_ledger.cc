#include "ledger/sqlite_ledger.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <limits>
#include <map>
#include <unordered_map>
#include <utility>

#include "base/env.h"
#include "base/interrupt.h"
#include "codes/code_set.h"

namespace coupongen {

namespace ledger_internal {
void DbCloser::operator()(sqlite3* db) const { sqlite3_close_v2(db); }
void StmtFinalizer::operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }

// SQLite's busy handler, as sqlite3_busy_timeout's (sleeps of 1 to 100 ms up to the timeout),
// plus the notice after about a second of waiting.
struct BusyState {
  int timeout_ms = 0;
  int notice_ms = 1000;
  std::function<void()> on_wait;
  bool noticed = false;
  std::chrono::steady_clock::time_point start;

  static int Handler(void* self, int count) {
    auto* b = static_cast<BusyState*>(self);
    const auto now = std::chrono::steady_clock::now();
    if (count == 0) b->start = now;
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(now - b->start).count();
    if (waited >= b->timeout_ms) return 0;
    if (!b->noticed && waited >= b->notice_ms && b->on_wait) {
      b->noticed = true;
      b->on_wait();
    }
    static constexpr int kDelays[] = {1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100};
    const int delay = count < 12 ? kDelays[count] : 100;
    sqlite3_sleep(static_cast<int>(std::min<int64_t>(delay, b->timeout_ms - waited)));
    return 1;
  }
};
}  // namespace ledger_internal

SqliteLedger::SqliteLedger(std::string path, ledger_internal::DbPtr db, std::unique_ptr<ledger_internal::BusyState> busy)
    : path_(std::move(path)), busy_(std::move(busy)), db_(std::move(db)) {}

using ledger_internal::DbPtr;
using ledger_internal::StmtPtr;

namespace {

constexpr int64_t kApplicationId = 0x63676c64;  // "cgld": PRAGMA application_id of a ledger
constexpr int64_t kSchemaVersion = 2;            // PRAGMA user_version

// A run's codes share campaign, rule, time and output: they live once in `batches`, and each
// code row is just the code and its batch (about half the size of repeating them per code).
//
// Packed codes (schema 2). Most codes are stored not as text rows but as 8-byte keys: the folded
// random characters (check character included) read as one base-R number, R the alphabet's size
// (CodeKeyer's exact key, minus one). A `shapes` row holds the shape (skeleton, '#' per slot) and
// alphabet once; `packed` rows hold a run's keys of one shape, split into 2^bits buckets by their
// position in the keyspace (bucket = key * 2^bits / R^n), each bucket one blob of sorted keys
// (about 512 keys: bits grows with the run). So a code costs 8 bytes plus a share of a row, a run
// writes a few thousand rows instead of a row and an index entry per code, and a code is found by
// its shape's key: for each bucket size present, one indexed row per run, binary-searched.
// `shapes.codes` counts each shape's codes for the feasibility rule. Codes that cannot be packed
// (mixed-case alphabets, keyspaces past 64 bits, '#' in literal text) and codes recorded without
// a shape stay text rows in `codes`.
// The UNIQUE index on codes.code compares with NOCASE, so codes differing only in (ASCII) case
// collide, and Find() looks codes up through that index.
// The packed codes' tables (see above), in a new ledger and in one upgraded from schema 1.
constexpr char kPackedSchemaSql[] = R"sql(
CREATE TABLE shapes(
  id INTEGER PRIMARY KEY,
  skeleton TEXT NOT NULL,
  alphabet TEXT NOT NULL,
  codes INTEGER NOT NULL DEFAULT 0,
  UNIQUE(skeleton, alphabet));
CREATE TABLE packed(
  id INTEGER PRIMARY KEY,
  shape_id INTEGER NOT NULL REFERENCES shapes(id),
  bits INTEGER NOT NULL,
  bucket INTEGER NOT NULL,
  batch_id INTEGER NOT NULL REFERENCES batches(id),
  keys BLOB NOT NULL);
CREATE INDEX packed_by_bucket ON packed(shape_id, bits, bucket);
)sql";

// Upload states (RecordUploadStates): one row per code an upload with this ledger saw, keyed by
// the code (as issued; compared ignoring case like codes.code), with its campaign so `ledger stats`
// counts them per campaign from the index alone. Added without a schema version: a ledger made
// before it gets it when opened (EnsureUploadTable), and an older coupongen that does not know
// the table still opens, and issues through, a ledger that has it.
constexpr char kUploadSchemaSql[] = R"sql(
CREATE TABLE IF NOT EXISTS upload_states(
  code TEXT NOT NULL COLLATE NOCASE PRIMARY KEY,
  campaign TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('uploaded', 'refused', 'not_sent')),
  message TEXT,
  reference TEXT,
  updated_at INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS upload_states_by_campaign ON upload_states(campaign, state);
)sql";

constexpr char kSchemaSql[] = R"sql(
CREATE TABLE batches(
  id INTEGER PRIMARY KEY,
  campaign TEXT NOT NULL,
  promotion_rule_id TEXT,
  issued_at INTEGER NOT NULL,
  output_path TEXT NOT NULL,
  delivered INTEGER NOT NULL DEFAULT 1);
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
  output_path TEXT NOT NULL,
  rules TEXT,
  delivered INTEGER NOT NULL DEFAULT 1);
CREATE INDEX ranges_by_start ON ranges(campaign, key_id, start);
PRAGMA application_id = 1667722340;
PRAGMA user_version = 2;
)sql";
static_assert(kApplicationId == 1667722340 && kSchemaVersion == 2, "keep kSchemaSql in step");

// Schema 1 -> 2 (coupongen before reserve-then-deliver and recorded code rules): the new columns.
// What the old rows get: delivered = 1 (a version-1 run renamed its output right after its
// commit, so its codes were delivered, or its failure was reported then), and no rules (NULL:
// unknown; a keyed run then records its own, which later runs must match: run/keyed_run.cc).
constexpr char kMigrate1To2Sql[] = R"sql(
ALTER TABLE batches ADD COLUMN delivered INTEGER NOT NULL DEFAULT 1;
ALTER TABLE ranges ADD COLUMN rules TEXT;
ALTER TABLE ranges ADD COLUMN delivered INTEGER NOT NULL DEFAULT 1;
PRAGMA user_version = 2;
)sql";

constexpr char kEntrySelect[] =
    "SELECT c.code, b.campaign, b.promotion_rule_id, b.issued_at, b.output_path, b.delivered "
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
  e->delivered = sqlite3_column_int64(stmt, 5) != 0;
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
  if (st.ok()) st = Exec(db, path, kPackedSchemaSql);
  if (st.ok()) st = Exec(db, path, kUploadSchemaSql);
  if (st.ok()) st = Exec(db, path, "COMMIT");
  if (!st.ok() && !sqlite3_get_autocommit(db)) (void)Exec(db, path, "ROLLBACK");
  return st;
}

// Upgrades a version-1 ledger in one transaction; a run racing to do the same waits for the lock
// and then finds the work done.
Status Migrate1To2(sqlite3* db, const std::string& path) {
  int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
  if (IsBusy(rc)) return Status::IoError(path + " is locked by another run");
  if (rc != SQLITE_OK) return Status::IoError(path + ": cannot upgrade the ledger's schema: " + ErrorText(db));
  Header h;
  Status st = ReadHeader(db, path, &h);
  if (st.ok() && h.user_version == 1) st = Exec(db, path, kMigrate1To2Sql);
  if (st.ok() && h.user_version == 1) st = Exec(db, path, kPackedSchemaSql);
  if (st.ok()) st = Exec(db, path, "COMMIT");
  if (!st.ok()) {
    if (!sqlite3_get_autocommit(db)) (void)Exec(db, path, "ROLLBACK");
    return Status::IoError("cannot upgrade the ledger's schema (version 1 to 2): " + st.message());
  }
  return Status::Ok();
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
  if (h.user_version == 1) return Migrate1To2(db, path);
  if (h.user_version != kSchemaVersion) {
    return Status::IoError(path + ": not a coupongen ledger (schema version " +
                           std::to_string(h.user_version) + ")");
  }
  return Status::Ok();
}

// Creates a new ledger at `path` atomically: the schema is built in a temporary file beside it
// (mode 0600 whatever the umask: codes are secrets; SQLite gives its journal the same mode), which
// is then linked into place without replacing anything. So a ledger file never exists without its
// schema, and two runs racing to create one end up sharing the winner's. The file is made,
// published and its directory synced through `env` (SQLite's own reads and writes are not).
Status CreateLedgerFile(const std::string& path, Env* env) {
  const std::string cannot = path + ": cannot create ledger: ";
  std::string temp = path + ".new-XXXXXX";
  sigset_t block, old;
  sigemptyset(&block);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&block, sig);
  pthread_sigmask(SIG_BLOCK, &block, &old);
  auto file = env->NewTempFile(&temp);
  int slot = file.ok() ? RegisterTempPath(temp) : -1;  // removed if a signal kills the run
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (!file.ok()) return Status::IoError(cannot + file.status().message());
  Status st = (*file)->Close();
  if (!st.ok()) st = Status::IoError(cannot + st.message());
  if (st.ok()) {
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(temp.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
    DbPtr db(raw);
    if (rc != SQLITE_OK) st = Status::IoError(cannot + (raw ? ErrorText(raw) : sqlite3_errstr(rc)));
    if (st.ok()) st = Exec(db.get(), path, "PRAGMA synchronous = EXTRA");
    if (st.ok()) st = CreateSchema(db.get(), path);
  }
  if (st.ok()) {
    // Publish without replacing: another run may have created the ledger meanwhile (EEXIST).
    Status renamed = env->RenameNoReplace(temp, path);
    if (!renamed.ok() && SysErrno(renamed) != EEXIST) st = Status::IoError(cannot + renamed.message());
  }
  (void)env->Unlink(temp);  // gone already when renamed
  UnregisterTempPath(slot);
  // Best effort, as before: the ledger is there either way, and each commit syncs its directory.
  if (st.ok()) (void)env->SyncDir(DirName(path));
  return st;
}


// A packed shape's keys: CodeKeyer's exact key (minus one) of the codes of one skeleton and
// alphabet, and back. nullptr from Make when the shape cannot be packed (see PackShape).
class PackedCodec {
 public:
  static std::unique_ptr<PackedCodec> Make(std::string_view skeleton, std::string_view symbols) {
    std::string error;
    auto alphabet = Alphabet::Parse(symbols, &error);
    // The alphabet must come back from its symbols as it was (a literal alphabet spelling a preset
    // name would not), hold each letter in one case only, and the skeleton's '#'s be its slots.
    if (!alphabet || alphabet->symbols() != symbols || alphabet->mixed_case()) return nullptr;
    std::unique_ptr<PackedCodec> c(new PackedCodec(CodeShape::FromPattern(skeleton), std::move(*alphabet)));
    if (!c->keyer_.exact() || c->shape_.random_length() == 0) return nullptr;
    c->radix_ = c->alphabet_.folded_size();
    unsigned __int128 space = 1;
    for (size_t i = 0; i < c->shape_.random_length(); ++i) space *= c->radix_;
    c->space_ = static_cast<uint64_t>(space);  // exact: fits
    for (int bits = 0; bits <= kMaxBits; ++bits)
      c->multiplier_[static_cast<size_t>(bits)] =
          static_cast<uint64_t>((static_cast<unsigned __int128>(1) << (64 + bits)) / space);
    for (size_t i = 0; i < c->shape_.skeleton().size(); ++i)
      if (!std::binary_search(c->shape_.slots().begin(), c->shape_.slots().end(), i))
        c->literals_.push_back(static_cast<uint16_t>(i));
    for (int ch = 0; ch < 256; ++ch) c->fold_[static_cast<size_t>(ch)] = static_cast<int16_t>(c->alphabet_.FoldedIndex(static_cast<char>(ch)));
    c->symbol_of_folded_.assign(c->radix_, '?');
    for (char sym : c->alphabet_.symbols()) c->symbol_of_folded_[static_cast<size_t>(c->alphabet_.FoldedIndex(sym))] = sym;
    return c;
  }

  const CodeShape& shape() const { return shape_; }
  /// CodeKeyer's exact key minus one (the same number), computed directly: the literal text
  /// compared ignoring case, each slot's character folded through a table.
  std::optional<uint64_t> Key(std::string_view code) const {
    const std::string& skeleton = shape_.skeleton();
    if (code.size() != skeleton.size()) return std::nullopt;
    for (uint16_t i : literals_)
      if (code[i] != skeleton[i] && ToLowerChar(code[i]) != ToLowerChar(skeleton[i])) return std::nullopt;
    uint64_t v = 0;
    for (uint16_t i : shape_.slots()) {
      const int f = fold_[static_cast<unsigned char>(code[i])];
      if (f < 0) return std::nullopt;
      v = v * radix_ + static_cast<uint64_t>(f);
    }
    return v;
  }
  void Decode(uint64_t v, std::string* out) const {
    *out = shape_.skeleton();
    const auto& slots = shape_.slots();
    for (size_t i = slots.size(); i-- > 0;) {
      (*out)[slots[i]] = symbol_of_folded_[v % radix_];
      v /= radix_;
    }
  }
  /// Which of 2^bits equal parts of the keyspace `v` falls in: v * 2^bits / space, by a
  /// multiplication (floor(2^(64+bits) / space) keeps it below 2^bits and monotone).
  uint64_t Bucket(uint64_t v, int bits) const {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(v) * multiplier_[static_cast<size_t>(bits)]) >> 64);
  }

 private:
  PackedCodec(CodeShape shape, Alphabet alphabet)
      : shape_(std::move(shape)), alphabet_(std::move(alphabet)), keyer_(shape_, alphabet_) {}
  CodeShape shape_;
  Alphabet alphabet_;
  static char ToLowerChar(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

 public:
  static constexpr int kMaxBits = 20;

 private:
  CodeKeyer keyer_;  // refers to the two above
  uint64_t radix_ = 0, space_ = 0;
  std::array<uint64_t, kMaxBits + 1> multiplier_{};
  std::vector<uint16_t> literals_;       // positions of the literal characters
  std::array<int16_t, 256> fold_{};      // character -> folded index, or -1
  std::string symbol_of_folded_;
};

static_assert(std::endian::native == std::endian::little, "packed keys are stored as little-endian uint64");

uint64_t KeyAt(const unsigned char* blob, size_t i) {
  uint64_t v;
  std::memcpy(&v, blob + i * 8, 8);
  return v;
}

bool BlobHolds(const void* data, int bytes, uint64_t key) {
  const auto* blob = static_cast<const unsigned char*>(data);
  size_t lo = 0, hi = static_cast<size_t>(bytes) / 8;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    uint64_t v = KeyAt(blob, mid);
    if (v == key) return true;
    if (v < key) lo = mid + 1;
    else hi = mid;
  }
  return false;
}

}  // namespace

struct SqliteLedger::PackedShape {
  int64_t id = 0;
  std::string skeleton, alphabet;
  uint64_t codes = 0;
  std::unique_ptr<PackedCodec> codec;
  std::vector<int> levels;  // the bucket sizes (bits) its rows use
};

struct SqliteSession::Packing {
  std::unique_ptr<PackedCodec> codec;
  std::string skeleton, alphabet;
  std::vector<std::pair<int64_t, std::vector<uint64_t>>> batches;  // keys by batch, as recorded
};

// ---------------------------------------------------------------------------------------------
// Ledger

Result<std::unique_ptr<Ledger>> SqliteLedger::Open(const std::string& path, const LedgerOptions& options) {
  Env* env = options.env ? options.env : Env::Default();
  if (auto info = env->Stat(path); !info.ok()) {
    if (SysErrno(info.status()) != ENOENT) return Status::IoError(path + ": " + info.status().message());
    if (!options.create_if_missing) return Status::IoError(path + ": no such ledger");
    COUPONGEN_RETURN_IF_ERROR(CreateLedgerFile(path, env));
  }

  // Declared before the connection: it outlives it.
  auto busy = std::make_unique<ledger_internal::BusyState>();
  busy->timeout_ms = options.busy_timeout_ms;
  busy->notice_ms = options.wait_notice_ms;
  busy->on_wait = options.on_wait;
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  DbPtr db(raw);
  if (rc != SQLITE_OK) {
    return Status::IoError(path + ": cannot open ledger: " + (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_extended_result_codes(db.get(), 1);
  sqlite3_busy_handler(db.get(), &ledger_internal::BusyState::Handler, busy.get());
  // EXTRA = FULL (journal and database fsynced at commit) plus an fsync of the directory after
  // the journal is unlinked, which is the commit point in DELETE mode: without it a power cut
  // right after Commit() could bring the journal back and undo the run whose output file has
  // already been renamed into place. A run commits once, so the fsyncs cost nothing noticeable.
  // The cache (16 MiB) holds a million packed codes' transaction (~10 MB) without spilling to
  // the file mid-way, and stays small when a run looks codes up in a large ledger: every page
  // the cache grows by is a page the kernel zeroes, which dominated such runs at 128 MiB.
  COUPONGEN_RETURN_IF_ERROR(Exec(db.get(), path, "PRAGMA synchronous = EXTRA; PRAGMA cache_size = -16384"));
  COUPONGEN_RETURN_IF_ERROR(CheckSchema(db.get(), path));
  std::unique_ptr<SqliteLedger> ledger(new SqliteLedger(path, std::move(db), std::move(busy)));
  COUPONGEN_RETURN_IF_ERROR(ledger->EnsureUploadTable());
  return std::unique_ptr<Ledger>(std::move(ledger));
}

SqliteLedger::~SqliteLedger() = default;

Result<std::unique_ptr<IssueSession>> SqliteLedger::BeginIssue() {
  shapes_.reset();  // read again under the lock: another run may have added shapes
  int rc = sqlite3_exec(db_.get(), "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
  if (IsBusy(rc)) return Status::IoError(path_ + " is locked by another run");
  if (rc != SQLITE_OK) return SqlError(path_, db_.get());
  std::unique_ptr<SqliteSession> session(new SqliteSession(db_.get(), &path_));
  COUPONGEN_RETURN_IF_ERROR(session->Prepare());  // on failure the session's destructor rolls back
  return std::unique_ptr<IssueSession>(std::move(session));
}

Status SqliteLedger::ForEachCode(const std::function<Status(std::string_view code)>& fn) {
  auto stmt = Prepare(db_.get(), path_, "SELECT code FROM codes");
  if (!stmt.ok()) return stmt.status();
  COUPONGEN_RETURN_IF_ERROR(
      ForEachRow(db_.get(), path_, stmt->get(), [&fn](sqlite3_stmt* s) { return fn(ColumnText(s, 0)); }));
  return ForEachPackedCode(0, [&fn](std::string_view code, int64_t) { return fn(code); });
}

Status SqliteLedger::ForEachCodeExcept(const CodeShape& shape, const Alphabet& alphabet,
                                 const std::function<Status(std::string_view code)>& fn) {
  auto shapes = PackedShapes();
  if (!shapes.ok()) return shapes.status();
  int64_t skip = 0;
  for (const auto& p : **shapes)
    if (p.skeleton == shape.Display() && p.alphabet == alphabet.symbols()) skip = p.id;
  auto stmt = Prepare(db_.get(), path_, "SELECT code FROM codes");
  if (!stmt.ok()) return stmt.status();
  COUPONGEN_RETURN_IF_ERROR(
      ForEachRow(db_.get(), path_, stmt->get(), [&fn](sqlite3_stmt* s) { return fn(ColumnText(s, 0)); }));
  return ForEachPackedCode(skip, [&fn](std::string_view code, int64_t) { return fn(code); });
}

Result<const std::vector<SqliteLedger::PackedShape>*> SqliteLedger::PackedShapes() {
  if (shapes_) return shapes_.get();
  auto shapes = std::make_shared<std::vector<PackedShape>>();
  auto stmt = Prepare(db_.get(), path_, "SELECT id, skeleton, alphabet, codes FROM shapes ORDER BY id");
  if (!stmt.ok()) return stmt.status();
  COUPONGEN_RETURN_IF_ERROR(ForEachRow(db_.get(), path_, stmt->get(), [&](sqlite3_stmt* s) {
    PackedShape p;
    p.id = sqlite3_column_int64(s, 0);
    p.skeleton = ColumnText(s, 1);
    p.alphabet = ColumnText(s, 2);
    p.codes = static_cast<uint64_t>(sqlite3_column_int64(s, 3));
    p.codec = PackedCodec::Make(p.skeleton, p.alphabet);
    if (!p.codec) return Status::IoError(path_ + ": database disk image is malformed (a packed shape that cannot be read)");
    shapes->push_back(std::move(p));
    return Status::Ok();
  }));
  auto levels = Prepare(db_.get(), path_, "SELECT DISTINCT shape_id, bits FROM packed");
  if (!levels.ok()) return levels.status();
  COUPONGEN_RETURN_IF_ERROR(ForEachRow(db_.get(), path_, levels->get(), [&](sqlite3_stmt* s) {
    const int64_t id = sqlite3_column_int64(s, 0);
    for (auto& p : *shapes)
      if (p.id == id) p.levels.push_back(static_cast<int>(sqlite3_column_int64(s, 1)));
    return Status::Ok();
  }));
  shapes_ = std::move(shapes);
  return shapes_.get();
}

Status SqliteLedger::ForEachPackedCode(int64_t skip_shape_id,
                                 const std::function<Status(std::string_view, int64_t batch)>& fn) {
  auto shapes = PackedShapes();
  if (!shapes.ok()) return shapes.status();
  if ((*shapes)->empty()) return Status::Ok();
  auto stmt = Prepare(db_.get(), path_, "SELECT shape_id, batch_id, keys FROM packed ORDER BY id");
  if (!stmt.ok()) return stmt.status();
  std::string code;
  return ForEachRow(db_.get(), path_, stmt->get(), [&](sqlite3_stmt* s) -> Status {
    const int64_t id = sqlite3_column_int64(s, 0);
    if (id == skip_shape_id) return Status::Ok();
    const PackedCodec* codec = nullptr;
    for (const auto& p : **shapes)
      if (p.id == id) codec = p.codec.get();
    if (!codec) return Status::IoError(path_ + ": database disk image is malformed (packed codes of no shape)");
    const int64_t batch = sqlite3_column_int64(s, 1);
    const auto* blob = static_cast<const unsigned char*>(sqlite3_column_blob(s, 2));
    const size_t n = static_cast<size_t>(sqlite3_column_bytes(s, 2)) / 8;
    for (size_t i = 0; i < n; ++i) {
      codec->Decode(KeyAt(blob, i), &code);
      COUPONGEN_RETURN_IF_ERROR(fn(code, batch));
    }
    return Status::Ok();
  });
}

Status SqliteLedger::ForEachPackedKey(const CodeShape& shape, const Alphabet& alphabet,
                                const std::function<void(uint64_t)>& fn) {
  auto shapes = PackedShapes();
  if (!shapes.ok()) return shapes.status();
  for (const auto& p : **shapes) {
    if (p.skeleton != shape.Display() || p.alphabet != alphabet.symbols()) continue;
    auto stmt = Prepare(db_.get(), path_, "SELECT keys FROM packed WHERE shape_id = ?1");
    if (!stmt.ok()) return stmt.status();
    sqlite3_bind_int64(stmt->get(), 1, p.id);
    return ForEachRow(db_.get(), path_, stmt->get(), [&fn](sqlite3_stmt* s) {
      const auto* blob = static_cast<const unsigned char*>(sqlite3_column_blob(s, 0));
      const size_t n = static_cast<size_t>(sqlite3_column_bytes(s, 0)) / 8;
      for (size_t i = 0; i < n; ++i) fn(KeyAt(blob, i));
      return Status::Ok();
    });
  }
  return Status::Ok();
}

Result<SqliteLedger::ShapeCounts> SqliteLedger::CountForShape(const CodeShape& shape, const Alphabet& alphabet) {
  auto shapes = PackedShapes();
  if (!shapes.ok()) return shapes.status();
  ShapeCounts counts;
  for (const auto& p : **shapes) {
    if (p.skeleton == shape.Display() && p.alphabet == alphabet.symbols()) counts.same += p.codes;
    else if (p.skeleton.size() == shape.length()) counts.other += p.codes;
  }
  auto stmt = Prepare(db_.get(), path_, "SELECT count(*) FROM codes WHERE length(code) = ?1");
  if (!stmt.ok()) return stmt.status();
  sqlite3_bind_int64(stmt->get(), 1, static_cast<int64_t>(shape.length()));
  COUPONGEN_RETURN_IF_ERROR(ForEachRow(db_.get(), path_, stmt->get(), [&](sqlite3_stmt* s) {
    counts.other += static_cast<uint64_t>(sqlite3_column_int64(s, 0));
    return Status::Ok();
  }));
  return counts;
}

Result<std::optional<LedgerEntry>> SqliteLedger::Find(std::string_view code) {
  if (!find_text_) {
    auto stmt = Prepare(db_.get(), path_, (std::string(kEntrySelect) + "WHERE c.code = ?1").c_str());
    if (!stmt.ok()) return stmt.status();
    find_text_ = std::move(stmt).value();
  }
  BindText(find_text_.get(), 1, code);
  std::optional<LedgerEntry> found;
  Status st = ForEachRow(db_.get(), path_, find_text_.get(), [&found](sqlite3_stmt* s) {
    EntryFromRow(s, &found.emplace());
    return Status::Ok();
  });
  sqlite3_reset(find_text_.get());
  sqlite3_clear_bindings(find_text_.get());
  if (!st.ok() || found) return st.ok() ? Result<std::optional<LedgerEntry>>(found) : st;

  // Packed: under each shape the code can have, its key in each bucket size's rows.
  auto shapes = PackedShapes();
  if (!shapes.ok()) return shapes.status();
  int64_t batch = 0;
  const PackedShape* where = nullptr;
  uint64_t key = 0;
  for (const auto& p : **shapes) {
    auto k = p.codec->Key(code);
    if (!k) continue;
    for (int bits : p.levels) {
      if (!find_packed_) {
        auto prepared = Prepare(db_.get(), path_,
                                "SELECT batch_id, keys FROM packed WHERE shape_id = ?1 AND bits = ?2 AND bucket = ?3");
        if (!prepared.ok()) return prepared.status();
        find_packed_ = std::move(prepared).value();
      }
      sqlite3_stmt* s = find_packed_.get();
      sqlite3_bind_int64(s, 1, p.id);
      sqlite3_bind_int64(s, 2, bits);
      sqlite3_bind_int64(s, 3, static_cast<int64_t>(p.codec->Bucket(*k, bits)));
      st = ForEachRow(db_.get(), path_, s, [&](sqlite3_stmt* row) {
        if (!where && BlobHolds(sqlite3_column_blob(row, 1), sqlite3_column_bytes(row, 1), *k)) {
          where = &p;
          key = *k;
          batch = sqlite3_column_int64(row, 0);
        }
        return Status::Ok();
      });
      sqlite3_reset(s);
      if (!st.ok()) return st;
      if (where) break;
    }
    if (where) break;
  }
  if (!where) return found;
  auto b = Prepare(db_.get(), path_,
                   "SELECT '', campaign, promotion_rule_id, issued_at, output_path, delivered FROM batches WHERE id = ?1");
  if (!b.ok()) return b.status();
  sqlite3_bind_int64(b->get(), 1, batch);
  st = ForEachRow(db_.get(), path_, b->get(), [&](sqlite3_stmt* s) {
    EntryFromRow(s, &found.emplace());
    where->codec->Decode(key, &found->code);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return found;
}

Result<std::vector<CampaignStats>> SqliteLedger::Stats() {
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
  auto packed = Prepare(db_.get(), path_, "SELECT batch_id, sum(length(keys)) / 8 FROM packed GROUP BY batch_id");
  if (!packed.ok()) return packed.status();
  COUPONGEN_RETURN_IF_ERROR(ForEachRow(db_.get(), path_, packed->get(), [&per_batch](sqlite3_stmt* s) {
    per_batch[sqlite3_column_int64(s, 0)] += static_cast<uint64_t>(sqlite3_column_int64(s, 1));
    return Status::Ok();
  }));
  auto batches = Prepare(db_.get(), path_, "SELECT id, campaign, issued_at, delivered FROM batches");
  if (!batches.ok()) return batches.status();
  ledger_internal::CampaignTally tally;
  COUPONGEN_RETURN_IF_ERROR(ForEachRow(db_.get(), path_, batches->get(), [&](sqlite3_stmt* s) {
    auto counted = per_batch.find(sqlite3_column_int64(s, 0));
    if (counted == per_batch.end()) return Status::Ok();
    tally.AddIssued(ColumnText(s, 1), sqlite3_column_int64(s, 2), counted->second, sqlite3_column_int64(s, 3) != 0,
                    false);
    return Status::Ok();
  }));
  auto ranges = Prepare(db_.get(), path_, "SELECT campaign, issued_at, count, delivered FROM ranges");
  if (!ranges.ok()) return ranges.status();
  COUPONGEN_RETURN_IF_ERROR(ForEachRow(db_.get(), path_, ranges->get(), [&](sqlite3_stmt* s) {
    tally.AddIssued(ColumnText(s, 0), sqlite3_column_int64(s, 1), static_cast<uint64_t>(sqlite3_column_int64(s, 2)),
                    sqlite3_column_int64(s, 3) != 0, true);
    return Status::Ok();
  }));
  if (upload_table_) {  // by the (campaign, state) index: no sort, no table rows read
    auto uploads = Prepare(db_.get(), path_,
                           "SELECT campaign, state, count(*) FROM upload_states GROUP BY campaign, state");
    if (!uploads.ok()) return uploads.status();
    COUPONGEN_RETURN_IF_ERROR(ForEachRow(db_.get(), path_, uploads->get(), [&](sqlite3_stmt* s) {
      tally.AddUploads(ColumnText(s, 0), ColumnText(s, 1), static_cast<uint64_t>(sqlite3_column_int64(s, 2)));
      return Status::Ok();
    }));
  }
  return tally.Take();
}

Status SqliteLedger::ForEachEntry(const std::function<Status(const LedgerEntry&)>& fn) {
  auto stmt = Prepare(db_.get(), path_, (std::string(kEntrySelect) + "ORDER BY c.id").c_str());
  if (!stmt.ok()) return stmt.status();
  LedgerEntry entry;
  COUPONGEN_RETURN_IF_ERROR(ForEachRow(db_.get(), path_, stmt->get(), [&](sqlite3_stmt* s) {
    EntryFromRow(s, &entry);
    return fn(entry);
  }));
  // Then the packed codes, run by run (within a run, by key).
  std::unordered_map<int64_t, LedgerEntry> batches;
  auto b = Prepare(db_.get(), path_, "SELECT '', campaign, promotion_rule_id, issued_at, output_path, delivered, id FROM batches");
  if (!b.ok()) return b.status();
  COUPONGEN_RETURN_IF_ERROR(ForEachRow(db_.get(), path_, b->get(), [&](sqlite3_stmt* s) {
    EntryFromRow(s, &batches[sqlite3_column_int64(s, 6)]);
    return Status::Ok();
  }));
  return ForEachPackedCode(0, [&](std::string_view code, int64_t batch) -> Status {
    auto it = batches.find(batch);
    if (it == batches.end()) return Status::IoError(path_ + ": database disk image is malformed (codes of no batch)");
    it->second.code = code;
    return fn(it->second);
  });
}

Status SqliteLedger::ForEachRange(const std::function<Status(const LedgerRange&)>& fn) {
  auto stmt = Prepare(db_.get(), path_,
                      "SELECT campaign, key_id, start, count, issued_at, output_path, rules, delivered FROM ranges "
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
    r.rules = ColumnText(s, 6);
    r.delivered = sqlite3_column_int64(s, 7) != 0;
    return fn(r);
  });
}

// ---------------------------------------------------------------------------------------------
// Upload states

Status SqliteLedger::EnsureUploadTable() {
  auto present = Prepare(db_.get(), path_,
                         "SELECT count(*) FROM sqlite_schema WHERE name IN ('upload_states', 'upload_states_by_campaign')");
  if (!present.ok()) return present.status();
  int64_t objects = 0;
  COUPONGEN_RETURN_IF_ERROR(ForEachRow(db_.get(), path_, present->get(), [&objects](sqlite3_stmt* s) {
    objects = sqlite3_column_int64(s, 0);
    return Status::Ok();
  }));
  upload_table_ = objects == 2;
  // A read-only ledger of an older coupongen can still be queried: it has no upload states.
  if (upload_table_ || sqlite3_db_readonly(db_.get(), "main") == 1) return Status::Ok();
  int rc = sqlite3_exec(db_.get(), "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
  if (IsBusy(rc)) return Status::IoError(path_ + " is locked by another run");
  if (rc != SQLITE_OK) return SqlError(path_, db_.get());
  Status st = Exec(db_.get(), path_, kUploadSchemaSql);
  if (st.ok()) st = Exec(db_.get(), path_, "COMMIT");
  if (!st.ok()) {
    if (!sqlite3_get_autocommit(db_.get())) (void)Exec(db_.get(), path_, "ROLLBACK");
    return Status::IoError("cannot add the upload states to the ledger's schema: " + st.message());
  }
  upload_table_ = true;
  return Status::Ok();
}

Result<UploadRecordCounts> SqliteLedger::RecordUploadStates(std::span<const UploadOutcome> outcomes, TimeMs at) {
  UploadRecordCounts counts;
  if (outcomes.empty()) return counts;
  if (!upload_table_)
    return Status::IoError(path_ + ": cannot record upload states: the ledger is read-only (and older than them)");
  // One statement keeps the precedence of the states (ledger.h): an uploaded code keeps its row,
  // and not_sent replaces nothing but not_sent.
  auto upsert = Prepare(db_.get(), path_,
                        "INSERT INTO upload_states(code, campaign, state, message, reference, updated_at) "
                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(code) DO UPDATE SET "
                        "state = excluded.state, message = excluded.message, reference = excluded.reference, "
                        "updated_at = excluded.updated_at "
                        "WHERE upload_states.state <> 'uploaded' AND "
                        "(excluded.state <> 'not_sent' OR upload_states.state = 'not_sent')");
  if (!upsert.ok()) return upsert.status();
  int rc = sqlite3_exec(db_.get(), "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
  if (IsBusy(rc)) return Status::IoError(path_ + " is locked by another run");
  if (rc != SQLITE_OK) return SqlError(path_, db_.get());
  Status st = [&]() -> Status {
    sqlite3_stmt* s = upsert->get();
    std::string error;
    for (const UploadOutcome& o : outcomes) {
      auto entry = Find(o.code);
      if (!entry.ok()) return entry.status();
      if (!*entry) {
        ++counts.not_in_ledger;
        continue;
      }
      BindText(s, 1, (*entry)->code);
      BindText(s, 2, (*entry)->campaign);
      BindText(s, 3, UploadStateName(o.state));
      if (!o.message.empty()) BindText(s, 4, o.message);  // else NULL
      if (!o.reference.empty()) BindText(s, 5, o.reference);
      sqlite3_bind_int64(s, 6, at);
      if (StepOnce(db_.get(), s, &error) != SQLITE_DONE) return Status::IoError(path_ + ": " + error);
      ++counts.recorded;
    }
    return Exec(db_.get(), path_, "COMMIT");
  }();
  if (!st.ok()) {
    if (!sqlite3_get_autocommit(db_.get())) sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
    return st;
  }
  return counts;
}

Result<std::optional<CodeUploadState>> SqliteLedger::UploadStateOf(std::string_view code) {
  std::optional<CodeUploadState> found;
  if (!upload_table_) return found;
  auto stmt = Prepare(db_.get(), path_,
                      "SELECT state, message, reference, updated_at FROM upload_states WHERE code = ?1");
  if (!stmt.ok()) return stmt.status();
  BindText(stmt->get(), 1, code);
  COUPONGEN_RETURN_IF_ERROR(ForEachRow(db_.get(), path_, stmt->get(), [&found](sqlite3_stmt* s) {
    CodeUploadState& u = found.emplace();
    const std::string_view state = ColumnText(s, 0);
    u.state = state == "uploaded" ? UploadState::kUploaded
              : state == "refused" ? UploadState::kRefused
                                   : UploadState::kNotSent;
    u.message = ColumnText(s, 1);
    u.reference = ColumnText(s, 2);
    u.updated_at = sqlite3_column_int64(s, 3);
    return Status::Ok();
  }));
  return found;
}

// ---------------------------------------------------------------------------------------------
// IssueSession

SqliteSession::~SqliteSession() { RollbackUnlessCommitted(); }

void SqliteSession::RollbackUnlessCommitted() {
  // Statements first: they are reset after each use, but finalizing makes ROLLBACK unconditional.
  insert_batch_.reset();
  insert_code_.reset();
  find_overlap_.reset();
  insert_range_.reset();
  // SQLite may already have rolled back by itself (e.g. after a disk-full error).
  if (db_ && !sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  db_ = nullptr;
}

Status SqliteSession::Prepare() {
  struct {
    StmtPtr* stmt;
    const char* sql;
  } const statements[] = {
      {&insert_batch_,
       "INSERT INTO batches(campaign, promotion_rule_id, issued_at, output_path, delivered) "
       "VALUES (?1, ?2, ?3, ?4, 0)"},
      {&insert_code_, "INSERT INTO codes(code, batch_id) VALUES (?1, ?2)"},
      // Recorded ranges never overlap, so the only one that can overlap [start, end) is the last
      // one starting before `end`.
      {&find_overlap_,
       "SELECT start, count FROM ranges WHERE campaign = ?1 AND key_id = ?2 AND start < ?3 "
       "ORDER BY start DESC LIMIT 1"},
      {&insert_range_,
       "INSERT INTO ranges(campaign, key_id, start, count, issued_at, output_path, rules, delivered) "
       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0)"},
  };
  for (const auto& s : statements) {
    auto stmt = ::coupongen::Prepare(db_, *path_, s.sql);
    if (!stmt.ok()) return stmt.status();
    *s.stmt = std::move(stmt).value();
  }
  return Status::Ok();
}

Status SqliteSession::BatchId(std::string_view campaign, std::string_view promotion_rule_id, TimeMs issued_at,
                             std::string_view output_path, int64_t* id) {
  if (last_batch_.Matches(campaign, promotion_rule_id, issued_at, output_path)) {
    *id = last_batch_.id;
    return Status::Ok();
  }
  sqlite3_stmt* s = insert_batch_.get();
  BindText(s, 1, campaign);
  if (!promotion_rule_id.empty()) BindText(s, 2, promotion_rule_id);  // else NULL
  sqlite3_bind_int64(s, 3, issued_at);
  BindText(s, 4, output_path);
  std::string error;
  if (StepOnce(db_, s, &error) != SQLITE_DONE) return Status::IoError(*path_ + ": " + error);
  *id = sqlite3_last_insert_rowid(db_);
  batch_ids_.push_back(*id);
  last_batch_.Remember(*id, campaign, promotion_rule_id, issued_at, output_path);
  return Status::Ok();
}

Status SqliteSession::Record(std::string_view code, std::string_view campaign, std::string_view promotion_rule_id,
                            TimeMs issued_at, std::string_view output_path) {
  if (!db_) return Status::IoError(*path_ + ": the ledger session has ended");
  if (code.empty()) return Status::Invalid(*path_ + ": cannot record an empty code");
  if (PendingInterrupt()) return InterruptedStatus();  // stop writing: the run rolls back
  int64_t batch = 0;
  COUPONGEN_RETURN_IF_ERROR(BatchId(campaign, promotion_rule_id, issued_at, output_path, &batch));
  if (packing_) {
    if (auto key = packing_->codec->Key(code)) {
      auto& batches = packing_->batches;
      if (batches.empty() || batches.back().first != batch) batches.push_back({batch, {}});
      batches.back().second.push_back(*key);
      ++recorded_;
      return Status::Ok();
    }
  }
  sqlite3_stmt* s = insert_code_.get();
  BindText(s, 1, code);
  sqlite3_bind_int64(s, 2, batch);
  std::string error;
  int rc = StepOnce(db_, s, &error);
  if (rc == SQLITE_DONE) {
    ++recorded_;
    return Status::Ok();
  }
  if (rc == SQLITE_CONSTRAINT_UNIQUE) {
    return Status::Invalid(*path_ + ": code " + std::string(code) + " is already in the ledger");
  }
  return Status::IoError(*path_ + ": " + error);
}

Status SqliteSession::RecordMany(std::span<const std::string_view> codes, std::string_view campaign,
                                std::string_view promotion_rule_id, TimeMs issued_at, std::string_view output_path) {
  if (!db_) return Status::IoError(*path_ + ": the ledger session has ended");
  if (PendingInterrupt()) return InterruptedStatus();
  if (!packing_) {
    for (std::string_view code : codes)
      COUPONGEN_RETURN_IF_ERROR(Record(code, campaign, promotion_rule_id, issued_at, output_path));
    return Status::Ok();
  }
  int64_t batch = 0;
  COUPONGEN_RETURN_IF_ERROR(BatchId(campaign, promotion_rule_id, issued_at, output_path, &batch));
  auto& batches = packing_->batches;
  if (batches.empty() || batches.back().first != batch) batches.push_back({batch, {}});
  std::vector<uint64_t>& keys = batches.back().second;
  for (std::string_view code : codes) {
    if (auto key = packing_->codec->Key(code)) {
      keys.push_back(*key);
      ++recorded_;
    } else {
      COUPONGEN_RETURN_IF_ERROR(Record(code, campaign, promotion_rule_id, issued_at, output_path));
    }
  }
  return Status::Ok();
}

Status SqliteSession::RecordRange(const LedgerRange& range) {
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
  if (!range.rules.empty()) BindText(s, 7, range.rules);  // else NULL
  if (StepOnce(db_, s, &error) != SQLITE_DONE) return Status::IoError(*path_ + ": " + error);
  range_ids_.push_back(sqlite3_last_insert_rowid(db_));
  recorded_ += range.count;
  return Status::Ok();
}

bool SqliteSession::PackShape(const CodeShape& shape, const Alphabet& alphabet) {
  packing_.reset();
  auto codec = PackedCodec::Make(shape.Display(), alphabet.symbols());
  if (!codec || codec->shape().slots() != shape.slots()) return false;  // '#' in the literal text
  packing_ = std::make_shared<Packing>();
  packing_->codec = std::move(codec);
  packing_->skeleton = shape.Display();
  packing_->alphabet = alphabet.symbols();
  return true;
}

// Writes the packed codes recorded in this session: per batch, its keys split into buckets and
// sorted (a counting sort by bucket, then a sort of each small bucket), one row per bucket.
Status SqliteSession::FlushPacked() {
  if (!packing_) return Status::Ok();
  uint64_t total = 0;
  for (const auto& [batch, keys] : packing_->batches) total += keys.size();
  if (total == 0) return Status::Ok();
  auto insert_shape = ::coupongen::Prepare(db_, *path_, "INSERT OR IGNORE INTO shapes(skeleton, alphabet) VALUES (?1, ?2)");
  if (!insert_shape.ok()) return insert_shape.status();
  BindText(insert_shape->get(), 1, packing_->skeleton);
  BindText(insert_shape->get(), 2, packing_->alphabet);
  std::string error;
  if (StepOnce(db_, insert_shape->get(), &error) != SQLITE_DONE) return Status::IoError(*path_ + ": " + error);
  auto count = ::coupongen::Prepare(db_, *path_,
                                    "UPDATE shapes SET codes = codes + ?3 WHERE skeleton = ?1 AND alphabet = ?2 RETURNING id");
  if (!count.ok()) return count.status();
  BindText(count->get(), 1, packing_->skeleton);
  BindText(count->get(), 2, packing_->alphabet);
  sqlite3_bind_int64(count->get(), 3, static_cast<int64_t>(total));
  int64_t shape_id = 0;
  COUPONGEN_RETURN_IF_ERROR(ForEachRow(db_, *path_, count->get(), [&shape_id](sqlite3_stmt* s) {
    shape_id = sqlite3_column_int64(s, 0);
    return Status::Ok();
  }));
  if (shape_id == 0) return Status::IoError(*path_ + ": cannot record the codes' shape");
  auto insert = ::coupongen::Prepare(db_, *path_,
                                     "INSERT INTO packed(shape_id, bits, bucket, batch_id, keys) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!insert.ok()) return insert.status();
  const PackedCodec& codec = *packing_->codec;
  std::vector<uint64_t> sorted;
  std::vector<uint32_t> start;
  for (auto& [batch, keys] : packing_->batches) {
    if (keys.empty()) continue;
    int bits = 0;
    while ((keys.size() >> bits) > 512 && bits < PackedCodec::kMaxBits) ++bits;
    const size_t buckets = size_t{1} << bits;
    start.assign(buckets + 1, 0);
    for (uint64_t k : keys) ++start[codec.Bucket(k, bits) + 1];
    for (size_t b = 0; b < buckets; ++b) start[b + 1] += start[b];
    sorted.resize(keys.size());
    {
      std::vector<uint32_t> next(start.begin(), start.end() - 1);
      for (uint64_t k : keys) sorted[next[codec.Bucket(k, bits)]++] = k;
    }
    std::vector<uint64_t>().swap(keys);  // memory back before the next batch
    for (size_t b = 0; b < buckets; ++b) {
      if (start[b] == start[b + 1]) continue;
      uint64_t* first = sorted.data() + start[b];
      uint64_t* last = sorted.data() + start[b + 1];
      std::sort(first, last);
      if (std::adjacent_find(first, last) != last)
        return Status::Invalid(*path_ + ": a code recorded twice in one run");
      if (PendingInterrupt()) return InterruptedStatus();
      sqlite3_stmt* s = insert->get();
      sqlite3_bind_int64(s, 1, shape_id);
      sqlite3_bind_int64(s, 2, bits);
      sqlite3_bind_int64(s, 3, static_cast<int64_t>(b));
      sqlite3_bind_int64(s, 4, batch);
      sqlite3_bind_blob(s, 5, first, static_cast<int>((last - first) * 8), SQLITE_STATIC);
      if (StepOnce(db_, s, &error) != SQLITE_DONE) return Status::IoError(*path_ + ": " + error);
    }
  }
  packing_->batches.clear();
  return Status::Ok();
}

Status SqliteSession::Commit() {
  if (!db_) return Status::IoError(*path_ + ": the ledger session has ended");
  if (PendingInterrupt()) return InterruptedStatus();  // interrupted after the last Record
  COUPONGEN_RETURN_IF_ERROR(FlushPacked());
  int rc = sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
  if (IsBusy(rc)) return Status::IoError(*path_ + " is locked by another run (cannot commit)");
  if (rc != SQLITE_OK) return SqlError(*path_, db_);
  committed_db_ = std::exchange(db_, nullptr);
  return Status::Ok();
}

Status SqliteSession::MarkDelivered() {
  if (!committed_db_) return Status::IoError(*path_ + ": the ledger session was not committed");
  if (batch_ids_.empty() && range_ids_.empty()) return Status::Ok();
  sqlite3* db = committed_db_;
  auto mark = [&](const char* table, const std::vector<int64_t>& ids) -> Status {
    if (ids.empty()) return Status::Ok();
    std::string sql = std::string("UPDATE ") + table + " SET delivered = 1 WHERE id IN (";
    for (size_t i = 0; i < ids.size(); ++i) sql += (i ? "," : "") + std::to_string(ids[i]);
    sql += ")";
    return Exec(db, *path_, sql.c_str());
  };
  int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
  if (IsBusy(rc)) return Status::IoError(*path_ + " is locked by another run");
  if (rc != SQLITE_OK) return SqlError(*path_, db);
  Status st = mark("batches", batch_ids_);
  if (st.ok()) st = mark("ranges", range_ids_);
  if (st.ok()) st = Exec(db, *path_, "COMMIT");
  if (!st.ok() && !sqlite3_get_autocommit(db)) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  if (st.ok()) committed_db_ = nullptr;
  return st;
}

}  // namespace coupongen

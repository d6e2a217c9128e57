#include "cl/journal.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <vector>

#include "base/strings.h"
#include "codes/random_source.h"

namespace coupongen::cl {
namespace {

constexpr char kSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS chunks(
  number INTEGER PRIMARY KEY,
  reference TEXT NOT NULL UNIQUE,
  inputs INTEGER NOT NULL,
  digest TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('new', 'posting', 'created', 'done')),
  import_id TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT '',
  processed INTEGER NOT NULL DEFAULT 0,
  errors INTEGER NOT NULL DEFAULT 0,
  warnings INTEGER NOT NULL DEFAULT 0,
  errors_log TEXT NOT NULL DEFAULT '{}',
  warnings_log TEXT NOT NULL DEFAULT '{}');
)sql";

struct Stmt {
  sqlite3_stmt* s = nullptr;
  ~Stmt() { sqlite3_finalize(s); }
};

std::string RandomHex(size_t bytes) {
  std::vector<uint8_t> b(bytes);
  if (!OpenSslRandom().Fill(b).ok()) return "";
  return HexLower(b);
}

std::string Text(sqlite3_stmt* s, int col) {
  const unsigned char* t = sqlite3_column_text(s, col);
  return t ? reinterpret_cast<const char*>(t) : "";
}

}  // namespace

Result<std::unique_ptr<Journal>> Journal::Open(const std::string& path) {
  // Create it 0600 ourselves: it names the imports, and SQLite would use the umask.
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IoError("cannot open the upload journal " + path);
  close(fd);
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_close_v2(db);
    return Status::IoError("cannot open the upload journal " + path);
  }
  sqlite3_busy_timeout(db, 5000);
  std::unique_ptr<Journal> j(new Journal(path, db));
  Status s = j->Exec("PRAGMA synchronous = FULL;");
  if (s.ok()) s = j->Exec(kSchema);
  if (!s.ok()) return Status::IoError(path + " is not an upload journal (" + s.message() + ")");
  {
    Stmt st;
    sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'upload_id'", -1, &st.s, nullptr);
    if (st.s && sqlite3_step(st.s) == SQLITE_ROW) j->upload_id_ = Text(st.s, 0);
  }
  if (j->upload_id_.empty()) {
    j->upload_id_ = RandomHex(12);
    if (j->upload_id_.empty()) return Status::IoError("no randomness for the upload id");
    COUPONGEN_RETURN_IF_ERROR(j->Exec("INSERT INTO meta(key, value) VALUES ('upload_id', '" + j->upload_id_ + "')"));
  }
  return j;
}

Journal::~Journal() { sqlite3_close_v2(db_); }

Status Journal::Exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return Status::IoError("upload journal " + path_ + ": " + msg);
  }
  return Status::Ok();
}

Status Journal::Plan(const std::vector<ChunkRecord>& chunks) {
  auto existing = Chunks();  // called before any worker thread starts
  if (!existing.ok()) return existing.status();
  if (!existing->empty()) {
    bool same = existing->size() == chunks.size();
    for (size_t i = 0; same && i < chunks.size(); ++i)
      same = (*existing)[i].reference == chunks[i].reference && (*existing)[i].digest == chunks[i].digest &&
             (*existing)[i].number == chunks[i].number;
    if (!same)
      return Status::Usage("the upload journal " + path_ +
                           " belongs to another upload (other files or other contents): finish that one, or "
                           "give another --journal PATH");
    return Status::Ok();
  }
  COUPONGEN_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  Stmt st;
  sqlite3_prepare_v2(db_, "INSERT INTO chunks(number, reference, inputs, digest, state) VALUES (?, ?, ?, ?, 'new')", -1,
                     &st.s, nullptr);
  for (const auto& c : chunks) {
    sqlite3_reset(st.s);
    sqlite3_bind_int(st.s, 1, c.number);
    sqlite3_bind_text(st.s, 2, c.reference.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st.s, 3, c.inputs);
    sqlite3_bind_text(st.s, 4, c.digest.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st.s) != SQLITE_DONE) {
      Exec("ROLLBACK");
      return Status::IoError("upload journal " + path_ + ": " + sqlite3_errmsg(db_));
    }
  }
  return Exec("COMMIT");
}

Result<std::vector<ChunkRecord>> Journal::Chunks() {
  std::lock_guard<std::mutex> lock(mutex_);
  Stmt st;
  if (sqlite3_prepare_v2(db_,
                         "SELECT number, reference, inputs, digest, state, import_id, status, processed, errors, "
                         "warnings, errors_log, warnings_log FROM chunks ORDER BY number",
                         -1, &st.s, nullptr) != SQLITE_OK)
    return Status::IoError("upload journal " + path_ + ": " + sqlite3_errmsg(db_));
  std::vector<ChunkRecord> out;
  while (sqlite3_step(st.s) == SQLITE_ROW) {
    ChunkRecord c;
    c.number = sqlite3_column_int(st.s, 0);
    c.reference = Text(st.s, 1);
    c.inputs = sqlite3_column_int64(st.s, 2);
    c.digest = Text(st.s, 3);
    c.state = Text(st.s, 4);
    c.import_id = Text(st.s, 5);
    c.status = Text(st.s, 6);
    c.processed = sqlite3_column_int64(st.s, 7);
    c.errors = sqlite3_column_int64(st.s, 8);
    c.warnings = sqlite3_column_int64(st.s, 9);
    c.errors_log = Text(st.s, 10);
    c.warnings_log = Text(st.s, 11);
    out.push_back(std::move(c));
  }
  return out;
}

Status Journal::Save(const ChunkRecord& c) {
  std::lock_guard<std::mutex> lock(mutex_);
  Stmt st;
  sqlite3_prepare_v2(db_,
                     "UPDATE chunks SET state = ?, import_id = ?, status = ?, processed = ?, errors = ?, warnings = ?, "
                     "errors_log = ?, warnings_log = ? WHERE number = ?",
                     -1, &st.s, nullptr);
  sqlite3_bind_text(st.s, 1, c.state.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st.s, 2, c.import_id.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st.s, 3, c.status.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st.s, 4, c.processed);
  sqlite3_bind_int64(st.s, 5, c.errors);
  sqlite3_bind_int64(st.s, 6, c.warnings);
  sqlite3_bind_text(st.s, 7, c.errors_log.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st.s, 8, c.warnings_log.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int(st.s, 9, c.number);
  if (sqlite3_step(st.s) != SQLITE_DONE) return Status::IoError("upload journal " + path_ + ": " + sqlite3_errmsg(db_));
  return Status::Ok();
}

}  // namespace coupongen::cl

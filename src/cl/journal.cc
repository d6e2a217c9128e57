#include "cl/journal.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <iterator>
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

// The columns of a chunk that change as its import goes on (Save writes them), in the order
// Chunks reads them, after number, reference, inputs and digest. One of `text` and `count` is set.
struct ProgressColumn {
  const char* name;
  std::string ChunkRecord::*text;
  int64_t ChunkRecord::*count;
};
constexpr ProgressColumn kProgressColumns[] = {
    {"state", &ChunkRecord::state, nullptr},          {"import_id", &ChunkRecord::import_id, nullptr},
    {"status", &ChunkRecord::status, nullptr},        {"processed", nullptr, &ChunkRecord::processed},
    {"errors", nullptr, &ChunkRecord::errors},        {"warnings", nullptr, &ChunkRecord::warnings},
    {"errors_log", &ChunkRecord::errors_log, nullptr}, {"warnings_log", &ChunkRecord::warnings_log, nullptr},
};
constexpr int kProgressCount = static_cast<int>(std::size(kProgressColumns));

// "state, import_id, ..." or, with `suffix` " = ?", "state = ?, import_id = ?, ...".
std::string ProgressColumnList(const char* suffix) {
  std::string list;
  for (const auto& col : kProgressColumns) list += std::string(list.empty() ? "" : ", ") + col.name + suffix;
  return list;
}

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
      (void)Exec("ROLLBACK");
      return Status::IoError("upload journal " + path_ + ": " + sqlite3_errmsg(db_));
    }
  }
  return Exec("COMMIT");
}

Result<std::vector<ChunkRecord>> Journal::Chunks() {
  std::lock_guard<std::mutex> lock(mutex_);
  Stmt st;
  const std::string sql =
      "SELECT number, reference, inputs, digest, " + ProgressColumnList("") + " FROM chunks ORDER BY number";
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st.s, nullptr) != SQLITE_OK)
    return Status::IoError("upload journal " + path_ + ": " + sqlite3_errmsg(db_));
  std::vector<ChunkRecord> out;
  while (sqlite3_step(st.s) == SQLITE_ROW) {
    ChunkRecord c;
    c.number = sqlite3_column_int(st.s, 0);
    c.reference = Text(st.s, 1);
    c.inputs = sqlite3_column_int64(st.s, 2);
    c.digest = Text(st.s, 3);
    for (int i = 0; i < kProgressCount; ++i) {
      const ProgressColumn& col = kProgressColumns[i];
      if (col.text) c.*col.text = Text(st.s, 4 + i);
      else c.*col.count = sqlite3_column_int64(st.s, 4 + i);
    }
    out.push_back(std::move(c));
  }
  return out;
}

Status Journal::Save(const ChunkRecord& c) {
  std::lock_guard<std::mutex> lock(mutex_);
  Stmt st;
  const std::string sql = "UPDATE chunks SET " + ProgressColumnList(" = ?") + " WHERE number = ?";
  sqlite3_prepare_v2(db_, sql.c_str(), -1, &st.s, nullptr);
  for (int i = 0; i < kProgressCount; ++i) {
    const ProgressColumn& col = kProgressColumns[i];
    if (col.text) sqlite3_bind_text(st.s, 1 + i, (c.*col.text).c_str(), -1, SQLITE_TRANSIENT);
    else sqlite3_bind_int64(st.s, 1 + i, c.*col.count);
  }
  sqlite3_bind_int(st.s, 1 + kProgressCount, c.number);
  if (sqlite3_step(st.s) != SQLITE_DONE) return Status::IoError("upload journal " + path_ + ": " + sqlite3_errmsg(db_));
  return Status::Ok();
}

}  // namespace coupongen::cl

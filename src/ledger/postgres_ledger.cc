#include "ledger/postgres_ledger.h"

#include <libpq-fe.h>
#include <stdlib.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstring>
#include <limits>
#include <map>
#include <thread>
#include <unordered_map>
#include <utility>

#include "base/interrupt.h"
#include "ledger/backend_common.h"

namespace coupongen {
namespace {

constexpr int kSchemaVersion = 1;  // coupongen_meta's schema_version
// pg_advisory_xact_lock(kLockSpace, ...): "cgld", then which lock.
constexpr int kLockSpace = 0x63676c64;
constexpr int kWriterLock = 1;  // held by an IssueSession for its whole transaction
constexpr int kSchemaLock = 2;  // held while the schema is created

// Codes are unique ignoring ASCII case (as SQLite's NOCASE): the index and every lookup fold with
// this expression, written identically so the planner uses the index.
#define COUPONGEN_FOLD(x) "translate(" x ", 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"

// No foreign key from codes to batches: it would check every row of a bulk insert one by one.
// The code's collation is "C" (bytes): the unique index compares folded codes exactly, and
// much faster than a locale's rules would.
constexpr char kSchemaSql[] =
    "CREATE TABLE IF NOT EXISTS coupongen_meta(key text PRIMARY KEY, value text NOT NULL);"
    "CREATE TABLE IF NOT EXISTS coupongen_batches("
    "  id bigserial PRIMARY KEY,"
    "  campaign text NOT NULL,"
    "  promotion_rule_id text,"
    "  issued_at bigint NOT NULL,"
    "  output_path text NOT NULL,"
    "  delivered boolean NOT NULL DEFAULT false);"
    "CREATE TABLE IF NOT EXISTS coupongen_codes("
    "  id bigserial PRIMARY KEY,"
    "  code text COLLATE \"C\" NOT NULL CHECK (code <> ''),"
    "  batch_id bigint NOT NULL);"
    "CREATE UNIQUE INDEX IF NOT EXISTS coupongen_codes_folded ON coupongen_codes (" COUPONGEN_FOLD("code") ");"
    "CREATE TABLE IF NOT EXISTS coupongen_ranges("
    "  id bigserial PRIMARY KEY,"
    "  campaign text NOT NULL,"
    "  key_id text NOT NULL,"
    "  start bigint NOT NULL CHECK (start >= 0),"
    "  count bigint NOT NULL CHECK (count > 0),"
    "  issued_at bigint NOT NULL,"
    "  output_path text NOT NULL,"
    "  rules text,"
    "  delivered boolean NOT NULL DEFAULT false);"
    "CREATE INDEX IF NOT EXISTS coupongen_ranges_by_start ON coupongen_ranges(campaign, key_id, start);"
    // Upload states (RecordUploadStates): one row per code an upload saw, keyed by the code as
    // issued (RecordUploadStates looks it up first), found ignoring case through the index.
    "CREATE TABLE IF NOT EXISTS coupongen_upload_states("
    "  code text COLLATE \"C\" PRIMARY KEY,"
    "  campaign text NOT NULL,"
    "  state text NOT NULL CHECK (state IN ('uploaded', 'refused', 'not_sent')),"
    "  message text,"
    "  reference text,"
    "  updated_at bigint NOT NULL);"
    "CREATE INDEX IF NOT EXISTS coupongen_upload_states_folded ON coupongen_upload_states (" COUPONGEN_FOLD("code") ");"
    "INSERT INTO coupongen_meta(key, value) VALUES ('schema_version', '1') ON CONFLICT (key) DO NOTHING;";

constexpr char kEntrySelect[] =
    "SELECT c.code, b.campaign, b.promotion_rule_id, b.issued_at, b.output_path, b.delivered "
    "FROM coupongen_codes c JOIN coupongen_batches b ON b.id = c.batch_id ";

// SQLSTATEs this file tells apart.
constexpr char kUniqueViolation[] = "23505";
constexpr char kLockNotAvailable[] = "55P03";

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

struct ConnCloser {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using PgConn = std::unique_ptr<PGconn, ConnCloser>;

std::string PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// The secrets a message about `uri` must never show: the URI's password (as written and decoded),
// a password= parameter's, and PGPASSWORD.
std::vector<std::string> SecretsOf(std::string_view uri) {
  std::vector<std::string> secrets;
  auto add = [&secrets](std::string_view s) {
    if (s.empty()) return;
    secrets.emplace_back(s);
    std::string decoded = PercentDecode(s);
    if (decoded != s) secrets.push_back(std::move(decoded));
  };
  std::string_view rest = uri.substr(uri.find("://") + 3);
  const size_t slash = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, slash);
  const size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    std::string_view user_info = authority.substr(0, at);
    const size_t colon = user_info.find(':');
    if (colon != std::string_view::npos) {
      add(user_info.substr(colon + 1));
      // libpq ends the user information at the first '@': the part before it is its password.
      const size_t first_at = user_info.find('@', colon);
      if (first_at != std::string_view::npos) {
        add(user_info.substr(colon + 1, first_at - colon - 1));
        add(user_info.substr(first_at + 1));
      }
    }
  }
  for (size_t p = rest.find("password="); p != std::string_view::npos; p = rest.find("password=", p + 1)) {
    std::string_view value = rest.substr(p + 9);
    add(value.substr(0, value.find('&')));
  }
  if (const char* env = getenv("PGPASSWORD")) add(env);
  // Longest first, so a secret that contains another is replaced whole.
  std::sort(secrets.begin(), secrets.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  return secrets;
}

void ReplaceAll(std::string* s, const std::string& what, std::string_view with) {
  for (size_t p = s->find(what); p != std::string::npos; p = s->find(what, p + with.size())) s->replace(p, what.size(), with);
}

// One line: libpq's messages end in a newline and may span several lines.
std::string OneLine(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\t') c = ' ';
  while (!s.empty() && s.back() == ' ') s.pop_back();
  std::string out;
  for (char c : s)
    if (!(c == ' ' && !out.empty() && out.back() == ' ')) out += c;
  return out;
}

// COPY's text format: the field escaped.
void AppendCopyField(std::string* out, std::string_view field) {
  for (char c : field) {
    switch (c) {
      case '\\': *out += "\\\\"; break;
      case '\t': *out += "\\t"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      default: *out += c;
    }
  }
}

class PostgresSession;

class PostgresLedger final : public Ledger {
 public:
  PostgresLedger(PgConn conn, std::string display, std::vector<std::string> secrets, LedgerOptions options)
      : conn_(std::move(conn)), path_(std::move(display)), secrets_(std::move(secrets)), options_(std::move(options)) {}
  ~PostgresLedger() override;

  Result<std::unique_ptr<IssueSession>> BeginIssue() override;
  Status ForEachCode(const std::function<Status(std::string_view code)>& fn) override;
  Status ForEachCodeExcept(const CodeShape&, const Alphabet&, const std::function<Status(std::string_view code)>& fn) override {
    return ForEachCode(fn);  // nothing is packed
  }
  Result<std::optional<LedgerEntry>> Find(std::string_view code) override;
  Status ForEachPackedKey(const CodeShape&, const Alphabet&, const std::function<void(uint64_t)>&) override {
    return Status::Ok();  // nothing is packed
  }
  Result<ShapeCounts> CountForShape(const CodeShape& shape, const Alphabet& alphabet) override;
  Result<std::vector<CampaignStats>> Stats() override;
  Status ForEachEntry(const std::function<Status(const LedgerEntry&)>& fn) override;
  Status ForEachRange(const std::function<Status(const LedgerRange&)>& fn) override;
  Result<UploadRecordCounts> RecordUploadStates(std::span<const UploadOutcome> outcomes, TimeMs at) override;
  Result<std::optional<CodeUploadState>> UploadStateOf(std::string_view code) override;
  const std::string& path() const override { return path_; }

  /// Begins a transaction holding the writer lock, waiting up to busy_timeout_ms (and calling
  /// on_wait after wait_notice_ms). On failure no transaction is open.
  Status BeginLocked();

  // For the session and Open.
  PGconn* conn() const { return conn_.get(); }
  std::string Scrub(std::string message) const {
    for (const auto& s : secrets_) ReplaceAll(&message, s, "****");
    return OneLine(std::move(message));
  }
  Status Error(const std::string& what) const { return Status::IoError(path_ + ": " + Scrub(what)); }
  // The error of a failed command: the server's primary message, or libpq's (the connection).
  Status ErrorOf(const PGresult* r, const char* doing = nullptr) const {
    const char* primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    std::string msg = primary ? primary : PQerrorMessage(conn());
    if (msg.empty() && r) msg = PQresStatus(PQresultStatus(r));
    if (PQstatus(conn()) == CONNECTION_BAD) msg += " (the connection to the server is lost)";
    return Error(doing ? std::string(doing) + ": " + msg : msg);
  }
  static std::string StateOf(const PGresult* r) {
    const char* s = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    return s ? s : "";
  }

  /// Runs `sql` with text parameters; ok with the result when it returned `expect`.
  Result<PgResult> Exec(const std::string& sql, const std::vector<std::string>& params = {},
                        ExecStatusType expect = PGRES_COMMAND_OK, std::string* sqlstate = nullptr) const {
    std::vector<const char*> values;
    for (const auto& p : params) values.push_back(p.c_str());
    // Without parameters, the simple protocol: `sql` may hold several statements (the result
    // is the last one's).
    PgResult r(values.empty() ? PQexec(conn(), sql.c_str())
                              : PQexecParams(conn(), sql.c_str(), static_cast<int>(values.size()), nullptr,
                                             values.data(), nullptr, nullptr, 0));
    if (sqlstate) *sqlstate = StateOf(r.get());
    if (!r || PQresultStatus(r.get()) != expect) return ErrorOf(r.get());
    return r;
  }
  Status Run(const std::string& sql) const {
    auto r = Exec(sql);
    return r.ok() ? Status::Ok() : r.status();
  }

  /// Calls row(result, i) for each row of `sql`, fetched through a cursor in blocks (the whole
  /// answer is never in memory). Outside a session, in a read-only transaction of its own (one
  /// snapshot); inside one, in the session's transaction (its own rows included).
  template <typename RowFn>
  Status Stream(const std::string& sql, RowFn&& row);

  PostgresSession* session_ = nullptr;  // the open session, if any (flushed before reads)

 private:
  PgConn conn_;
  std::string path_;  // the URI without its password
  std::vector<std::string> secrets_;
  LedgerOptions options_;
  int cursors_ = 0;
};

class PostgresSession final : public IssueSession {
 public:
  explicit PostgresSession(PostgresLedger* ledger) : ledger_(ledger) { ledger_->session_ = this; }
  ~PostgresSession() override {
    if (open_ && PQstatus(ledger_->conn()) == CONNECTION_OK) {
      PgResult r(PQexec(ledger_->conn(), "ROLLBACK"));
    }
    if (ledger_->session_ == this) ledger_->session_ = nullptr;
  }

  Status Record(std::string_view code, std::string_view campaign, std::string_view promotion_rule_id,
                TimeMs issued_at, std::string_view output_path) override;
  Status RecordMany(std::span<const std::string_view> codes, std::string_view campaign,
                    std::string_view promotion_rule_id, TimeMs issued_at, std::string_view output_path) override;
  Status RecordRange(const LedgerRange& range) override;
  Status Commit() override;
  Status MarkDelivered() override;
  bool PackShape(const CodeShape&, const Alphabet&) override { return false; }

  /// Writes the codes buffered by RecordMany (COPY). Before any read of the ledger in the session.
  Status Flush();

  bool open_ = true;  // the transaction is open

 private:
  Status Usable() const {
    if (!failed_.ok()) return failed_;
    if (!open_) return Status::IoError(ledger_->path() + ": the ledger session has ended");
    return Status::Ok();
  }
  // Keeps the first failure: the transaction is aborted, nothing of it will be kept.
  Status Fail(Status st) {
    if (failed_.ok()) failed_ = st;
    return st;
  }
  Status BatchId(std::string_view campaign, std::string_view promotion_rule_id, TimeMs issued_at,
                 std::string_view output_path, int64_t* id);

  PostgresLedger* ledger_;
  Status failed_;
  bool committed_ = false;
  std::vector<int64_t> batch_ids_, range_ids_;
  std::string pending_;  // COPY text rows "code\tbatch\n"
  uint64_t pending_codes_ = 0;
  ledger_internal::LastBatch last_batch_;
};

// ---------------------------------------------------------------------------------------------
// PostgresLedger

PostgresLedger::~PostgresLedger() = default;

template <typename RowFn>
Status PostgresLedger::Stream(const std::string& sql, RowFn&& row) {
  if (session_ && session_->open_) COUPONGEN_RETURN_IF_ERROR(session_->Flush());
  const bool own = PQtransactionStatus(conn()) == PQTRANS_IDLE;
  if (own) COUPONGEN_RETURN_IF_ERROR(Run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  const std::string cursor = "coupongen_c" + std::to_string(++cursors_);
  Status st = Run("DECLARE " + cursor + " NO SCROLL CURSOR FOR " + sql);
  const std::string fetch = "FETCH FORWARD 20000 FROM " + cursor;
  while (st.ok()) {
    auto r = Exec(fetch, {}, PGRES_TUPLES_OK);
    if (!r.ok()) {
      st = r.status();
      break;
    }
    const int n = PQntuples(r->get());
    for (int i = 0; i < n && st.ok(); ++i) st = row(r->get(), i);
    if (n == 0) break;
  }
  if (own) {
    // Read only: a rollback loses nothing, and ends a transaction a failure aborted.
    PgResult end(PQexec(conn(), "ROLLBACK"));
  } else if (st.ok() || PQtransactionStatus(conn()) == PQTRANS_INTRANS) {
    Status closed = Run("CLOSE " + cursor);
    if (st.ok()) st = closed;
  }
  return st;
}

std::string_view Text(const PGresult* r, int row, int col) {
  return std::string_view(PQgetvalue(r, row, col), static_cast<size_t>(PQgetlength(r, row, col)));
}
int64_t Int(const PGresult* r, int row, int col) { return std::strtoll(PQgetvalue(r, row, col), nullptr, 10); }
bool Bool(const PGresult* r, int row, int col) { return PQgetvalue(r, row, col)[0] == 't'; }

void EntryFromRow(const PGresult* r, int i, LedgerEntry* e) {
  e->code = Text(r, i, 0);
  e->campaign = Text(r, i, 1);
  e->promotion_rule_id = Text(r, i, 2);  // NULL reads as ""
  e->issued_at = Int(r, i, 3);
  e->output_path = Text(r, i, 4);
  e->delivered = Bool(r, i, 5);
}

Status PostgresLedger::BeginLocked() {
  // The writer lock, waited for up to busy_timeout_ms (lock_timeout); after wait_notice_ms the
  // caller hears why nothing happens. A timed-out wait aborts its transaction: begin again.
  const auto start = std::chrono::steady_clock::now();
  bool noticed = !options_.on_wait || options_.wait_notice_ms >= options_.busy_timeout_ms;
  while (true) {
    const auto waited =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    const int64_t until = noticed ? options_.busy_timeout_ms : options_.wait_notice_ms;
    const int64_t budget = std::max<int64_t>(1, until - waited);
    COUPONGEN_RETURN_IF_ERROR(Run("BEGIN ISOLATION LEVEL READ COMMITTED"));
    std::string state;
    auto locked = Exec("SET LOCAL lock_timeout = " + std::to_string(budget) + ";" +
                       "SELECT pg_advisory_xact_lock(" + std::to_string(kLockSpace) + ", " +
                       std::to_string(kWriterLock) + ")",
                       {}, PGRES_TUPLES_OK, &state);
    if (locked.ok()) {
      Status st = Run("SET LOCAL lock_timeout = 0");
      if (!st.ok()) PgResult end(PQexec(conn(), "ROLLBACK"));
      return st;
    }
    PgResult end(PQexec(conn(), "ROLLBACK"));
    if (state != kLockNotAvailable) return locked.status();
    if (noticed) return Status::IoError(path_ + " is locked by another run");
    noticed = true;
    options_.on_wait();
  }
}

Result<std::unique_ptr<IssueSession>> PostgresLedger::BeginIssue() {
  if (session_) return Status::IoError(path_ + ": a ledger session is already open");
  COUPONGEN_RETURN_IF_ERROR(BeginLocked());
  return std::unique_ptr<IssueSession>(new PostgresSession(this));
}

Status PostgresLedger::ForEachCode(const std::function<Status(std::string_view code)>& fn) {
  return Stream("SELECT code FROM coupongen_codes", [&fn](const PGresult* r, int i) { return fn(Text(r, i, 0)); });
}

Result<std::optional<LedgerEntry>> PostgresLedger::Find(std::string_view code) {
  if (session_ && session_->open_) COUPONGEN_RETURN_IF_ERROR(session_->Flush());
  auto r = Exec(std::string(kEntrySelect) + "WHERE " COUPONGEN_FOLD("c.code") " = " COUPONGEN_FOLD("$1"),
                {std::string(code)}, PGRES_TUPLES_OK);
  if (!r.ok()) return r.status();
  std::optional<LedgerEntry> found;
  if (PQntuples(r->get()) > 0) EntryFromRow(r->get(), 0, &found.emplace());
  return found;
}

Result<Ledger::ShapeCounts> PostgresLedger::CountForShape(const CodeShape& shape, const Alphabet&) {
  if (session_ && session_->open_) COUPONGEN_RETURN_IF_ERROR(session_->Flush());
  // Codes are text rows: every code of the shape's length may have the shape.
  auto r = Exec("SELECT count(*) FROM coupongen_codes WHERE length(code) = $1", {std::to_string(shape.length())},
                PGRES_TUPLES_OK);
  if (!r.ok()) return r.status();
  ShapeCounts counts;
  counts.other = static_cast<uint64_t>(Int(r->get(), 0, 0));
  return counts;
}

Result<std::vector<CampaignStats>> PostgresLedger::Stats() {
  ledger_internal::CampaignTally tally;
  // Per batch (a run), then folded into campaigns; a batch without codes counts nothing.
  COUPONGEN_RETURN_IF_ERROR(Stream(
      "SELECT b.campaign, b.issued_at, b.delivered, c.n FROM coupongen_batches b "
      "JOIN (SELECT batch_id, count(*) AS n FROM coupongen_codes GROUP BY batch_id) c ON c.batch_id = b.id",
      [&](const PGresult* r, int i) {
        tally.AddIssued(Text(r, i, 0), Int(r, i, 1), static_cast<uint64_t>(Int(r, i, 3)), Bool(r, i, 2), false);
        return Status::Ok();
      }));
  COUPONGEN_RETURN_IF_ERROR(
      Stream("SELECT campaign, issued_at, delivered, count FROM coupongen_ranges", [&](const PGresult* r, int i) {
        tally.AddIssued(Text(r, i, 0), Int(r, i, 1), static_cast<uint64_t>(Int(r, i, 3)), Bool(r, i, 2), true);
        return Status::Ok();
      }));
  COUPONGEN_RETURN_IF_ERROR(Stream(
      "SELECT campaign, state, count(*) FROM coupongen_upload_states GROUP BY campaign, state",
      [&](const PGresult* r, int i) {
        tally.AddUploads(Text(r, i, 0), Text(r, i, 1), static_cast<uint64_t>(Int(r, i, 2)));
        return Status::Ok();
      }));
  return tally.Take();
}

Status PostgresLedger::ForEachEntry(const std::function<Status(const LedgerEntry&)>& fn) {
  LedgerEntry entry;
  return Stream(std::string(kEntrySelect) + "ORDER BY c.id", [&](const PGresult* r, int i) {
    EntryFromRow(r, i, &entry);
    return fn(entry);
  });
}

Status PostgresLedger::ForEachRange(const std::function<Status(const LedgerRange&)>& fn) {
  return Stream(
      "SELECT campaign, key_id, start, count, issued_at, output_path, rules, delivered FROM coupongen_ranges "
      "ORDER BY campaign, key_id, start",
      [&fn](const PGresult* r, int i) {
        LedgerRange range;
        range.campaign = Text(r, i, 0);
        range.key_id = Text(r, i, 1);
        range.start = static_cast<uint64_t>(Int(r, i, 2));
        range.count = static_cast<uint64_t>(Int(r, i, 3));
        range.issued_at = Int(r, i, 4);
        range.output_path = Text(r, i, 5);
        range.rules = Text(r, i, 6);
        range.delivered = Bool(r, i, 7);
        return fn(range);
      });
}

// ---------------------------------------------------------------------------------------------
// Upload states

std::string Folded(std::string_view code) {
  std::string f(code);
  for (char& c : f)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return f;
}

// The state a code keeps when `next` comes after `prev` (ledger.h: uploaded is final; not_sent
// replaces only not_sent).
bool Replaces(UploadState prev, UploadState next) {
  if (prev == UploadState::kUploaded) return false;
  return next != UploadState::kNotSent || prev == UploadState::kNotSent;
}

Result<UploadRecordCounts> PostgresLedger::RecordUploadStates(std::span<const UploadOutcome> outcomes, TimeMs at) {
  UploadRecordCounts counts;
  if (outcomes.empty()) return counts;
  if (session_) return Status::IoError(path_ + ": a ledger session is open");
  // The outcomes of one code folded into one (the rules applied in order), with how many there
  // were; then all of them in one statement against the ledger's rows, set-wise.
  struct Merged {
    const UploadOutcome* outcome;
    uint64_t times;
  };
  std::unordered_map<std::string, Merged> merged;
  std::vector<std::string> order;
  for (const UploadOutcome& o : outcomes) {
    auto [it, added] = merged.try_emplace(Folded(o.code), Merged{&o, 0});
    if (added) order.push_back(it->first);
    else if (Replaces(it->second.outcome->state, o.state)) it->second.outcome = &o;
    ++it->second.times;
  }
  std::string rows;
  for (const std::string& key : order) {
    const UploadOutcome& o = *merged[key].outcome;
    AppendCopyField(&rows, o.code);
    rows += '\t';
    rows += UploadStateName(o.state);
    rows += '\t';
    AppendCopyField(&rows, o.message);
    rows += '\t';
    AppendCopyField(&rows, o.reference);
    rows += '\n';
  }
  COUPONGEN_RETURN_IF_ERROR(BeginLocked());
  Status st = [&]() -> Status {
    COUPONGEN_RETURN_IF_ERROR(Run("CREATE TEMP TABLE coupongen_outcomes(code text COLLATE \"C\", state text, "
                                  "message text, reference text) ON COMMIT DROP"));
    PgResult start(PQexec(conn(), "COPY coupongen_outcomes FROM STDIN"));
    if (!start || PQresultStatus(start.get()) != PGRES_COPY_IN) return ErrorOf(start.get());
    bool sent = PQputCopyData(conn(), rows.data(), static_cast<int>(rows.size())) == 1;
    if (sent) sent = PQputCopyEnd(conn(), nullptr) == 1;
    PgResult end(PQgetResult(conn()));
    while (PgResult more{PQgetResult(conn())}) {
    }
    if (!sent || !end || PQresultStatus(end.get()) != PGRES_COMMAND_OK) return ErrorOf(end.get());
    // Which codes the ledger issued (as issued, with their campaign)...
    auto found = Exec("SELECT " COUPONGEN_FOLD("o.code") " FROM coupongen_outcomes o JOIN coupongen_codes c ON "
                      COUPONGEN_FOLD("c.code") " = " COUPONGEN_FOLD("o.code"),
                      {}, PGRES_TUPLES_OK);
    if (!found.ok()) return found.status();
    for (int i = 0; i < PQntuples(found->get()); ++i) counts.recorded += merged[std::string(Text(found->get(), i, 0))].times;
    counts.not_in_ledger = outcomes.size() - counts.recorded;
    // ...and their states, by the rules of ledger.h.
    auto upsert = Exec(
        "INSERT INTO coupongen_upload_states(code, campaign, state, message, reference, updated_at) "
        "SELECT c.code, b.campaign, o.state, NULLIF(o.message, ''), NULLIF(o.reference, ''), $1 "
        "FROM coupongen_outcomes o JOIN coupongen_codes c ON " COUPONGEN_FOLD("c.code") " = " COUPONGEN_FOLD("o.code") " "
        "JOIN coupongen_batches b ON b.id = c.batch_id "
        "ON CONFLICT (code) DO UPDATE SET state = excluded.state, message = excluded.message, "
        "reference = excluded.reference, updated_at = excluded.updated_at "
        "WHERE coupongen_upload_states.state <> 'uploaded' AND "
        "(excluded.state <> 'not_sent' OR coupongen_upload_states.state = 'not_sent')",
        {std::to_string(at)});
    if (!upsert.ok()) return upsert.status();
    PgResult commit(PQexec(conn(), "COMMIT"));
    if (!commit || PQresultStatus(commit.get()) != PGRES_COMMAND_OK) return ErrorOf(commit.get(), "cannot commit");
    if (std::strcmp(PQcmdStatus(commit.get()), "COMMIT") != 0) return Error("the transaction was rolled back");
    return Status::Ok();
  }();
  if (!st.ok()) {
    if (PQtransactionStatus(conn()) != PQTRANS_IDLE) PgResult end(PQexec(conn(), "ROLLBACK"));
    return st;
  }
  return counts;
}

Result<std::optional<CodeUploadState>> PostgresLedger::UploadStateOf(std::string_view code) {
  if (session_ && session_->open_) COUPONGEN_RETURN_IF_ERROR(session_->Flush());
  auto r = Exec("SELECT state, message, reference, updated_at FROM coupongen_upload_states WHERE "
                COUPONGEN_FOLD("code") " = " COUPONGEN_FOLD("$1"),
                {std::string(code)}, PGRES_TUPLES_OK);
  if (!r.ok()) return r.status();
  std::optional<CodeUploadState> found;
  if (PQntuples(r->get()) == 0) return found;
  CodeUploadState& u = found.emplace();
  const std::string_view state = Text(r->get(), 0, 0);
  u.state = state == "uploaded" ? UploadState::kUploaded
            : state == "refused" ? UploadState::kRefused
                                 : UploadState::kNotSent;
  u.message = Text(r->get(), 0, 1);
  u.reference = Text(r->get(), 0, 2);
  u.updated_at = Int(r->get(), 0, 3);
  return found;
}

// ---------------------------------------------------------------------------------------------
// PostgresSession

Status PostgresSession::BatchId(std::string_view campaign, std::string_view promotion_rule_id, TimeMs issued_at,
                                std::string_view output_path, int64_t* id) {
  if (last_batch_.Matches(campaign, promotion_rule_id, issued_at, output_path)) {
    *id = last_batch_.id;
    return Status::Ok();
  }
  auto r = ledger_->Exec(
      "INSERT INTO coupongen_batches(campaign, promotion_rule_id, issued_at, output_path, delivered) "
      "VALUES ($1, NULLIF($2, ''), $3, $4, false) RETURNING id",
      {std::string(campaign), std::string(promotion_rule_id), std::to_string(issued_at), std::string(output_path)},
      PGRES_TUPLES_OK);
  if (!r.ok()) return Fail(r.status());
  *id = Int(r->get(), 0, 0);
  batch_ids_.push_back(*id);
  last_batch_.Remember(*id, campaign, promotion_rule_id, issued_at, output_path);
  return Status::Ok();
}

Status PostgresSession::Record(std::string_view code, std::string_view campaign, std::string_view promotion_rule_id,
                               TimeMs issued_at, std::string_view output_path) {
  COUPONGEN_RETURN_IF_ERROR(Usable());
  if (code.empty()) return Status::Invalid(ledger_->path() + ": cannot record an empty code");
  if (PendingInterrupt()) return InterruptedStatus();  // stop writing: the run rolls back
  COUPONGEN_RETURN_IF_ERROR(Flush());                  // keeps the issue order
  int64_t batch = 0;
  COUPONGEN_RETURN_IF_ERROR(BatchId(campaign, promotion_rule_id, issued_at, output_path, &batch));
  // One code: looked up by the unique index itself, and the session stays usable when it is taken.
  auto r = ledger_->Exec("INSERT INTO coupongen_codes(code, batch_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                         {std::string(code), std::to_string(batch)});
  if (!r.ok()) return Fail(r.status());
  if (std::strcmp(PQcmdTuples(r->get()), "1") != 0)
    return Status::Invalid(ledger_->path() + ": code " + std::string(code) + " is already in the ledger");
  ++recorded_;
  return Status::Ok();
}

Status PostgresSession::RecordMany(std::span<const std::string_view> codes, std::string_view campaign,
                                   std::string_view promotion_rule_id, TimeMs issued_at,
                                   std::string_view output_path) {
  COUPONGEN_RETURN_IF_ERROR(Usable());
  if (PendingInterrupt()) return InterruptedStatus();
  int64_t batch = 0;
  COUPONGEN_RETURN_IF_ERROR(BatchId(campaign, promotion_rule_id, issued_at, output_path, &batch));
  const std::string batch_text = "\t" + std::to_string(batch) + "\n";
  for (std::string_view code : codes) {
    if (code.empty()) return Status::Invalid(ledger_->path() + ": cannot record an empty code");
    AppendCopyField(&pending_, code);
    pending_ += batch_text;
  }
  pending_codes_ += codes.size();
  recorded_ += codes.size();
  if (pending_.size() >= (size_t{8} << 20)) return Flush();
  return Status::Ok();
}

Status PostgresSession::Flush() {
  if (pending_.empty()) return Status::Ok();
  COUPONGEN_RETURN_IF_ERROR(Usable());
  PGconn* conn = ledger_->conn();
  PgResult start(PQexec(conn, "COPY coupongen_codes(code, batch_id) FROM STDIN"));
  if (!start || PQresultStatus(start.get()) != PGRES_COPY_IN) return Fail(ledger_->ErrorOf(start.get()));
  constexpr size_t kChunk = 1 << 20;
  bool sent = true;
  for (size_t at = 0; at < pending_.size() && sent; at += kChunk) {
    const size_t n = std::min(kChunk, pending_.size() - at);
    sent = PQputCopyData(conn, pending_.data() + at, static_cast<int>(n)) == 1;
  }
  if (sent) sent = PQputCopyEnd(conn, nullptr) == 1;
  PgResult end(PQgetResult(conn));
  // Drain: a COPY has one result, but a broken connection may leave more.
  while (PgResult more{PQgetResult(conn)}) {
  }
  std::string().swap(pending_);
  pending_codes_ = 0;
  if (sent && end && PQresultStatus(end.get()) == PGRES_COMMAND_OK) return Status::Ok();
  if (PostgresLedger::StateOf(end.get()) == kUniqueViolation)
    return Fail(Status::IoError(ledger_->path() +
                                ": a code of this run is already in the ledger (recorded twice in the run, or "
                                "by a writer that does not take coupongen's lock); nothing of the run is recorded: "
                                "run it again"));
  return Fail(ledger_->ErrorOf(end.get()));
}

Status PostgresSession::RecordRange(const LedgerRange& range) {
  COUPONGEN_RETURN_IF_ERROR(Usable());
  const std::string& path = ledger_->path();
  constexpr uint64_t kMax = std::numeric_limits<int64_t>::max();
  if (range.count == 0 || range.start > kMax || range.count > kMax - range.start) {
    return Status::Invalid(path + ": invalid range of " + std::to_string(range.count) + " starting at " +
                           std::to_string(range.start));
  }
  const uint64_t end = range.start + range.count;
  // Recorded ranges never overlap, so the only one that can overlap [start, end) is the last one
  // starting before `end`. Under the writer lock: no other host records one meanwhile.
  auto r = ledger_->Exec(
      "SELECT start, count FROM coupongen_ranges WHERE campaign = $1 AND key_id = $2 AND start < $3 "
      "ORDER BY start DESC LIMIT 1",
      {range.campaign, range.key_id, std::to_string(end)}, PGRES_TUPLES_OK);
  if (!r.ok()) return Fail(r.status());
  if (PQntuples(r->get()) > 0) {
    const auto other_start = static_cast<uint64_t>(Int(r->get(), 0, 0));
    const uint64_t other_end = other_start + static_cast<uint64_t>(Int(r->get(), 0, 1));
    if (other_end > range.start)
      return Status::Invalid(path + ": range " + std::to_string(range.start) + ".." + std::to_string(end - 1) +
                             " of campaign " + range.campaign + " key " + range.key_id + " overlaps range " +
                             std::to_string(other_start) + ".." + std::to_string(other_end - 1) + ", already issued");
  }
  r = ledger_->Exec(
      "INSERT INTO coupongen_ranges(campaign, key_id, start, count, issued_at, output_path, rules, delivered) "
      "VALUES ($1, $2, $3, $4, $5, $6, NULLIF($7, ''), false) RETURNING id",
      {range.campaign, range.key_id, std::to_string(range.start), std::to_string(range.count),
       std::to_string(range.issued_at), range.output_path, range.rules},
      PGRES_TUPLES_OK);
  if (!r.ok()) return Fail(r.status());
  range_ids_.push_back(Int(r->get(), 0, 0));
  recorded_ += range.count;
  return Status::Ok();
}

Status PostgresSession::Commit() {
  COUPONGEN_RETURN_IF_ERROR(Usable());
  if (PendingInterrupt()) return InterruptedStatus();  // interrupted after the last Record
  COUPONGEN_RETURN_IF_ERROR(Flush());
  PgResult r(PQexec(ledger_->conn(), "COMMIT"));
  // COMMIT of a transaction an error aborted answers ROLLBACK, without an error.
  if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
    Status st = ledger_->ErrorOf(r.get(), "cannot commit");
    if (PQtransactionStatus(ledger_->conn()) != PQTRANS_INTRANS) open_ = false;
    return Fail(st);
  }
  open_ = false;
  if (std::strcmp(PQcmdStatus(r.get()), "COMMIT") != 0)
    return Fail(Status::IoError(ledger_->path() + ": the transaction was rolled back"));
  committed_ = true;
  ledger_->session_ = nullptr;
  return Status::Ok();
}

Status PostgresSession::MarkDelivered() {
  if (!committed_) return Status::IoError(ledger_->path() + ": the ledger session was not committed");
  if (batch_ids_.empty() && range_ids_.empty()) return Status::Ok();
  auto list = [](const std::vector<int64_t>& ids) {
    std::string s = "{";
    for (size_t i = 0; i < ids.size(); ++i) s += (i ? "," : "") + std::to_string(ids[i]);
    return s + "}";
  };
  // One statement, so one transaction: both tables or neither.
  auto r = ledger_->Exec(
      "WITH b AS (UPDATE coupongen_batches SET delivered = true WHERE id = ANY($1::bigint[])) "
      "UPDATE coupongen_ranges SET delivered = true WHERE id = ANY($2::bigint[])",
      {list(batch_ids_), list(range_ids_)});
  if (!r.ok()) return r.status();
  committed_ = false;  // once
  return Status::Ok();
}

}  // namespace

// ---------------------------------------------------------------------------------------------

Result<std::unique_ptr<Ledger>> OpenPostgresLedger(const std::string& uri, const LedgerOptions& options) {
  const std::string display = RedactLedgerName(uri);
  std::vector<std::string> secrets = SecretsOf(uri);
  // Keywords before dbname are defaults the URI overrides; the environment's too.
  std::vector<const char*> keys, values;
  if (!getenv("PGCONNECT_TIMEOUT")) keys.push_back("connect_timeout"), values.push_back("10");
  keys.push_back("fallback_application_name"), values.push_back("coupongen");
  keys.push_back("dbname"), values.push_back(uri.c_str());
  keys.push_back(nullptr), values.push_back(nullptr);
  PgConn conn(PQconnectdbParams(keys.data(), values.data(), 1));
  auto scrub = [&secrets](std::string m) {
    for (const auto& s : secrets) ReplaceAll(&m, s, "****");
    return OneLine(std::move(m));
  };
  if (!conn) return Status::IoError(display + ": cannot connect: out of memory");
  if (PQstatus(conn.get()) != CONNECTION_OK)
    return Status::IoError(display + ": cannot connect: " + scrub(PQerrorMessage(conn.get())));
  PQsetNoticeProcessor(conn.get(), [](void*, const char*) {}, nullptr);  // "already exists, skipping"
  auto ledger = std::make_unique<PostgresLedger>(std::move(conn), display, std::move(secrets), options);

  // Durable at COMMIT, whatever the server's default.
  auto sync = ledger->Exec("SHOW synchronous_commit", {}, PGRES_TUPLES_OK);
  if (!sync.ok()) return sync.status();
  if (Text(sync->get(), 0, 0) == "off") COUPONGEN_RETURN_IF_ERROR(ledger->Run("SET synchronous_commit = on"));
  COUPONGEN_RETURN_IF_ERROR(ledger->Run("SET client_encoding = 'UTF8'"));

  auto exists = ledger->Exec(
      "SELECT to_regclass('coupongen_meta') IS NOT NULL, to_regclass('coupongen_upload_states') IS NOT NULL", {},
      PGRES_TUPLES_OK);
  if (!exists.ok()) return exists.status();
  if (!Bool(exists->get(), 0, 0) && !options.create_if_missing)
    return Status::IoError(display + ": no coupongen ledger in this database");
  // A new ledger, or one made before the upload states: the missing tables (IF NOT EXISTS).
  if (!Bool(exists->get(), 0, 0) || !Bool(exists->get(), 0, 1)) {
    // Two hosts may get here at once: the lock makes the second find the first's tables.
    Status st = ledger->Run("BEGIN");
    if (st.ok())
      st = ledger->Run("SELECT pg_advisory_xact_lock(" + std::to_string(kLockSpace) + ", " +
                       std::to_string(kSchemaLock) + ");" + kSchemaSql);
    if (st.ok()) st = ledger->Run("COMMIT");
    if (!st.ok()) {
      PgResult end(PQexec(ledger->conn(), "ROLLBACK"));
      return Status::IoError(display + ": cannot create the ledger's tables: " +
                             st.message().substr(std::min(st.message().size(), display.size() + 2)));
    }
  }
  auto version = ledger->Exec("SELECT value FROM coupongen_meta WHERE key = 'schema_version'", {}, PGRES_TUPLES_OK);
  if (!version.ok()) return version.status();
  if (PQntuples(version->get()) != 1) return Status::IoError(display + ": not a coupongen ledger (no schema version)");
  const std::string v(Text(version->get(), 0, 0));
  if (v != std::to_string(kSchemaVersion)) {
    if (std::atoi(v.c_str()) > kSchemaVersion)
      return Status::IoError(display + ": ledger schema version " + v + " is newer than this coupongen supports (" +
                             std::to_string(kSchemaVersion) + "); upgrade coupongen");
    return Status::IoError(display + ": not a coupongen ledger (schema version " + v + ")");
  }
  return std::unique_ptr<Ledger>(std::move(ledger));
}

}  // namespace coupongen

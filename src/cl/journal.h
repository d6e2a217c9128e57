// The upload journal: a small SQLite file that records every chunk's state before and after each
// request, so that a rerun after a crash, kill -9, network loss or timeout finishes the job and
// never imports a chunk twice.
//
// A chunk's states:
//   new        not sent yet
//   posting    POST /api/imports is about to go out, or went out and its outcome is unknown:
//              a rerun looks the import up by its reference (and the journal's upload id in its
//              metadata) before it sends it again
//   created    Commerce Layer created the import (import_id known): poll it
//   done       completed or interrupted: the counts and logs are recorded
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/status.h"

struct sqlite3;

namespace coupongen::cl {

/// How many inputs an import has, and how many Commerce Layer processed, refused (errors) and
/// warned of: the journal's record of a chunk and the outcome reported of it share them.
struct ImportCounts {
  int64_t inputs = 0, processed = 0, errors = 0, warnings = 0;
};

struct ChunkRecord : ImportCounts {
  int number = 0;              // 1-based, across all input files
  std::string reference;       // "<name>-NNNN"
  std::string digest;          // SHA-256 of the inputs as sent: a rerun must send the same
  std::string state = "new";   // new | posting | created | done
  std::string import_id;
  std::string status;          // Commerce Layer's: pending, in_progress, completed, interrupted
  std::string errors_log = "{}";    // JSON text as received
  std::string warnings_log = "{}";
};

class Journal {
 public:
  /// Opens (creating when missing, mode 0600) the journal at `path`.
  static Result<std::unique_ptr<Journal>> Open(const std::string& path);
  ~Journal();

  /// The random id of this upload, made when the journal is created; sent in each import's
  /// metadata (`coupongen_upload`) so a lookup by reference adopts only this upload's imports.
  const std::string& upload_id() const { return upload_id_; }

  /// Records the planned chunks. A journal that already holds chunks must hold exactly these
  /// (same references and digests): otherwise it belongs to another upload (kUsage).
  Status Plan(const std::vector<ChunkRecord>& chunks);
  /// The recorded state of every chunk, in order.
  Result<std::vector<ChunkRecord>> Chunks();
  /// Writes one chunk's record durably (thread-safe).
  Status Save(const ChunkRecord& chunk);

 private:
  Journal(std::string path, sqlite3* db) : path_(std::move(path)), db_(db) {}
  Status Exec(const std::string& sql);
  std::string path_;
  sqlite3* db_;
  std::string upload_id_;
  std::mutex mutex_;
};

}  // namespace coupongen::cl

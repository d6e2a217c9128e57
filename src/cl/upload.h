// `coupongen upload`: coupon files -> Commerce Layer imports, resumably (see journal.h).
//   PlanUpload   reads and checks the files as lint does, and cuts them into import documents
//   Uploader     sends them: bounded concurrency, polling, faults, the journal
// Library code: it never prints; per-import lines go through a callback.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/problem.h"
#include "base/status.h"
#include "base/timestamp.h"
#include "cl/client.h"
#include "cl/journal.h"

namespace coupongen::cl {

struct UploadOptions {
  std::vector<std::string> files;
  std::optional<std::string> promotion_rule;  // overrides every row's rule
  size_t chunk_size = 0;                      // 0: the Commerce Layer maximum
  TimeMs now = 0;                             // for the expiry checks
};

/// One import document to send.
struct ImportChunk {
  int number = 0;           // 1-based across the files
  std::string reference;    // "<name>-NNNN"
  std::string parent_rule;  // parent_resource_id
  std::string inputs_json;  // the `inputs` array, compact JSON text
  int64_t inputs = 0;
  std::string digest;       // SHA-256 hex of inputs_json and parent_rule
  std::string file;         // the input file it came from
};

struct UploadPlan {
  std::vector<ImportChunk> chunks;
  int64_t coupons = 0;
  Problems problems;        // every invalid row (lint's checks): nothing may be sent
};

/// Reads and checks every file. A file that cannot be read is the Status (kIoError/kInvalid);
/// rows that fail lint's checks (or lack a promotion rule) are plan.problems.
Result<UploadPlan> PlanUpload(const UploadOptions& options);

/// "<name>" of a file's import references: its name without directory and extensions.
std::string ReferenceName(const std::string& path);

/// The result of one import, as reported (stderr line, --report, --rejects).
struct ImportOutcome : ImportCounts {
  std::string reference;
  std::string id;
  std::string status;  // completed | interrupted (or the last seen when the run stopped)
  nlohmann::json errors_log = nlohmann::json::object();
  bool resumed = false;  // finished in an earlier run (from the journal)
};

struct UploadResult {
  std::vector<ImportOutcome> imports;  // in chunk order, the finished ones
  Status status;                       // Ok, or why the run stopped (network, timeout, credentials)
  bool partial() const;                // some input refused or an import interrupted
};

class Uploader {
 public:
  Uploader(Client& client, Journal& journal, int concurrency) : client_(client), journal_(journal), concurrency_(concurrency) {}
  /// Called (from worker threads, one at a time) when an import finishes.
  std::function<void(const ImportOutcome&)> on_import;
  /// Sends every chunk not done yet, follows the imports to their end, records them.
  UploadResult Run(const UploadPlan& plan);

 private:
  Status RunChunk(const ImportChunk& chunk, ChunkRecord& rec);
  Result<bool> Adopt(const ImportChunk& chunk, ChunkRecord& rec);
  Status Poll(ChunkRecord& rec);
  Client& client_;
  Journal& journal_;
  int concurrency_;
};

/// The test-only crash points (COUPONGEN_TEST_CRASH_AT=<step>): the process kills itself with
/// SIGKILL at that step of the first chunk that reaches it. Steps: before-post, after-post,
/// polling, after-complete, after-journal. Unset in real runs.
void MaybeCrash(const char* step);

}  // namespace coupongen::cl

// One generate run, both modes: check the outputs, read the codes already taken, open the ledger
// session, make the codes from a CodeSource and write them (run/write_codes.h), then commit the
// ledger and rename the outputs (run/ledger_session.h). cli/generate.cc parses the options into
// RunOptions, calls this, and prints the summary; nothing here prints or parses options.
#pragma once

#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "base/env.h"
#include "base/interrupt.h"
#include "base/status.h"
#include "codes/random_source.h"
#include "run/ledger_session.h"
#include "run/notices.h"
#include "run/output.h"
#include "run/run_options.h"
#include "run/write_codes.h"

namespace coupongen {

/// What a run reaches outside itself.
struct RunIo {
  std::ostream& out;     // stdout, for -o -
  Env* env;              // the file system (the outputs, key files)
  RandomSource& random;  // the CSPRNG (random codes unless --seed; new key files)
  RunNotices& notices;
  /// With a ledger, SIGINT and SIGTERM are deferred from the outputs' opening: the session rolls
  /// back and the temporary files go, then the process dies of the signal when the caller
  /// destroys this, after reporting the failure ("interrupted by SIGINT: nothing was committed")
  /// or the run's summary.
  std::optional<DeferInterrupts>& defer;
};

/// The facts of a keyed run, for its summary.
struct KeyedFacts {
  SequenceRange run;    // the campaign's run
  SequenceRange range;  // what this process issued: the run, or its --shard slice
  std::optional<Shard> shard;
  std::string key_id;
  bool key_created = false;
  uint64_t skipped = 0;  // sequence numbers skipped (their codes are excluded or issued)
};

/// A committed run: the outputs in place, the ledger session committed (destroy it before
/// RunIo::defer).
struct DeliveredRun {
  LedgerSession ledger;
  Output out;
  SideOutputs side;
  std::string example;          // the last code made, masked ("" for codes.fixed)
  double generate_seconds = 0;  // random mode: making and writing the codes
  std::optional<KeyedFacts> keyed;
};

/// --seed makes predictable codes: a usage error (exit 2) with a ledger (command line or the
/// spec's `ledger:`) or an upload, which would record or publish them. (An empty seed is refused
/// when the command line is read.)
Status CheckSeedOptions(const std::optional<std::string>& seed, const Plan& plan, bool upload = false);

/// The files a generate run reads, which its outputs must never replace: the spec, the
/// recipients file, exclusion files, the ledger and its SQLite companions, the key file, the
/// blocklist file.
RunFiles GenerateInputs(const std::string& spec_path, const Plan& plan);

/// Before any work: --seed's rules; no output (the codes, mailing, rejects, --report) may be one
/// of the run's inputs, even with --force (exit 2); an existing output needs --force (checked
/// again, atomically, at the rename).
Status CheckRunOutputs(const Plan& plan, const RunOptions& options);

/// Makes and delivers the plan's codes: codes.fixed's one coupon, or keyed mode's range (which
/// narrows spec->plan to this process's part), or random codes. The spec's problems found on the
/// way (keyed mode's key and ledger) go to io.notices and return a Reported status.
Result<DeliveredRun> RunCodes(LoadedSpec* spec, const RunOptions& options, RunIo& io);

}  // namespace coupongen

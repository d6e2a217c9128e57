// The write loop of both modes: codes from a CodeSource, a batch at a time, recorded in the
// ledger session, written by a second thread while the next batch is made; and the files written
// beside the output (mailing, rejects).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "base/env.h"
#include "base/status.h"
#include "io/mailing_writer.h"
#include "ledger/ledger.h"
#include "run/code_source.h"
#include "run/notices.h"
#include "run/output.h"
#include "spec/plan.h"

namespace coupongen {

/// The files written beside the output: the mailing file and the recipients' rejects file, each
/// atomic; renamed only when the output and they are all complete.
struct SideOutputs {
  std::optional<Output> mailing, rejects;
  std::unique_ptr<MailingWriter> mailing_writer;
  uint64_t spreadsheet_codes = 0;  // csv codes a spreadsheet would change (counted while writing)

  /// Opens the plan's mailing and rejects files (`out` is stdout, `env` the file system) and
  /// writes the rejects.
  Status Open(const Plan& plan, bool force, std::ostream& out, Env* env);
  /// One recipient's row of the mailing file.
  Status Mail(const Plan& plan, uint64_t i, std::string_view code);
  Status Close();
  Status Commit();
};

/// The contract's warning: csv codes that a spreadsheet would turn into numbers.
bool MayLookNumeric(const Plan& plan);

/// Makes plan.count codes and writes them; recipients get one each, in order. Each code is
/// recorded in the ledger session, when there is one, as it is made. The source works a batch
/// at a time (no allocation, no virtual call per code), and the batches are written by a second
/// thread while the next ones are made (a ring of a few batches): the codes and their order are
/// the source's alone, whatever the threads' timing. *example gets the last code, masked. With
/// `side`, mailing rows are written and codes a spreadsheet would change counted.
Status WriteCodes(const Plan& plan, CodeSource& source, OutputSink& sink, IssueSession* session, TimeMs now,
                  RunNotices& notices, std::string* example, SideOutputs* side = nullptr);

}  // namespace coupongen

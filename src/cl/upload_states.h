// What an upload did with each code, for the ledger (upload --ledger, generate --upload).
// Library code: it only computes; cl/upload_run.cc records the outcomes (Ledger::RecordUploadStates).
#pragma once

#include <vector>

#include "cl/upload.h"
#include "ledger/ledger.h"

namespace coupongen::cl {

/// The outcome of each code of `chunk` (in input order), given its import's outcome, or nullptr
/// when the import never finished (the run stopped first: every code not sent).
///   completed    a code named in errors_log is refused (message: its attributes' messages),
///                every other one uploaded;
///   interrupted  Commerce Layer works through the inputs in order and stops at the input that
///                crossed its error threshold, so processed_count + errors_count inputs were
///                handled (uploaded, or refused when in errors_log) and the rest not sent.
/// errors_log names codes as they were sent; it is matched ignoring case.
std::vector<UploadOutcome> CodeOutcomes(const ImportChunk& chunk, const ImportOutcome* import);

/// "attribute: message; ..." of one errors_log entry (e.g. "code: has already been taken").
std::string RefusalMessage(const nlohmann::json& entry);

}  // namespace coupongen::cl

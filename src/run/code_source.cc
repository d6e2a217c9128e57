#include "run/code_source.h"

namespace coupongen {

Status RandomCodeSource::NextBatch(size_t n, CodeBatch* batch) {
  COUPONGEN_RETURN_IF_ERROR(gen_.NextBatch(n, batch));
  if (!lookup_) return Status::Ok();
  // A ledger too large to read (run/taken_codes.h): replace each code of *batch the ledger holds
  // by a new one that it does not (codes of one run all have the same length).
  CodeBatch one;
  for (size_t i = 0; i < batch->size(); ++i) {
    while (true) {
      auto found = lookup_->Find((*batch)[i]);
      if (!found.ok()) return Status::IoError("ledger " + found.status().message());
      if (!*found) break;
      COUPONGEN_RETURN_IF_ERROR(gen_.NextBatch(1, &one));
      batch->Replace(i, one[0]);
    }
  }
  return Status::Ok();
}

}  // namespace coupongen

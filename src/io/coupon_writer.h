// Coupon writers: csv, json, jsonapi and imports, exactly as the contract specifies. Each
// serialises into one reusable buffer and hands it to the sink in large pieces: no allocation per
// coupon, no flush per line.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "base/status.h"
#include "coupon/coupon.h"
#include "coupon/format.h"
#include "io/sink.h"

namespace coupongen {

struct WriterOptions {
  OutputFormat format = OutputFormat::kCsv;
  /// The attributes written: CSV columns (code first, contract order); JSON keys when set.
  FieldSet fields;
  /// imports: each document's reference is "<campaign>-0001", "<campaign>-0002", ...
  std::string campaign;
  /// imports: parent_resource_id of every document (the coupon codes promotion rule).
  std::optional<std::string> parent_rule_id;
  /// imports: inputs per document, 1..10000.
  size_t chunk_size = 10000;
};

class CouponWriter {
 public:
  virtual ~CouponWriter() = default;
  /// Writes one coupon. Attributes the coupon does not set are left out (JSON) or empty (CSV).
  virtual Status Write(const Coupon& coupon) = 0;
  /// Completes the document (closing brackets, last chunk) and flushes to the sink. The sink is
  /// not closed: its owner decides (an atomic file still has to be committed).
  virtual Status Finish() = 0;
};

/// REQUIRES: `sink` outlives the writer.
std::unique_ptr<CouponWriter> MakeCouponWriter(const WriterOptions& options, OutputSink& sink);

/// Serialises a coupon as one flat JSON object (the `json` and `imports` input form) into `out`.
void AppendFlatCouponJson(std::string& out, const Coupon& c);

}  // namespace coupongen

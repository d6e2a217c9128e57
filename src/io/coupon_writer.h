// Coupon writers: csv, json, jsonapi and imports, exactly as the contract specifies. Each
// serialises into one reusable buffer and hands it to the sink in large pieces: no allocation per
// coupon, no flush per line. A batch of coupons that differ only in their codes (and recipient
// emails) is written from a template of the text they share, serialised once per batch.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "base/status.h"
#include "coupon/coupon.h"
#include "coupon/commerce_layer_limits.h"
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
  size_t chunk_size = kCommerceLayerMaxImportInputs;
  /// The codes given to WriteBatch never need CSV quotes or JSON escapes
  /// (CodeGenerator::plain_codes()): they are copied as they are.
  bool plain_codes = false;
};

class CouponWriter {
 public:
  virtual ~CouponWriter() = default;
  /// Writes one coupon. Attributes the coupon does not set are left out (JSON) or empty (CSV).
  virtual Status Write(const Coupon& coupon) = 0;
  /// Writes one coupon per code: `base` with that code and, when `emails` is not empty, with
  /// emails[i] as its recipient_email. The same bytes as Write() of each of those coupons.
  /// REQUIRES: emails is empty or emails.size() == codes.size().
  virtual Status WriteBatch(const Coupon& base, std::span<const std::string_view> codes,
                            std::span<const std::string> emails) = 0;
  /// Completes the document (closing brackets, last chunk) and flushes to the sink. The sink is
  /// not closed: its owner decides (an atomic file still has to be committed).
  virtual Status Finish() = 0;
};

/// REQUIRES: `sink` outlives the writer.
std::unique_ptr<CouponWriter> MakeCouponWriter(const WriterOptions& options, OutputSink& sink);

/// Serialises a coupon as one flat JSON object (the `json` and `imports` input form) into `out`.
void AppendFlatCouponJson(std::string& out, const Coupon& c);

}  // namespace coupongen

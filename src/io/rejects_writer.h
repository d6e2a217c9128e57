// RejectsWriter: the rows `convert --rejects` could not convert, unchanged and in their own
// format, so the file can be fixed and converted again.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "io/coupon_reader.h"
#include "io/sink.h"

namespace coupongen {

class RejectsWriter {
 public:
  /// `format` is the input format of every rejected row; `csv_header` the CSV header line.
  /// REQUIRES: `sink` outlives the writer.
  RejectsWriter(InputFormat format, std::string csv_header, OutputSink& sink);
  /// Writes a row's raw text. `imports_parent`: the parent_resource_id of its imports document.
  Status Add(std::string_view raw, const std::optional<std::string>& imports_parent);
  /// Closes open documents and flushes. Writes a valid empty document when there were no rows.
  Status Finish();
  uint64_t count() const { return count_; }

 private:
  void CloseImports();

  InputFormat format_;
  std::string csv_header_;
  OutputSink& sink_;
  std::string buf_;
  uint64_t count_ = 0;
  size_t in_document_ = 0;
  std::optional<std::string> parent_;
};

}  // namespace coupongen

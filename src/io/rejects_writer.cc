#include "io/rejects_writer.h"

#include "io/escape.h"

namespace coupongen {

RejectsWriter::RejectsWriter(InputFormat format, std::string csv_header, OutputSink& sink)
    : format_(format), csv_header_(std::move(csv_header)), sink_(sink) {
  // (append, not assignment: GCC 12 warns a false -Wrestrict on `buf_ = "["` once inlined)
  if (format_ == InputFormat::kCsv) buf_.append(csv_header_).push_back('\n');
  if (format_ == InputFormat::kJson) buf_.append("[");
  if (format_ == InputFormat::kJsonApiList) buf_.append("{\"data\":[");
}

void RejectsWriter::CloseImports() {
  if (in_document_) buf_ += "]}}}\n";
  in_document_ = 0;
}

Status RejectsWriter::Add(std::string_view raw, const std::optional<std::string>& imports_parent) {
  switch (format_) {
    case InputFormat::kCsv:
    case InputFormat::kText:
    case InputFormat::kJsonApi:
      buf_.append(raw).push_back('\n');
      break;
    case InputFormat::kJson:
    case InputFormat::kJsonApiList:
      buf_ += count_ ? ",\n" : "\n";
      buf_.append(raw);
      break;
    case InputFormat::kImports:
      // Rejected inputs are regrouped into imports documents of their parent, at most 10,000 each.
      if (in_document_ && (imports_parent != parent_ || in_document_ == 10000)) CloseImports();
      if (!in_document_) {
        parent_ = imports_parent;
        buf_ += "{\"data\":{\"type\":\"imports\",\"attributes\":{\"resource_type\":\"coupons\",\"format\":\"json\",";
        if (parent_) {
          buf_ += "\"parent_resource_id\":";
          AppendJsonString(buf_, *parent_);
          buf_ += ",";
        }
        buf_ += "\"reference_origin\":\"coupongen-rejects\",\"inputs\":[";
      } else {
        buf_ += ",";
      }
      buf_.append(raw);
      ++in_document_;
      break;
  }
  ++count_;
  if (buf_.size() < (1 << 20)) return Status::Ok();
  Status s = sink_.Append(buf_);
  buf_.clear();
  return s;
}

Status RejectsWriter::Finish() {
  if (format_ == InputFormat::kJson) buf_ += count_ ? "\n]\n" : "]\n";
  if (format_ == InputFormat::kJsonApiList) buf_ += count_ ? "\n]}\n" : "]}\n";
  if (format_ == InputFormat::kImports) CloseImports();
  Status s = sink_.Append(buf_);
  buf_.clear();
  return s;
}

}  // namespace coupongen

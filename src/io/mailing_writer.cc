#include "io/mailing_writer.h"

#include "io/escape.h"
#include "io/xlsx_table.h"

namespace coupongen {
namespace {

std::vector<std::string> Header(const std::vector<std::string>& keep_names, bool with_expiry) {
  std::vector<std::string> h = {"email", "code"};
  if (with_expiry) h.push_back("expires_at");
  h.insert(h.end(), keep_names.begin(), keep_names.end());
  return h;
}

class CsvMailing : public MailingWriter {
 public:
  CsvMailing(OutputSink& sink, const std::vector<std::string>& header, bool with_expiry)
      : sink_(sink), with_expiry_(with_expiry) {
    for (size_t i = 0; i < header.size(); ++i) {
      if (i) buf_.push_back(',');
      AppendCsvField(buf_, header[i]);
    }
    buf_.push_back('\n');
  }
  Status Add(std::string_view email, std::string_view code, std::string_view expires_at,
             const std::vector<std::string>& kept) override {
    AppendCsvField(buf_, email);
    buf_.push_back(',');
    AppendCsvField(buf_, code);
    if (with_expiry_) {
      buf_.push_back(',');
      AppendCsvField(buf_, expires_at);
    }
    for (const auto& v : kept) {
      buf_.push_back(',');
      AppendCsvField(buf_, v);
    }
    buf_.push_back('\n');
    ++rows_;
    if (buf_.size() < (1 << 20)) return Status::Ok();
    Status s = sink_.Append(buf_);
    buf_.clear();
    return s;
  }
  Status Finish() override {
    Status s = sink_.Append(buf_);
    buf_.clear();
    return s;
  }

 private:
  OutputSink& sink_;
  bool with_expiry_;
  std::string buf_;
};

class XlsxMailing : public MailingWriter {
 public:
  XlsxMailing(std::unique_ptr<XlsxTable> table, bool with_expiry) : table_(std::move(table)), with_expiry_(with_expiry) {}
  Status Add(std::string_view email, std::string_view code, std::string_view expires_at,
             const std::vector<std::string>& kept) override {
    std::vector<std::string_view> cells = {email, code};
    if (with_expiry_) cells.push_back(expires_at);
    for (const auto& v : kept) cells.push_back(v);
    ++rows_;
    return table_->AddRow(cells);
  }
  Status Finish() override { return table_->Finish(); }

 private:
  std::unique_ptr<XlsxTable> table_;
  bool with_expiry_;
};

}  // namespace

Result<std::unique_ptr<MailingWriter>> MailingWriter::Open(OutputSink& sink, bool xlsx,
                                                           const std::vector<std::string>& keep_names, bool with_expiry) {
  auto header = Header(keep_names, with_expiry);
  if (!xlsx) return std::unique_ptr<MailingWriter>(new CsvMailing(sink, header, with_expiry));
  auto table = XlsxTable::Open(sink, header, "mailing");
  if (!table.ok()) return table.status();
  return std::unique_ptr<MailingWriter>(new XlsxMailing(std::move(table).value(), with_expiry));
}

Status WriteRecipientRejects(OutputSink& sink, const std::string& header, char separator,
                             const std::vector<std::pair<std::string, std::string>>& rows) {
  auto quoted = [](std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
      if (c == '"') out.push_back('"');
      out.push_back(c);
    }
    return out + "\"";
  };
  std::string buf = header;
  buf.push_back(separator);
  buf += "reason\n";
  for (const auto& [raw, reason] : rows) {
    buf += raw;
    buf.push_back(separator);
    buf += quoted(reason);
    buf.push_back('\n');
    if (buf.size() >= (1 << 20)) {
      COUPONGEN_RETURN_IF_ERROR(sink.Append(buf));
      buf.clear();
    }
  }
  return sink.Append(buf);
}

}  // namespace coupongen

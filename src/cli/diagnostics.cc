#include "cli/diagnostics.h"

namespace coupongen {

std::string LineOf(const std::string& text, int line) {
  size_t pos = 0;
  for (int i = 1; i < line; ++i) {
    pos = text.find('\n', pos);
    if (pos == std::string::npos) return "";
    ++pos;
  }
  size_t end = text.find('\n', pos);
  std::string l = text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
  if (!l.empty() && l.back() == '\r') l.pop_back();
  return l;
}

void Diagnostics::Error(const std::string& message) { err_ << "coupongen: error: " << message << '\n'; }

void Diagnostics::Warn(const std::string& message) {
  if (!quiet_) err_ << "coupongen: warning: " << message << '\n';
}

void Diagnostics::Info(const std::string& message) {
  if (!quiet_) err_ << message << '\n';
}

void Diagnostics::Report(const Problem& p, const std::string& source) {
  if (!p.is_error() && quiet_) return;
  err_ << (p.is_error() ? "coupongen: error: " : "coupongen: warning: ") << p.ToString() << '\n';
  if (source.empty() || p.line <= 0) return;
  std::string line = LineOf(source, p.line);
  if (line.empty() || line.size() > 300) return;
  std::string num = std::to_string(p.line);
  err_ << "  " << num << " | " << line << '\n';
  err_ << "  " << std::string(num.size(), ' ') << " | ";
  // Keep tabs so the caret lines up under tab-indented text.
  for (int i = 1; i < p.column && i <= static_cast<int>(line.size()); ++i) err_ << (line[i - 1] == '\t' ? '\t' : ' ');
  err_ << "^\n";
}

int Diagnostics::ReportAll(const Problems& problems, const std::string& source) {
  int errors = 0;
  for (const auto& p : problems) {
    Report(p, source);
    if (p.is_error()) ++errors;
  }
  return errors;
}

int Diagnostics::Fail(const Status& s) {
  if (!s.reported()) Error(s.message());
  return s.exit_code();
}

}  // namespace coupongen

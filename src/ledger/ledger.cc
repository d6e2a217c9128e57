#include "ledger/ledger.h"

#include "ledger/postgres_ledger.h"
#include "ledger/sqlite_ledger.h"

namespace coupongen {

const char* UploadStateName(UploadState state) {
  switch (state) {
    case UploadState::kUploaded: return "uploaded";
    case UploadState::kRefused: return "refused";
    case UploadState::kNotSent: break;
  }
  return "not_sent";
}

bool IsPostgresLedgerName(std::string_view name) {
  return name.starts_with("postgresql://") || name.starts_with("postgres://");
}

std::string RedactLedgerName(std::string_view name) {
  if (!IsPostgresLedgerName(name)) return std::string(name);
  const size_t scheme = name.find("://") + 3;
  std::string out(name.substr(0, scheme));
  std::string_view rest = name.substr(scheme);
  // user:password@ — libpq ends the user information at the first '@' before any '/'; the last
  // one is taken here, so a password holding a raw '@' is hidden whole.
  const size_t slash = rest.find_first_of("/?");
  const size_t at = rest.substr(0, slash).rfind('@');
  if (at != std::string_view::npos) {
    std::string_view user_info = rest.substr(0, at);
    const size_t colon = user_info.find(':');
    out += colon == std::string_view::npos ? user_info : user_info.substr(0, colon + 1);
    if (colon != std::string_view::npos) out += "****";
    out += '@';
    rest = rest.substr(at + 1);
  }
  // ...?password=...&...
  const size_t query = rest.find('?');
  out += rest.substr(0, query);
  if (query == std::string_view::npos) return out;
  std::string_view params = rest.substr(query + 1);
  out += '?';
  bool first = true;
  while (true) {
    const size_t amp = params.find('&');
    std::string_view param = params.substr(0, amp);
    if (!first) out += '&';
    first = false;
    if (param.starts_with("password=")) out += "password=****";
    else out += param;
    if (amp == std::string_view::npos) break;
    params = params.substr(amp + 1);
  }
  return out;
}

Result<std::unique_ptr<Ledger>> Ledger::Open(const std::string& name, const LedgerOptions& options) {
  if (IsPostgresLedgerName(name)) return OpenPostgresLedger(name, options);
  return SqliteLedger::Open(name, options);
}

}  // namespace coupongen

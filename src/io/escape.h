// Pure escaping helpers for the writers (ninja's EncodeJSONString). Each appends to `out` so a
// writer can serialise a whole batch into one reusable buffer without allocating per field.
#pragma once

#include <string>
#include <string_view>

namespace coupongen {

/// Appends `s` as a JSON string literal, quotes included (RFC 8259): '"', '\\' and control
/// characters escaped, "\u2028"/"\u2029" escaped for JavaScript consumers, other UTF-8 as is.
/// REQUIRES: s is valid UTF-8 (the spec parser and readers check it).
void AppendJsonString(std::string& out, std::string_view s);

/// Appends `s` as one RFC 4180 CSV field: quoted (with '"' doubled) when it holds ',', '"', CR or LF,
/// as is otherwise.
void AppendCsvField(std::string& out, std::string_view s);

/// True when a CSV field would need quotes.
bool CsvNeedsQuotes(std::string_view s);

}  // namespace coupongen

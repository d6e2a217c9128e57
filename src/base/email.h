// Email address validation: pragmatic RFC 5321/5322 "addr-spec" without quoted local parts,
// comments or IP literals, which no marketing list should hold.
#pragma once

#include <string>
#include <string_view>

namespace coupongen {

/// True when `email` is a deliverable-looking address: local@domain, a dot-atom local part of at
/// most 64 characters, a domain of DNS labels with a top-level label of letters, 254 in all.
/// On false, *why says what is wrong.
bool IsValidEmail(std::string_view email, std::string* why = nullptr);

}  // namespace coupongen

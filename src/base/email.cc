#include "base/email.h"

#include <cctype>
#include <cstring>

namespace coupongen {
namespace {

bool Fail(std::string* why, const char* msg) {
  if (why) *why = msg;
  return false;
}

bool IsAtext(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("!#$%&'*+-/=?^_`{|}~", c) != nullptr;
}

}  // namespace

bool IsValidEmail(std::string_view e, std::string* why) {
  if (e.empty()) return Fail(why, "empty email address");
  if (e.size() > 254) return Fail(why, "email address longer than 254 characters");
  size_t at = e.rfind('@');
  if (at == std::string_view::npos) return Fail(why, "not an email address (no '@')");
  std::string_view local = e.substr(0, at), domain = e.substr(at + 1);
  if (local.empty()) return Fail(why, "not an email address (nothing before '@')");
  if (local.size() > 64) return Fail(why, "local part longer than 64 characters");
  if (domain.empty()) return Fail(why, "not an email address (no domain after '@')");
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos)
    return Fail(why, "misplaced '.' in the local part");
  for (char c : local)
    if (c != '.' && !IsAtext(c)) return Fail(why, "invalid character in the local part");
  // Domain: labels of letters, digits and inner hyphens, at least two labels.
  size_t start = 0, labels = 0;
  std::string_view last;
  while (true) {
    size_t dot = domain.find('.', start);
    std::string_view label = domain.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || label.size() > 63) return Fail(why, "invalid domain");
    if (label.front() == '-' || label.back() == '-') return Fail(why, "invalid domain");
    for (char c : label)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return Fail(why, "invalid character in the domain");
    ++labels;
    last = label;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (labels < 2) return Fail(why, "domain has no top-level part (e.g. example.com)");
  if (last.size() < 2) return Fail(why, "invalid top-level domain");
  for (char c : last)
    if (!std::isalpha(static_cast<unsigned char>(c)) && c != '-') {
      // Allow IDN top-level labels in their xn-- form.
      if (last.substr(0, 4) != "xn--") return Fail(why, "invalid top-level domain");
    }
  return true;
}

}  // namespace coupongen

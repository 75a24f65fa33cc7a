// Small text helpers shared by the protocol layers (HTTP headers, the credentials file).
#pragma once
#include <string_view>

namespace ddb {

// `s` without the leading and trailing characters of `blanks` (by default HTTP's optional whitespace).
inline std::string_view trim(std::string_view s, std::string_view blanks = " \t") {
  while (!s.empty() && blanks.find(s.front()) != std::string_view::npos) s.remove_prefix(1);
  while (!s.empty() && blanks.find(s.back()) != std::string_view::npos) s.remove_suffix(1);
  return s;
}

// Whether `s` equals `lower` (written in lower case) ignoring ASCII case, as header names compare.
inline bool equals_lower(std::string_view s, std::string_view lower) {
  if (s.size() != lower.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

}  // namespace ddb

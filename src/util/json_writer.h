// RapidJSON's compact writer with a faster string path. RapidJSON escapes a string one byte at a time;
// this one finds the bytes that need escaping eight at a time and copies the runs between them whole.
// The output is byte for byte RapidJSON's (the same escapes: \" \\ \b \f \n \r \t, other control bytes
// as \u00XX with upper-case hex, every other byte as is), so callers may use either.
#pragma once
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace ddb {

namespace json_detail {
// Does any of the 8 bytes of x need escaping (< 0x20, '"' or '\\')? Exact as a yes/no answer.
inline bool needs_escape8(uint64_t x) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHighs = 0x8080808080808080ULL;
  uint64_t below_space = (x - kOnes * 0x20) & ~x & kHighs;
  uint64_t q = x ^ (kOnes * '"');
  uint64_t b = x ^ (kOnes * '\\');
  uint64_t quote = (q - kOnes) & ~q & kHighs;
  uint64_t backslash = (b - kOnes) & ~b & kHighs;
  return (below_space | quote | backslash) != 0;
}
// The escape of byte c ('u' for \u00XX), or 0 when it is written as is.
inline char escape_of(unsigned char c) {
  if (c >= 0x20) return c == '"' ? '"' : c == '\\' ? '\\' : 0;
  switch (c) {
    case '\b':
      return 'b';
    case '\t':
      return 't';
    case '\n':
      return 'n';
    case '\f':
      return 'f';
    case '\r':
      return 'r';
    default:
      return 'u';
  }
}
// Appends s as a JSON string, quotes included, to a buffer with room for 2 + 6 * s.size() bytes.
inline void put_escaped(rapidjson::StringBuffer& os, const char* s, size_t n) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  os.PutUnsafe('"');
  size_t run = 0;  // start of the bytes not yet copied
  size_t i = 0;
  auto flush = [&] {
    if (i > run) std::memcpy(os.PushUnsafe(i - run), s + run, i - run);
  };
  while (i < n) {
    if (i + 8 <= n) {
      uint64_t x;
      std::memcpy(&x, s + i, 8);
      if (!needs_escape8(x)) {
        i += 8;
        continue;
      }
    }
    size_t end = i + 8 < n ? i + 8 : n;
    for (; i < end; ++i) {
      char e = escape_of(static_cast<unsigned char>(s[i]));
      if (e == 0) continue;
      flush();
      char* out = os.PushUnsafe(e == 'u' ? 6 : 2);
      out[0] = '\\';
      out[1] = e;
      if (e == 'u') {
        auto c = static_cast<unsigned char>(s[i]);
        out[2] = '0';
        out[3] = '0';
        out[4] = kHex[c >> 4];
        out[5] = kHex[c & 15];
      }
      run = i + 1;
    }
  }
  flush();
  os.PutUnsafe('"');
}
}  // namespace json_detail

class JsonWriter : public rapidjson::Writer<rapidjson::StringBuffer> {
 public:
  using Base = rapidjson::Writer<rapidjson::StringBuffer>;
  using Base::Base;
  bool String(const char* s, rapidjson::SizeType n, bool /*copy*/ = false) {
    Prefix(rapidjson::kStringType);
    os_->Reserve(2 + static_cast<size_t>(n) * 6);
    json_detail::put_escaped(*os_, s, n);
    return EndValue(true);
  }
  bool String(const char* s) { return String(s, static_cast<rapidjson::SizeType>(std::strlen(s))); }
  bool String(const std::string& s) { return String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }
  // A value whose JSON text the caller appends to the buffer itself, between these two calls.
  rapidjson::StringBuffer& BeginRaw() {
    Prefix(rapidjson::kObjectType);
    return *os_;
  }
  void EndRaw() { EndValue(true); }
  bool Key(const char* s, rapidjson::SizeType n, bool /*copy*/ = false) { return String(s, n); }
  bool Key(const char* s) { return String(s); }
  bool Key(const std::string& s) { return String(s); }
};

}  // namespace ddb

// Small byte codecs: base64, hex, varints, CRC32 (zlib polynomial, as in x-amz-crc32).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ddb {

std::string base64_encode(std::string_view in);
// Strict RFC 4648 decoding (padding required when length is not a multiple of 4).
std::optional<std::string> base64_decode(std::string_view in);
std::string hex_encode(std::string_view in);
// Lower- or upper-case hex digits, two per byte; nothing else.
std::optional<std::string> hex_decode(std::string_view in);
uint32_t crc32(std::string_view data);
// A gzip stream's content, at most max_out bytes. kCorrupt: not a whole, valid gzip stream.
enum class Gunzip { kOk, kCorrupt, kTooLarge };
Gunzip gunzip(std::string_view in, size_t max_out, std::string& out);
// `in` as one gzip stream (RFC 1952), at libdeflate's fastest level.
std::string gzip(std::string_view in);
// Well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
bool valid_utf8(std::string_view s);

inline void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}
inline bool get_varint(std::string_view& in, uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64 && !in.empty(); shift += 7) {
    auto b = static_cast<uint8_t>(in.front());
    in.remove_prefix(1);
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) return true;
  }
  return false;
}
inline void put_u32be(std::string& out, uint32_t v) {
  for (int i = 3; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
inline void put_u64be(std::string& out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
inline uint64_t get_u64be(std::string_view in) {
  uint64_t v = 0;
  for (int i = 0; i < 8 && i < static_cast<int>(in.size()); ++i) v = (v << 8) | static_cast<uint8_t>(in[i]);
  return v;
}

}  // namespace ddb

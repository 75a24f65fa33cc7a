#include "types/keycodec.h"

#include "types/decimal.h"

namespace ddb {

namespace {
// Bytes: 0x00 escaped as 0x00 0xFF, terminated by 0x00 0x01.
void encode_bytes(std::string& out, std::string_view s) {
  for (char c : s) {
    out.push_back(c);
    if (c == '\0') out.push_back('\xff');
  }
  out.push_back('\0');
  out.push_back('\x01');
}
bool decode_bytes(std::string_view& in, std::string& s) {
  s.clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '\0') {
      s.push_back(in[i]);
      continue;
    }
    if (i + 1 >= in.size()) return false;
    if (in[i + 1] == '\xff') {
      s.push_back('\0');
      ++i;
      continue;
    }
    if (in[i + 1] == '\x01') {
      in.remove_prefix(i + 2);
      return true;
    }
    return false;
  }
  return false;
}
}  // namespace

// Numbers: 0x01 negative | 0x02 zero | 0x03 positive; then for non-zero the magnitude as
// big-endian uint16 (magnitude + 1000, inverted for negatives), then the digits ('0'..'9',
// inverted as '9'-d+'0' for negatives), terminated by 0x00 (positive) or 0xFF (negative).
void encode_key_part(std::string& out, const Value& v) {
  if (v.type != VType::N) {
    encode_bytes(out, v.s);
    return;
  }
  auto d = Decimal::parse(v.s);
  if (!d.ok() || d->is_zero()) {
    out.push_back('\x02');
    return;
  }
  bool neg = d->negative();
  uint16_t m = static_cast<uint16_t>(d->magnitude() + 1000);
  if (neg) m = static_cast<uint16_t>(~m);
  out.push_back(neg ? '\x01' : '\x03');
  out.push_back(static_cast<char>(m >> 8));
  out.push_back(static_cast<char>(m & 0xff));
  const std::string& digits = d->digits();
  for (char c : digits) out.push_back(neg ? static_cast<char>('9' - c + '0') : c);
  out.push_back(neg ? '\xff' : '\0');
}

bool decode_key_part(std::string_view& in, VType type, Value& v) {
  v.type = type;
  if (type != VType::N) return decode_bytes(in, v.s);
  if (in.empty()) return false;
  char tag = in.front();
  in.remove_prefix(1);
  if (tag == '\x02') {
    v.s = "0";
    return true;
  }
  if (tag != '\x01' && tag != '\x03') return false;
  bool neg = tag == '\x01';
  if (in.size() < 2) return false;
  uint16_t m = static_cast<uint16_t>((static_cast<uint8_t>(in[0]) << 8) | static_cast<uint8_t>(in[1]));
  in.remove_prefix(2);
  if (neg) m = static_cast<uint16_t>(~m);
  int mag = static_cast<int>(m) - 1000;
  std::string digits;
  char term = neg ? '\xff' : '\0';
  while (!in.empty() && in.front() != term) {
    char c = in.front();
    digits.push_back(neg ? static_cast<char>('9' - c + '0') : c);
    in.remove_prefix(1);
  }
  if (in.empty() || digits.empty()) return false;
  in.remove_prefix(1);
  int exp = mag - static_cast<int>(digits.size()) + 1;
  auto d = Decimal::parse((neg ? "-" : "") + digits + "E" + std::to_string(exp));
  if (!d.ok()) return false;
  v.s = d->to_string();
  return true;
}

}  // namespace ddb

namespace ddb {
void encode_key_prefix(std::string& out, const Value& v) {
  for (char c : v.s) {
    out.push_back(c);
    if (c == '\0') out.push_back('\xff');
  }
}
}  // namespace ddb

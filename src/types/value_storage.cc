// The storage form of values and items (value.h): a compact binary encoding, decoded back to typed
// values, written straight to JSON, and sized as DynamoDB counts item size, without decoding.
#include <algorithm>
#include <array>
#include <cstring>

#include "types/decimal.h"
#include "types/value.h"
#include "util/codec.h"
#include "util/errors.h"

namespace ddb {

// ---- storage form ----
namespace {
void put_str(std::string& out, std::string_view s) {
  put_varint(out, s.size());
  out.append(s);
}
bool get_str(std::string_view& in, std::string& s) {
  uint64_t n;
  if (!get_varint(in, n) || n > in.size()) return false;
  s.assign(in.substr(0, n));
  in.remove_prefix(n);
  return true;
}
void encode_map_body(std::string& out, const ValueMap& m) {
  put_varint(out, m.size());
  for (auto& [k, v] : m) {
    put_str(out, k);
    encode_value(out, v);
  }
}
bool decode_map_body(std::string_view& in, ValueMap& m, int depth) {
  uint64_t n;
  if (!get_varint(in, n)) return false;
  for (uint64_t i = 0; i < n; ++i) {
    std::string k;
    Value v;
    if (!get_str(in, k) || !decode_value(in, v, depth + 1)) return false;
    m.emplace_hint(m.end(), std::move(k), std::move(v));
  }
  return true;
}
}  // namespace

void encode_value(std::string& out, const Value& v) {
  out.push_back(static_cast<char>(v.type));
  switch (v.type) {
    case VType::S:
    case VType::N:
    case VType::B:
      put_str(out, v.s);
      break;
    case VType::SS:
    case VType::NS:
    case VType::BS:
      put_varint(out, v.set.size());
      for (auto& e : v.set) put_str(out, e);
      break;
    case VType::M:
      encode_map_body(out, v.map);
      break;
    case VType::L:
      put_varint(out, v.list.size());
      for (auto& e : v.list) encode_value(out, e);
      break;
    case VType::BOOL:
      out.push_back(v.boolean ? 1 : 0);
      break;
    case VType::NUL:
      break;
  }
}

void encode_item(std::string& out, const Item& item) {
  encode_map_body(out, item);
}

bool decode_value(std::string_view& in, Value& v, int depth) {
  if (in.empty() || depth > 64) return false;
  auto t = static_cast<uint8_t>(in.front());
  in.remove_prefix(1);
  if (t > static_cast<uint8_t>(VType::NUL)) return false;
  v.type = static_cast<VType>(t);
  switch (v.type) {
    case VType::S:
    case VType::N:
    case VType::B:
      return get_str(in, v.s);
    case VType::SS:
    case VType::NS:
    case VType::BS: {
      uint64_t n;
      if (!get_varint(in, n) || n > in.size()) return false;
      v.set.resize(n);
      for (auto& e : v.set)
        if (!get_str(in, e)) return false;
      return true;
    }
    case VType::M:
      return decode_map_body(in, v.map, depth);
    case VType::L: {
      uint64_t n;
      if (!get_varint(in, n) || n > in.size()) return false;
      v.list.resize(n);
      for (auto& e : v.list)
        if (!decode_value(in, e, depth + 1)) return false;
      return true;
    }
    case VType::BOOL:
      if (in.empty()) return false;
      v.boolean = in.front() != 0;
      in.remove_prefix(1);
      return true;
    case VType::NUL:
      return true;
  }
  return false;
}

bool decode_item(std::string_view in, Item& item) {
  return decode_map_body(in, item, 0) && in.empty();
}

namespace {
bool get_view(std::string_view& in, std::string_view& s) {
  uint64_t n;
  if (!get_varint(in, n) || n > in.size()) return false;
  s = in.substr(0, n);
  in.remove_prefix(n);
  return true;
}
// The wire JSON of stored values, appended to the buffer as text (no writer state per token), with
// DynamoDB's size of each value added to `size` (the rules of encoded_value_size below).
void put_text(rapidjson::StringBuffer& os, std::string_view text) {
  std::memcpy(os.Push(text.size()), text.data(), text.size());
}
void put_string(rapidjson::StringBuffer& os, std::string_view s) {
  os.Reserve(2 + s.size() * 6);
  json_detail::put_escaped(os, s.data(), s.size());
}
// `{"S":`, `{"NS":` ...: the opening of a value of each type.
std::string_view opening(VType t) {
  static const auto kOpenings = [] {
    std::array<std::string, static_cast<size_t>(VType::NUL) + 1> a;
    for (size_t i = 0; i < a.size(); ++i)
      a[i] = std::string("{\"") + vtype_name(static_cast<VType>(i)) + "\":";
    return a;
  }();
  return kOpenings[static_cast<size_t>(t)];
}
bool write_encoded_map(rapidjson::StringBuffer& os, std::string_view& in, int depth, size_t& size, bool top);
bool write_encoded_value(rapidjson::StringBuffer& os, std::string_view& in, int depth, size_t& size) {
  if (in.empty() || depth > 64) return false;
  auto t = static_cast<uint8_t>(in.front());
  in.remove_prefix(1);
  if (t > static_cast<uint8_t>(VType::NUL)) return false;
  VType type = static_cast<VType>(t);
  put_text(os, opening(type));
  std::string_view s;
  switch (type) {
    case VType::S:
    case VType::N:
      if (!get_view(in, s)) return false;
      put_string(os, s);
      size += type == VType::N ? number_size(s) : s.size();
      break;
    case VType::B:
      if (!get_view(in, s)) return false;
      put_string(os, base64_encode(s));
      size += s.size();
      break;
    case VType::SS:
    case VType::NS:
    case VType::BS: {
      uint64_t n;
      if (!get_varint(in, n) || n > in.size()) return false;
      os.Put('[');
      for (uint64_t i = 0; i < n; ++i) {
        if (!get_view(in, s)) return false;
        if (i > 0) os.Put(',');
        put_string(os, type == VType::BS ? std::string_view(base64_encode(s)) : s);
        size += type == VType::NS ? number_size(s) : s.size();
      }
      os.Put(']');
      break;
    }
    case VType::M:
      if (!write_encoded_map(os, in, depth + 1, size, false)) return false;
      break;
    case VType::L: {
      uint64_t n;
      if (!get_varint(in, n) || n > in.size()) return false;
      os.Put('[');
      size += 3;
      for (uint64_t i = 0; i < n; ++i) {
        if (i > 0) os.Put(',');
        if (!write_encoded_value(os, in, depth + 1, size)) return false;
        size += 1;
      }
      os.Put(']');
      break;
    }
    case VType::BOOL:
      if (in.empty()) return false;
      put_text(os, in.front() != 0 ? "true" : "false");
      in.remove_prefix(1);
      size += 1;
      break;
    case VType::NUL:
      put_text(os, "true");
      size += 1;
      break;
  }
  os.Put('}');
  return true;
}
bool write_encoded_map(rapidjson::StringBuffer& os, std::string_view& in, int depth, size_t& size, bool top) {
  uint64_t n;
  if (!get_varint(in, n) || n > in.size()) return false;
  os.Put('{');
  if (!top) size += 3;
  for (uint64_t i = 0; i < n; ++i) {
    std::string_view k;
    if (!get_view(in, k)) return false;
    if (i > 0) os.Put(',');
    put_string(os, k);
    os.Put(':');
    size += k.size();
    if (!write_encoded_value(os, in, depth, size)) return false;
    if (!top) size += 1;
  }
  os.Put('}');
  return true;
}
}  // namespace

bool write_encoded_item(JsonWriter& w, std::string_view encoded, size_t* size) {
  size_t n = 0;
  bool ok = write_encoded_map(w.BeginRaw(), encoded, 0, n, true);
  w.EndRaw();
  if (size) *size = n;
  return ok;
}

namespace {
bool encoded_map_size(std::string_view& in, size_t& out, bool top, int depth);
bool encoded_value_size(std::string_view& in, size_t& out, int depth) {
  if (in.empty() || depth > 64) return false;
  auto t = static_cast<uint8_t>(in.front());
  in.remove_prefix(1);
  std::string_view s;
  uint64_t n;
  switch (static_cast<VType>(t)) {
    case VType::S:
    case VType::B:
      if (!get_view(in, s)) return false;
      out += s.size();
      return true;
    case VType::N:
      if (!get_view(in, s)) return false;
      out += number_size(s);
      return true;
    case VType::SS:
    case VType::NS:
    case VType::BS:
      if (!get_varint(in, n) || n > in.size()) return false;
      for (uint64_t i = 0; i < n; ++i) {
        if (!get_view(in, s)) return false;
        out += static_cast<VType>(t) == VType::NS ? number_size(s) : s.size();
      }
      return true;
    case VType::M:
      return encoded_map_size(in, out, false, depth + 1);
    case VType::L:
      if (!get_varint(in, n) || n > in.size()) return false;
      out += 3;
      for (uint64_t i = 0; i < n; ++i) {
        if (!encoded_value_size(in, out, depth + 1)) return false;
        out += 1;
      }
      return true;
    case VType::BOOL:
      if (in.empty()) return false;
      in.remove_prefix(1);
      out += 1;
      return true;
    case VType::NUL:
      out += 1;
      return true;
  }
  return false;
}
// An item counts names + values; a nested map also 3 bytes plus 1 per element.
bool encoded_map_size(std::string_view& in, size_t& out, bool top, int depth) {
  uint64_t n;
  if (!get_varint(in, n) || n > in.size()) return false;
  if (!top) out += 3;
  for (uint64_t i = 0; i < n; ++i) {
    std::string_view k;
    if (!get_view(in, k)) return false;
    out += k.size();
    if (!encoded_value_size(in, out, depth)) return false;
    if (!top) out += 1;
  }
  return true;
}
}  // namespace

size_t encoded_item_size(std::string_view encoded) {
  size_t n = 0;
  encoded_map_size(encoded, n, true, 0);
  return n;
}

}  // namespace ddb

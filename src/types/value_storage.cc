// The storage form of values and items (value.h): a compact binary encoding, decoded back to typed
// values, written straight to JSON, and sized as DynamoDB counts item size, without decoding.
#include <algorithm>

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
void write_str(JsonWriter& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}
bool write_encoded_map(JsonWriter& w, std::string_view& in, int depth);
bool write_encoded_value(JsonWriter& w, std::string_view& in, int depth) {
  if (in.empty() || depth > 64) return false;
  auto t = static_cast<uint8_t>(in.front());
  in.remove_prefix(1);
  if (t > static_cast<uint8_t>(VType::NUL)) return false;
  VType type = static_cast<VType>(t);
  w.StartObject();
  w.Key(vtype_name(type));
  std::string_view s;
  switch (type) {
    case VType::S:
    case VType::N:
      if (!get_view(in, s)) return false;
      write_str(w, s);
      break;
    case VType::B:
      if (!get_view(in, s)) return false;
      write_str(w, base64_encode(s));
      break;
    case VType::SS:
    case VType::NS:
    case VType::BS: {
      uint64_t n;
      if (!get_varint(in, n) || n > in.size()) return false;
      w.StartArray();
      for (uint64_t i = 0; i < n; ++i) {
        if (!get_view(in, s)) return false;
        if (type == VType::BS)
          write_str(w, base64_encode(s));
        else
          write_str(w, s);
      }
      w.EndArray();
      break;
    }
    case VType::M:
      if (!write_encoded_map(w, in, depth + 1)) return false;
      break;
    case VType::L: {
      uint64_t n;
      if (!get_varint(in, n) || n > in.size()) return false;
      w.StartArray();
      for (uint64_t i = 0; i < n; ++i)
        if (!write_encoded_value(w, in, depth + 1)) return false;
      w.EndArray();
      break;
    }
    case VType::BOOL:
      if (in.empty()) return false;
      w.Bool(in.front() != 0);
      in.remove_prefix(1);
      break;
    case VType::NUL:
      w.Bool(true);
      break;
  }
  w.EndObject();
  return true;
}
bool write_encoded_map(JsonWriter& w, std::string_view& in, int depth) {
  uint64_t n;
  if (!get_varint(in, n) || n > in.size()) return false;
  w.StartObject();
  for (uint64_t i = 0; i < n; ++i) {
    std::string_view k;
    if (!get_view(in, k)) return false;
    w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
    if (!write_encoded_value(w, in, depth)) return false;
  }
  w.EndObject();
  return true;
}
}  // namespace

bool write_encoded_item(JsonWriter& w, std::string_view encoded) {
  return write_encoded_map(w, encoded, 0);
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

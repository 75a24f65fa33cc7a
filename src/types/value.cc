#include "types/value.h"

#include <algorithm>
#include <unordered_set>

#include "types/decimal.h"
#include "util/codec.h"
#include "util/errors.h"
#include "util/messages.h"

namespace ddb {

namespace {

const char* json_kind(const rapidjson::Value& j) {
  if (j.IsString()) return "STRING_VALUE";
  if (j.IsNumber()) return "NUMBER_VALUE";
  if (j.IsBool()) return j.GetBool() ? "TRUE_VALUE" : "FALSE_VALUE";
  if (j.IsNull()) return "NULL_VALUE";
  if (j.IsArray()) return "START_ARRAY";
  return "START_OBJECT";
}
Error ser_error(const rapidjson::Value& j, const char* target) {
  return err::serialization(msg::text(msg::kCannotBeConverted, std::string(json_kind(j)), target));
}

std::string set_for_message(const std::vector<std::string>& items) {
  std::string s = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) s += ", ";
    s += items[i];
  }
  return s + "]";
}

Result<std::string> number_from_json(const rapidjson::Value& j) {
  if (!j.IsString()) return ser_error(j, "String");
  auto d = Decimal::parse(std::string_view(j.GetString(), j.GetStringLength()));
  if (!d.ok()) return d.take_error();
  return d->to_string();
}
Result<std::string> binary_from_json(const rapidjson::Value& j) {
  if (!j.IsString()) return ser_error(j, "Blob");
  auto b = base64_decode(std::string_view(j.GetString(), j.GetStringLength()));
  if (!b)
    return err::serialization(
        msg::text(msg::kBase64EncodedLengthExpectedMultiple4Bytes, std::to_string(j.GetStringLength())));
  return std::move(*b);
}
}  // namespace

void sort_set(Value& v) {
  if (v.type == VType::NS) {
    std::sort(v.set.begin(), v.set.end(), [](const std::string& a, const std::string& b) {
      return Decimal::compare(*Decimal::parse(a), *Decimal::parse(b)) < 0;
    });
  } else {
    std::sort(v.set.begin(), v.set.end());
  }
}

const char* vtype_name(VType t) {
  switch (t) {
    case VType::S:
      return "S";
    case VType::N:
      return "N";
    case VType::B:
      return "B";
    case VType::SS:
      return "SS";
    case VType::NS:
      return "NS";
    case VType::BS:
      return "BS";
    case VType::M:
      return "M";
    case VType::L:
      return "L";
    case VType::BOOL:
      return "BOOL";
    case VType::NUL:
      return "NULL";
  }
  return "?";
}

namespace {
// The members of a set (v.type already SS, NS or BS) from its JSON array: typed, non-empty, distinct.
Status set_from_json(const rapidjson::Value& m, Value& v) {
  std::vector<std::string> shown;
  for (auto& e : m.GetArray()) {
    if (v.type == VType::SS) {
      if (!e.IsString()) return ser_error(e, "String");
      v.set.emplace_back(e.GetString(), e.GetStringLength());
      shown.push_back(v.set.back());
    } else if (v.type == VType::NS) {
      std::string n;
      DDB_ASSIGN(n, number_from_json(e));
      v.set.push_back(std::move(n));
      shown.emplace_back(e.GetString(), e.GetStringLength());
    } else {
      std::string b;
      DDB_ASSIGN(b, binary_from_json(e));
      v.set.push_back(std::move(b));
      shown.emplace_back(e.GetString(), e.GetStringLength());
    }
  }
  if (v.set.empty()) {
    if (v.type == VType::SS) return err::validation(msg::kInvalidStringSetMayNotEmpty);
    if (v.type == VType::NS) return err::validation(msg::kInvalidNumberSetMayNotEmpty);
    return err::validation(msg::kInvalidBinarySetsShouldNotEmpty);
  }
  std::unordered_set<std::string_view> seen, written;
  for (size_t i = 0; i < v.set.size(); ++i) {
    if (seen.insert(v.set[i]).second) continue;
    // Equal as written, or (numbers) only once canonical: the service words the two differently.
    for (const auto& w : shown)
      if (!written.insert(w).second)
        return err::validation(
            msg::text(msg::kInvalidInputCollectionContainsDuplicates, set_for_message(shown)));
    return err::validation(msg::kInputCollectionContainsEqualNumbers);
  }
  sort_set(v);
  return Status::OK();
}
}  // namespace

Result<Value> value_from_json(const rapidjson::Value& j, int depth) {
  if (!j.IsObject()) return err::serialization(msg::kUnexpectedValueTypeInPayload);
  if (depth >= kMaxNestingLevels) return err::validation(msg::kNesting);
  int count = 0;
  const rapidjson::Value* mem = nullptr;
  std::string_view name;
  for (auto it = j.MemberBegin(); it != j.MemberEnd(); ++it) {
    std::string_view n(it->name.GetString(), it->name.GetStringLength());
    if (n == "S" || n == "N" || n == "B" || n == "SS" || n == "NS" || n == "BS" || n == "M" || n == "L" ||
        n == "BOOL" || n == "NULL") {
      if (it->value.IsNull()) continue;  // explicit null members are absent, as in the AWS SDKs' wire form
      ++count;
      mem = &it->value;
      name = n;
    }
  }
  if (count == 0) return err::validation(msg::kSuppliedAttributevalueEmptyMustContainExactlyOne);
  if (count > 1) return err::validation(msg::kSuppliedAttributevalueHasMoreThanOneDatatypes);
  const rapidjson::Value& m = *mem;
  Value v;
  if (name == "S") {
    if (!m.IsString()) return ser_error(m, "String");
    v.type = VType::S;
    v.s.assign(m.GetString(), m.GetStringLength());
  } else if (name == "N") {
    v.type = VType::N;
    DDB_ASSIGN(v.s, number_from_json(m));
  } else if (name == "B") {
    v.type = VType::B;
    DDB_ASSIGN(v.s, binary_from_json(m));
  } else if (name == "SS" || name == "NS" || name == "BS") {
    if (!m.IsArray()) return ser_error(m, "List");
    v.type = name == "SS" ? VType::SS : name == "NS" ? VType::NS : VType::BS;
    DDB_TRY(set_from_json(m, v));
  } else if (name == "M") {
    if (!m.IsObject()) return ser_error(m, "Map");
    v.type = VType::M;
    for (auto it = m.MemberBegin(); it != m.MemberEnd(); ++it) {
      if (it->name.GetStringLength() == 0) return err::validation(msg::kEmptyAttributeName);
      Value e;
      DDB_ASSIGN(e, value_from_json(it->value, depth + 1));
      v.map.insert_or_assign(std::string(it->name.GetString(), it->name.GetStringLength()), std::move(e));
    }
  } else if (name == "L") {
    if (!m.IsArray()) return ser_error(m, "List");
    v.type = VType::L;
    v.list.reserve(m.Size());
    for (auto& e : m.GetArray()) {
      Value x;
      DDB_ASSIGN(x, value_from_json(e, depth + 1));
      v.list.push_back(std::move(x));
    }
  } else if (name == "BOOL") {
    if (!m.IsBool()) return ser_error(m, "Boolean");
    v.type = VType::BOOL;
    v.boolean = m.GetBool();
  } else {  // NULL
    if (!m.IsBool()) return ser_error(m, "Boolean");
    if (!m.GetBool()) return err::validation(msg::kInvalidNullAttributeValueTypesMustHaveValue);
    v.type = VType::NUL;
  }
  return v;
}

Result<Item> item_from_json(const rapidjson::Value& j) {
  if (!j.IsObject()) return err::serialization(msg::kUnexpectedValueTypeInPayload);
  Item item;
  for (auto it = j.MemberBegin(); it != j.MemberEnd(); ++it) {
    if (it->name.GetStringLength() == 0) return err::validation(msg::kEmptyAttributeName);
    Value v;
    DDB_ASSIGN(v, value_from_json(it->value, 0));
    item.insert_or_assign(std::string(it->name.GetString(), it->name.GetStringLength()), std::move(v));
  }
  return item;
}

void write_value(JsonWriter& w, const Value& v) {
  w.StartObject();
  w.Key(vtype_name(v.type));
  switch (v.type) {
    case VType::S:
    case VType::N:
      w.String(v.s.data(), static_cast<rapidjson::SizeType>(v.s.size()));
      break;
    case VType::B: {
      auto b = base64_encode(v.s);
      w.String(b.data(), static_cast<rapidjson::SizeType>(b.size()));
      break;
    }
    case VType::SS:
    case VType::NS:
    case VType::BS:
      w.StartArray();
      for (auto& e : v.set) {
        if (v.type == VType::BS) {
          auto b = base64_encode(e);
          w.String(b.data(), static_cast<rapidjson::SizeType>(b.size()));
        } else {
          w.String(e.data(), static_cast<rapidjson::SizeType>(e.size()));
        }
      }
      w.EndArray();
      break;
    case VType::M:
      write_item(w, v.map);
      break;
    case VType::L:
      w.StartArray();
      for (auto& e : v.list) write_value(w, e);
      w.EndArray();
      break;
    case VType::BOOL:
      w.Bool(v.boolean);
      break;
    case VType::NUL:
      w.Bool(true);
      break;
  }
  w.EndObject();
}

void write_item(JsonWriter& w, const Item& item) {
  w.StartObject();
  for (auto& [k, v] : item) {
    w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
    write_value(w, v);
  }
  w.EndObject();
}

std::string item_to_json(const Item& item) {
  rapidjson::StringBuffer sb;
  JsonWriter w(sb);
  write_item(w, item);
  return sb.GetString();
}
std::string value_to_json(const Value& v) {
  rapidjson::StringBuffer sb;
  JsonWriter w(sb);
  write_value(w, v);
  return sb.GetString();
}

// ---- semantics ----
int compare_scalars(const Value& a, const Value& b) {
  if (a.type == VType::N) {
    auto x = Decimal::parse(a.s), y = Decimal::parse(b.s);
    return Decimal::compare(*x, *y);
  }
  // S by UTF-8 bytes and B by bytes, both unsigned.
  int c = std::string_view(a.s).compare(b.s);
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

bool values_equal(const Value& a, const Value& b) {
  if (a.type != b.type) return false;
  switch (a.type) {
    case VType::S:
    case VType::B:
    case VType::N:  // a number's canonical text is unique per value
      return a.s == b.s;
    case VType::SS:
    case VType::NS:
    case VType::BS: {
      if (a.set.size() != b.set.size()) return false;
      std::unordered_set<std::string_view> x(a.set.begin(), a.set.end());
      for (auto& e : b.set)
        if (!x.count(e)) return false;
      return true;
    }
    case VType::M:
      return items_equal(a.map, b.map);
    case VType::L: {
      if (a.list.size() != b.list.size()) return false;
      for (size_t i = 0; i < a.list.size(); ++i)
        if (!values_equal(a.list[i], b.list[i])) return false;
      return true;
    }
    case VType::BOOL:
      return a.boolean == b.boolean;
    case VType::NUL:
      return true;
  }
  return false;
}

bool items_equal(const Item& a, const Item& b) {
  if (a.size() != b.size()) return false;
  for (auto ia = a.begin(), ib = b.begin(); ia != a.end(); ++ia, ++ib)
    if (ia->first != ib->first || !values_equal(ia->second, ib->second)) return false;
  return true;
}

size_t number_size(std::string_view canonical) {
  // DynamoDB stores a number as base-100 digits aligned on the decimal point, plus one byte (and one more
  // for a negative number of fewer than 20 pairs): 1.5 is the pairs "01" "50" (3 bytes), 123456 is "12" "34"
  // "56" (4), 0 is 1 byte. Checked digit by digit against DynamoDB Local 3.3.1, which matches the service
  // here.
  bool negative = !canonical.empty() && canonical[0] == '-';
  std::string_view t = canonical;
  if (negative) t.remove_prefix(1);
  size_t dot = t.find('.');
  std::string_view int_part = t.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view() : t.substr(dot + 1);
  // Positions of the most and least significant non-zero digits (10^pos).
  long msd = 0, lsd = 0;
  bool any = false;
  auto see = [&](char c, long pos) {
    if (c == '0') return;
    if (!any) msd = pos;
    lsd = pos;
    any = true;
  };
  for (size_t j = 0; j < int_part.size(); ++j) see(int_part[j], static_cast<long>(int_part.size() - 1 - j));
  for (size_t k = 0; k < frac.size(); ++k) see(frac[k], -static_cast<long>(k) - 1);
  if (!any) return 1;
  auto pair_of = [](long pos) { return pos >= 0 ? pos / 2 : -((-pos + 1) / 2); };  // floor(pos / 2)
  size_t pairs = static_cast<size_t>(pair_of(msd) - pair_of(lsd) + 1);
  // A negative number ends with a terminator byte, unless its 20 pairs already fill the 21 bytes.
  return 1 + pairs + (negative && pairs < 20 ? 1 : 0);
}

size_t value_size(const Value& v) {
  switch (v.type) {
    case VType::S:
    case VType::B:
      return v.s.size();
    case VType::N:
      return number_size(v.s);
    case VType::SS:
    case VType::BS: {
      size_t n = 0;
      for (auto& e : v.set) n += e.size();
      return n;
    }
    case VType::NS: {
      size_t n = 0;
      for (auto& e : v.set) n += number_size(e);
      return n;
    }
    case VType::M: {
      size_t n = 3;
      for (auto& [k, e] : v.map) n += k.size() + value_size(e) + 1;
      return n;
    }
    case VType::L: {
      size_t n = 3;
      for (auto& e : v.list) n += value_size(e) + 1;
      return n;
    }
    case VType::BOOL:
    case VType::NUL:
      return 1;
  }
  return 0;
}

size_t item_size(const Item& item) {
  size_t n = 0;
  for (auto& [k, v] : item) n += k.size() + value_size(v);
  return n;
}

namespace {
// Levels of `v` (1 for a scalar), counting no deeper than `budget`.
int levels(const Value& v, int budget) {
  if (budget <= 0) return 1;
  int deepest = 0;
  if (v.type == VType::M)
    for (auto& [k, e] : v.map) deepest = std::max(deepest, levels(e, budget - 1));
  else if (v.type == VType::L)
    for (auto& e : v.list) deepest = std::max(deepest, levels(e, budget - 1));
  return 1 + deepest;
}
}  // namespace

bool nesting_within_limit(const Item& item) {
  for (auto& [k, v] : item)
    if (levels(v, kMaxNestingLevels) > kMaxNestingLevels) return false;
  return true;
}

}  // namespace ddb

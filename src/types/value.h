// Typed DynamoDB attribute values and DynamoDB's value semantics, in one module:
//  - JSON <-> Value (the wire form, with DynamoDB's validation messages),
//  - a compact binary form for storage (tags below are persisted: never renumber),
//  - equality (sets ignore order), ordering of S/N/B, and DynamoDB's item-size rule.
// Numbers are kept as canonical decimal text (validated by Decimal), never as doubles.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "util/json_writer.h"
#include "util/status.h"

namespace ddb {

// Persisted tags: never renumber.
enum class VType : uint8_t { S = 0, N = 1, B = 2, SS = 3, NS = 4, BS = 5, M = 6, L = 7, BOOL = 8, NUL = 9 };

const char* vtype_name(VType t);  // "S", "N", ..., "NULL"

struct Value;
// Puts a set's elements in canonical order (bytes for SS/BS, numeric for NS), as DynamoDB Local
// returns them. Sets have no order in DynamoDB; a canonical one keeps answers deterministic.
void sort_set(Value& v);

struct Value;
using ValueMap = std::map<std::string, Value, std::less<>>;
using Item = ValueMap;

struct Value {
  VType type = VType::NUL;
  bool boolean = false;
  std::string s;                 // S, N (canonical text), B (raw bytes)
  std::vector<std::string> set;  // SS, NS (canonical text), BS (raw bytes); wire order kept
  std::vector<Value> list;       // L
  ValueMap map;                  // M

  static Value S(std::string v) {
    Value x;
    x.type = VType::S;
    x.s = std::move(v);
    return x;
  }
  static Value N(std::string canonical) {
    Value x;
    x.type = VType::N;
    x.s = std::move(canonical);
    return x;
  }
  static Value B(std::string v) {
    Value x;
    x.type = VType::B;
    x.s = std::move(v);
    return x;
  }
  static Value Bool(bool b) {
    Value x;
    x.type = VType::BOOL;
    x.boolean = b;
    return x;
  }
  static Value Null() {
    Value x;
    x.type = VType::NUL;
    return x;
  }
  bool is_scalar_key_type() const { return type == VType::S || type == VType::N || type == VType::B; }
  bool is_set() const { return type == VType::SS || type == VType::NS || type == VType::BS; }
};

// JsonWriter: util/json_writer.h (RapidJSON's writer with a faster string path).

// Wire JSON -> Value. Validates exactly one type member, sets non-empty and duplicate-free,
// numbers, base64, NULL=true, and nesting depth.
Result<Value> value_from_json(const rapidjson::Value& j, int depth = 0);
// A map of name -> AttributeValue (an Item, Key, ExpressionAttributeValues ...).
Result<Item> item_from_json(const rapidjson::Value& j);

void write_value(JsonWriter& w, const Value& v);
void write_item(JsonWriter& w, const Item& item);
std::string item_to_json(const Item& item);
std::string value_to_json(const Value& v);

// Storage form.
void encode_value(std::string& out, const Value& v);
void encode_item(std::string& out, const Item& item);
bool decode_value(std::string_view& in, Value& v, int depth = 0);
bool decode_item(std::string_view in, Item& item);
// Writes the wire JSON of an item straight from its storage form (no typed values built); with `size`,
// also sets DynamoDB's size of the item (encoded_item_size), counted in the same walk.
bool write_encoded_item(JsonWriter& w, std::string_view encoded, size_t* size = nullptr);
// DynamoDB's size of an item, computed from its storage form (same as item_size of the decoded item).
size_t encoded_item_size(std::string_view encoded);

// DynamoDB semantics.
bool values_equal(const Value& a, const Value& b);  // same type and value; sets ignore order
bool items_equal(const Item& a, const Item& b);
// Orders two values of the same scalar type (S, N, B). REQUIRES: a.type == b.type, scalar.
int compare_scalars(const Value& a, const Value& b);
// The bytes DynamoDB counts for a number in its canonical form.
size_t number_size(std::string_view canonical);
size_t value_size(const Value& v);
size_t item_size(const Item& item);
// DynamoDB allows 32 levels of attribute values: a top-level scalar is one level, each M or L adds one.
inline constexpr int kMaxNestingLevels = 32;
// True when no attribute of the item is nested deeper than kMaxNestingLevels.
bool nesting_within_limit(const Item& item);

}  // namespace ddb

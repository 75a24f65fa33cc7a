// Small JSON helpers for building DynamoDB requests and API answers (RapidJSON underneath).
#pragma once
#include <string>
#include <string_view>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "util/json_writer.h"

namespace cruddur {

class Json {
 public:
  Json() : w_(sb_) {}
  Json& obj() {
    w_.StartObject();
    return *this;
  }
  Json& end_obj() {
    w_.EndObject();
    return *this;
  }
  Json& arr() {
    w_.StartArray();
    return *this;
  }
  Json& end_arr() {
    w_.EndArray();
    return *this;
  }
  Json& key(std::string_view k) {
    w_.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
    return *this;
  }
  Json& str(std::string_view s) {
    w_.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
    return *this;
  }
  Json& num(long long n) {
    w_.Int64(n);
    return *this;
  }
  Json& boolean(bool b) {
    w_.Bool(b);
    return *this;
  }
  Json& kv(std::string_view k, std::string_view v) { return key(k).str(v); }
  // {"S": s}
  Json& s(std::string_view k, std::string_view v) { return key(k).obj().kv("S", v).end_obj(); }
  Json& raw(std::string_view json) {
    w_.RawValue(json.data(), json.size(), rapidjson::kObjectType);
    return *this;
  }
  std::string take() { return std::string(sb_.GetString(), sb_.GetSize()); }

 private:
  rapidjson::StringBuffer sb_;
  ddb::JsonWriter w_;
};

// Serializes any RapidJSON value.
inline std::string to_json(const rapidjson::Value& v) {
  rapidjson::StringBuffer sb;
  ddb::JsonWriter w(sb);
  v.Accept(w);
  return std::string(sb.GetString(), sb.GetSize());
}
// Checked reads of what a remote server answered: a missing member or a wrong JSON type reads as
// null, "", 0 or an empty array, never as undefined behaviour. Callers that need a member check it.
inline const rapidjson::Value& member_of(const rapidjson::Value& v, const char* name) {
  static const rapidjson::Value null_value;
  if (!v.IsObject()) return null_value;
  auto it = v.FindMember(name);
  return it == v.MemberEnd() ? null_value : it->value;
}
inline std::string str_of(const rapidjson::Value& v, const char* name) {
  const auto& m = member_of(v, name);
  return m.IsString() ? std::string(m.GetString(), m.GetStringLength()) : std::string();
}
inline long long int_of(const rapidjson::Value& v, const char* name) {
  const auto& m = member_of(v, name);
  return m.IsInt64() ? m.GetInt64() : 0;
}
inline rapidjson::Value::ConstArray array_of(const rapidjson::Value& v, const char* name) {
  static const rapidjson::Value empty(rapidjson::kArrayType);
  const auto& m = member_of(v, name);
  return m.IsArray() ? m.GetArray() : empty.GetArray();
}

// The S value of attribute `name` of a DynamoDB item, or "".
inline std::string attr_s(const rapidjson::Value& item, const char* name) {
  if (!item.IsObject() || !item.HasMember(name)) return "";
  const auto& v = item[name];
  if (!v.IsObject() || !v.HasMember("S") || !v["S"].IsString()) return "";
  return v["S"].GetString();
}

}  // namespace cruddur

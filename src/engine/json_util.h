// Helpers for reading DynamoDB request JSON and writing responses (RapidJSON).
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "util/errors.h"
#include "util/json_writer.h"
#include "util/messages.h"
#include "util/status.h"

namespace ddb {

using Json = rapidjson::Value;

// Member lookup; a JSON null member counts as absent (as in the AWS wire protocol).
inline const Json* member(const Json& obj, std::string_view name) {
  if (!obj.IsObject()) return nullptr;
  // A name with its length: a StringRef alone would convert to a C string and be read up to a NUL.
  auto it = obj.FindMember(Json(rapidjson::StringRef(name.data(), name.size())));
  if (it == obj.MemberEnd() || it->value.IsNull()) return nullptr;
  return &it->value;
}
inline std::string_view sv(const Json& j) {
  return {j.GetString(), j.GetStringLength()};
}

// JSON nested deeper than this is refused before any operation looks at it, so nothing that
// walks a request recursively can run out of stack. Attribute values have their own limit of 32
// levels (about 70 JSON levels), checked with DynamoDB's message.
inline constexpr int kMaxJsonDepth = 256;
// Parse flags for request bodies: iterative (no recursion however deep the input), stop after the
// one top-level value.
inline constexpr unsigned kRequestParseFlags =
    rapidjson::kParseIterativeFlag | rapidjson::kParseStopWhenDoneFlag;
// Checks a parsed request: depth within kMaxJsonDepth and every name and string well-formed UTF-8.
// Either failure is DynamoDB's SerializationException.
Status check_request_json(const Json& doc);

// Typed optional accessors: absent -> nullopt; wrong JSON type -> SerializationException.
Result<std::optional<std::string>> get_string(const Json& obj, std::string_view name);
Result<std::optional<long long>> get_int(const Json& obj, std::string_view name);
Result<std::optional<bool>> get_bool(const Json& obj, std::string_view name);
// An array or object member: absent -> nullptr; any other JSON type -> SerializationException.
Result<const Json*> get_array(const Json& obj, std::string_view name);
Result<const Json*> get_object(const Json& obj, std::string_view name);

// Collects "Value ... at '...' failed to satisfy constraint: ..." violations the way DynamoDB
// reports them: "N validation error(s) detected: a; b".
class Violations {
 public:
  void add(std::string v) { list_.push_back(std::move(v)); }
  void null_member(std::string_view path) { constraint("null", path, msg::kMustNotBeNull); }
  // An empty `shown` is the form of the service's newer validation, which does not echo the value
  // ("Value at 'RequestItems' failed to satisfy constraint: ...").
  void constraint(std::string_view shown, std::string_view path, std::string_view what) {
    std::string m = "Value ";
    if (!shown.empty()) m.append(shown).append(" ");
    m.append("at '").append(path).append("' failed to satisfy constraint: ").append(what);
    add(std::move(m));
  }
  // A check the real service makes before the constraint list; it wins over the list.
  void custom(std::string message) {
    if (custom_.empty()) custom_ = std::move(message);
  }
  bool empty() const { return list_.empty() && custom_.empty(); }
  Status status() const;
  // The error of a request with exactly one violation (checked before any other member).
  static Error only(std::string_view shown, std::string_view path, std::string_view what);
  static Error only_null(std::string_view path);

 private:
  std::vector<std::string> list_;
  std::string custom_;
};

// The TableName member's constraints, as the service's API reference gives them: a new table's name
// (CreateTable; ListTables' start) is 3..255 characters of [a-zA-Z0-9_.-]; every other operation
// takes a name or the table's ARN, 1..1024 characters.
enum class TableNameForm { kName, kNameOrArn };
void check_table_name(Violations& v, const std::optional<std::string>& name,
                      std::string_view path = "tableName", TableNameForm form = TableNameForm::kNameOrArn);
void check_enum(Violations& v, const std::optional<std::string>& value, std::string_view path,
                std::initializer_list<const char*> allowed);

class JsonOut {
 public:
  JsonOut() : w(sb) {}
  rapidjson::StringBuffer sb;
  ddb::JsonWriter w;
  void key(std::string_view k) { w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size())); }
  void str(std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }
  void kv(std::string_view k, std::string_view s) {
    key(k);
    str(s);
  }
  std::string take() { return std::string(sb.GetString(), sb.GetSize()); }
};

}  // namespace ddb

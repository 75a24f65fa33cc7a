#include "engine/json_util.h"

#include <vector>

#include "util/codec.h"
#include "util/messages.h"

namespace ddb {

Result<std::optional<std::string>> get_string(const Json& obj, std::string_view name) {
  auto* m = member(obj, name);
  if (!m) return std::optional<std::string>();
  if (!m->IsString()) {
    if (m->IsNumber()) return err::serialization(msg::kNumberValueCannotConvertedString);
    if (m->IsBool())
      return err::serialization(
          msg::text(msg::kTypeValueCannotConvertedString, std::string(m->GetBool() ? "TRUE" : "FALSE")));
    return err::serialization(msg::kUnexpectedFieldType);
  }
  return std::optional<std::string>(std::string(sv(*m)));
}

Result<std::optional<long long>> get_int(const Json& obj, std::string_view name) {
  auto* m = member(obj, name);
  if (!m) return std::optional<long long>();
  if (m->IsInt64()) return std::optional<long long>(m->GetInt64());
  if (m->IsString()) return err::serialization(msg::kStringValueCanNotConvertedLong);
  if (m->IsNumber()) return err::serialization(msg::kNumberValueCanNotConvertedLong);
  return err::serialization(msg::kUnexpectedFieldType);
}

Result<std::optional<bool>> get_bool(const Json& obj, std::string_view name) {
  auto* m = member(obj, name);
  if (!m) return std::optional<bool>();
  if (m->IsBool()) return std::optional<bool>(m->GetBool());
  if (m->IsString()) return err::serialization(msg::kStringValueCanNotConvertedBoolean);
  return err::serialization(msg::kUnexpectedFieldType);
}

Result<const Json*> get_array(const Json& obj, std::string_view name) {
  auto* m = member(obj, name);
  if (m && !m->IsArray()) return err::serialization(msg::kUnexpectedValueTypeInPayload);
  return m;
}

Result<const Json*> get_object(const Json& obj, std::string_view name) {
  auto* m = member(obj, name);
  if (m && !m->IsObject()) return err::serialization(msg::kUnexpectedValueTypeInPayload);
  return m;
}

Status check_request_json(const Json& doc) {
  std::vector<std::pair<const Json*, int>> todo;
  todo.reserve(64);
  todo.emplace_back(&doc, 1);
  auto utf8 = [](const Json& s) { return valid_utf8(std::string_view(s.GetString(), s.GetStringLength())); };
  while (!todo.empty()) {
    auto [v, depth] = todo.back();
    todo.pop_back();
    if (v->IsString()) {
      if (!utf8(*v)) return err::serialization("");
    } else if (v->IsObject() || v->IsArray()) {
      if (depth > kMaxJsonDepth) return err::serialization("");
      if (v->IsObject()) {
        for (auto it = v->MemberBegin(); it != v->MemberEnd(); ++it) {
          if (!utf8(it->name)) return err::serialization("");
          todo.emplace_back(&it->value, depth + 1);
        }
      } else {
        for (auto& e : v->GetArray()) todo.emplace_back(&e, depth + 1);
      }
    }
  }
  return Status::OK();
}

Status Violations::status() const {
  if (!custom_.empty()) return err::validation(custom_);
  if (list_.empty()) return Status::OK();
  std::string m = std::to_string(list_.size()) +
                  (list_.size() == 1 ? " validation error detected: " : " validation errors detected: ");
  for (size_t i = 0; i < list_.size(); ++i) {
    if (i) m += "; ";
    m += list_[i];
  }
  return err::validation(m);
}

Error Violations::only(std::string_view shown, std::string_view path, std::string_view what) {
  Violations v;
  v.constraint(shown, path, what);
  return v.status().take_error();
}

Error Violations::only_null(std::string_view path) {
  Violations v;
  v.null_member(path);
  return v.status().take_error();
}

void check_table_name(Violations& v, const std::optional<std::string>& name, std::string_view path,
                      TableNameForm form) {
  if (!name) {
    v.null_member(path);
    return;
  }
  const std::string& n = *name;
  if (form == TableNameForm::kNameOrArn) {
    if (n.empty()) v.constraint("''", path, msg::min_length(1));
    if (n.size() > 1024) v.constraint("'" + n + "'", path, msg::max_length(1024));
    return;
  }
  bool pattern_ok = !n.empty();
  for (char c : n)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'))
      pattern_ok = false;
  std::string shown = "'" + n + "'";
  if (!pattern_ok) v.constraint(shown, path, msg::kTableNamePattern);
  if (n.size() < 3) v.constraint(shown, path, msg::min_length(3));
  if (n.size() > 255) v.constraint(shown, path, msg::max_length(255));
}

void check_enum(Violations& v, const std::optional<std::string>& value, std::string_view path,
                std::initializer_list<const char*> allowed) {
  if (!value) return;
  for (auto* a : allowed)
    if (*value == a) return;
  std::string set = "[";
  bool first = true;
  for (auto* a : allowed) {
    if (!first) set += ", ";
    set += a;
    first = false;
  }
  set += "]";
  v.constraint("'" + *value + "'", path, msg::enum_set(set));
}

}  // namespace ddb

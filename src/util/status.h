// Errors as values. An Error carries the exact DynamoDB exception name, message and HTTP status;
// Result<T> is a value or an Error. Nothing on the request path throws for a failed condition or a
// validation error.
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace ddb {

struct Error {
  std::string type;     // full __type, e.g. "com.amazonaws.dynamodb.v20120810#ValidationException"
  std::string message;  // may be empty (some coral errors have no message)
  int http_status = 400;
  std::string
      extra_json;  // extra members to append to the error body, already JSON-encoded, e.g. ,"Item":{...}

  // The short name after '#'.
  std::string name() const {
    auto p = type.rfind('#');
    return p == std::string::npos ? type : type.substr(p + 1);
  }
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T v) : v_(std::move(v)) {}      // NOLINT: implicit by design
  Result(Error e) : v_(std::move(e)) {}  // NOLINT
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const T& value() const& { return std::get<0>(v_); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }
  Error take_error() { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

// Status: success or an Error.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error e) : e_(std::move(e)) {}  // NOLINT
  static Status OK() { return Status(); }
  bool ok() const { return !e_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return *e_; }
  Error take_error() { return std::move(*e_); }

 private:
  std::optional<Error> e_;
};

#define DDB_TRY(expr)                       \
  do {                                      \
    auto _st = (expr);                      \
    if (!_st.ok()) return _st.take_error(); \
  } while (0)

#define DDB_CONCAT_(a, b) a##b
#define DDB_CONCAT(a, b) DDB_CONCAT_(a, b)
// `lhs` may be a declaration, so it cannot be parenthesized; `tmp` is a generated name.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define DDB_ASSIGN_OR_RETURN_(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) return tmp.take_error();     \
  lhs = std::move(tmp).value()
// NOLINTEND(bugprone-macro-parentheses)
#define DDB_ASSIGN(lhs, expr) DDB_ASSIGN_OR_RETURN_(DDB_CONCAT(_res_, __LINE__), lhs, expr)

}  // namespace ddb

// DynamoDB expressions: ConditionExpression, FilterExpression, KeyConditionExpression,
// UpdateExpression and ProjectionExpression, in three stages:
//   1. parse text into a typed tree (placeholders kept as written),
//   2. resolve #names and :values against the request, recording which were used,
//   3. evaluate against items (conditions) or apply to an item (updates, projections).
// Each expression is parsed once per request, never per item.
// Thread-safety: trees are immutable after resolve(); evaluation is const and re-entrant.
#pragma once
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "types/value.h"
#include "util/status.h"

namespace ddb::expr {

struct PathElem {
  std::string name;  // map key (after #name substitution)
  long index = -1;   // list index when is_index
  bool is_index = false;
};
struct Path {
  std::vector<PathElem> elems;
  std::string to_string() const;  // "a.b[1]" for messages
};

struct Operand {
  enum Kind { kPath, kValue, kSize, kIfNotExists, kListAppend, kPlus, kMinus } kind = kPath;
  Path path;                  // kPath, kSize of a path
  std::string placeholder;    // kValue: ":v" as written
  Value value;                // kValue after resolve
  std::vector<Operand> args;  // functions, + and -; kSize of a value: the value
};

struct Condition {
  enum Kind { kCompare, kBetween, kIn, kAnd, kOr, kNot, kFunction } kind = kCompare;
  std::string op;                   // "=", "<>", "<", "<=", ">", ">=" or function name
  std::vector<Operand> operands;    // compare: 2; between: 3; in: 1+n; function: args
  std::vector<Condition> children;  // and/or: 2 or more (legacy maps: one per entry); not: 1
};

struct UpdateAction {
  enum Kind { kSet, kRemove, kAdd, kDelete } kind;
  Path path;
  Operand value;  // set: expression; add/delete: a value operand
};
struct Update {
  std::vector<UpdateAction> actions;
};

// Names/values of one request; tracks what the request's expressions used.
class Context {
 public:
  // names: ExpressionAttributeNames JSON (may be null); values: parsed ExpressionAttributeValues.
  Context(const rapidjson::Value* names, const Item* values) : names_(names), values_(values) {}
  // Call after all expressions of the request were resolved: unused names/values are an error.
  Status check_unused() const;
  const rapidjson::Value* names() const { return names_; }
  const Item* values() const { return values_; }
  std::set<std::string> used_names, used_values;

 private:
  const rapidjson::Value* names_;
  const Item* values_;
};

// `which` names the expression in messages: "ConditionExpression", "UpdateExpression", ...
Result<Condition> parse_condition(std::string_view text, const char* which, Context& ctx);
Result<Update> parse_update(std::string_view text, Context& ctx);
Result<std::vector<Path>> parse_projection(std::string_view text, Context& ctx);

// Evaluation.
bool evaluate(const Condition& c, const Item& item);
const Value* find_path(const Item& item, const Path& p);
// Applies an update to a copy of `old_item`; errors use DynamoDB's messages.
Result<Item> apply_update(const Update& u, const Item& old_item);
// Keeps only the given paths (nested maps/lists pruned as DynamoDB does).
Item project(const Item& item, const std::vector<Path>& paths);
// Top-level attribute names an update touches.
std::set<std::string> updated_attributes(const Update& u);

bool is_reserved_word(std::string_view w);

}  // namespace ddb::expr

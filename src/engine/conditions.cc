// Conditions of writes: ConditionExpression, or the legacy Expected / QueryFilter / ScanFilter /
// KeyConditions maps, compiled to the same condition trees as expressions.
#include "engine/ops.h"
#include "util/messages.h"

namespace ddb {

namespace {
using expr::Condition;
using expr::Operand;

Operand value_operand(const Value& v) {
  Operand o;
  o.kind = Operand::kValue;
  o.value = v;
  return o;
}

Condition function(const char* name, std::vector<Operand> operands) {
  Condition c;
  c.kind = Condition::kFunction;
  c.op = name;
  c.operands = std::move(operands);
  return c;
}

// Value and AttributeValueList of one legacy condition, in that order.
Result<std::vector<Value>> legacy_args(const Json& c) {
  std::vector<Value> args;
  if (const auto* v = member(c, "Value")) {
    Value x;
    DDB_ASSIGN(x, value_from_json(*v));
    args.push_back(std::move(x));
  }
  if (const auto* l = member(c, "AttributeValueList")) {
    if (!l->IsArray()) return err::serialization(msg::kUnexpectedValueTypeInPayload);
    for (const auto& e : l->GetArray()) {
      Value x;
      DDB_ASSIGN(x, value_from_json(e));
      args.push_back(std::move(x));
    }
  }
  return args;
}

// Expected's form without ComparisonOperator: Exists false (absent) or a Value that must be equal.
Result<Condition> exists_condition(const std::string& attr, const Operand& path, std::optional<bool> exists,
                                   const std::vector<Value>& args) {
  if (exists.has_value() && !*exists) {
    if (!args.empty())
      return err::validation(msg::text(msg::kInvalidValueCannotUsedWhenExistsFalseFor, attr));
    return function("attribute_not_exists", {path});
  }
  if (args.empty())
    return err::validation(msg::text(msg::kInvalidValueMustProvidedWhenExistsForAttribute,
                                     std::string(exists ? "true" : "null"), attr));
  Condition c;
  c.kind = Condition::kCompare;
  c.op = "=";
  c.operands = {path, value_operand(args[0])};
  return c;
}

// attribute_exists(path) AND NOT contains(path, v): NOT_CONTAINS never holds for a missing attribute.
Condition not_contains(const Operand& path, const Value& v) {
  Condition n;
  n.kind = Condition::kNot;
  n.children.push_back(function("contains", {path, value_operand(v)}));
  Condition a;
  a.kind = Condition::kAnd;
  a.children.push_back(function("attribute_exists", {path}));
  a.children.push_back(std::move(n));
  return a;
}

Result<Condition> comparison_condition(const std::string& o, const Operand& path,
                                       const std::vector<Value>& args, const std::string& member_path) {
  auto need = [&](size_t n) -> Status {
    if (args.size() != n)
      return err::validation(msg::text(msg::kInvalidNumberOfArgumentsForComparisonOperator, o));
    return Status::OK();
  };
  static const std::map<std::string, std::string> compare = {{"EQ", "="}, {"NE", "<>"}, {"LE", "<="},
                                                             {"LT", "<"}, {"GE", ">="}, {"GT", ">"}};
  Condition one;
  if (auto it = compare.find(o); it != compare.end()) {
    DDB_TRY(need(1));
    one.kind = Condition::kCompare;
    one.op = it->second;
    one.operands = {path, value_operand(args[0])};
  } else if (o == "NOT_NULL" || o == "NULL") {
    DDB_TRY(need(0));
    one = function(o == "NULL" ? "attribute_not_exists" : "attribute_exists", {path});
  } else if (o == "CONTAINS" || o == "BEGINS_WITH") {
    DDB_TRY(need(1));
    one = function(o == "BEGINS_WITH" ? "begins_with" : "contains", {path, value_operand(args[0])});
  } else if (o == "NOT_CONTAINS") {
    DDB_TRY(need(1));
    one = not_contains(path, args[0]);
  } else if (o == "IN") {
    if (args.empty()) DDB_TRY(need(1));
    one.kind = Condition::kIn;
    one.op = "IN";
    one.operands.push_back(path);
    for (const auto& a : args) one.operands.push_back(value_operand(a));
  } else if (o == "BETWEEN") {
    DDB_TRY(need(2));
    one.kind = Condition::kBetween;
    one.op = "BETWEEN";
    one.operands = {path, value_operand(args[0]), value_operand(args[1])};
  } else {
    return Violations::only(
        fmt::format("'{}'", o), fmt::format("{}.member.comparisonOperator", member_path),
        msg::enum_set(
            "[IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]"));
  }
  return one;
}

}  // namespace

Error ops::legacy_mix_error(const std::vector<std::string>& legacy, const std::vector<std::string>& modern) {
  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
    return s;
  };
  return err::validation(msg::text(msg::kCanNotUseBothExpressionAndNon, join(legacy), join(modern)));
}

Result<std::optional<expr::Condition>> ops::legacy_conditions(const Json& conds, const Json* op_json,
                                                              const char* param, bool expected_style) {
  std::string op = "AND";
  if (op_json) {
    if (!op_json->IsString()) return err::serialization(msg::kUnexpectedFieldType);
    op = std::string(sv(*op_json));
    if (op != "AND" && op != "OR")
      return Violations::only(fmt::format("'{}'", op), "conditionalOperator", msg::enum_set("[AND, OR]"));
  }
  if (!conds.IsObject()) return err::serialization(msg::kUnexpectedValueTypeInPayload);
  Condition all;
  all.kind = op == "AND" ? Condition::kAnd : Condition::kOr;
  for (auto it = conds.MemberBegin(); it != conds.MemberEnd(); ++it) {
    std::string attr(it->name.GetString(), it->name.GetStringLength());
    const Json& c = it->value;
    Operand path;
    path.kind = Operand::kPath;
    path.path.elems.push_back({attr, -1, false});
    std::optional<bool> exists;
    DDB_ASSIGN(exists, get_bool(c, "Exists"));
    std::optional<std::string> cmp;
    DDB_ASSIGN(cmp, get_string(c, "ComparisonOperator"));
    std::vector<Value> args;
    DDB_ASSIGN(args, legacy_args(c));
    if (!cmp && !expected_style) return err::validation(msg::kInvalidComparisonOperator);
    Condition one;
    if (!cmp) {
      DDB_ASSIGN(one, exists_condition(attr, path, exists, args));
    } else {
      DDB_ASSIGN(one, comparison_condition(*cmp, path, args, std::string(param) + "." + attr));
    }
    all.children.push_back(std::move(one));
  }
  // One flat node for the whole map, so evaluating (and destroying) it never recurses per entry.
  if (all.children.empty()) return std::optional<Condition>();
  if (all.children.size() == 1) return std::optional<Condition>(std::move(all.children[0]));
  return std::optional<Condition>(std::move(all));
}

Result<std::optional<expr::Condition>> ops::write_condition(const Json& req, expr::Context& ctx,
                                                            bool allow_legacy) {
  std::optional<std::string> text;
  DDB_ASSIGN(text, get_string(req, "ConditionExpression"));
  const Json* expected = member(req, "Expected");
  if (text) {
    if (expected) return legacy_mix_error({"Expected"}, {"ConditionExpression"});
    expr::Condition c;
    DDB_ASSIGN(c, expr::parse_condition(*text, "ConditionExpression", ctx));
    return std::optional<expr::Condition>(std::move(c));
  }
  if (expected && allow_legacy)
    return legacy_conditions(*expected, member(req, "ConditionalOperator"), "expected", true);
  return std::optional<expr::Condition>();
}

}  // namespace ddb

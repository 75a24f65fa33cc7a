// The semantic checks of stage 1: DynamoDB's rules on operand types and counts, and on paths.
#include "expr/checks.h"

#include "util/messages.h"

namespace ddb::expr {

namespace {

std::string type_of_literal(const Operand& o) {
  return vtype_name(o.value.type);
}

std::string incorrect_operand(const std::string& op, const std::string& type) {
  return msg::text(msg::kExprIncorrectOperandType, op, type);
}

std::string bounds(const Operand& lo, const Operand& hi) {
  return msg::text(msg::kExprBetweenBounds, vtype_name(lo.value.type), lo.value.s, vtype_name(hi.value.type),
                   hi.value.s);
}

std::string path_for_message(const Path& p) {
  std::string s = "[";
  for (size_t i = 0; i < p.elems.size(); ++i) {
    if (i) s += ", ";
    if (p.elems[i].is_index) {
      s += '[';
      s += std::to_string(p.elems[i].index);
      s += ']';
    } else {
      s += p.elems[i].name;
    }
  }
  return s + "]";
}

Problem check_attribute_type(const Operand& t) {
  if (t.kind != Operand::kValue || t.value.type != VType::S)
    return incorrect_operand("attribute_type", t.kind == Operand::kValue ? vtype_name(t.value.type) : "path");
  static const char* types[] = {"S", "SS", "N", "NS", "B", "BS", "BOOL", "NULL", "L", "M"};
  for (const auto* x : types)
    if (t.value.s == x) return std::nullopt;
  return msg::text(msg::kExprInvalidAttributeTypeName, t.value.s);
}

}  // namespace

Problem check_compare(const Condition& c) {
  if (c.op == "=" || c.op == "<>") return std::nullopt;
  for (const auto& o : c.operands)
    if (o.kind == Operand::kValue && !o.value.is_scalar_key_type())
      return incorrect_operand(c.op, type_of_literal(o));
  return std::nullopt;
}

Problem check_between(const Condition& c) {
  for (const auto& o : c.operands)
    if (o.kind == Operand::kValue && !o.value.is_scalar_key_type())
      return incorrect_operand("BETWEEN", type_of_literal(o));
  const Operand &lo = c.operands[1], &hi = c.operands[2];
  if (lo.kind != Operand::kValue || hi.kind != Operand::kValue) return std::nullopt;
  if (lo.value.type != hi.value.type) return msg::text(msg::kExprBetweenSameType, bounds(lo, hi));
  if (compare_scalars(lo.value, hi.value) > 0) return msg::text(msg::kExprBetweenOrder, bounds(lo, hi));
  return std::nullopt;
}

Problem check_distinct(const Condition& c) {
  if (c.operands.empty() || c.operands[0].kind != Operand::kPath) return std::nullopt;
  const Path& first = c.operands[0].path;
  for (size_t i = 1; i < c.operands.size(); ++i) {
    const Operand& o = c.operands[i];
    if (o.kind == Operand::kPath && o.path.to_string() == first.to_string())
      return msg::text(msg::kExprOperandsMustBeDistinct, c.op, path_for_message(first));
  }
  return std::nullopt;
}

Problem check_function(const Condition& c) {
  size_t want = (c.op == "attribute_exists" || c.op == "attribute_not_exists") ? 1 : 2;
  if (c.operands.size() != want)
    return msg::text(msg::kExprIncorrectNumberOfOperands, c.op, c.operands.size());
  // attribute_type(:v, :t) tests a value's type, as DynamoDB Local 3.3.1 accepts.
  if (c.operands[0].kind != Operand::kPath && c.op != "begins_with" && c.op != "contains" &&
      c.op != "attribute_type")
    return msg::text(msg::kExprFunctionRequiresDocumentPath, c.op);
  if (c.op == "attribute_type") return check_attribute_type(c.operands[1]);
  if (c.op == "begins_with")
    for (const auto& o : c.operands)
      if (o.kind == Operand::kValue && o.value.type != VType::S && o.value.type != VType::B)
        return incorrect_operand("begins_with", vtype_name(o.value.type));
  return std::nullopt;
}

Problem check_overlaps(const std::vector<Path>& paths) {
  for (size_t i = 0; i < paths.size(); ++i) {
    for (size_t j = i + 1; j < paths.size(); ++j) {
      const auto &a = paths[i].elems, &b = paths[j].elems;
      size_t n = std::min(a.size(), b.size());
      bool conflict = false, same = true;
      for (size_t k = 0; k < n && same; ++k) {
        if (a[k].is_index != b[k].is_index) {
          conflict = true;
          same = false;
        } else if (a[k].is_index ? a[k].index != b[k].index : a[k].name != b[k].name) {
          same = false;
        }
      }
      if (!conflict && !same) continue;
      std::string one = path_for_message(paths[i]), two = path_for_message(paths[j]);
      return conflict ? msg::text(msg::kExprPathsConflict, one, two)
                      : msg::text(msg::kExprPathsOverlap, one, two);
    }
  }
  return std::nullopt;
}

std::string long_type_name(VType t) {
  switch (t) {
    case VType::S:
      return "STRING";
    case VType::N:
      return "NUMBER";
    case VType::B:
      return "BINARY";
    case VType::SS:
      return "STRING SET";
    case VType::NS:
      return "NUMBER SET";
    case VType::BS:
      return "BINARY SET";
    case VType::M:
      return "MAP";
    case VType::L:
      return "LIST";
    case VType::BOOL:
      return "BOOLEAN";
    case VType::NUL:
      return "NULL";
  }
  return "?";
}

}  // namespace ddb::expr

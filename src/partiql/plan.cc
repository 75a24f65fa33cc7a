// How a statement reaches items: the key conditions of a read, the key of a write, the names of a
// SELECT's projection.
#include <map>

#include "partiql/partiql.h"
#include "util/errors.h"
#include "util/messages.h"

namespace ddb::partiql {

namespace {

// The top-level AND-ed leaves of a WHERE.
std::vector<const expr::Condition*> leaves(const expr::Condition* where) {
  std::vector<const expr::Condition*> out;
  if (!where) return out;
  if (where->kind != expr::Condition::kAnd) return {where};
  for (const auto& c : where->children) out.push_back(&c);
  return out;
}

// The attribute of a leaf's first operand when it is a top-level name.
const std::string* attribute_of(const expr::Operand& o) {
  if (o.kind != expr::Operand::kPath || o.path.elems.size() != 1) return nullptr;
  return &o.path.elems[0].name;
}

// "attr <op> value" or "value <op> attr" (flipped): the attribute, operator and value.
struct Comparison {
  const std::string* attr = nullptr;
  std::string op;
  const Value* value = nullptr;
};
Comparison comparison(const expr::Condition& c) {
  Comparison r;
  if (c.kind != expr::Condition::kCompare) return r;
  const auto& a = c.operands[0];
  const auto& b = c.operands[1];
  static const std::map<std::string, std::string> flipped = {
      {"<", ">"}, {">", "<"}, {"<=", ">="}, {">=", "<="}};
  if (attribute_of(a) && b.kind == expr::Operand::kValue) {
    r = {attribute_of(a), c.op, &b.value};
  } else if (attribute_of(b) && a.kind == expr::Operand::kValue) {
    auto it = flipped.find(c.op);
    r = {attribute_of(b), it == flipped.end() ? c.op : it->second, &a.value};
  }
  return r;
}

Status key_type(const std::string& name, VType want, const Value& v) {
  if (v.type != want) return err::validation(msg::text(msg::kPqKeyType, name));
  return Status::OK();
}

// A sort-key leaf usable as a key condition, if `c` is one.
Result<bool> range_leaf(const expr::Condition& c, const std::string& range, VType type, KeyAccess& a) {
  auto cmp = comparison(c);
  if (cmp.attr && *cmp.attr == range && cmp.op != "<>") {
    DDB_TRY(key_type(range, type, *cmp.value));
    a.range_op = cmp.op;
    a.range_a = *cmp.value;
    return true;
  }
  bool values =
      c.operands.size() >= 2 && attribute_of(c.operands[0]) && *attribute_of(c.operands[0]) == range;
  for (size_t i = 1; values && i < c.operands.size(); ++i)
    values = c.operands[i].kind == expr::Operand::kValue;
  if (!values) return false;
  if (c.kind == expr::Condition::kBetween) {
    DDB_TRY(key_type(range, type, c.operands[1].value));
    DDB_TRY(key_type(range, type, c.operands[2].value));
    if (compare_scalars(c.operands[1].value, c.operands[2].value) > 0) return false;
    a.range_op = "BETWEEN";
    a.range_a = c.operands[1].value;
    a.range_b = c.operands[2].value;
    return true;
  }
  if (c.kind == expr::Condition::kFunction && c.op == "begins_with" && type != VType::N &&
      c.operands[1].value.type == type) {
    a.range_op = "begins_with";
    a.range_a = c.operands[1].value;
    return true;
  }
  return false;
}

}  // namespace

Result<KeyAccess> key_access(const expr::Condition* where, const std::string& hash, VType hash_type,
                             const std::string& range, VType range_type) {
  KeyAccess a;
  bool have_hash = false;
  for (const auto* c : leaves(where)) {
    if (!have_hash) {
      auto cmp = comparison(*c);
      if (cmp.attr && *cmp.attr == hash && cmp.op == "=") {
        DDB_TRY(key_type(hash, hash_type, *cmp.value));
        a.hash_values.push_back(*cmp.value);
        have_hash = true;
        continue;
      }
      if (c->kind == expr::Condition::kIn && attribute_of(c->operands[0]) &&
          *attribute_of(c->operands[0]) == hash) {
        bool all_values = true;
        for (size_t i = 1; i < c->operands.size(); ++i)
          all_values = all_values && c->operands[i].kind == expr::Operand::kValue;
        if (all_values) {
          for (size_t i = 1; i < c->operands.size(); ++i) {
            DDB_TRY(key_type(hash, hash_type, c->operands[i].value));
            bool seen = false;
            for (auto& v : a.hash_values) seen = seen || values_equal(v, c->operands[i].value);
            if (!seen) a.hash_values.push_back(c->operands[i].value);
          }
          have_hash = true;
          continue;
        }
      }
    }
    if (!range.empty() && a.range_op.empty()) {
      bool used;
      DDB_ASSIGN(used, range_leaf(*c, range, range_type, a));
      (void)used;
    }
  }
  if (!have_hash) {  // without a partition key a sort-key condition bounds nothing
    a.range_op.clear();
  }
  return a;
}

Result<KeyAndCondition> split_key(const expr::Condition* where, const std::string& hash, VType hash_type,
                                  const std::string& range, VType range_type) {
  KeyAndCondition r;
  std::vector<expr::Condition> rest;
  for (const auto* c : leaves(where)) {
    auto cmp = comparison(*c);
    bool is_key = cmp.attr && cmp.op == "=" && (*cmp.attr == hash || (!range.empty() && *cmp.attr == range));
    if (!is_key) {
      rest.push_back(*c);
      continue;
    }
    if (r.key.count(*cmp.attr)) return err::validation(msg::text(msg::kPqMultipleKeyConditions, *cmp.attr));
    DDB_TRY(key_type(*cmp.attr, *cmp.attr == hash ? hash_type : range_type, *cmp.value));
    r.key[*cmp.attr] = *cmp.value;
  }
  if (!r.key.count(hash) || (!range.empty() && !r.key.count(range)))
    return err::validation(msg::kPqNeedFullKey);
  if (rest.size() == 1) {
    r.condition = std::move(rest[0]);
  } else if (!rest.empty()) {
    expr::Condition all;
    all.kind = expr::Condition::kAnd;
    all.children = std::move(rest);
    r.condition = std::move(all);
  }
  return r;
}

std::string projected_name(const expr::Path& p) {
  size_t last = 0;
  for (size_t i = 0; i < p.elems.size(); ++i)
    if (!p.elems[i].is_index) last = i;
  std::string name = p.elems[last].name;
  for (size_t i = last + 1; i < p.elems.size(); ++i) {
    name += '[';
    name += std::to_string(p.elems[i].index);
    name += ']';
  }
  return name;
}

Item project(const Item& item, const std::vector<expr::Path>& paths) {
  Item out;
  for (const auto& p : paths)
    if (const Value* v = expr::find_path(item, p)) out[projected_name(p)] = *v;
  return out;
}

}  // namespace ddb::partiql

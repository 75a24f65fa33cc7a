// Stage 3: evaluating conditions, applying updates and projections to items.
#include <algorithm>
#include <optional>

#include "expr/expr.h"
#include "types/decimal.h"
#include "util/errors.h"
#include "util/messages.h"

namespace ddb::expr {

namespace {

const Value* step(const Value* v, const PathElem& e) {
  if (!v) return nullptr;
  if (e.is_index) {
    if (v->type != VType::L || e.index < 0 || static_cast<size_t>(e.index) >= v->list.size()) return nullptr;
    return &v->list[e.index];
  }
  if (v->type != VType::M) return nullptr;
  auto it = v->map.find(e.name);
  return it == v->map.end() ? nullptr : &it->second;
}

// Operand value for conditions; nullopt when the path does not exist.
std::optional<Value> operand_value(const Operand& o, const Item& item) {
  switch (o.kind) {
    case Operand::kValue:
      return o.value;
    case Operand::kPath: {
      const Value* v = find_path(item, o.path);
      if (!v) return std::nullopt;
      return *v;
    }
    case Operand::kSize: {
      const Value* v = o.args.empty() ? find_path(item, o.path) : &o.args[0].value;
      if (!v) return std::nullopt;
      size_t n;
      switch (v->type) {
        case VType::S:
        case VType::B:
          n = v->s.size();
          break;
        case VType::SS:
        case VType::NS:
        case VType::BS:
          n = v->set.size();
          break;
        case VType::L:
          n = v->list.size();
          break;
        case VType::M:
          n = v->map.size();
          break;
        default:
          return std::nullopt;  // size() of N, BOOL, NULL: condition is false
      }
      return Value::N(std::to_string(n));
    }
    default:
      return std::nullopt;
  }
}

bool compare_op(const std::string& op, const std::optional<Value>& a, const std::optional<Value>& b) {
  if (op == "=") return a && b && values_equal(*a, *b);
  if (op == "<>") return !(a && b && values_equal(*a, *b));
  if (!a || !b || a->type != b->type || !a->is_scalar_key_type()) return false;
  int c = compare_scalars(*a, *b);
  if (op == "<") return c < 0;
  if (op == "<=") return c <= 0;
  if (op == ">") return c > 0;
  return c >= 0;
}

}  // namespace

const Value* find_path(const Item& item, const Path& p) {
  if (p.elems.empty() || p.elems[0].is_index) return nullptr;
  auto it = item.find(p.elems[0].name);
  if (it == item.end()) return nullptr;
  const Value* v = &it->second;
  for (size_t i = 1; i < p.elems.size() && v; ++i) v = step(v, p.elems[i]);
  return v;
}

bool evaluate(const Condition& c, const Item& item) {
  switch (c.kind) {
    case Condition::kAnd:  // n-ary: legacy condition maps build one flat node, never a deep chain
      for (auto& ch : c.children)
        if (!evaluate(ch, item)) return false;
      return true;
    case Condition::kOr:
      for (auto& ch : c.children)
        if (evaluate(ch, item)) return true;
      return false;
    case Condition::kNot:
      return !evaluate(c.children[0], item);
    case Condition::kCompare:
      return compare_op(c.op, operand_value(c.operands[0], item), operand_value(c.operands[1], item));
    case Condition::kBetween: {
      auto v = operand_value(c.operands[0], item), lo = operand_value(c.operands[1], item),
           hi = operand_value(c.operands[2], item);
      if (!v || !lo || !hi || v->type != lo->type || v->type != hi->type || !v->is_scalar_key_type())
        return false;
      return compare_scalars(*v, *lo) >= 0 && compare_scalars(*v, *hi) <= 0;
    }
    case Condition::kIn: {
      auto v = operand_value(c.operands[0], item);
      if (!v) return false;
      for (size_t i = 1; i < c.operands.size(); ++i) {
        auto x = operand_value(c.operands[i], item);
        if (x && values_equal(*v, *x)) return true;
      }
      return false;
    }
    case Condition::kFunction: {
      if (c.op == "attribute_exists") return find_path(item, c.operands[0].path) != nullptr;
      if (c.op == "attribute_not_exists") return find_path(item, c.operands[0].path) == nullptr;
      auto a = operand_value(c.operands[0], item);
      auto b = operand_value(c.operands[1], item);
      if (!a || !b) return false;
      if (c.op == "attribute_type") return b->type == VType::S && b->s == vtype_name(a->type);
      if (c.op == "begins_with") {
        if (a->type != b->type || (a->type != VType::S && a->type != VType::B)) return false;
        return a->s.compare(0, b->s.size(), b->s) == 0 && a->s.size() >= b->s.size();
      }
      if (c.op == "contains") {
        switch (a->type) {
          case VType::S:
          case VType::B:
            return b->type == a->type && a->s.find(b->s) != std::string::npos;
          case VType::SS:
            return b->type == VType::S && std::find(a->set.begin(), a->set.end(), b->s) != a->set.end();
          case VType::NS:
            return b->type == VType::N && std::find(a->set.begin(), a->set.end(), b->s) != a->set.end();
          case VType::BS:
            return b->type == VType::B && std::find(a->set.begin(), a->set.end(), b->s) != a->set.end();
          case VType::L:
            for (auto& e : a->list)
              if (values_equal(e, *b)) return true;
            return false;
          default:
            return false;
        }
      }
      return false;
    }
  }
  return false;
}

// ---- updates ----
namespace {

Error bad_type() {
  return err::validation(msg::kOperandInUpdateExpressionHasIncorrectData);
}
Error missing_attr() {
  return err::validation(msg::kProvidedExpressionRefersAttributeDoesNotExist);
}
Error invalid_path() {
  return err::validation(msg::kDocumentPathProvidedInUpdateExpressionInvalid);
}

Result<Value> eval_set_value(const Operand& o, const Item& item) {
  switch (o.kind) {
    case Operand::kValue:
      return o.value;
    case Operand::kPath: {
      const Value* v = find_path(item, o.path);
      if (!v) return missing_attr();
      return *v;
    }
    case Operand::kIfNotExists: {
      const Value* v = find_path(item, o.args[0].path);
      if (v) return *v;
      return eval_set_value(o.args[1], item);
    }
    case Operand::kListAppend: {
      Value a, b;
      DDB_ASSIGN(a, eval_set_value(o.args[0], item));
      DDB_ASSIGN(b, eval_set_value(o.args[1], item));
      if (a.type != VType::L || b.type != VType::L) return bad_type();
      for (auto& e : b.list) a.list.push_back(e);
      return a;
    }
    case Operand::kPlus:
    case Operand::kMinus: {
      Value a, b;
      DDB_ASSIGN(a, eval_set_value(o.args[0], item));
      DDB_ASSIGN(b, eval_set_value(o.args[1], item));
      if (a.type != VType::N || b.type != VType::N) return bad_type();
      auto x = Decimal::parse(a.s), y = Decimal::parse(b.s);
      auto r = o.kind == Operand::kPlus ? Decimal::add(*x, *y) : Decimal::sub(*x, *y);
      if (!r.ok()) return r.take_error();
      return Value::N(r->to_string());
    }
    default:
      return bad_type();
  }
}

// Finds the container for the last element of `p` under `root` (the item as a map value), or null
// when the parent is missing or of the wrong kind.
Value* parent_of(Value& root, const Path& p) {
  Value* v = &root;
  for (size_t i = 0; i + 1 < p.elems.size(); ++i) {
    const PathElem& e = p.elems[i];
    if (e.is_index) {
      if (v->type != VType::L || e.index >= static_cast<long>(v->list.size())) return nullptr;
      v = &v->list[e.index];
    } else {
      if (v->type != VType::M) return nullptr;
      auto it = v->map.find(e.name);
      if (it == v->map.end()) return nullptr;
      v = &it->second;
    }
  }
  return v;
}

Status set_path(Value& root, const Path& p, Value val) {
  Value* parent = parent_of(root, p);
  if (!parent) return invalid_path();
  const PathElem& last = p.elems.back();
  if (last.is_index) {
    if (parent->type != VType::L) return invalid_path();
    if (last.index >= static_cast<long>(parent->list.size()))
      parent->list.push_back(std::move(val));
    else
      parent->list[last.index] = std::move(val);
  } else {
    if (parent->type != VType::M) return invalid_path();
    parent->map.insert_or_assign(last.name, std::move(val));
  }
  return Status::OK();
}

// Removes the value at `p`; nothing when only its last element is absent. A path whose parent is missing
// or of the wrong kind (a name of a string, an index of a map) is an error, as on the service.
Status remove_path(Value& root, const Path& p) {
  Value* parent = parent_of(root, p);
  if (!parent) return err::validation(msg::kDocumentPathProvidedInUpdateExpressionInvalid);
  const PathElem& last = p.elems.back();
  if (last.is_index) {
    if (parent->type != VType::L) return err::validation(msg::kDocumentPathProvidedInUpdateExpressionInvalid);
    if (last.index < static_cast<long>(parent->list.size()))
      parent->list.erase(parent->list.begin() + last.index);
  } else {
    if (parent->type != VType::M) return err::validation(msg::kDocumentPathProvidedInUpdateExpressionInvalid);
    parent->map.erase(last.name);
  }
  return Status::OK();
}

Value* find_mut(Value& root, const Path& p) {
  Value* v = &root;
  for (auto& e : p.elems) {
    if (e.is_index) {
      if (v->type != VType::L || e.index >= static_cast<long>(v->list.size())) return nullptr;
      v = &v->list[e.index];
    } else {
      if (v->type != VType::M) return nullptr;
      auto it = v->map.find(e.name);
      if (it == v->map.end()) return nullptr;
      v = &it->second;
    }
  }
  return v;
}

bool path_less_desc(const Path& a, const Path& b) {
  // Orders REMOVE paths so that higher list indexes under the same parent go first.
  size_t n = std::min(a.elems.size(), b.elems.size());
  for (size_t i = 0; i < n; ++i) {
    const auto &x = a.elems[i], &y = b.elems[i];
    if (x.is_index && y.is_index && x.index != y.index) return x.index > y.index;
    if (!x.is_index && !y.is_index && x.name != y.name) return x.name > y.name;
  }
  return a.elems.size() > b.elems.size();
}

}  // namespace

Result<Item> apply_update(const Update& u, const Item& old_item) {
  Value root;
  root.type = VType::M;
  root.map = old_item;
  // Values of SET are computed from the item as it was before the update.
  std::vector<std::pair<const UpdateAction*, Value>> sets;
  for (auto& a : u.actions) {
    if (a.kind != UpdateAction::kSet) continue;
    Value v;
    DDB_ASSIGN(v, eval_set_value(a.value, old_item));
    sets.emplace_back(&a, std::move(v));
  }
  // SET paths never overlap (the parser refuses it), so their order matters only for list elements set past
  // the end, which DynamoDB appends in index order: apply them in ascending path order.
  std::stable_sort(sets.begin(), sets.end(),
                   [](const auto& x, const auto& y) { return path_less_desc(y.first->path, x.first->path); });
  for (auto& [a, v] : sets) DDB_TRY(set_path(root, a->path, std::move(v)));
  std::vector<const UpdateAction*> removes;
  for (auto& a : u.actions) {
    if (a.kind == UpdateAction::kRemove) removes.push_back(&a);
  }
  std::sort(removes.begin(), removes.end(),
            [](const UpdateAction* x, const UpdateAction* y) { return path_less_desc(x->path, y->path); });
  for (auto* a : removes) DDB_TRY(remove_path(root, a->path));
  for (auto& a : u.actions) {
    if (a.kind != UpdateAction::kAdd && a.kind != UpdateAction::kDelete) continue;
    const Value& arg = a.value.value;
    Value* cur = find_mut(root, a.path);
    if (a.kind == UpdateAction::kAdd) {
      if (!cur) {
        DDB_TRY(set_path(root, a.path, arg));
        continue;
      }
      if (cur->type != arg.type) return bad_type();
      if (arg.type == VType::N) {
        auto r = Decimal::add(*Decimal::parse(cur->s), *Decimal::parse(arg.s));
        if (!r.ok()) return r.take_error();
        cur->s = r->to_string();
      } else {
        for (auto& e : arg.set)
          if (std::find(cur->set.begin(), cur->set.end(), e) == cur->set.end()) cur->set.push_back(e);
        sort_set(*cur);
      }
    } else {
      if (!cur) continue;
      if (cur->type != arg.type) return bad_type();
      std::vector<std::string> kept;
      for (auto& e : cur->set)
        if (std::find(arg.set.begin(), arg.set.end(), e) == arg.set.end()) kept.push_back(e);
      if (kept.empty()) {
        DDB_TRY(remove_path(root, a.path));
      } else {
        cur->set = std::move(kept);
      }
    }
  }
  return std::move(root.map);
}

std::set<std::string> updated_attributes(const Update& u) {
  std::set<std::string> s;
  for (auto& a : u.actions)
    if (!a.path.elems.empty()) s.insert(a.path.elems[0].name);
  return s;
}

// ---- projections ----
namespace {
void project_into(Value& dst, const Value& src, const Path& p, size_t i) {
  if (i == p.elems.size()) {
    dst = src;
    return;
  }
  const PathElem& e = p.elems[i];
  const Value* next = step(&src, e);
  if (!next) return;
  if (e.is_index) {
    if (dst.type != VType::L) {
      dst = Value();
      dst.type = VType::L;
    }
    Value child;
    project_into(child, *next, p, i + 1);
    if (child.type != VType::NUL || next->type == VType::NUL) dst.list.push_back(std::move(child));
  } else {
    if (dst.type != VType::M) {
      dst = Value();
      dst.type = VType::M;
    }
    auto it = dst.map.find(e.name);
    if (it == dst.map.end()) it = dst.map.emplace(e.name, Value()).first;
    project_into(it->second, *next, p, i + 1);
  }
}
}  // namespace

Item project(const Item& item, const std::vector<Path>& paths) {
  Item out;
  for (auto& p : paths) {
    if (!find_path(item, p)) continue;
    const Value& top = item.find(p.elems[0].name)->second;
    auto it = out.find(p.elems[0].name);
    if (it == out.end()) it = out.emplace(p.elems[0].name, Value()).first;
    project_into(it->second, top, p, 1);
  }
  return out;
}

}  // namespace ddb::expr

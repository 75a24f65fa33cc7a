// Single-item operations: PutItem, GetItem, DeleteItem, UpdateItem.
#include "engine/ops.h"
#include "engine/request.h"
#include "util/messages.h"

namespace ddb {

// ---- shared request parsing for item operations (request.h) ----
Status check_expression_params(const Json& req, bool any_expression, ExprParams& p) {
  p.names = member(req, "ExpressionAttributeNames");
  if (p.names) {
    if (!p.names->IsObject()) return err::serialization(msg::kUnexpectedValueTypeInPayload);
    if (p.names->MemberCount() == 0) return err::validation(msg::kExpressionattributenamesMustNotEmpty);
    for (auto it = p.names->MemberBegin(); it != p.names->MemberEnd(); ++it) {
      std::string_view k(it->name.GetString(), it->name.GetStringLength());
      if (k.empty() || k[0] != '#')
        return err::validation(
            msg::text(msg::kExpressionattributenamesContainsInvalidKeySyntaxErrorKey, std::string(k)));
      if (!it->value.IsString()) return err::serialization(msg::kUnexpectedValueTypeInPayload);
      if (it->value.GetStringLength() == 0)
        return err::validation(msg::text(msg::kExpressionAttributeNamesEmptyName, std::string(k)));
    }
  }
  DDB_ASSIGN(p.values, ops::attribute_values(req));
  if (!any_expression) {
    if (p.names) return err::validation(msg::kExpressionattributenamesCanOnlySpecifiedWhenUsingExpressions);
    if (p.values) return err::validation(msg::kExpressionattributevaluesCanOnlySpecifiedWhenUsingExpressions);
  }
  return Status::OK();
}

Result<std::string> return_values(const Json& req, std::initializer_list<const char*> allowed,
                                  const char* message) {
  std::optional<std::string> rv;
  DDB_ASSIGN(rv, get_string(req, "ReturnValues"));
  Violations v;
  check_enum(v, rv, "returnValues", {"ALL_NEW", "UPDATED_OLD", "ALL_OLD", "NONE", "UPDATED_NEW"});
  DDB_TRY(v.status());
  std::string r = rv.value_or("NONE");
  for (auto* a : allowed)
    if (r == a) return r;
  return err::validation(message);
}

Result<bool> return_old_on_failure(const Json& req) {
  std::optional<std::string> rv;
  DDB_ASSIGN(rv, get_string(req, "ReturnValuesOnConditionCheckFailure"));
  Violations v;
  check_enum(v, rv, "returnValuesOnConditionCheckFailure", {"ALL_OLD", "NONE"});
  DDB_TRY(v.status());
  return rv.value_or("NONE") == "ALL_OLD";
}

Result<Item> key_from_request(const Json& req, const TableDef& def) {
  auto* k = member(req, "Key");
  if (!k) return Violations::only_null("key");
  Item key;
  DDB_ASSIGN(key, item_from_json(*k));
  DDB_TRY(ops::check_key(def, key));
  return key;
}

Error condition_failed(const std::optional<Item>& old, bool return_old) {
  Error e = err::conditional_failed();
  if (return_old && old) e.extra_json = ",\"Item\":" + item_to_json(*old);
  return e;
}

Result<std::optional<std::vector<expr::Path>>> read_projection(const Json& req, expr::Context& ctx) {
  std::optional<std::string> pe;
  DDB_ASSIGN(pe, get_string(req, "ProjectionExpression"));
  const Json* atg = member(req, "AttributesToGet");
  if (pe && atg) return ops::legacy_mix_error({"AttributesToGet"}, {"ProjectionExpression"});
  if (pe) {
    std::vector<expr::Path> paths;
    DDB_ASSIGN(paths, expr::parse_projection(*pe, ctx));
    return std::optional<std::vector<expr::Path>>(std::move(paths));
  }
  if (atg) {
    if (!atg->IsArray()) return err::serialization(msg::kUnexpectedValueTypeInPayload);
    if (atg->Size() == 0) return Violations::only("'[]'", "attributesToGet", msg::min_length(1));
    std::vector<expr::Path> paths;
    std::set<std::string> seen;
    for (auto& a : atg->GetArray()) {
      if (!a.IsString()) return err::serialization(msg::kUnexpectedValueTypeInPayload);
      std::string n(sv(a));
      if (!seen.insert(n).second)
        return err::validation(msg::text(msg::kInvalidDuplicateValueInAttributeName, n));
      expr::Path p;
      p.elems.push_back({n, -1, false});
      paths.push_back(std::move(p));
    }
    return std::optional<std::vector<expr::Path>>(std::move(paths));
  }
  return std::optional<std::vector<expr::Path>>();
}

void write_item_collection_metrics(JsonOut& o, const Json& req, const TableDef& def, const Item& any_item) {
  std::optional<std::string> m;
  auto r = get_string(req, "ReturnItemCollectionMetrics");
  if (r.ok()) m = *r;
  if (m.value_or("NONE") != "SIZE") return;
  bool has_lsi = false;
  for (auto& i : def.indexes) has_lsi = has_lsi || !i.global;
  if (!has_lsi) return;
  o.key("ItemCollectionMetrics");
  o.w.StartObject();
  o.key("ItemCollectionKey");
  Item k;
  auto h = any_item.find(def.key.hash);
  if (h != any_item.end()) k.insert(*h);
  write_item(o.w, k);
  o.key("SizeEstimateRangeGB");
  o.w.StartArray();
  o.w.Double(0.0);
  o.w.Double(1.0);
  o.w.EndArray();
  o.w.EndObject();
}

// Legacy AttributeUpdates -> an Update tree.
Result<expr::Update> legacy_updates(const Json& au) {
  if (!au.IsObject()) return err::serialization(msg::kUnexpectedValueTypeInPayload);
  expr::Update u;
  for (auto it = au.MemberBegin(); it != au.MemberEnd(); ++it) {
    std::string attr(it->name.GetString(), it->name.GetStringLength());
    std::optional<std::string> action;
    DDB_ASSIGN(action, get_string(it->value, "Action"));
    std::optional<Value> val;
    if (auto* v = member(it->value, "Value")) {
      Value x;
      DDB_ASSIGN(x, value_from_json(*v));
      val = std::move(x);
    }
    std::string a = action.value_or("PUT");
    expr::UpdateAction ua{expr::UpdateAction::kSet, {}, {}};
    ua.path.elems.push_back({attr, -1, false});
    ua.value.kind = expr::Operand::kValue;
    if (a == "PUT") {
      if (!val) return err::validation(msg::kInvalidOnlyDeleteActionAllowedWhenNoAttribute);
      ua.value.value = *val;
    } else if (a == "DELETE") {
      if (val) {
        if (!val->is_set())
          return err::validation(msg::text(msg::kInvalidDeleteActionWithValueNotSupportedFor,
                                           std::string(vtype_name(val->type))));
        ua.kind = expr::UpdateAction::kDelete;
        ua.value.value = *val;
      } else {
        ua.kind = expr::UpdateAction::kRemove;
      }
    } else if (a == "ADD") {
      if (!val) return err::validation(msg::kInvalidOnlyDeleteActionAllowedWhenNoAttribute);
      if (val->type == VType::L) {  // legacy ADD on a list appends
        ua.kind = expr::UpdateAction::kSet;
        expr::Operand la;
        la.kind = expr::Operand::kListAppend;
        expr::Operand cur;
        cur.kind = expr::Operand::kIfNotExists;
        expr::Operand p;
        p.kind = expr::Operand::kPath;
        p.path = ua.path;
        expr::Operand empty;
        empty.kind = expr::Operand::kValue;
        empty.value.type = VType::L;
        cur.args = {p, empty};
        expr::Operand add;
        add.kind = expr::Operand::kValue;
        add.value = *val;
        la.args = {cur, add};
        ua.value = la;
      } else {
        if (val->type != VType::N && !val->is_set())
          return err::validation(
              msg::text(msg::kInvalidAddActionNotSupportedForType, std::string(vtype_name(val->type))));
        ua.kind = expr::UpdateAction::kAdd;
        ua.value.value = *val;
      }
    } else {
      return Violations::only(fmt::format("'{}'", a), fmt::format("attributeUpdates.{}.member.action", attr),
                              msg::enum_set("[ADD, PUT, DELETE]"));
    }
    u.actions.push_back(std::move(ua));
  }
  return u;
}

Status WriteOp::check(const std::optional<Item>& old) const {
  static const Item kNoItem;
  const Item& current = old ? *old : kNoItem;  // a reference: `old ? *old : Item{}` would copy the item
  if (!condition || expr::evaluate(*condition, current)) return Status::OK();
  if (insert) return err::ddb("DuplicateItemException", msg::kPqDuplicateItem);
  return condition_failed(old, return_old_on_failure);
}

Result<std::optional<Item>> WriteOp::apply_once(const std::optional<Item>& old) {
  if (kind != kPut) return apply(old);
  DDB_TRY(check(old));
  return std::optional<Item>(std::move(item));
}

Result<std::optional<Item>> WriteOp::apply(const std::optional<Item>& old) const {
  DDB_TRY(check(old));
  switch (kind) {
    case kCheck:
      return old;
    case kPut:
      return std::optional<Item>(item);
    case kDelete:
      return std::optional<Item>();
    case kUpdate: {
      Item next;
      if (update) {
        DDB_ASSIGN(next, expr::apply_update(*update, old ? *old : key));
      } else {
        next = old ? *old : key;
      }
      if (!nesting_within_limit(next)) return err::validation(msg::kNesting);
      DDB_TRY(ops::check_index_keys(table->def, next));
      if (item_size(next) > kMaxItemSize)
        return err::validation(msg::kItemSizeUpdateHasExceededMaximumAllowed);
      return std::optional<Item>(std::move(next));
    }
  }
  return old;
}

Result<WriteOp> prepare_write(Database& db, WriteOp::Kind kind, const Json& req, bool legacy) {
  WriteOp w;
  w.kind = kind;
  DDB_ASSIGN(w.return_old_on_failure, return_old_on_failure(req));
  // Values are deserialized and validated before the table is looked up, as DynamoDB does.
  const Json* values_json = member(req, kind == WriteOp::kPut ? "Item" : "Key");
  if (!values_json) return Violations::only_null((kind == WriteOp::kPut ? "item" : "key"));
  auto parsed_or = item_from_json(*values_json);
  if (!parsed_or.ok()) {
    Error e = parsed_or.take_error();
    if (kind == WriteOp::kPut && e.message == msg::kNesting) e.message = msg::kItemNesting;
    return e;
  }
  Item parsed = std::move(parsed_or).value();
  DDB_ASSIGN(w.table, ops::table_for_request(db, req));
  const TableDef& def = w.table->def;
  std::optional<std::string> ue;
  const Json* au = nullptr;
  if (kind == WriteOp::kUpdate) {
    DDB_ASSIGN(ue, get_string(req, "UpdateExpression"));
    au = legacy ? member(req, "AttributeUpdates") : nullptr;
    if (ue && au) return ops::legacy_mix_error({"AttributeUpdates"}, {"UpdateExpression"});
    if (au && member(req, "ConditionExpression"))
      return ops::legacy_mix_error({"AttributeUpdates"}, {"ConditionExpression"});
    if (ue && member(req, "Expected")) return ops::legacy_mix_error({"Expected"}, {"UpdateExpression"});
  }
  if (kind == WriteOp::kCheck && !member(req, "ConditionExpression"))
    return Violations::only_null("conditionExpression");
  ExprParams ep;
  DDB_TRY(check_expression_params(req, ue || member(req, "ConditionExpression"), ep));
  expr::Context ctx(ep.names, ep.values ? &*ep.values : nullptr);
  if (ue) {
    expr::Update u;
    DDB_ASSIGN(u, expr::parse_update(*ue, ctx));
    w.update = std::move(u);
  } else if (au) {
    expr::Update u;
    DDB_ASSIGN(u, legacy_updates(*au));
    w.update = std::move(u);
  }
  DDB_ASSIGN(w.condition, ops::write_condition(req, ctx, legacy));
  DDB_TRY(ctx.check_unused());
  if (kind == WriteOp::kPut) {
    w.item = std::move(parsed);
    DDB_TRY(ops::check_item_key(def, w.item));
    DDB_TRY(ops::check_index_keys(def, w.item));
    if (item_size(w.item) > kMaxItemSize) return err::validation(msg::kItemSizeHasExceededMaximumAllowedSize);
    w.key = ops::key_of(def, w.item);
  } else {
    DDB_TRY(ops::check_key(def, parsed));
    w.key = std::move(parsed);
  }
  if (w.update) {
    for (auto& a : w.update->actions) {
      const std::string& top = a.path.elems[0].name;
      if (top == def.key.hash || (def.key.has_range() && top == def.key.range))
        return err::validation(msg::text(msg::kInvalidCannotUpdateAttributeAttributePartKey, top));
    }
  }
  w.storage_key = ops::item_key(def, w.key);
  return w;
}

Result<WriteOutcome> run_write(Database& db, WriteOp& w, std::optional<Item>* seen) {
  WriteOutcome r;
  MutexLock tl(w.table->state->mu);
  DDB_ASSIGN(w.table, ops::recheck(db, w.table));  // deleted or changed since it was looked up?
  r.old = ops::load_item(db, w.storage_key);
  auto next = w.apply_once(r.old);  // a Put's item moves into the outcome (w is not used again)
  if (!next.ok()) {
    if (seen) *seen = std::move(r.old);
    return next.take_error();
  }
  r.next = std::move(next).value();
  ops::Staged st;
  ops::stage_write(db, w.table, w.storage_key, r.old ? &*r.old : nullptr, r.next ? &*r.next : nullptr, st,
                   &r.cap);
  DDB_TRY(ops::commit(db, st));
  return r;
}

std::optional<Item> returned_attributes(const std::string& rv, const WriteOp& w, const WriteOutcome& out) {
  if (rv == "ALL_OLD") return out.old;
  if (rv == "ALL_NEW") return out.next;
  if ((rv == "UPDATED_OLD" || rv == "UPDATED_NEW") && w.update) {
    const std::optional<Item>& src = rv == "UPDATED_OLD" ? out.old : out.next;
    std::vector<expr::Path> paths;
    for (auto& a : w.update->actions) paths.push_back(a.path);
    Item sel = src ? expr::project(*src, paths) : Item{};
    if (!sel.empty()) return sel;
  }
  return std::nullopt;
}

namespace {
// Runs one single-item write and writes its response.
Result<std::string> single_write(Database& db, WriteOp::Kind kind, const Json& req, const std::string& rv) {
  std::string rcc;
  DDB_ASSIGN(rcc, ops::return_consumed(req));
  WriteOp w;
  DDB_ASSIGN(w, prepare_write(db, kind, req, true));
  WriteOutcome out;
  DDB_ASSIGN(out, run_write(db, w));
  JsonOut o;
  o.w.StartObject();
  if (auto attrs = returned_attributes(rv, w, out)) {
    o.key("Attributes");
    write_item(o.w, *attrs);
  }
  ops::write_capacity(o, rcc, w.table->def.name, out.cap);
  write_item_collection_metrics(o, req, w.table->def, w.key);
  o.w.EndObject();
  return o.take();
}
}  // namespace

namespace {
// The constraints of an item request's members, all reported together in the order of the
// operation's input members (the service's order): TableName, Item/Key, then the enums. Type errors
// (a number where a string belongs) come first, as SerializationException.
Status check_item_members(const Json& req, WriteOp::Kind kind, bool read) {
  Violations v;
  std::optional<std::string> name, rv, rcc, metrics, op, rv_failure;
  DDB_ASSIGN(name, get_string(req, "TableName"));
  DDB_ASSIGN(rcc, get_string(req, "ReturnConsumedCapacity"));
  check_table_name(v, name);
  if (!member(req, kind == WriteOp::kPut ? "Item" : "Key"))
    v.null_member(kind == WriteOp::kPut ? "item" : "key");
  if (!read) {
    DDB_ASSIGN(rv, get_string(req, "ReturnValues"));
    DDB_ASSIGN(metrics, get_string(req, "ReturnItemCollectionMetrics"));
    DDB_ASSIGN(op, get_string(req, "ConditionalOperator"));
    DDB_ASSIGN(rv_failure, get_string(req, "ReturnValuesOnConditionCheckFailure"));
    check_enum(v, rv, "returnValues", {"ALL_NEW", "UPDATED_OLD", "ALL_OLD", "NONE", "UPDATED_NEW"});
  }
  check_enum(v, rcc, "returnConsumedCapacity", {"INDEXES", "TOTAL", "NONE"});
  if (!read) {
    check_enum(v, metrics, "returnItemCollectionMetrics", {"SIZE", "NONE"});
    check_enum(v, op, "conditionalOperator", {"AND", "OR"});
    check_enum(v, rv_failure, "returnValuesOnConditionCheckFailure", {"ALL_OLD", "NONE"});
  }
  return v.status();
}
}  // namespace

Result<std::string> ops::put_item(Database& db, const Json& req) {
  DDB_TRY(check_item_members(req, WriteOp::kPut, false));
  std::string rv;
  DDB_ASSIGN(rv, return_values(req, {"NONE", "ALL_OLD"}, "ReturnValues can only be ALL_OLD or NONE"));
  return single_write(db, WriteOp::kPut, req, rv);
}

Result<std::string> ops::delete_item(Database& db, const Json& req) {
  DDB_TRY(check_item_members(req, WriteOp::kDelete, false));
  std::string rv;
  DDB_ASSIGN(rv, return_values(req, {"NONE", "ALL_OLD"}, "ReturnValues can only be ALL_OLD or NONE"));
  return single_write(db, WriteOp::kDelete, req, rv);
}

Result<std::string> ops::update_item(Database& db, const Json& req) {
  DDB_TRY(check_item_members(req, WriteOp::kUpdate, false));
  std::string rv;
  DDB_ASSIGN(rv, return_values(req, {"NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"}, ""));
  return single_write(db, WriteOp::kUpdate, req, rv);
}

Result<std::string> ops::get_item(Database& db, const Json& req) {
  DDB_TRY(check_item_members(req, WriteOp::kCheck, true));
  std::string rcc;
  DDB_ASSIGN(rcc, return_consumed(req));
  std::optional<bool> consistent;
  DDB_ASSIGN(consistent, get_bool(req, "ConsistentRead"));
  auto* kj = member(req, "Key");
  if (!kj) return Violations::only_null("key");
  Item key;
  DDB_ASSIGN(key, item_from_json(*kj));
  ExprParams ep;
  DDB_TRY(check_expression_params(req, member(req, "ProjectionExpression") != nullptr, ep));
  expr::Context ctx(ep.names, ep.values ? &*ep.values : nullptr);
  std::optional<std::vector<expr::Path>> proj;
  DDB_ASSIGN(proj, read_projection(req, ctx));
  DDB_TRY(ctx.check_unused());
  std::shared_ptr<Table> t;
  DDB_ASSIGN(t, table_for_request(db, req));
  DDB_TRY(check_key(t->def, key));
  std::string raw;
  bool found = db.store().get(item_key(t->def, key), &raw);
  size_t size = 0;
  JsonOut o;
  o.w.StartObject();
  if (found) {
    o.key("Item");
    if (proj) {
      Item item;
      if (!decode_item(raw, item)) return err::internal(msg::kCorruptItem);
      size = item_size(item);
      write_item(o.w, expr::project(item, *proj));
    } else if (!write_encoded_item(o.w, raw, &size)) {  // straight from the stored bytes, sized on the way
      return err::internal(msg::kCorruptItem);
    }
  }
  Capacity cap;
  cap.table = read_units(size, consistent.value_or(false));
  write_capacity(o, rcc, t->def.name, cap);
  o.w.EndObject();
  return o.take();
}

}  // namespace ddb

// ExecuteStatement: one PartiQL statement compiled to the item API's own pieces (WriteOp, key ranges,
// expression trees), run with the same locks, stream records and capacity.
#include "engine/partiql_exec.h"
#include "types/keycodec.h"
#include "util/codec.h"
#include "util/messages.h"

namespace ddb {

namespace {
constexpr size_t kPageBytes = 1024 * 1024;  // a read's page, as Query's and Scan's
}  // namespace

namespace pq {

namespace {

expr::Condition attribute_fn(const std::string& attr, bool exists) {
  expr::Condition c;
  c.kind = expr::Condition::kFunction;
  c.op = exists ? "attribute_exists" : "attribute_not_exists";
  expr::Operand o;
  o.kind = expr::Operand::kPath;
  o.path.elems.push_back({attr, -1, false});
  c.operands.push_back(std::move(o));
  return c;
}

// `a` joined with `b` (when there is one) by AND or OR.
expr::Condition join(expr::Condition a, std::optional<expr::Condition> b, expr::Condition::Kind kind) {
  if (!b) return a;
  expr::Condition c;
  c.kind = kind;
  c.children.push_back(std::move(a));
  c.children.push_back(std::move(*b));
  return c;
}

Result<partiql::KeyAndCondition> whole_key(const TableDef& def, const partiql::Statement& st) {
  return partiql::split_key(st.where ? &*st.where : nullptr, def.key.hash, def.key.hash_type, def.key.range,
                            def.key.range_type);
}

Status plan_read(Compiled& c) {
  const TableDef& def = c.table->def;
  auto& st = c.st;
  DDB_ASSIGN(c.target,
             target_for(def, st.index.empty() ? std::nullopt : std::optional<std::string>(st.index)));
  const KeyDef& k = c.target.key;
  if (k.multi()) return err::validation(msg::kPqCompositeKeys);
  DDB_ASSIGN(c.access, partiql::key_access(st.where ? &*st.where : nullptr, k.hash, k.hash_type, k.range,
                                           k.range_type));
  // Several partition keys (IN) are read in key order, as DynamoDB Local 3.3.1 answers.
  auto& hv = c.access.hash_values;
  std::sort(hv.begin(), hv.end(), [](const Value& a, const Value& b) { return compare_scalars(a, b) < 0; });
  if (!st.order_by.empty() && !st.where) return err::validation(msg::kPqOrderByNeedsWhere);
  if (!c.target.index) {
    auto kc = whole_key(def, st);
    c.key_only = kc.ok() && !kc.value().condition;
  }
  for (const auto& o : st.order_by) {
    if (o.attribute != k.hash && o.attribute != k.range)
      return err::validation(msg::text(msg::kPqOrderByKey, o.attribute));
    if (o.attribute == k.range) c.forward = !o.descending;
    if (o.attribute == k.hash && o.descending) std::reverse(hv.begin(), hv.end());
  }
  return Status::OK();
}

Status check_insert(const TableDef& def, const Item& item) {
  for (const auto& [name, type] :
       {std::pair{def.key.hash, def.key.hash_type}, std::pair{def.key.range, def.key.range_type}}) {
    if (name.empty()) continue;
    auto it = item.find(name);
    if (it == item.end()) return err::validation(msg::text(msg::kPqKeyMissingInItem, name));
    if (it->second.type != type) return err::validation(msg::text(msg::kPqKeyType, name));
  }
  if (!nesting_within_limit(item)) return err::validation(msg::kItemNesting);
  DDB_TRY(ops::check_item_key(def, item));
  DDB_TRY(ops::check_index_keys(def, item));
  if (item_size(item) > kMaxItemSize) return err::validation(msg::kItemSizeHasExceededMaximumAllowedSize);
  return Status::OK();
}

Status plan_write(Compiled& c) {
  const TableDef& def = c.table->def;
  auto& st = c.st;
  WriteOp& w = c.write;
  w.table = c.table;
  if (st.kind == partiql::Statement::kInsert) {
    DDB_TRY(check_insert(def, st.item));
    w.kind = WriteOp::kPut;
    w.item = st.item;
    w.key = ops::key_of(def, w.item);
    w.condition = attribute_fn(def.key.hash, false);
    w.insert = true;
  } else {
    partiql::KeyAndCondition kc;
    DDB_ASSIGN(kc, whole_key(def, st));
    w.key = std::move(kc.key);
    if (st.kind == partiql::Statement::kUpdate) {
      w.kind = WriteOp::kUpdate;
      for (const auto& a : st.update.actions) {
        const std::string& top = a.path.elems[0].name;
        if (top == def.key.hash || (def.key.has_range() && top == def.key.range))
          return err::validation(msg::text(msg::kInvalidCannotUpdateAttributeAttributePartKey, top));
      }
      w.update = st.update;
      w.condition = join(attribute_fn(def.key.hash, true), std::move(kc.condition), expr::Condition::kAnd);
    } else if (st.kind == partiql::Statement::kDelete) {
      // A missing item is no failure: only an existing item is held to the WHERE (DynamoDB Local 3.3.1).
      w.kind = WriteOp::kDelete;
      if (kc.condition)
        w.condition = join(attribute_fn(def.key.hash, false), std::move(kc.condition), expr::Condition::kOr);
    } else {  // EXISTS(SELECT ...): a condition check on one item
      if (!st.index.empty()) return err::validation(msg::kPqNeedFullKey);
      w.kind = WriteOp::kCheck;
      w.condition = join(attribute_fn(def.key.hash, true), std::move(kc.condition), expr::Condition::kAnd);
    }
  }
  w.storage_key = ops::item_key(def, w.key);
  return Status::OK();
}

}  // namespace

bool Compiled::single_item() const {
  return st.kind == partiql::Statement::kSelect && !target.index && access.hash_values.size() == 1 &&
         (!table->def.key.has_range() || access.range_op == "=");
}

Item Compiled::point_key() const {
  Item k;
  k[table->def.key.hash] = access.hash_values[0];
  if (table->def.key.has_range()) k[table->def.key.range] = access.range_a;
  return k;
}

Result<StatementText> statement_text(const Json& obj, const std::string& where) {
  StatementText s;
  std::optional<std::string> text;
  DDB_ASSIGN(text, get_string(obj, "Statement"));
  if (!text) return Violations::only_null(where);
  if (text->size() > partiql::kMaxStatementLength)
    return Violations::only("'" + *text + "'", where, msg::max_length(partiql::kMaxStatementLength));
  s.text = std::move(*text);
  const Json* params;
  DDB_ASSIGN(params, get_array(obj, "Parameters"));
  if (params) {
    for (const auto& p : params->GetArray()) {
      Value v;
      DDB_ASSIGN(v, value_from_json(p));
      s.params.push_back(std::move(v));
    }
  }
  return s;
}

Result<Compiled> compile(Database& db, const StatementText& s, bool return_old_on_failure) {
  Compiled c;
  DDB_ASSIGN(c.st, partiql::parse(s.text, s.params));
  c.table = ops::find_table(db, c.st.table);
  if (!c.table) return err::not_found(msg::kPqNoTable);
  if (c.st.kind == partiql::Statement::kSelect || c.st.kind == partiql::Statement::kExists) {
    DDB_TRY(plan_read(c));
  }
  if (c.st.kind != partiql::Statement::kSelect) {
    DDB_TRY(plan_write(c));
  }
  c.write.return_old_on_failure = return_old_on_failure;
  return c;
}

std::optional<Item> read_point(Database& db, const Compiled& c, bool consistent, Capacity& cap) {
  auto item = ops::load_item(db, ops::item_key(c.table->def, c.point_key()));
  cap.table += ops::read_units(item ? item_size(*item) : 0, consistent);
  if (!item || (c.st.where && !expr::evaluate(*c.st.where, *item))) return std::nullopt;
  if (c.st.projection) return partiql::project(*item, *c.st.projection);
  return item;
}

std::optional<Item> returned(const Compiled& c, const WriteOutcome& out) {
  const std::string& r = c.st.returning;
  if (r != "UPDATED_OLD" && r != "UPDATED_NEW") return returned_attributes(r, c.write, out);
  // RETURNING MODIFIED answers with the whole top-level attributes the update touched.
  const std::optional<Item>& src = r == "UPDATED_OLD" ? out.old : out.next;
  if (!src) return std::nullopt;
  Item sel;
  for (const auto& name : expr::updated_attributes(c.st.update)) {
    auto it = src->find(name);
    if (it != src->end()) sel.insert(*it);
  }
  return sel;
}

std::string error_code(const Error& e) {
  std::string n = e.name();
  if (n == "ValidationException") return "ValidationError";
  const std::string suffix = "Exception";
  if (n.size() > suffix.size() && n.compare(n.size() - suffix.size(), suffix.size(), suffix) == 0)
    n.resize(n.size() - suffix.size());
  return n;
}

}  // namespace pq

namespace {

struct Page {
  std::optional<long long> limit;
  bool consistent = false;
  std::string rcc;
  std::optional<std::string> next_token;
};

// NextToken: which partition-key value the read was at, and the key of the last item it read.
std::string make_token(size_t range, const Item& last_key) {
  JsonOut o;
  o.w.StartObject();
  o.key("r");
  o.w.Uint64(range);
  o.key("k");
  write_item(o.w, last_key);
  o.w.EndObject();
  return base64_encode(o.take());
}

Result<std::pair<size_t, Item>> read_token(const pq::Compiled& c, const std::string& token, size_t ranges) {
  auto bad = [] { return err::validation(msg::kPqInvalidNextToken); };
  auto raw = base64_decode(token);
  if (!raw) return bad();
  rapidjson::Document d;
  d.Parse(raw->data(), raw->size());
  if (d.HasParseError() || !d.IsObject()) return bad();
  const Json* r = member(d, "r");
  const Json* k = member(d, "k");
  if (!r || !r->IsUint64() || r->GetUint64() >= ranges || !k) return bad();
  auto key = item_from_json(*k);
  if (!key.ok() || !check_start_key(c.table->def, c.target, key.value()).ok()) return bad();
  return std::pair<size_t, Item>(r->GetUint64(), std::move(key).value());
}

// The storage ranges a SELECT reads, one per partition-key value (or the whole target).
std::vector<std::pair<std::string, std::string>> ranges_of(const pq::Compiled& c) {
  const std::string& prefix = c.target.prefix;
  if (c.access.hash_values.empty()) return {{prefix, keys::prefix_end(prefix)}};
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& h : c.access.hash_values) {
    KeyRange r{{h}, c.access.range_op, c.access.range_a, c.access.range_b};
    out.push_back(bounds(c.target, r));
  }
  return out;
}

void write_select_capacity(JsonOut& o, const pq::Compiled& c, const Page& p, size_t bytes) {
  Capacity cap;
  double units = ops::read_units(bytes, p.consistent);
  if (c.target.index)
    (c.target.index->global ? cap.gsi : cap.lsi)[c.target.index->name] = units;
  else
    cap.table = units;
  ops::write_capacity(o, p.rcc, c.table->def.name, cap);
}

Result<std::string> run_select(Database& db, const pq::Compiled& c, const Page& p) {
  const TableDef& def = c.table->def;
  JsonOut o;
  o.w.StartObject();
  o.key("Items");
  o.w.StartArray();
  if (c.single_item() && !p.next_token) {
    Capacity cap;
    std::string raw;
    if (c.key_only && !c.st.projection) {  // the item itself: from its stored bytes straight to JSON
      if (db.store().get(ops::item_key(def, c.point_key()), &raw)) write_encoded_item(o.w, raw);
      cap.table = ops::read_units(raw.empty() ? 0 : encoded_item_size(raw), p.consistent);
    } else if (auto item = pq::read_point(db, c, p.consistent, cap)) {
      write_item(o.w, *item);
    }
    o.w.EndArray();
    ops::write_capacity(o, p.rcc, def.name, cap);
    o.w.EndObject();
    return o.take();
  }
  auto ranges = ranges_of(c);
  size_t first = 0;
  std::optional<Item> resume;
  if (p.next_token) {
    std::pair<size_t, Item> t;
    DDB_ASSIGN(t, read_token(c, *p.next_token, ranges.size()));
    first = t.first;
    resume = std::move(t.second);
  }
  const size_t limit = p.limit ? static_cast<size_t>(*p.limit) : SIZE_MAX;
  size_t scanned = 0, bytes = 0, at = first;
  std::string last_raw;
  bool stopped = false;
  for (size_t r = first; r < ranges.size() && !stopped; ++r) {
    auto [start, end] = ranges[r];
    if (r == first && resume) {
      std::string k =
          c.target.index ? *ops::index_entry_key(def, *c.target.index, *resume) : ops::item_key(def, *resume);
      if (c.forward && k + '\0' > start) start = k + '\0';
      if (!c.forward && k < end) end = k;
    }
    if (!(start < end)) continue;
    DDB_TRY(db.store().scan(start, end, !c.forward, [&](std::string_view, std::string_view val) {
      if (scanned >= limit || bytes >= kPageBytes) {
        stopped = true;
        return false;
      }
      Item item;
      if (!decode_item(val, item)) return true;
      ++scanned;
      bytes += item_size(item);
      last_raw.assign(val);
      at = r;
      if (c.st.where && !expr::evaluate(*c.st.where, item)) return true;
      write_item(o.w, c.st.projection ? partiql::project(item, *c.st.projection) : item);
      return true;
    }));
  }
  o.w.EndArray();
  // Like Query's LastEvaluatedKey: a page that ended on the limit or the size cap has a NextToken.
  Item last;
  if ((stopped || scanned >= limit || bytes >= kPageBytes) && !last_raw.empty() &&
      decode_item(last_raw, last)) {
    Item key = c.target.index ? ops::index_key_of(def, *c.target.index, last) : ops::key_of(def, last);
    o.kv("NextToken", make_token(at, key));
  }
  write_select_capacity(o, c, p, bytes);
  o.w.EndObject();
  return o.take();
}

Result<std::string> run_statement_write(Database& db, pq::Compiled& c, const std::string& rcc) {
  WriteOutcome out;
  DDB_ASSIGN(out, run_write(db, c.write));
  JsonOut o;
  o.w.StartObject();
  o.key("Items");
  o.w.StartArray();
  if (auto attrs = pq::returned(c, out)) write_item(o.w, *attrs);
  o.w.EndArray();
  ops::write_capacity(o, rcc, c.table->def.name, out.cap);
  o.w.EndObject();
  return o.take();
}

}  // namespace

Result<std::string> ops::execute_statement(Database& db, const Json& req) {
  Page p;
  std::optional<bool> consistent;
  DDB_ASSIGN(consistent, get_bool(req, "ConsistentRead"));
  p.consistent = consistent.value_or(false);
  DDB_ASSIGN(p.limit, get_int(req, "Limit"));
  DDB_ASSIGN(p.next_token, get_string(req, "NextToken"));
  if (p.limit && *p.limit < 1)
    return Violations::only("'" + std::to_string(*p.limit) + "'", "limit", msg::min_value(1));
  DDB_ASSIGN(p.rcc, return_consumed(req));
  bool return_old;
  DDB_ASSIGN(return_old, return_old_on_failure(req));
  pq::StatementText s;
  DDB_ASSIGN(s, pq::statement_text(req, "statement"));
  pq::Compiled c;
  DDB_ASSIGN(c, pq::compile(db, s, return_old));
  if (c.st.kind == partiql::Statement::kExists) return err::validation(msg::kPqExistsOnlyInTransactions);
  if (c.st.is_read()) return run_select(db, c, p);
  return run_statement_write(db, c, p.rcc);
}

}  // namespace ddb

// Query and Scan: key conditions to storage bounds, filters, projections, Select, pages.
#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>

#include "engine/key_range.h"
#include "engine/ops.h"
#include "engine/request.h"
#include "types/keycodec.h"
#include "util/messages.h"

namespace ddb {

namespace {

constexpr size_t kPageBytes = 1024 * 1024;

// Flattens a key condition into its AND-ed leaves.
Status flatten_and(const expr::Condition& c, std::vector<const expr::Condition*>& out) {
  if (c.kind == expr::Condition::kAnd) {
    for (auto& ch : c.children) DDB_TRY(flatten_and(ch, out));
    return Status::OK();
  }
  if (c.kind == expr::Condition::kOr)
    return err::validation(msg::kInvalidOperatorUsedInKeyconditionexpressionOr);
  if (c.kind == expr::Condition::kNot)
    return err::validation(msg::kInvalidOperatorUsedInKeyconditionexpressionNot);
  out.push_back(&c);
  return Status::OK();
}

// One comparison of a key condition: the attribute it names, its operator (flipped when the value
// comes first) and its values.
struct KeyLeaf {
  std::string name, op;
  std::vector<const Value*> vals;
};

Result<KeyLeaf> key_leaf(const expr::Condition& l) {
  const expr::Operand* path = nullptr;
  KeyLeaf k;
  k.op = l.op;
  if (l.kind == expr::Condition::kIn)
    return err::validation(msg::kInvalidOperatorUsedInKeyconditionexpressionIn);
  if (l.kind == expr::Condition::kFunction && l.op != "begins_with")
    return err::validation(msg::text(msg::kKeyConditionInvalidOperator, l.op));
  const char* no_path_or_value = msg::kKeyConditionNeedsPathAndValue;
  for (const auto& o : l.operands) {
    if (o.kind == expr::Operand::kPath && !path)
      path = &o;
    else if (o.kind == expr::Operand::kValue)
      k.vals.push_back(&o.value);
    else if (o.kind == expr::Operand::kSize)
      return err::validation(msg::kKeyconditionexpressionsCannotContainNestedOperations);
    else
      return err::validation(no_path_or_value);
  }
  if (path && l.kind == expr::Condition::kCompare && path == &l.operands[1]) {
    // ":v = pk" is allowed; flip it.
    static const std::map<std::string, std::string> flipped = {
        {"<", ">"}, {">", "<"}, {"<=", ">="}, {">=", "<="}};
    auto it = flipped.find(k.op);
    if (it != flipped.end()) k.op = it->second;
  }
  if (k.vals.empty() || !path) return err::validation(no_path_or_value);
  if (path->path.elems.size() != 1)
    return err::validation(msg::kKeyconditionexpressionsCannotHaveConditionsOnNestedAttributes);
  k.name = path->path.elems[0].name;
  return k;
}

// One leaf's comparison as the sort-key condition of a KeyRange.
Status range_condition(const KeyLeaf& k, VType type, KeyRange& r) {
  if (k.op == "<>") return err::validation(msg::kKeyConditionOperatorNotEqual);
  for (const auto* v : k.vals)
    if (v->type != type) return err::validation(msg::kInvalidConditionParameterTypeMismatch);
  if (k.op == "begins_with" && type == VType::N)
    return err::validation(msg::kInvalidKeyconditionexpressionIncorrectOperandTypeForOperator);
  r.op = k.op;
  r.a = *k.vals[0];
  if (k.vals.size() > 1) r.b = *k.vals[1];
  return Status::OK();
}

Result<KeyRange> single_key_condition(const std::vector<const expr::Condition*>& leaves, const KeyDef& key) {
  if (leaves.size() > 2) return err::validation(msg::kKeyconditionexpressionsMustOnlyContainOneConditionPer);
  KeyRange r;
  bool have_hash = false, have_range = false;
  for (const auto* l : leaves) {
    KeyLeaf k;
    DDB_ASSIGN(k, key_leaf(*l));
    if (k.name == key.hash) {
      if (have_hash) return err::validation(msg::kKeyconditionexpressionsMustOnlyContainOneConditionPer);
      if (k.op != "=") return err::validation(msg::kQueryKeyConditionNotSupported);
      have_hash = true;
      if (k.vals[0]->type != key.hash_type)
        return err::validation(msg::kInvalidConditionParameterTypeMismatch);
      r.eq = {*k.vals[0]};
    } else if (key.has_range() && k.name == key.range) {
      if (have_range) return err::validation(msg::kKeyconditionexpressionsMustOnlyContainOneConditionPer);
      have_range = true;
      DDB_TRY(range_condition(k, key.range_type, r));
    } else {
      return err::validation(
          msg::text(msg::kQueryConditionMissedKeySchemaElement,
                    (have_hash || !key.has_range() ? key.range.empty() ? key.hash : key.range : key.hash)));
    }
  }
  if (!have_hash) return err::validation(msg::text(msg::kQueryConditionMissedKeySchemaElement, key.hash));
  return r;
}

std::string joined_names(const std::vector<KeyAttr>& attrs) {
  std::string s;
  for (const auto& a : attrs) s += (s.empty() ? "" : ", ") + a.name;
  return s;
}

// A multi-attribute key (DynamoDB Local 3.3.1's rules and texts): every partition-key attribute
// compared with =, and sort-key attributes from the first: = on each before the last one named.
Result<KeyRange> multi_key_condition(const std::vector<const expr::Condition*>& leaves, const KeyDef& key) {
  const std::vector<KeyAttr> hash = key.hash_attrs(), range = key.range_attrs();
  std::map<std::string, KeyLeaf> by_name;
  for (const auto* l : leaves) {
    KeyLeaf k;
    DDB_ASSIGN(k, key_leaf(*l));
    if (!key.contains(k.name)) return err::validation(msg::kQueryConditionMissedKeySchemaElementBare);
    std::string name = k.name;
    if (!by_name.emplace(name, std::move(k)).second)
      return err::validation(msg::kKeyconditionexpressionsMustOnlyContainOneConditionPer);
  }
  KeyRange r;
  std::vector<KeyAttr> unequal;
  for (const auto& a : hash) {
    auto it = by_name.find(a.name);
    if (it == by_name.end() || it->second.op != "=") {
      unequal.push_back(a);
      continue;
    }
    if (it->second.vals[0]->type != a.type)
      return err::validation(msg::kInvalidConditionParameterTypeMismatch);
    r.eq.push_back(*it->second.vals[0]);
  }
  if (!unequal.empty())
    return err::validation(msg::text(msg::kHashKeyAttributesNeedEquality, joined_names(unequal)));
  size_t last = range.size();
  for (size_t i = 0; i < range.size(); ++i)
    if (by_name.count(range[i].name)) last = i;
  if (last == range.size()) return r;
  for (size_t i = 0; i < last; ++i) {
    auto it = by_name.find(range[i].name);
    if (it == by_name.end() || it->second.op != "=") unequal.push_back(range[i]);
  }
  if (!unequal.empty())
    return err::validation(
        msg::text(msg::kRangeKeyAttributesNeedEquality, joined_names(unequal), range[last].name));
  for (size_t i = 0; i < last; ++i) {
    const KeyLeaf& k = by_name.at(range[i].name);
    if (k.vals[0]->type != range[i].type) return err::validation(msg::kInvalidConditionParameterTypeMismatch);
    r.eq.push_back(*k.vals[0]);
  }
  DDB_TRY(range_condition(by_name.at(range[last].name), range[last].type, r));
  return r;
}

Result<KeyRange> analyze_key_condition(const expr::Condition& c, const KeyDef& key) {
  std::vector<const expr::Condition*> leaves;
  DDB_TRY(flatten_and(c, leaves));
  return key.multi() ? multi_key_condition(leaves, key) : single_key_condition(leaves, key);
}

struct ReadRequest {
  std::shared_ptr<Table> table;
  Target target;
  std::optional<expr::Condition> filter;
  std::optional<std::vector<expr::Path>> projection;
  std::string select;
  std::optional<long long> limit;
  std::optional<Item> start_key;
  bool consistent = false;
  bool forward = true;
  bool is_query = false;
  int segment = 0, total_segments = 1;
  std::string rcc;
};

struct Segments {
  std::optional<long long> segment, total;
};

// Scan's Segment and TotalSegments: range violations go to `v`.
Result<Segments> collect_segments(const Json& req, Violations& v) {
  Segments s;
  DDB_ASSIGN(s.segment, get_int(req, "Segment"));
  DDB_ASSIGN(s.total, get_int(req, "TotalSegments"));
  auto range = [&](const std::optional<long long>& n, const char* path, long long lo, long long hi) {
    if (n && *n < lo) v.constraint("'" + std::to_string(*n) + "'", path, msg::min_value(lo));
    if (n && *n > hi) v.constraint("'" + std::to_string(*n) + "'", path, msg::max_value(hi));
  };
  range(s.segment, "segment", 0, 999999);
  range(s.total, "totalSegments", 1, 1000000);
  return s;
}

Status apply_segments(const Segments& s, ReadRequest& r) {
  if (s.segment && !s.total) return err::validation(msg::kTotalSegmentsRequired);
  if (s.total && !s.segment) return err::validation(msg::kSegmentParameterRequiredButNotPresentIn);
  if (s.segment && *s.segment >= *s.total)
    return err::validation(msg::text(msg::kSegmentParameterZeroBasedAndMustLess, std::to_string(*s.segment),
                                     std::to_string(*s.total)));
  r.segment = static_cast<int>(s.segment.value_or(0));
  r.total_segments = static_cast<int>(s.total.value_or(1));
  return Status::OK();
}

// A legacy parameter and its expression counterpart cannot be used together (the others may mix,
// e.g. KeyConditions with a FilterExpression, as DynamoDB Local and dynalite both accept).
Status check_legacy_mix(const Json& req, bool is_query, bool has_kce, bool has_filter) {
  const char* filter_legacy_name = is_query ? "QueryFilter" : "ScanFilter";
  std::vector<std::string> legacy, modern;
  auto pair = [&](bool l, const std::string& ln, bool m, const std::string& mn) {
    if (l && m) {
      legacy.push_back(ln);
      modern.push_back(mn);
    }
  };
  pair(member(req, "KeyConditions"), "KeyConditions", has_kce, "KeyConditionExpression");
  pair(member(req, filter_legacy_name), filter_legacy_name, has_filter, "FilterExpression");
  pair(member(req, "AttributesToGet"), "AttributesToGet", member(req, "ProjectionExpression"),
       "ProjectionExpression");
  pair(member(req, "ConditionalOperator"), "ConditionalOperator", has_filter, "FilterExpression");
  if (!legacy.empty()) return ops::legacy_mix_error(legacy, modern);
  return Status::OK();
}

// Query's KeyConditionExpression, or its legacy KeyConditions; one of them is required.
Result<std::optional<expr::Condition>> key_condition(const Json& req, const std::optional<std::string>& kce,
                                                     expr::Context& ctx) {
  std::optional<expr::Condition> key_cond;
  if (kce) {
    expr::Condition c;
    DDB_ASSIGN(c, expr::parse_condition(*kce, "KeyConditionExpression", ctx));
    key_cond = std::move(c);
  } else if (const Json* key_conditions = member(req, "KeyConditions")) {
    DDB_ASSIGN(key_cond, ops::legacy_conditions(*key_conditions, nullptr, "keyConditions", false));
  }
  if (!key_cond)
    return err::validation(msg::kEitherKeyconditionsOrKeyconditionexpressionParameterMustSpecified);
  return key_cond;
}

// Select, defaulted from the projection and the target, and checked against them.
Status choose_select(const Json& req, const std::optional<std::string>& select, ReadRequest& r) {
  if (select && *select == "SPECIFIC_ATTRIBUTES" && !r.projection)
    return err::validation(msg::kSpecificAttributesNeedAttributes);
  r.select = select.value_or(r.projection     ? "SPECIFIC_ATTRIBUTES"
                             : r.target.index ? "ALL_PROJECTED_ATTRIBUTES"
                                              : "ALL_ATTRIBUTES");
  if (select && *select != "SPECIFIC_ATTRIBUTES" && r.projection) {
    if (member(req, "AttributesToGet"))
      return err::validation(msg::text(msg::kCannotSpecifyAttributestogetWhenChoosingGet, *select));
    return err::validation(msg::text(msg::kCannotSpecifyProjectionexpressionWhenChoosingGet, *select));
  }
  if (select && *select == "ALL_PROJECTED_ATTRIBUTES" && !r.target.index)
    return err::validation(msg::kAllProjectedAttributesCanUsedOnlyWhen);
  if (r.select == "ALL_ATTRIBUTES" && r.target.index && r.target.index->global &&
      r.target.index->projection != "ALL")
    return err::validation(
        msg::text(msg::kInvalidSelectTypeAllAttributesNotSupportedFor, r.target.index->name));
  return Status::OK();
}

Result<ReadRequest> parse_read(Database& db, const Json& req, bool is_query, expr::Context*& ctx_out,
                               std::unique_ptr<expr::Context>& ctx_holder, ExprParams& ep,
                               std::optional<expr::Condition>& key_cond) {
  ReadRequest r;
  DDB_ASSIGN(r.rcc, ops::return_consumed(req));
  std::optional<std::string> select, index_name, filter_text, kce;
  DDB_ASSIGN(select, get_string(req, "Select"));
  DDB_ASSIGN(index_name, get_string(req, "IndexName"));
  DDB_ASSIGN(filter_text, get_string(req, "FilterExpression"));
  DDB_ASSIGN(r.limit, get_int(req, "Limit"));
  std::optional<bool> consistent, forward;
  DDB_ASSIGN(consistent, get_bool(req, "ConsistentRead"));
  DDB_ASSIGN(forward, get_bool(req, "ScanIndexForward"));
  r.consistent = consistent.value_or(false);
  r.forward = forward.value_or(true);
  Violations v;
  check_enum(v, select, "select",
             {"SPECIFIC_ATTRIBUTES", "COUNT", "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES"});
  if (r.limit && *r.limit < 1)
    v.constraint("\'" + std::to_string(*r.limit) + "\'", "limit", msg::min_value(1));
  if (index_name && (index_name->size() < 3 || index_name->size() > 255))
    v.constraint("'" + *index_name + "'", "indexName",
                 index_name->size() < 3 ? msg::min_length(3) : msg::max_length(255));
  Segments seg;
  if (!is_query) {
    DDB_ASSIGN(seg, collect_segments(req, v));
  }
  DDB_TRY(v.status());
  if (!is_query) DDB_TRY(apply_segments(seg, r));
  if (is_query) {
    DDB_ASSIGN(kce, get_string(req, "KeyConditionExpression"));
  }
  DDB_TRY(check_legacy_mix(req, is_query, kce.has_value(), filter_text.has_value()));

  DDB_ASSIGN(r.table, ops::table_for_request(db, req));
  const TableDef& def = r.table->def;
  DDB_ASSIGN(r.target, target_for(def, index_name));
  if (r.target.index && r.target.index->global && r.consistent)
    return err::validation(msg::kConsistentReadsNotSupportedOnGlobalSecondary);

  DDB_TRY(check_expression_params(req, kce || filter_text || member(req, "ProjectionExpression"), ep));
  ctx_holder = std::make_unique<expr::Context>(ep.names, ep.values ? &*ep.values : nullptr);
  expr::Context& ctx = *ctx_holder;
  ctx_out = &ctx;
  if (is_query) {
    DDB_ASSIGN(key_cond, key_condition(req, kce, ctx));
  }
  if (filter_text) {
    expr::Condition c;
    DDB_ASSIGN(c, expr::parse_condition(*filter_text, "FilterExpression", ctx));
    r.filter = std::move(c);
  } else if (const Json* legacy = member(req, is_query ? "QueryFilter" : "ScanFilter")) {
    DDB_ASSIGN(r.filter, ops::legacy_conditions(*legacy, member(req, "ConditionalOperator"),
                                                is_query ? "queryFilter" : "scanFilter", false));
  }
  DDB_ASSIGN(r.projection, read_projection(req, ctx));
  DDB_TRY(ctx.check_unused());
  DDB_TRY(choose_select(req, select, r));
  if (auto* esk = member(req, "ExclusiveStartKey")) {
    Item k;
    DDB_ASSIGN(k, item_from_json(*esk));
    DDB_TRY(check_start_key(def, r.target, k));
    r.start_key = std::move(k);
  }
  return r;
}

uint32_t segment_hash(std::string_view encoded_hash_key) {
  uint32_t h = 2166136261u;  // FNV-1a over the encoded partition key
  for (unsigned char c : encoded_hash_key) {
    h ^= c;
    h *= 16777619u;
  }
  return h;
}

struct PageCounts {
  size_t count = 0, scanned = 0, bytes = 0;
  double fetched_units = 0;
};

// The end of a Query or Scan answer: counts, LastEvaluatedKey (from the storage form of the last item
// read, when the page stopped early) and consumed capacity.
void write_page_end(JsonOut& o, const ReadRequest& r, const PageCounts& n, const std::string& last_raw) {
  const TableDef& def = r.table->def;
  const Target& t = r.target;
  Capacity cap;
  cap.table = ops::read_units(n.bytes, r.consistent);
  if (t.index) {
    (t.index->global ? cap.gsi : cap.lsi)[t.index->name] = cap.table;
    cap.table = n.fetched_units;
  }
  o.key("Count");
  o.w.Uint64(n.count);
  o.key("ScannedCount");
  o.w.Uint64(n.scanned);
  Item last;
  if (!last_raw.empty() && decode_item(last_raw, last)) {
    o.key("LastEvaluatedKey");
    write_item(o.w, t.index ? ops::index_key_of(def, *t.index, last) : ops::key_of(def, last));
  }
  ops::write_capacity(o, r.rcc, def.name, cap);
  o.w.EndObject();
}

// The top-level attributes a condition reads.
void condition_names(const expr::Condition& c, std::set<std::string>& out) {
  std::function<void(const expr::Operand&)> operand = [&](const expr::Operand& o) {
    if (!o.path.elems.empty()) out.insert(o.path.elems[0].name);
    for (const auto& a : o.args) operand(a);
  };
  for (const auto& o : c.operands) operand(o);
  for (const auto& ch : c.children) condition_names(ch, out);
}

// Whether an LSI holds an attribute of its table's items (its projection, its keys and the table's).
bool lsi_holds(const TableDef& def, const IndexDef& idx, const std::string& n) {
  return idx.projection == "ALL" || def.key.contains(n) || idx.key.contains(n) ||
         std::find(idx.non_key.begin(), idx.non_key.end(), n) != idx.non_key.end();
}

// The filter's attributes an LSI does not hold, "[a, b]" (empty when it holds them all or is no LSI).
std::string unprojected_filter_attributes(const TableDef& def, const ReadRequest& r) {
  const IndexDef* idx = r.target.index;
  if (!idx || idx->global || !r.filter) return {};
  std::set<std::string> names;
  condition_names(*r.filter, names);
  std::string out;
  for (const auto& n : names)
    if (!lsi_holds(def, *idx, n)) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? out : "[" + out + "]";
}

// Whether a read of an LSI takes its items from the table: it wants attributes the index does not hold
// (all of them, or some its projection or, for a Scan, its filter names), which DynamoDB fetches.
bool reads_beyond_lsi(const TableDef& def, const ReadRequest& r) {
  const IndexDef* idx = r.target.index;
  if (!idx || idx->global || idx->projection == "ALL") return false;
  if (r.select == "ALL_ATTRIBUTES") return true;
  if (r.projection)
    for (const auto& p : *r.projection)
      if (!p.elems.empty() && !lsi_holds(def, *idx, p.elems[0].name)) return true;
  return !unprojected_filter_attributes(def, r).empty();
}

// An LSI entry replaced by its item from the table. A Query reads the entry and then, charged to the
// table, the item (DynamoDB Local 3.3.1's accounting); a Scan of the index counts the item's bytes to it.
void fetch_from_table(Database& db, const ReadRequest& r, Item& item, size_t& bytes, double& fetched_units) {
  size_t entry_bytes = item_size(item);
  auto base = ops::load_item(db, ops::item_key(r.table->def, item));
  if (base) item = std::move(*base);
  if (r.is_query) {
    bytes += entry_bytes;
    fetched_units += ops::read_units(item_size(item), r.consistent);
  } else {
    bytes += item_size(item);
  }
}

// One item of the answer: projected by the request, or by the index when only the filter needed the item.
void write_read_item(JsonOut& o, const ReadRequest& r, const Item& item, bool fetched) {
  if (r.projection)
    write_item(o.w, expr::project(item, *r.projection));
  else if (fetched && r.select != "ALL_ATTRIBUTES")
    write_item(o.w, ops::project_for_index(r.table->def, *r.target.index, item));
  else
    write_item(o.w, item);
}

Result<std::string> run_read(Database& db, ReadRequest& r, std::string start, std::string end) {
  const TableDef& def = r.table->def;
  const Target& t = r.target;
  if (r.start_key) {
    std::string k =
        t.index ? *ops::index_entry_key(def, *t.index, *r.start_key) : ops::item_key(def, *r.start_key);
    if (r.forward) {
      if (k + '\0' > start) start = k + '\0';
    } else if (k < end || end.empty())
      end = k;
  }
  size_t limit = r.limit ? static_cast<size_t>(*r.limit) : SIZE_MAX;
  size_t scanned = 0, bytes = 0, count = 0;
  double fetched_units = 0;  // the table's read units of items a Query fetched for an LSI
  std::string last_raw;      // storage form of the last item of a page that stops early (LastEvaluatedKey)
  bool stopped = false;
  auto page_full = [&] { return scanned >= limit || bytes >= kPageBytes; };  // the page ends here
  bool fetch_base = reads_beyond_lsi(def, r);
  // Without filter, projection or segments, items go from their stored bytes straight to JSON.
  bool raw = !r.filter && !r.projection && !fetch_base && r.total_segments == 1;
  bool write_items = r.select != "COUNT";
  JsonOut o;
  o.w.StartObject();
  if (write_items) {
    o.key("Items");
    o.w.StartArray();
  }
  if (start < end || end.empty()) {
    DDB_TRY(db.store().scan(start, end, !r.forward, [&](std::string_view, std::string_view val) {
      if (page_full()) {
        stopped = true;
        return false;
      }
      if (raw) {
        ++scanned;
        ++count;
        size_t size = 0;
        if (write_items)
          write_encoded_item(o.w, val, &size);  // sized in the same walk
        else
          size = encoded_item_size(val);
        bytes += size;
        if (page_full()) last_raw.assign(val);  // the page's last item (LastEvaluatedKey)
        return true;
      }
      Item item;
      if (!decode_item(val, item)) return true;
      if (r.total_segments > 1) {
        std::string hk;
        encode_key_part(hk, item.find(def.key.hash)->second);
        if (static_cast<int>(segment_hash(hk) % r.total_segments) != r.segment) return true;
      }
      ++scanned;
      if (fetch_base)
        fetch_from_table(db, r, item, bytes, fetched_units);
      else
        bytes += item_size(item);
      if (page_full()) last_raw.assign(val);  // the page's last item (LastEvaluatedKey)
      if (r.filter && !expr::evaluate(*r.filter, item)) return true;
      ++count;
      if (write_items) write_read_item(o, r, item, fetch_base);
      return true;
    }));
  }
  if (write_items) o.w.EndArray();
  // A page that ended on the limit or the size cap carries LastEvaluatedKey even if nothing follows
  // (DynamoDB does not look ahead).
  bool more = stopped || (scanned >= limit && scanned > 0) || bytes >= kPageBytes;
  write_page_end(o, r, PageCounts{count, scanned, bytes, fetched_units}, more ? last_raw : std::string());
  return o.take();
}

}  // namespace

Result<Target> target_for(const TableDef& def, const std::optional<std::string>& index_name) {
  Target t;
  if (!index_name) {
    t.key = def.key;
    t.prefix = keys::items_prefix(def.id);
    return t;
  }
  for (auto& i : def.indexes) {
    if (i.name == *index_name) {
      t.index = &i;
      t.key = i.key;
      t.prefix = keys::index_prefix(def.id, i.id);
      return t;
    }
  }
  return err::validation(msg::text(msg::kTableDoesNotHaveSpecifiedIndex, *index_name));
}

std::pair<std::string, std::string> bounds(const Target& t, const KeyRange& r) {
  std::string p = t.prefix;
  for (const auto& v : r.eq) encode_key_part(p, v);
  auto with = [&](const Value& v) {
    std::string k = p;
    encode_key_part(k, v);
    return k;
  };
  if (r.op.empty()) return {p, keys::prefix_end(p)};
  if (r.op == "=") {
    auto k = with(r.a);
    return {k, keys::prefix_end(k)};
  }
  if (r.op == "<") return {p, with(r.a)};
  if (r.op == "<=") return {p, keys::prefix_end(with(r.a))};
  if (r.op == ">") return {keys::prefix_end(with(r.a)), keys::prefix_end(p)};
  if (r.op == ">=") return {with(r.a), keys::prefix_end(p)};
  if (r.op == "BETWEEN") return {with(r.a), keys::prefix_end(with(r.b))};
  std::string k = p;  // begins_with
  encode_key_prefix(k, r.a);
  return {k, keys::prefix_end(k)};
}

Status check_start_key(const TableDef& def, const Target& t, const Item& esk) {
  auto bad = [&] {
    return err::validation(t.key.multi() ? msg::kProvidedStartingKeyInvalid
                                         : msg::kProvidedStartingKeyInvalidProvidedKeyElement);
  };
  std::set<std::string> names;
  for (const auto* k : {&def.key, &t.key}) {
    for (const auto& a : k->attrs()) {
      auto it = esk.find(a.name);
      if (it == esk.end() || it->second.type != a.type) return bad();
      names.insert(a.name);
    }
  }
  if (esk.size() != names.size()) return bad();
  return Status::OK();
}

Result<std::string> ops::query(Database& db, const Json& req) {
  expr::Context* ctx = nullptr;
  std::unique_ptr<expr::Context> holder;
  ExprParams ep;
  std::optional<expr::Condition> key_cond;
  ReadRequest r;
  DDB_ASSIGN(r, parse_read(db, req, true, ctx, holder, ep, key_cond));
  KeyRange range;
  DDB_ASSIGN(range, analyze_key_condition(*key_cond, r.target.key));
  if (r.filter) {
    std::function<Status(const expr::Condition&)> check = [&](const expr::Condition& c) -> Status {
      for (auto& ch : c.children) DDB_TRY(check(ch));
      for (auto& o : c.operands) {
        if ((o.kind != expr::Operand::kPath && o.kind != expr::Operand::kSize) || o.path.elems.empty())
          continue;
        const std::string& n = o.path.elems[0].name;
        if (r.target.key.contains(n))
          return err::validation(msg::text(msg::kFilterExpressionCanOnlyContainNonPrimary, n));
      }
      return Status::OK();
    };
    DDB_TRY(check(*r.filter));
    std::string missing = unprojected_filter_attributes(r.table->def, r);
    if (!missing.empty())
      return err::validation(
          msg::text(msg::kIndexDoesNotProjectFilterAttributes, r.target.index->name, missing));
  }
  r.is_query = true;
  auto [start, end] = bounds(r.target, range);
  if (r.start_key) {
    auto it = r.start_key->find(r.target.key.hash);
    if (!values_equal(it->second, range.eq[0]))
      return err::validation(msg::kProvidedStartingKeyOutsideQueryBoundariesBased);
    // In the partition, but not where the sort-key condition reads (DynamoDB Local 3.3.1's text).
    const TableDef& def = r.table->def;
    std::string k = r.target.index ? *ops::index_entry_key(def, *r.target.index, *r.start_key)
                                   : ops::item_key(def, *r.start_key);
    if (k < start || (!end.empty() && k >= end))
      return err::validation(msg::kProvidedStartingKeyDoesNotMatchRangeKeyPredicate);
  }
  return run_read(db, r, start, end);
}

Result<std::string> ops::scan(Database& db, const Json& req) {
  expr::Context* ctx = nullptr;
  std::unique_ptr<expr::Context> holder;
  ExprParams ep;
  std::optional<expr::Condition> none;
  ReadRequest r;
  DDB_ASSIGN(r, parse_read(db, req, false, ctx, holder, ep, none));
  if (member(req, "ScanIndexForward")) r.forward = true;
  if (r.start_key && r.total_segments > 1) {
    // An item belongs to the segment its table partition key hashes to (as in run_read).
    std::string hk;
    encode_key_part(hk, r.start_key->find(r.table->def.key.hash)->second);
    if (static_cast<int>(segment_hash(hk) % r.total_segments) != r.segment)
      return err::validation(msg::kExclusiveStartKeyOutsideSegment);
  }
  return run_read(db, r, r.target.prefix, keys::prefix_end(r.target.prefix));
}

}  // namespace ddb

// SearchVectors: the items of a vector index most similar to a query vector (vector/store.h does the
// search). Validate the request, find the index, turn SearchConditionExpression into equality matches
// of search-schema attributes, search, then read each result's item and project it.
#include <fmt/format.h>

#include "engine/ops.h"
#include "engine/request.h"
#include "engine/vector_index.h"
#include "util/messages.h"
#include "vector/store.h"

namespace ddb {

namespace {

constexpr long long kMaxTopK = 100;

struct Search {
  std::shared_ptr<Table> table;
  const VectorIndexDef* index = nullptr;
  std::vector<float> vector;
  size_t top_k = 0;
  vec::Match match;
  std::optional<std::vector<expr::Path>> projection;
  std::string rcc;
};

Result<std::vector<float>> search_vector(const Json& sv) {
  if (!sv.IsArray()) return err::serialization(msg::kUnexpectedValueTypeInPayload);
  if (sv.Empty()) return err::validation(msg::kVecSearchVectorEmpty);
  std::vector<float> out;
  out.reserve(sv.Size());
  for (const auto& e : sv.GetArray()) {
    Value v;
    DDB_ASSIGN(v, value_from_json(e));
    std::optional<float> f = v.type == VType::N ? vectors::to_f32(v.s) : std::nullopt;
    if (!f) return err::validation(msg::kVecSearchElement);
    out.push_back(*f);
  }
  return out;
}

// The AND-ed equalities of a SearchConditionExpression, as matches of the index's search schema.
Status condition_matches(const expr::Condition& c, const VectorIndexDef& x, vec::Match& m) {
  if (c.kind == expr::Condition::kAnd) {
    for (const auto& ch : c.children) DDB_TRY(condition_matches(ch, x, m));
    return Status::OK();
  }
  if (c.kind != expr::Condition::kCompare || c.op != "=") return err::validation(msg::kVecInvalidComparator);
  const expr::Operand* path = nullptr;
  const expr::Operand* value = nullptr;
  for (const auto& o : c.operands) {
    if (o.kind == expr::Operand::kPath && !path)
      path = &o;
    else if (o.kind == expr::Operand::kValue && !value)
      value = &o;
  }
  if (!path || !value || path->path.elems.size() != 1 || path->path.elems[0].is_index)
    return err::validation(msg::kVecInvalidComparator);
  const std::string& name = path->path.elems[0].name;
  for (size_t i = 0; i < x.search.size(); ++i) {
    if (x.search[i].name != name) continue;
    for (const auto& [pos, v] : m)
      if (pos == i) return err::validation(msg::text(msg::kVecConditionTwice, name));
    std::string enc;
    encode_value(enc, value->value);
    m.emplace_back(i, std::move(enc));
    return Status::OK();
  }
  return err::validation(msg::text(msg::kVecConditionAttribute, name));
}

Result<Search> parse(Database& db, const Json& req) {
  Search s;
  std::optional<std::string> table, index, cond;
  std::optional<long long> top_k;
  DDB_ASSIGN(table, get_string(req, "TableName"));
  DDB_ASSIGN(index, get_string(req, "IndexName"));
  DDB_ASSIGN(top_k, get_int(req, "TopK"));
  DDB_ASSIGN(cond, get_string(req, "SearchConditionExpression"));
  const Json* sv = member(req, "SearchVector");
  Violations v;
  check_table_name(v, table);
  if (!index) v.null_member("indexName");
  if (!sv) v.null_member("searchVector");
  if (!top_k)
    v.null_member("topK");
  else if (*top_k < 1)
    v.constraint(fmt::format("'{}'", *top_k), "topK", msg::min_value(1));
  DDB_TRY(v.status());
  if (*top_k > kMaxTopK)
    return err::validation(msg::text(msg::kVecTopKRange, std::to_string(*top_k), std::to_string(kMaxTopK)));
  s.top_k = static_cast<size_t>(*top_k);
  DDB_ASSIGN(s.rcc, ops::return_consumed(req));
  DDB_ASSIGN(s.vector, search_vector(*sv));
  ExprParams ep;
  DDB_TRY(check_expression_params(req, cond || member(req, "ProjectionExpression"), ep));
  expr::Context ctx(ep.names, ep.values ? &*ep.values : nullptr);
  std::optional<expr::Condition> condition;
  if (cond) {
    DDB_ASSIGN(condition, expr::parse_condition(*cond, "SearchConditionExpression", ctx));
  }
  DDB_ASSIGN(s.projection, read_projection(req, ctx));
  DDB_TRY(ctx.check_unused());

  DDB_ASSIGN(s.table, ops::table_for_request(db, req));
  s.index = vectors::find(s.table->def, *index);
  if (!s.index) return err::validation(msg::text(msg::kVecNotAVectorIndex, *index));
  const VectorIndexDef& x = *s.index;
  if (s.vector.size() != static_cast<size_t>(x.dims))
    return err::validation(
        msg::text(msg::kVecSearchDimensions, std::to_string(s.vector.size()), std::to_string(x.dims)));
  if (condition) DDB_TRY(condition_matches(*condition, x, s.match));
  for (size_t i = 0; i < x.search.size(); ++i) {
    if (!x.search[i].hash) continue;
    bool named = false;
    for (const auto& [pos, val] : s.match) named = named || pos == i;
    if (!named) return err::validation(msg::kVecHashRequired);
  }
  return s;
}

// The attributes of an item the index holds (its Projection): the table's key and the search schema's
// attributes, with the non-key ones of INCLUDE, or everything for ALL.
Item projected(const TableDef& d, const VectorIndexDef& x, Item item) {
  if (x.projection == "ALL") return item;
  Item out;
  auto keep = [&](const std::string& n) {
    auto it = item.find(n);
    if (it != item.end()) out.insert_or_assign(n, it->second);
  };
  for (const auto& a : d.key.attrs()) keep(a.name);
  for (const auto& a : x.search) keep(a.name);
  for (const auto& n : x.non_key) keep(n);
  return out;
}

}  // namespace

Result<std::string> ops::search_vectors(Database& db, const Json& req) {
  Search s;
  DDB_ASSIGN(s, parse(db, req));
  const VectorIndexDef& x = *s.index;
  if (x.status == "CREATING") {  // only while -delayTransientStatuses lasts: searches rarely take the lock
    MutexLock tl(s.table->state->mu);  // the transient status changes under the table's lock
    if (view_of(*s.table).indexes_creating) return err::validation(msg::text(msg::kVecBackfilling, x.name));
  }
  auto store = s.table->state->vectors(x.id);
  if (!store) return err::validation(msg::text(msg::kVecNotAVectorIndex, x.name));  // deleted meanwhile
  std::vector<vec::Hit> hits = store->search(s.vector.data(), s.top_k, s.match);

  JsonOut o;
  o.w.StartObject();
  o.key("SearchResults");
  o.w.StartArray();
  size_t returned = 0;
  for (const auto& h : hits) {
    auto item = load_item(db, h.key);
    if (!item) continue;  // deleted since the search
    Item shown = projected(s.table->def, x, std::move(*item));
    if (s.projection) shown = expr::project(shown, *s.projection);
    returned += item_size(shown);
    o.w.StartObject();
    o.key("Item");
    write_item(o.w, shown);
    o.key("Score");
    std::string score = fmt::format("{}", h.score);  // the f32 score's shortest decimal form
    o.w.RawValue(score.data(), score.size(), rapidjson::kNumberType);
    o.w.EndObject();
  }
  o.w.EndArray();
  if (s.rcc != "NONE") {
    // The service meters the vector data a search examines and returns (it is not reproducible between
    // identical calls); ours: TopK vectors examined plus the bytes returned (docs/compatibility.md).
    o.key("ConsumedCapacity");
    o.w.StartObject();
    o.key("VectorSearchRequestBytes");
    o.w.Double(static_cast<double>(s.top_k * static_cast<size_t>(x.dims) * sizeof(float) + returned));
    o.w.EndObject();
  }
  o.w.EndObject();
  return o.take();
}

}  // namespace ddb

// Vector index definitions: CreateTable's VectorIndexes, UpdateTable's VectorIndexUpdates, the
// description and the catalog form (vector_index.h). The members and their constraints are the API
// reference's (VectorIndex, CreateVectorIndexAction, SearchSchemaElement, VectorAttributeDefinition).
#include <fmt/format.h>

#include "engine/table_parse.h"
#include "engine/vector_index.h"
#include "util/messages.h"

namespace ddb::vectors {

namespace {

Status parse_search_schema(const Json* ss, const std::string& p, VectorIndexDef& x, Violations& v) {
  if (!ss) return Status::OK();
  if (!ss->IsArray()) return err::serialization(msg::kUnexpectedValueTypeInPayload);
  int i = 0;
  for (const auto& e : ss->GetArray()) {
    std::string ep = fmt::format("{}.searchSchema.{}.member", p, ++i);
    std::optional<std::string> name, type;
    DDB_ASSIGN(name, get_string(e, "AttributeName"));
    DDB_ASSIGN(type, get_string(e, "SearchSchemaElementType"));
    if (!name) v.null_member(ep + ".attributeName");
    if (!type) v.null_member(ep + ".searchSchemaElementType");
    check_enum(v, type, ep + ".searchSchemaElementType", {"HASH", "INLINE_FILTER"});
    if (name && type) x.search.push_back(SearchAttr{*name, VType::S, *type == "HASH"});
  }
  return Status::OK();
}

// One VectorIndex (or CreateVectorIndexAction) at member path `p`.
Result<VectorIndexDef> parse_one(const Json& e, const std::string& p, Violations& v) {
  VectorIndexDef x;
  std::optional<std::string> name, distance, attr;
  std::optional<long long> dims;
  DDB_ASSIGN(name, get_string(e, "IndexName"));
  DDB_ASSIGN(distance, get_string(e, "DistanceFunction"));
  DDB_ASSIGN(dims, get_int(e, "Dimensions"));
  const Json* va;
  DDB_ASSIGN(va, get_object(e, "VectorAttribute"));
  if (va) {
    DDB_ASSIGN(attr, get_string(*va, "AttributeName"));
  }
  if (!name)
    v.null_member(p + ".indexName");
  else
    tables::check_index_name(v, *name, p + ".indexName");
  if (!dims)
    v.null_member(p + ".dimensions");
  else if (*dims < 1)
    v.constraint(std::to_string(*dims), p + ".dimensions",
                 "Member must have value greater than or equal to 1");
  if (!distance) v.null_member(p + ".distanceFunction");
  check_enum(v, distance, p + ".distanceFunction", {"COSINE", "DOT_PRODUCT", "EUCLIDEAN"});
  if (!va) v.null_member(p + ".vectorAttribute");
  if (va && !attr) v.null_member(p + ".vectorAttribute.attributeName");
  if (attr && (attr->empty() || attr->size() > 255))
    v.constraint("'" + *attr + "'", p + ".vectorAttribute.attributeName",
                 attr->empty() ? "Member must have length greater than or equal to 1"
                               : "Member must have length less than or equal to 255");
  const Json* ss;
  DDB_ASSIGN(ss, get_array(e, "SearchSchema"));
  DDB_TRY(parse_search_schema(ss, p, x, v));
  IndexDef proj;
  DDB_TRY(tables::parse_projection(member(e, "Projection"), p, proj, v));
  DDB_TRY(v.status());
  DDB_TRY(tables::check_projection_semantics(proj, member(e, "Projection")));
  x.name = *name;
  x.dims = *dims;
  x.distance = *distance;
  x.attribute = *attr;
  x.projection = proj.projection;
  x.non_key = std::move(proj.non_key);
  return x;
}

bool is_key_attribute(const TableDef& d, const std::string& a) {
  if (d.key.contains(a)) return true;
  for (const auto& i : d.indexes)
    if (i.key.contains(a)) return true;
  return false;
}

// Checks of a definition against its table (billing mode, attributes, limits), CreateTable and UpdateTable.
Status check_against_table(const TableDef& d, const VectorIndexDef& x) {
  if (d.billing_mode != "PAY_PER_REQUEST") return err::validation(msg::kVecOnDemandOnly);
  if (x.dims > kMaxDimensions)
    return err::validation(msg::text(msg::kVecDimensionsRange, std::to_string(kMaxDimensions)));
  if (is_key_attribute(d, x.attribute))
    return err::validation(msg::text(msg::kVecAttributeIsKey, x.attribute, x.name));
  if (x.search.size() > kMaxSearchSchema)
    return err::validation(msg::text(msg::kVecSchemaTooBig, x.name, std::to_string(kMaxSearchSchema)));
  size_t hashes = 0;
  std::set<std::string> seen;
  for (const auto& s : x.search) {
    hashes += s.hash ? 1 : 0;
    if (!seen.insert(s.name).second)
      return err::validation(msg::text(msg::kVecSchemaDuplicate, x.name, s.name));
    if (s.name == x.attribute) return err::validation(msg::text(msg::kVecSchemaIsVector, x.name, s.name));
    bool defined = false;
    for (const auto& [n, t] : d.attrs) defined = defined || n == s.name;
    if (!defined) return err::validation(msg::kVecSchemaNotDefined);
  }
  if (hashes > 1) return err::validation(msg::text(msg::kVecSchemaHashCount, x.name));
  for (const auto& other : d.vector_indexes)
    if (other.name != x.name && other.attribute == x.attribute && other.dims != x.dims)
      return err::validation(msg::text(msg::kVecSameAttributeDimensions, x.attribute));
  return Status::OK();
}

// The search schema's types, from the attribute definitions (checked to be there).
void resolve_types(const TableDef& d, VectorIndexDef& x) {
  for (auto& s : x.search)
    for (const auto& [n, t] : d.attrs)
      if (n == s.name) s.type = t;
}
}  // namespace

Status parse_create(const Json& req, TableDef& d, Violations& v, std::set<std::string>& names,
                    std::set<std::string>& used) {
  const Json* arr;
  DDB_ASSIGN(arr, get_array(req, "VectorIndexes"));
  if (!arr) return Status::OK();
  if (arr->Size() == 0) return err::validation(msg::text(msg::kInvalidListEmpty, "VectorIndexes"));
  if (arr->Size() > kMaxPerTable)
    return err::validation(msg::text(msg::kVecTooMany, std::to_string(kMaxPerTable)));
  int i = 0;
  for (const auto& e : arr->GetArray()) {
    VectorIndexDef x;
    DDB_ASSIGN(x, parse_one(e, fmt::format("vectorIndexes.{}.member", ++i), v));
    if (!names.insert(x.name).second)
      return err::validation(msg::text(msg::kInvalidDuplicateIndexName, x.name));
    DDB_TRY(check_against_table(d, x));
    resolve_types(d, x);
    for (const auto& s : x.search) used.insert(s.name);
    x.id = d.next_index_id++;
    d.vector_indexes.push_back(std::move(x));
  }
  return Status::OK();
}

Result<Changes> plan_updates(const Json& updates, TableDef& d, bool delayed) {
  if (updates.Size() > 1) return err::validation(msg::kVecUpdatesOne);
  Changes c;
  Violations v;
  for (const auto& u : updates.GetArray()) {
    const Json *create, *del;
    DDB_ASSIGN(create, get_object(u, "Create"));
    DDB_ASSIGN(del, get_object(u, "Delete"));
    if (del) {
      std::optional<std::string> name;
      DDB_ASSIGN(name, get_string(*del, "IndexName"));
      if (!name) return Violations::only_null("vectorIndexUpdates.1.member.delete.indexName");
      const VectorIndexDef* x = find(d, *name);
      if (!x) return err::not_found(msg::text(msg::kVecIndexNotFound, *name));
      c.dropped.push_back(x->id);
      d.vector_indexes.erase(d.vector_indexes.begin() + (x - d.vector_indexes.data()));
    } else if (create) {
      VectorIndexDef x;
      DDB_ASSIGN(x, parse_one(*create, "vectorIndexUpdates.1.member.create", v));
      if (find(d, x.name)) return err::validation(msg::text(msg::kVecIndexExists, x.name));
      for (const auto& i : d.indexes)
        if (i.name == x.name) return err::validation(msg::text(msg::kVecIndexExists, x.name));
      if (d.vector_indexes.size() >= kMaxPerTable)
        return err::validation(msg::text(msg::kVecTooMany, std::to_string(kMaxPerTable)));
      DDB_TRY(check_against_table(d, x));
      resolve_types(d, x);
      x.id = d.next_index_id++;
      x.added_later = true;
      x.status = delayed ? "CREATING" : "ACTIVE";
      d.vector_indexes.push_back(x);
      c.created.push_back(std::move(x));
    } else {
      return err::validation(msg::kUpdateTableNothingToDo);
    }
  }
  return c;
}

const VectorIndexDef* find(const TableDef& d, std::string_view name) {
  for (const auto& x : d.vector_indexes)
    if (x.name == name) return &x;
  return nullptr;
}

namespace {
// The VectorIndex members shared by the description and the catalog.
void write_members(JsonOut& o, const VectorIndexDef& x) {
  o.kv("IndexName", x.name);
  if (!x.search.empty()) {
    o.key("SearchSchema");
    o.w.StartArray();
    for (const auto& s : x.search) {
      o.w.StartObject();
      o.kv("AttributeName", s.name);
      o.kv("SearchSchemaElementType", s.hash ? "HASH" : "INLINE_FILTER");
      o.w.EndObject();
    }
    o.w.EndArray();
  }
  ops::write_projection(o, x.projection, x.non_key);
  o.key("VectorAttribute");
  o.w.StartObject();
  o.kv("AttributeName", x.attribute);
  o.w.EndObject();
  o.key("Dimensions");
  o.w.Int64(x.dims);
  o.kv("DistanceFunction", x.distance);
}
}  // namespace

void write_description(Database& db, JsonOut& o, const TableDef& d, bool creating,
                       const std::map<uint32_t, size_t>& counts) {
  if (d.vector_indexes.empty()) return;
  o.key("VectorIndexes");
  o.w.StartArray();
  for (const auto& x : d.vector_indexes) {
    o.w.StartObject();
    write_members(o, x);
    bool building = creating && x.status == "CREATING";
    o.kv("IndexStatus", building ? "CREATING" : "ACTIVE");
    if (x.added_later) {
      o.key("Backfilling");
      o.w.Bool(building);
    }
    // IndexSizeBytes and ItemCount: the service updates them about every six hours; ours are current.
    auto it = counts.find(x.id);
    size_t count = it == counts.end() ? 0 : it->second;
    o.key("IndexSizeBytes");
    o.w.Int64(static_cast<long long>(count * static_cast<size_t>(x.dims) * 4));
    o.key("ItemCount");
    o.w.Int64(static_cast<long long>(count));
    o.kv("IndexArn", ops::table_arn(db, d.name) + "/index/" + x.name);
    o.w.EndObject();
  }
  o.w.EndArray();
}

void write_catalog(JsonOut& o, const std::vector<VectorIndexDef>& xs) {
  o.key("vector_indexes");
  o.w.StartArray();
  for (const auto& x : xs) {
    o.w.StartObject();
    write_members(o, x);
    o.key("Id");
    o.w.Uint(x.id);
    o.key("AddedLater");
    o.w.Bool(x.added_later);
    o.key("SearchTypes");
    o.w.StartArray();
    for (const auto& s : x.search) o.w.Int(static_cast<int>(s.type));
    o.w.EndArray();
    o.w.EndObject();
  }
  o.w.EndArray();
}

bool read_catalog(const Json& arr, std::vector<VectorIndexDef>& out) {
  if (!arr.IsArray()) return false;
  for (const auto& e : arr.GetArray()) {
    Violations v;
    auto x = parse_one(e, "catalog", v);
    const Json* id = member(e, "Id");
    const Json* later = member(e, "AddedLater");
    const Json* types = member(e, "SearchTypes");
    if (!x.ok() || !id || !id->IsUint() || !later || !later->IsBool() || !types || !types->IsArray() ||
        types->Size() != x.value().search.size())
      return false;
    VectorIndexDef d = std::move(x).value();
    d.id = id->GetUint();
    d.added_later = later->GetBool();
    for (size_t i = 0; i < d.search.size(); ++i) {
      const Json& t = (*types)[static_cast<rapidjson::SizeType>(i)];
      if (!t.IsInt() || t.GetInt() < 0 || t.GetInt() > static_cast<int>(VType::NUL)) return false;
      d.search[i].type = static_cast<VType>(t.GetInt());
    }
    out.push_back(std::move(d));
  }
  return true;
}

}  // namespace ddb::vectors

// The catalog's persisted form: table definitions as internal JSON (docs/storage-format.md).
// Reading is fully checked: a definition that does not have the expected shape is an error that
// stops the database from opening, never undefined behaviour.
#include "engine/ops.h"
#include "engine/vector_index.h"
#include "util/messages.h"

namespace ddb {

namespace {
void write_key_def(JsonOut& o, const char* name, const KeyDef& k) {
  o.key(name);
  o.w.StartObject();
  o.kv("h", k.hash);
  o.key("ht");
  o.w.Int(static_cast<int>(k.hash_type));
  o.kv("r", k.range);
  o.key("rt");
  o.w.Int(static_cast<int>(k.range_type));
  // A multi-attribute GSI key's further attributes: [[name, type], ...] (absent when none).
  for (const auto& [member_name, group] : {std::pair{"mh", &k.more_hash}, std::pair{"mr", &k.more_range}}) {
    if (group->empty()) continue;
    o.key(member_name);
    o.w.StartArray();
    for (const auto& a : *group) {
      o.w.StartArray();
      o.str(a.name);
      o.w.Int(static_cast<int>(a.type));
      o.w.EndArray();
    }
    o.w.EndArray();
  }
  o.w.EndObject();
}

// OnDemandThroughput / WarmThroughput: "od" and "warm", each [read, write] (absent when not set).
void write_limits(JsonOut& o, const ThroughputSettings& s) {
  for (const auto& [member_name, pair] : {std::pair{"od", &s.on_demand}, std::pair{"warm", &s.warm}}) {
    if (!*pair) continue;
    o.key(member_name);
    o.w.StartArray();
    o.w.Int64((*pair)->first);
    o.w.Int64((*pair)->second);
    o.w.EndArray();
  }
}

void write_index_def(JsonOut& o, const IndexDef& i) {
  o.w.StartObject();
  o.kv("name", i.name);
  o.key("global");
  o.w.Bool(i.global);
  o.key("id");
  o.w.Uint(i.id);
  write_key_def(o, "key", i.key);
  o.kv("projection", i.projection);
  o.key("non_key");
  o.w.StartArray();
  for (const auto& n : i.non_key) o.str(n);
  o.w.EndArray();
  o.key("rcu");
  o.w.Int64(i.rcu);
  o.key("wcu");
  o.w.Int64(i.wcu);
  write_limits(o, i.limits);
  o.w.EndObject();
}
}  // namespace

std::string ops::def_to_json(const TableDef& d) {
  JsonOut o;
  o.w.StartObject();
  o.key("id");
  o.w.Uint(d.id);
  o.kv("name", d.name);
  o.kv("uuid", d.uuid);
  write_key_def(o, "key", d.key);
  o.key("attrs");
  o.w.StartArray();
  for (const auto& [n, t] : d.attrs) {
    o.w.StartArray();
    o.str(n);
    o.w.Int(static_cast<int>(t));
    o.w.EndArray();
  }
  o.w.EndArray();
  o.key("indexes");
  o.w.StartArray();
  for (const auto& i : d.indexes) write_index_def(o, i);
  o.w.EndArray();
  o.kv("billing", d.billing_mode);
  o.key("rcu");
  o.w.Int64(d.rcu);
  o.key("wcu");
  o.w.Int64(d.wcu);
  o.key("created");
  o.w.Double(d.created);
  o.key("billing_changed");
  o.w.Double(d.billing_changed);
  o.key("stream");
  o.w.Bool(d.stream_enabled);
  o.kv("stream_view", d.stream_view_type);
  o.kv("stream_label", d.stream_label);
  if (d.stream_first_seq) {
    o.key("stream_first");
    o.w.Uint64(d.stream_first_seq);
  }
  if (!d.past_streams.empty()) {  // [[label, view, first, last, replaced], ...]
    o.key("past_streams");
    o.w.StartArray();
    for (const auto& ps : d.past_streams) {
      o.w.StartArray();
      o.str(ps.label);
      o.str(ps.view_type);
      o.w.Uint64(ps.first_seq);
      o.w.Uint64(ps.last_seq);
      o.w.Double(ps.replaced);
      o.w.EndArray();
    }
    o.w.EndArray();
  }
  o.kv("class", d.table_class);
  o.key("class_set");
  o.w.Bool(d.table_class_set);
  o.key("deletion_protection");
  o.w.Bool(d.deletion_protection);
  o.key("sse");
  o.w.Bool(d.sse_enabled);
  o.kv("sse_type", d.sse_type);
  o.key("tags");
  o.w.StartArray();
  for (auto& [k, v] : d.tags) {
    o.w.StartArray();
    o.str(k);
    o.str(v);
    o.w.EndArray();
  }
  o.w.EndArray();
  o.kv("ttl_attr", d.ttl_attribute);
  o.key("ttl");
  o.w.Bool(d.ttl_enabled);
  write_limits(o, d.limits);
  if (!d.vector_indexes.empty()) vectors::write_catalog(o, d.vector_indexes);
  o.key("next_index_id");
  o.w.Uint(d.next_index_id);
  o.w.EndObject();
  return o.take();
}

namespace {
// Reads members of one JSON object, remembering the first one that is missing or mistyped.
struct Reader {
  const Json& j;
  bool& bad;
  const Json* get(const char* n) const {
    if (!j.IsObject()) {
      bad = true;
      return nullptr;
    }
    auto it = j.FindMember(n);
    if (it == j.MemberEnd()) {
      bad = true;
      return nullptr;
    }
    return &it->value;
  }
  std::string str(const char* n) const {
    auto* v = get(n);
    if (!v || !v->IsString()) {
      bad = true;
      return {};
    }
    return std::string(sv(*v));
  }
  long long i64(const char* n) const {
    auto* v = get(n);
    if (!v || !v->IsInt64()) {
      bad = true;
      return 0;
    }
    return v->GetInt64();
  }
  uint32_t u32(const char* n) const {
    auto* v = get(n);
    if (!v || !v->IsUint()) {
      bad = true;
      return 0;
    }
    return v->GetUint();
  }
  double num(const char* n) const {
    auto* v = get(n);
    if (!v || !v->IsNumber()) {
      bad = true;
      return 0;
    }
    return v->GetDouble();
  }
  bool flag(const char* n) const {
    auto* v = get(n);
    if (!v || !v->IsBool()) {
      bad = true;
      return false;
    }
    return v->GetBool();
  }
  const Json& arr(const char* n) const {
    static const Json empty(rapidjson::kArrayType);
    auto* v = get(n);
    if (!v || !v->IsArray()) {
      bad = true;
      return empty;
    }
    return *v;
  }
  VType type(const char* n) const {
    long long t = i64(n);
    if (t < 0 || t > static_cast<int>(VType::NUL)) {
      bad = true;
      return VType::S;
    }
    return static_cast<VType>(t);
  }
};

bool is_pair(const Json& a) {
  return a.IsArray() && a.Size() == 2 && a[0].IsString();
}

// [name, type] of an attribute definition or a multi-attribute key's further attribute.
std::optional<KeyAttr> read_typed_name(const Json& a) {
  if (!is_pair(a) || !a[1].IsInt() || a[1].GetInt() < 0 || a[1].GetInt() > static_cast<int>(VType::NUL))
    return std::nullopt;
  return KeyAttr{std::string(sv(a[0])), static_cast<VType>(a[1].GetInt())};
}

// The optional "od" / "warm" members of a table or index definition.
bool read_limits(const Json& j, ThroughputSettings& s) {
  for (const auto& [member_name, pair] : {std::pair{"od", &s.on_demand}, std::pair{"warm", &s.warm}}) {
    const Json* m = j.IsObject() ? member(j, member_name) : nullptr;
    if (!m) continue;
    if (!m->IsArray() || m->Size() != 2 || !(*m)[0].IsInt64() || !(*m)[1].IsInt64()) return false;
    *pair = std::pair<long long, long long>{(*m)[0].GetInt64(), (*m)[1].GetInt64()};
  }
  return true;
}

// The optional "stream_first" and "past_streams" members.
bool read_streams(const Json& j, TableDef& d) {
  if (const Json* f = member(j, "stream_first")) {
    if (!f->IsUint64()) return false;
    d.stream_first_seq = f->GetUint64();
  }
  const Json* past = member(j, "past_streams");
  if (!past) return true;
  if (!past->IsArray()) return false;
  for (const auto& e : past->GetArray()) {
    if (!e.IsArray() || e.Size() != 5 || !e[0].IsString() || !e[1].IsString() || !e[2].IsUint64() ||
        !e[3].IsUint64() || !e[4].IsNumber())
      return false;
    d.past_streams.push_back(TableDef::PastStream{std::string(sv(e[0])), std::string(sv(e[1])),
                                                  e[2].GetUint64(), e[3].GetUint64(), e[4].GetDouble()});
  }
  return true;
}

// A key schema: the first attribute of each kind under h/r, the others under mh/mr (optional).
KeyDef read_key(const Json& j, bool& bad) {
  Reader r{j, bad};
  KeyDef k;
  k.hash = r.str("h");
  k.hash_type = r.type("ht");
  k.range = r.str("r");
  k.range_type = r.type("rt");
  for (const auto& [member_name, group] : {std::pair{"mh", &k.more_hash}, std::pair{"mr", &k.more_range}}) {
    const Json* m = j.IsObject() ? member(j, member_name) : nullptr;  // optional
    if (!m) continue;
    if (!m->IsArray()) {
      bad = true;
      break;
    }
    for (auto& a : m->GetArray()) {
      auto attr = read_typed_name(a);
      if (!attr) {
        bad = true;
        break;
      }
      group->push_back(std::move(*attr));
    }
  }
  return k;
}

// One index definition. REQUIRES: i is an object with a "key".
IndexDef read_index(const Json& i, bool& bad) {
  Reader ir{i, bad};
  IndexDef x;
  x.name = ir.str("name");
  x.global = ir.flag("global");
  x.id = ir.u32("id");
  x.key = read_key(*ir.get("key"), bad);
  x.projection = ir.str("projection");
  for (auto& n : ir.arr("non_key").GetArray()) {
    if (!n.IsString()) {
      bad = true;
      break;
    }
    x.non_key.emplace_back(sv(n));
  }
  x.rcu = ir.i64("rcu");
  x.wcu = ir.i64("wcu");
  if (!read_limits(i, x.limits)) bad = true;
  return x;
}
}  // namespace

Result<TableDef> ops::def_from_json(std::string_view s) {
  rapidjson::Document doc;
  doc.Parse<kRequestParseFlags>(s.data(), s.size());
  if (doc.HasParseError() || !doc.IsObject()) return err::internal(msg::kCorruptTableDefinition);
  bool bad = false;
  Reader r{doc, bad};
  TableDef d;
  d.id = r.u32("id");
  d.name = r.str("name");
  d.uuid = r.str("uuid");
  const Json* k = r.get("key");
  if (k) d.key = read_key(*k, bad);
  for (auto& a : r.arr("attrs").GetArray()) {
    auto attr = read_typed_name(a);
    if (!attr) {
      bad = true;
      break;
    }
    d.attrs.emplace_back(std::move(attr->name), attr->type);
  }
  for (auto& i : r.arr("indexes").GetArray()) {
    if (!i.IsObject() || !member(i, "key")) {
      bad = true;
      break;
    }
    d.indexes.push_back(read_index(i, bad));
  }
  if (!read_limits(doc, d.limits)) bad = true;
  d.billing_mode = r.str("billing");
  d.rcu = r.i64("rcu");
  d.wcu = r.i64("wcu");
  d.created = r.num("created");
  d.billing_changed = r.num("billing_changed");
  d.stream_enabled = r.flag("stream");
  d.stream_view_type = r.str("stream_view");
  d.stream_label = r.str("stream_label");
  if (!read_streams(doc, d)) bad = true;
  d.table_class = r.str("class");
  d.table_class_set = r.flag("class_set");
  d.deletion_protection = r.flag("deletion_protection");
  d.sse_enabled = r.flag("sse");
  d.sse_type = r.str("sse_type");
  for (auto& t : r.arr("tags").GetArray()) {
    if (!is_pair(t) || !t[1].IsString()) {
      bad = true;
      break;
    }
    d.tags.emplace_back(std::string(sv(t[0])), std::string(sv(t[1])));
  }
  d.ttl_attribute = r.str("ttl_attr");
  d.ttl_enabled = r.flag("ttl");
  d.next_index_id = r.u32("next_index_id");
  if (const Json* vi = member(doc, "vector_indexes"); vi && !vectors::read_catalog(*vi, d.vector_indexes))
    bad = true;
  if (bad || d.name.empty()) return err::internal(msg::kCorruptTableDefinition);
  return d;
}

Status ops::persist_def(Database& db, const TableDef& def) {
  WriteBatch b;
  b.put(keys::catalog(def.name), def_to_json(def));
  return db.store().write(b);
}

Status ops::upgrade_format(Database& db, const std::vector<TableDef>& defs) {
  // Format 1 (no "\0V" key) put index entries under one byte, the index id (1..255), after the
  // table prefix; format 2 under kIndex + be32(index id). Rebuild every index from the items, which
  // both formats store alike, and record the version in the same batch: a crash midway leaves the
  // database in format 1, upgraded again at the next open.
  WriteBatch b;
  for (auto& d : defs) {
    std::string table = keys::table_data_prefix(d.id);
    std::string first_index = table + static_cast<char>(1);
    DDB_TRY(db.store().scan(first_index, keys::prefix_end(table), false,
                            [&](std::string_view k, std::string_view) {
                              b.del(std::string(k));
                              return true;
                            }));
    for (auto& idx : d.indexes) {
      std::pair<long long, long long> stats{0, 0};
      DDB_TRY(backfill(db, d, idx, b, stats));
    }
  }
  b.put(keys::format_version(), std::to_string(keys::kFormatVersion));
  return db.store().write(b);
}

}  // namespace ddb

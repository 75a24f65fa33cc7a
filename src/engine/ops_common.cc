// Shared pieces of all operations: storage keys, key validation, index maintenance, stream
// record staging, capacity arithmetic (conditions of writes and legacy conditions: conditions.cc).
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "engine/ops.h"
#include "engine/vector_index.h"
#include "types/keycodec.h"
#include "util/codec.h"
#include "util/messages.h"
#include "util/random.h"

namespace ddb {

double now_epoch() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count() / 1e6;
}

std::string make_uuid() {
  return random_uuid();
}

namespace keys {
std::string catalog(const std::string& table) {
  return std::string("\0T", 2) + table;
}
std::string table_data_prefix(uint32_t table_id) {
  std::string k(1, kData);
  put_u32be(k, table_id);
  return k;
}
std::string items_prefix(uint32_t table_id) {
  return table_data_prefix(table_id) + kItems;
}
std::string index_prefix(uint32_t table_id, uint32_t index_id) {
  std::string k = table_data_prefix(table_id) + kIndex;
  put_u32be(k, index_id);
  return k;
}
std::string format_version() {
  return std::string("\0V", 2);
}
std::string saved_counts() {
  return std::string("\0C", 2);
}
std::string stream_prefix(uint32_t table_id) {
  std::string k(1, kStream);
  put_u32be(k, table_id);
  return k;
}
std::string prefix_end(std::string p) {
  while (!p.empty()) {
    auto c = static_cast<uint8_t>(p.back());
    if (c != 0xff) {
      p.back() = static_cast<char>(c + 1);
      return p;
    }
    p.pop_back();
  }
  return p;  // empty: no upper bound
}
}  // namespace keys

void Capacity::add(const Capacity& o) {
  table += o.table;
  for (auto& [k, v] : o.gsi) gsi[k] += v;
  for (auto& [k, v] : o.lsi) lsi[k] += v;
  for (auto& [k, v] : o.vector_bytes) vector_bytes[k] += v;
}
double Capacity::total() const {
  double t = table;
  for (auto& [k, v] : gsi) t += v;
  for (auto& [k, v] : lsi) t += v;
  return t;
}

double ops::write_units(size_t bytes) {
  return std::max(1.0, std::ceil(bytes / 1024.0));
}
double ops::read_units(size_t bytes, bool consistent) {
  double u = std::max(1.0, std::ceil(bytes / 4096.0));
  return consistent ? u : u / 2;
}

Result<std::string> ops::return_consumed(const Json& req) {
  std::optional<std::string> v;
  DDB_ASSIGN(v, get_string(req, "ReturnConsumedCapacity"));
  Violations vi;
  check_enum(vi, v, "returnConsumedCapacity", {"INDEXES", "TOTAL", "NONE"});
  DDB_TRY(vi.status());
  return v.value_or("NONE");
}

namespace {
// "<member>":{"<index>":{"<unit>":n}, ...}, when any index was charged.
void write_units_by_index(JsonOut& o, const char* member, const char* unit,
                          const std::map<std::string, double>& m) {
  if (m.empty()) return;
  o.key(member);
  o.w.StartObject();
  for (const auto& [k, v] : m) {
    o.key(k);
    o.w.StartObject();
    o.key(unit);
    o.w.Double(v);
    o.w.EndObject();
  }
  o.w.EndObject();
}
}  // namespace

void ops::write_capacity_object(JsonOut& o, const std::string& mode, const std::string& table,
                                const Capacity& c) {
  o.w.StartObject();
  o.kv("TableName", table);
  o.key("CapacityUnits");
  o.w.Double(c.total());
  if (mode == "INDEXES") {
    o.key("Table");
    o.w.StartObject();
    o.key("CapacityUnits");
    o.w.Double(c.table);
    o.w.EndObject();
    write_units_by_index(o, "GlobalSecondaryIndexes", "CapacityUnits", c.gsi);
    write_units_by_index(o, "LocalSecondaryIndexes", "CapacityUnits", c.lsi);
    write_units_by_index(o, "VectorIndexes", "VectorWriteRequestBytes", c.vector_bytes);
  }
  o.w.EndObject();
}

void ops::write_capacity(JsonOut& o, const std::string& mode, const std::string& table, const Capacity& c) {
  if (mode == "NONE") return;
  o.key("ConsumedCapacity");
  write_capacity_object(o, mode, table, c);
}

// ---- catalog ----
std::shared_ptr<Table> ops::find_table(Database& db, std::string_view name) {
  // The table's ARN names it too: arn:aws:dynamodb:<region>:<account>:table/<name>, of this database.
  if (name.substr(0, 4) == "arn:") {  // built only for ARNs: every request looks its table up here
    std::string prefix = table_arn(db, "");
    if (name.substr(0, prefix.size()) != prefix) return nullptr;
    name.remove_prefix(prefix.size());
  }
  return db.find_table(name);
}

Result<std::shared_ptr<Table>> ops::table_for_request(Database& db, const Json& req, const char* member) {
  std::optional<std::string> name;
  DDB_ASSIGN(name, get_string(req, member));
  Violations v;
  std::string path(member);
  path[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(path[0])));
  check_table_name(v, name, path);
  DDB_TRY(v.status());
  auto t = find_table(db, *name);
  if (!t) return err::not_found();
  return t;
}

std::string ops::table_arn(Database& db, const std::string& name) {
  return "arn:aws:dynamodb:" + db.options().region + ":" + db.options().account_id + ":table/" + name;
}

// ---- keys ----
namespace {
Error key_mismatch() {
  return err::validation(msg::kProvidedKeyElementDoesNotMatchSchema);
}
}  // namespace

Status ops::check_key(const TableDef& def, const Item& key) {
  size_t want = def.key.has_range() ? 2 : 1;
  auto h = key.find(def.key.hash);
  if (key.size() != want || h == key.end() || h->second.type != def.key.hash_type) return key_mismatch();
  if (def.key.has_range()) {
    auto r = key.find(def.key.range);
    if (r == key.end() || r->second.type != def.key.range_type) return key_mismatch();
  }
  for (auto& [name, v] : key) {
    if ((v.type == VType::S || v.type == VType::B) && v.s.empty())
      return err::validation(msg::text(msg::kKeyAttributeValueEmpty,
                                       std::string(v.type == VType::S ? "string" : "binary"), name));
  }
  if (h->second.s.size() > kMaxHashKeyBytes)
    return err::validation(msg::kInvalidSizeHashkeyHasExceededMaximumSizeLimit);
  if (def.key.has_range() && key.find(def.key.range)->second.s.size() > kMaxRangeKeyBytes)
    return err::validation(msg::kInvalidAggregatedSizeAllRangeKeysHasExceeded);
  return Status::OK();
}

Status ops::check_item_key(const TableDef& def, const Item& item) {
  auto check = [&](const std::string& name, VType type) -> Status {
    auto it = item.find(name);
    if (it == item.end()) return err::validation(msg::text(msg::kInvalidMissingKeyInItem, name));
    if (it->second.type != type)
      return err::validation(msg::text(msg::kInvalidTypeMismatchForKeyExpectedActual, name, vtype_name(type),
                                       vtype_name(it->second.type)));
    return Status::OK();
  };
  DDB_TRY(check(def.key.hash, def.key.hash_type));
  if (def.key.has_range()) DDB_TRY(check(def.key.range, def.key.range_type));
  return check_key(def, key_of(def, item));
}

namespace {
// A multi-attribute index key's group (its HASH or its RANGE attributes): each present value within
// the single-attribute limit and all of them within the aggregate limit (DynamoDB Local 3.3.1's texts).
Status check_key_group(const IndexDef& idx, const Item& item, const std::vector<KeyAttr>& group, bool hash) {
  size_t limit = hash ? ops::kMaxHashKeyBytes : ops::kMaxRangeKeyBytes, total = 0;
  std::string names;
  for (const auto& a : group) {
    names += (names.empty() ? "" : ", ") + a.name;
    auto it = item.find(a.name);
    if (it == item.end()) continue;
    size_t n = value_size(it->second);
    if (n > limit) return err::validation(msg::kInvalidSizeLimitExceeded);
    total += n;
  }
  if (total > limit)
    return err::validation(msg::text(msg::kAggregateSizeForKeyAttributesOfIndexExceeded,
                                     hash ? "HASH" : "RANGE", names, idx.name, std::to_string(limit),
                                     std::to_string(total)));
  return Status::OK();
}
}  // namespace

namespace {
// One attribute of an index key in an item: its declared type, a non-empty string or binary, and (for a
// single-attribute key) the key size limits.
Status check_index_key_value(const IndexDef& idx, const std::string& name, VType type, bool is_hash,
                             const Value& v) {
  if (v.type != type)
    return err::validation(msg::text(msg::kInvalidTypeMismatchForIndexKeyExpectedActual, name,
                                     vtype_name(type), vtype_name(v.type), idx.name));
  if (!idx.key.multi() && is_hash && v.s.size() > ops::kMaxHashKeyBytes)
    return err::validation(msg::kInvalidSizeHashkeyHasExceededMaximumSizeLimit);
  if (!idx.key.multi() && !is_hash && v.s.size() > ops::kMaxRangeKeyBytes)
    return err::validation(msg::kInvalidAggregatedSizeAllRangeKeysHasExceeded);
  if ((type == VType::S || type == VType::B) && v.s.empty())
    return err::validation(
        msg::text(msg::kIndexKeyValueEmpty, type == VType::S ? "string" : "binary", idx.name, name));
  return Status::OK();
}
}  // namespace

Status ops::check_index_keys(const TableDef& def, const Item& item) {
  for (auto& idx : def.indexes) {
    Status st;
    idx.key.for_each_attr([&](const std::string& name, VType type, bool is_hash) {
      auto it = item.find(name);
      if (st.ok() && it != item.end()) st = check_index_key_value(idx, name, type, is_hash, it->second);
    });
    DDB_TRY(std::move(st));
    if (idx.key.multi()) {
      DDB_TRY(check_key_group(idx, item, idx.key.hash_attrs(), true));
      DDB_TRY(check_key_group(idx, item, idx.key.range_attrs(), false));
    }
  }
  return vectors::check_item(def, item);
}

bool ops::fits_index(const IndexDef& idx, const Item& item) {
  size_t sums[2] = {0, 0};
  bool fits = true;
  idx.key.for_each_attr([&](const std::string& name, VType, bool is_hash) {
    auto it = item.find(name);
    if (!fits || it == item.end()) return;
    const Value& v = it->second;
    if ((v.type == VType::S || v.type == VType::B) && v.s.empty()) fits = false;
    size_t limit = is_hash ? kMaxHashKeyBytes : kMaxRangeKeyBytes;
    size_t n = idx.key.multi() ? value_size(v) : v.s.size();
    if (n > limit || (sums[is_hash ? 0 : 1] += n) > limit) fits = false;
  });
  return fits;
}

std::string ops::item_key(const TableDef& def, const Item& item) {
  std::string k = keys::items_prefix(def.id);
  encode_key_part(k, item.find(def.key.hash)->second);
  if (def.key.has_range()) encode_key_part(k, item.find(def.key.range)->second);
  return k;
}

Item ops::key_of(const TableDef& def, const Item& item) {
  Item k;
  auto h = item.find(def.key.hash);
  if (h != item.end()) k.insert(*h);
  if (def.key.has_range()) {
    auto r = item.find(def.key.range);
    if (r != item.end()) k.insert(*r);
  }
  return k;
}

Item ops::index_key_of(const TableDef& def, const IndexDef& idx, const Item& item) {
  Item k = key_of(def, item);
  for (const auto& a : idx.key.attrs()) {
    auto it = item.find(a.name);
    if (it != item.end()) k.insert_or_assign(it->first, it->second);
  }
  return k;
}

// An index entry's storage key: the index's key values (all partition-key attributes, then all
// sort-key attributes, each self-delimiting) and then the table's key. None when the item lacks an
// index key attribute or has one of another type: the index is sparse.
std::optional<std::string> ops::index_entry_key(const TableDef& def, const IndexDef& idx, const Item& item) {
  std::string k = keys::index_prefix(def.id, idx.id);
  for (const auto& a : idx.key.attrs()) {
    auto it = item.find(a.name);
    if (it == item.end() || it->second.type != a.type) return std::nullopt;
    encode_key_part(k, it->second);
  }
  encode_key_part(k, item.find(def.key.hash)->second);
  if (def.key.has_range()) encode_key_part(k, item.find(def.key.range)->second);
  return k;
}

Item ops::project_for_index(const TableDef& def, const IndexDef& idx, const Item& item) {
  if (idx.projection == "ALL") return item;
  Item out = index_key_of(def, idx, item);
  if (idx.projection == "INCLUDE") {
    for (auto& n : idx.non_key) {
      auto it = item.find(n);
      if (it != item.end()) out.insert_or_assign(it->first, it->second);
    }
  }
  return out;
}

std::optional<Item> ops::load_item(Database& db, const std::string& key) {
  std::string raw;
  if (!db.store().get(key, &raw)) return std::nullopt;
  Item item;
  if (!decode_item(raw, item)) return std::nullopt;
  return item;
}

// ---- writes ----
namespace {
void write_stream_record(Database& db, const TableDef& def, const Item* old_item, const Item* new_item,
                         uint64_t seq, bool ttl_delete, std::string& out) {
  JsonOut o;
  o.w.StartObject();
  std::string event_id = make_uuid();
  event_id.erase(std::remove(event_id.begin(), event_id.end(), '-'), event_id.end());
  o.kv("eventID", event_id);
  o.kv("eventName", !old_item ? "INSERT" : !new_item ? "REMOVE" : "MODIFY");
  o.kv("eventVersion", "1.1");
  o.kv("eventSource", "aws:dynamodb");
  o.kv("awsRegion", db.options().region);
  o.key("dynamodb");
  o.w.StartObject();
  o.key("ApproximateCreationDateTime");
  o.w.Int64(static_cast<int64_t>(now_epoch()));
  const Item& any = new_item ? *new_item : *old_item;
  Item key = ops::key_of(def, any);
  o.key("Keys");
  write_item(o.w, key);
  const std::string& vt = def.stream_view_type;
  size_t size = item_size(key);
  if (new_item && (vt == "NEW_IMAGE" || vt == "NEW_AND_OLD_IMAGES")) {
    o.key("NewImage");
    write_item(o.w, *new_item);
    size += item_size(*new_item);
  }
  if (old_item && (vt == "OLD_IMAGE" || vt == "NEW_AND_OLD_IMAGES")) {
    o.key("OldImage");
    write_item(o.w, *old_item);
    size += item_size(*old_item);
  }
  o.kv("SequenceNumber", fmt::format("{:021d}", seq));
  o.key("SizeBytes");
  o.w.Uint64(size);
  o.kv("StreamViewType", vt);
  o.w.EndObject();
  if (ttl_delete) {
    o.key("userIdentity");
    o.w.StartObject();
    o.kv("PrincipalId", "dynamodb.amazonaws.com");
    o.kv("Type", "Service");
    o.w.EndObject();
  }
  o.w.EndObject();
  out = o.take();
}
}  // namespace

void ops::stage_write(Database& db, const std::shared_ptr<Table>& t, const std::string& key,
                      const Item* old_item, const Item* new_item, Staged& st, Capacity* cap,
                      bool ttl_delete) {
  const TableDef& def = t->def;
  size_t old_size = old_item ? item_size(*old_item) : 0;
  size_t new_size = new_item ? item_size(*new_item) : 0;
  if (cap) cap->table += write_units(std::max(old_size, new_size));
  if (!old_item && !new_item) return;  // deleting a missing item changes nothing
  if (old_item && new_item && items_equal(*old_item, *new_item)) {
    return;  // an identical overwrite writes nothing and emits no stream record
  }
  Staged::Delta d;
  d.table = t;
  if (new_item) {
    std::string enc;
    encode_item(enc, *new_item);
    st.batch.put(key, std::move(enc));
  } else {
    st.batch.del(key);
  }
  d.count = (new_item ? 1 : 0) - (old_item ? 1 : 0);
  d.bytes = static_cast<long long>(new_size) - static_cast<long long>(old_size);
  for (auto& idx : def.indexes) {
    auto ok = old_item ? index_entry_key(def, idx, *old_item) : std::nullopt;
    auto nk = new_item ? index_entry_key(def, idx, *new_item) : std::nullopt;
    if (!ok && !nk) continue;
    auto& [ic, ib] = d.idx[idx.name];
    double units = 0;
    if (ok && (!nk || *ok != *nk)) {
      st.batch.del(*ok);
      auto p = project_for_index(def, idx, *old_item);
      ic -= 1;
      ib -= static_cast<long long>(item_size(p));
      units += write_units(item_size(p));
    }
    if (nk) {
      auto p = project_for_index(def, idx, *new_item);
      size_t ps = item_size(p);
      if (ok && *ok == *nk) {
        ib += static_cast<long long>(ps) -
              static_cast<long long>(item_size(project_for_index(def, idx, *old_item)));
      } else {
        ic += 1;
        ib += static_cast<long long>(ps);
      }
      std::string enc;
      encode_item(enc, p);
      st.batch.put(*nk, std::move(enc));
      units += write_units(ps);
    }
    if (cap) (idx.global ? cap->gsi : cap->lsi)[idx.name] += units;
  }
  if (!def.vector_indexes.empty()) vectors::stage(*t, key, old_item, new_item, st, cap);
  if (def.stream_enabled) {
    uint64_t seq = db.allocate_stream_sequence();
    std::string k = keys::stream_prefix(def.id);
    put_u64be(k, seq);
    std::string rec;
    write_stream_record(db, def, old_item, new_item, seq, ttl_delete, rec);
    st.batch.put(std::move(k), std::move(rec));
    d.stream_seq = seq;
  }
  st.deltas.push_back(std::move(d));
}

ops::TableLocks::TableLocks(const std::vector<std::shared_ptr<Table>>& tables) {
  std::vector<std::pair<uint32_t, std::shared_ptr<TableState>>> order;
  order.reserve(tables.size());
  for (const auto& t : tables) order.emplace_back(t->def.id, t->state);
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [id, state] : order) {
    if (!held_.empty() && held_.back() == state) continue;
    state->mu.lock();
    held_.push_back(std::move(state));
  }
}

ops::TableLocks::~TableLocks() {
  for (auto it = held_.rbegin(); it != held_.rend(); ++it) (*it)->mu.unlock();
}

Status ops::commit(Database& db, Staged& st) {
  if (!st.batch.empty()) DDB_TRY(db.store().write(st.batch));
  for (auto& f : st.after) f();
  for (auto& d : st.deltas) {
    d.table->state->item_count += d.count;
    d.table->state->size_bytes += d.bytes;
    for (auto& [name, cb] : d.idx) {
      auto& s = d.table->state->index_stats[name];
      s.first += cb.first;
      s.second += cb.second;
    }
    // Only now, with the items readable, may a stream reader see the record (the table's writes are
    // serialized, so its sequence numbers only grow).
    if (d.stream_seq) d.table->state->stream_visible = d.stream_seq;
  }
  return Status::OK();
}

// ---- request pieces ----
Result<std::optional<Item>> ops::attribute_values(const Json& req) {
  auto* m = member(req, "ExpressionAttributeValues");
  if (!m) return std::optional<Item>();
  if (!m->IsObject()) return err::serialization(msg::kUnexpectedValueTypeInPayload);
  if (m->MemberCount() == 0) return err::validation(msg::kExpressionattributevaluesMustNotEmpty);
  for (auto it = m->MemberBegin(); it != m->MemberEnd(); ++it) {
    std::string_view k(it->name.GetString(), it->name.GetStringLength());
    if (k.empty() || k[0] != ':')
      return err::validation(
          msg::text(msg::kExpressionattributevaluesContainsInvalidKeySyntaxErrorKey, std::string(k)));
  }
  Item values;
  for (auto it = m->MemberBegin(); it != m->MemberEnd(); ++it) {
    std::string k(it->name.GetString(), it->name.GetStringLength());
    auto v = value_from_json(it->value);
    if (!v.ok()) {
      Error e = v.take_error();
      // The service names the value: "ExpressionAttributeValues contains invalid value: <why> for key :v".
      if (e.name() == "ValidationException")
        e.message = msg::text(msg::kExpressionAttributeValuesInvalidValue, e.message, k);
      return e;
    }
    values.insert_or_assign(std::move(k), std::move(v).value());
  }
  return std::optional<Item>(std::move(values));
}

}  // namespace ddb

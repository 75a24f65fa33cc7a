// The vectors of items (vector_index.h): write-time validation, the entries of a vector index (persisted
// beside the item in the same batch, and in the index's in-memory store), and opening and backfilling.
//
// An entry is persisted under index_prefix(table, index) + the item key's encoded parts, as
//   varint(number of search-schema attributes), per attribute: 0 (absent) or 1 + varint(len) + the value's
//   storage form; then the vector as little-endian 32-bit floats.
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "engine/vector_index.h"
#include "util/codec.h"
#include "util/messages.h"
#include "vector/store.h"

namespace ddb {

std::shared_ptr<vec::Store> TableState::vectors(uint32_t index_id) const {
  MutexLock l(vectors_mu_);
  auto it = vectors_.find(index_id);
  return it == vectors_.end() ? nullptr : it->second;
}

void TableState::set_vectors(uint32_t index_id, std::shared_ptr<vec::Store> s) {
  MutexLock l(vectors_mu_);
  if (s)
    vectors_[index_id] = std::move(s);
  else
    vectors_.erase(index_id);
}

namespace vectors {

std::optional<float> to_f32(const std::string& canonical) {
  errno = 0;
  float f = std::strtof(canonical.c_str(), nullptr);
  if (std::isinf(f) || (errno == ERANGE && std::fabs(f) > 1.0F)) return std::nullopt;
  return f;
}

namespace {
// The index's entry for an item (nullopt: the item has no vector for it).
struct Entry {
  std::vector<float> v;
  std::vector<std::optional<std::string>> attrs;  // encoded search-schema values, in schema order
};
std::optional<Entry> entry_of(const VectorIndexDef& x, const Item& item);

Status check_vector(const VectorIndexDef& x, const Value& v) {
  if (v.type != VType::L) return err::validation(msg::text(msg::kVecWrongType, x.attribute, x.name));
  for (size_t i = 0; i < v.list.size(); ++i) {
    const Value& e = v.list[i];
    if (e.type != VType::N)
      return err::validation(
          msg::text(msg::kVecElementType, x.attribute, std::to_string(i), vtype_name(e.type), x.name));
    if (!to_f32(e.s))
      return err::validation(msg::text(msg::kVecElementRange, x.attribute, std::to_string(i), x.name));
  }
  if (static_cast<long long>(v.list.size()) != x.dims)
    return err::validation(msg::text(msg::kVecWrongDimensions, x.attribute, std::to_string(x.dims),
                                     std::to_string(v.list.size()), x.name));
  return Status::OK();
}

std::string entry_key(const TableDef& d, const VectorIndexDef& x, const std::string& item_key) {
  return keys::index_prefix(d.id, x.id) + item_key.substr(keys::items_prefix(d.id).size());
}

std::string encode_entry(const Entry& e) {
  std::string out;
  put_varint(out, e.attrs.size());
  for (const auto& a : e.attrs) {
    out.push_back(a ? '\1' : '\0');
    if (!a) continue;
    put_varint(out, a->size());
    out += *a;
  }
  size_t at = out.size();
  out.resize(at + e.v.size() * sizeof(float));
  std::memcpy(out.data() + at, e.v.data(),
              e.v.size() * sizeof(float));  // little-endian on every target we build
  return out;
}

bool decode_entry(std::string_view in, size_t dims, Entry& e) {
  uint64_t n = 0;
  if (!get_varint(in, n) || n > kMaxSearchSchema) return false;
  for (uint64_t i = 0; i < n; ++i) {
    if (in.empty()) return false;
    bool present = in.front() == '\1';
    in.remove_prefix(1);
    if (!present) {
      e.attrs.emplace_back();
      continue;
    }
    uint64_t len = 0;
    if (!get_varint(in, len) || len > in.size()) return false;
    e.attrs.emplace_back(std::string(in.substr(0, len)));
    in.remove_prefix(len);
  }
  if (in.size() != dims * sizeof(float)) return false;
  e.v.resize(dims);
  std::memcpy(e.v.data(), in.data(), in.size());
  return true;
}
}  // namespace

Status check_item(const TableDef& d, const Item& item) {
  for (const auto& x : d.vector_indexes) {
    auto it = item.find(x.attribute);
    if (it != item.end()) DDB_TRY(check_vector(x, it->second));
    for (const auto& s : x.search) {
      auto a = item.find(s.name);
      if (a == item.end()) continue;
      if (a->second.type != s.type)
        return err::validation(msg::text(msg::kInvalidTypeMismatchForIndexKeyExpectedActual, s.name,
                                         vtype_name(s.type), vtype_name(a->second.type), x.name));
      // The HASH element partitions the index: it is a key, and a key is never empty.
      if (s.hash && a->second.s.empty() && (s.type == VType::S || s.type == VType::B))
        return err::validation(
            msg::text(msg::kIndexKeyValueEmpty, s.type == VType::S ? "string" : "binary", x.name, s.name));
    }
  }
  return Status::OK();
}

namespace {
std::optional<Entry> entry_of(const VectorIndexDef& x, const Item& item) {
  auto it = item.find(x.attribute);
  if (it == item.end() || !check_vector(x, it->second).ok()) return std::nullopt;
  Entry e;
  e.v.reserve(it->second.list.size());
  for (const auto& n : it->second.list) e.v.push_back(*to_f32(n.s));
  for (const auto& s : x.search) {
    auto a = item.find(s.name);
    if (a == item.end() || a->second.type != s.type) {
      if (s.hash) return std::nullopt;  // an item without the index's partition key is not indexed
      e.attrs.emplace_back();
      continue;
    }
    std::string enc;
    encode_value(enc, a->second);
    e.attrs.emplace_back(std::move(enc));
  }
  return e;
}
}  // namespace

std::shared_ptr<vec::Store> new_store(const VectorIndexDef& x, size_t exact_limit) {
  return std::make_shared<vec::Store>(static_cast<size_t>(x.dims), *vec::distance_from_name(x.distance),
                                      exact_limit);
}

namespace {
// Whether a write leaves an index's entry as it was: the same vector and search-schema values, compared as
// values, so a write that does not touch them converts no vector.
bool same_entry(const VectorIndexDef& x, const Item* a, const Item* b) {
  if (!a || !b) return false;
  auto same = [&](const std::string& n) {
    auto i = a->find(n), j = b->find(n);
    if (i == a->end() || j == b->end()) return (i == a->end()) == (j == b->end());
    return values_equal(i->second, j->second);
  };
  if (!same(x.attribute)) return false;
  for (const auto& s : x.search)
    if (!same(s.name)) return false;
  return true;
}
}  // namespace

void stage(const Table& t, const std::string& key, const Item* old_item, const Item* new_item,
           ops::Staged& st, Capacity* cap) {
  for (const auto& x : t.def.vector_indexes) {
    if (same_entry(x, old_item, new_item)) continue;
    auto ne = new_item ? entry_of(x, *new_item) : std::nullopt;
    if (!ne && !(old_item && entry_of(x, *old_item))) continue;  // in the index neither before nor after
    auto store = t.state->vectors(x.id);
    // The bytes replicated to the index: the item's key and the entry (vector and search attributes).
    std::string enc = ne ? encode_entry(*ne) : std::string();
    if (cap) cap->vector_bytes[x.name] += static_cast<double>(key.size() + enc.size());
    if (ne) {
      st.batch.put(entry_key(t.def, x, key), std::move(enc));
      if (store)
        st.after.emplace_back(
            [store, key, e = std::move(*ne)]() mutable { store->upsert(key, e.v, std::move(e.attrs)); });
    } else {
      st.batch.del(entry_key(t.def, x, key));
      if (store) st.after.emplace_back([store, key] { store->erase(key); });
    }
  }
}

Result<std::shared_ptr<vec::Store>> backfill(Database& db, const TableDef& d, const VectorIndexDef& x,
                                             WriteBatch& b) {
  auto store = new_store(x, db.options().vector_exact_limit);
  std::string p = keys::items_prefix(d.id);
  DDB_TRY(db.store().scan(p, keys::prefix_end(p), false, [&](std::string_view k, std::string_view val) {
    Item item;
    if (!decode_item(val, item)) return true;
    auto e = entry_of(x, item);
    if (!e) return true;  // items without a valid vector are skipped, as a GSI's backfill skips them
    std::string key(k);
    b.put(entry_key(d, x, key), encode_entry(*e));
    store->upsert(key, e->v, std::move(e->attrs));
    return true;
  }));
  return store;
}

Status open_table(Database& db, const Table& t) {
  const TableDef& d = t.def;
  for (const auto& x : d.vector_indexes) {
    auto store = new_store(x, db.options().vector_exact_limit);
    std::string p = keys::index_prefix(d.id, x.id), items = keys::items_prefix(d.id);
    bool bad = false;
    DDB_TRY(db.store().scan(p, keys::prefix_end(p), false, [&](std::string_view k, std::string_view val) {
      Entry e;
      if (!decode_entry(val, static_cast<size_t>(x.dims), e)) {
        bad = true;
        return false;
      }
      store->upsert(items + std::string(k.substr(p.size())), e.v, std::move(e.attrs));
      return true;
    }));
    if (bad || (store->size() == 0 && t.state->item_count.load() > 0)) {
      // The persisted form is missing or damaged: rebuild it from the items.
      WriteBatch b;
      DDB_TRY(db.store().scan(p, keys::prefix_end(p), false, [&](std::string_view k, std::string_view) {
        b.del(std::string(k));
        return true;
      }));
      DDB_ASSIGN(store, backfill(db, d, x, b));
      DDB_TRY(db.store().write(b));
    }
    t.state->set_vectors(x.id, std::move(store));
  }
  return Status::OK();
}

}  // namespace vectors
}  // namespace ddb

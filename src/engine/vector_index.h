// Vector indexes inside the engine: their definitions (CreateTable's VectorIndexes, UpdateTable's
// VectorIndexUpdates, descriptions, the catalog), the vectors of items (write-time validation, entries
// staged with the item's write), and the searchable stores of a table (vector/store.h).
#pragma once
#include <set>

#include "engine/ops.h"

namespace ddb::vectors {

inline constexpr long long kMaxDimensions = 4096;
inline constexpr size_t kMaxPerTable = 5, kMaxSearchSchema = 8;

// ---- definitions (vector_parse.cc) ----
// CreateTable's VectorIndexes into d.vector_indexes (ids from d.next_index_id); `names` holds the index
// names taken so far, `used` receives the attributes of their search schemas. Constraint violations go
// to `v`.
Status parse_create(const Json& req, TableDef& d, Violations& v, std::set<std::string>& names,
                    std::set<std::string>& used);
// UpdateTable's VectorIndexUpdates, planned on `d`: the indexes it creates (CREATING while `delayed`
// transient statuses last) and the ids it drops.
struct Changes {
  std::vector<VectorIndexDef> created;
  std::vector<uint32_t> dropped;
};
Result<Changes> plan_updates(const Json& updates, TableDef& d, bool delayed);
// "VectorIndexes":[...] of a description (nothing when the table has none). `creating`: indexes still
// being built are shown CREATING; `counts`: entries per index id.
void write_description(Database& db, JsonOut& o, const TableDef& d, bool creating,
                       const std::map<uint32_t, size_t>& counts);
// The catalog's form: the API's VectorIndex members plus "Id" and "AddedLater".
void write_catalog(JsonOut& o, const std::vector<VectorIndexDef>& xs);
bool read_catalog(const Json& arr, std::vector<VectorIndexDef>& out);

// ---- data (vector_data.cc) ----
// A number (canonical text) as the 32-bit float the service stores; nullopt beyond its range.
std::optional<float> to_f32(const std::string& canonical);
// Write-time validation of an item's vector attributes (every surface that writes items).
Status check_item(const TableDef& d, const Item& item);
// Stages the vector-index side of one item write: the persisted entries into st.batch and the change of
// each store, applied by commit(). `cap` (if given) receives the VectorWriteRequestBytes of each index.
void stage(const Table& t, const std::string& item_key, const Item* old_item, const Item* new_item,
           ops::Staged& st, Capacity* cap);
// Opens a table's vector indexes: each store filled from its persisted entries, or, where those are
// missing, rebuilt from the items (and persisted again).
Status open_table(Database& db, const Table& t);
// A new index of an existing table: its entries built from the items into `b` and a filled store.
Result<std::shared_ptr<vec::Store>> backfill(Database& db, const TableDef& d, const VectorIndexDef& x,
                                             WriteBatch& b);
std::shared_ptr<vec::Store> new_store(const VectorIndexDef& x, size_t exact_limit);
const VectorIndexDef* find(const TableDef& d, std::string_view name);

}  // namespace ddb::vectors

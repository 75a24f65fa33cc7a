// Internals shared by the operation families. Each ops_*.cc file implements one family:
// tables, items, query/scan, batch, transactions, streams, TTL.
#pragma once
#include <functional>
#include <optional>
#include <set>

#include "engine/engine.h"
#include "expr/expr.h"

namespace ddb {

// Storage keys (docs/storage-format.md). Tags are persisted: never renumber.
namespace keys {
inline constexpr char kCatalog = '\x00';  // "\0T" + table name -> table definition JSON
inline constexpr char kData = '\x01';     // "\1" + be32(table id) + sub + ...
inline constexpr char kStream = '\x02';   // "\2" + be32(table id) + be64(sequence) -> stream record
inline constexpr char kItems = '\x00';    // sub-tag: base table items
inline constexpr char kIndex = '\x01';    // sub-tag: index entries, followed by be32(index id)
inline constexpr int kFormatVersion = 2;  // "\0V": 2 = 32-bit index ids (format 1 had one byte)
std::string format_version();
std::string saved_counts();  // "\0C": counts saved at the last close, with the store's sequence then
std::string catalog(const std::string& table);
std::string items_prefix(uint32_t table_id);                     // all items of a table
std::string index_prefix(uint32_t table_id, uint32_t index_id);  // all entries of an index
std::string table_data_prefix(uint32_t table_id);                // items and indexes
std::string stream_prefix(uint32_t table_id);
std::string prefix_end(std::string prefix);  // smallest key greater than every key with this prefix
}  // namespace keys

// Capacity accounting of one operation.
struct Capacity {
  double table = 0;
  std::map<std::string, double> gsi, lsi;
  std::map<std::string, double> vector_bytes;  // VectorWriteRequestBytes of each vector index written
  bool any() const { return table > 0 || !gsi.empty() || !lsi.empty(); }
  void add(const Capacity& o);
  double total() const;
};

// The operation families and the pieces they share. Each family reaches the database only through
// Database's public interface (engine.h).
namespace ops {
// ---- catalog ----
std::shared_ptr<Table> find_table(Database& db, std::string_view name);
// Validates the TableName member and finds the table (ResourceNotFoundException otherwise).
Result<std::shared_ptr<Table>> table_for_request(Database& db, const Json& req,
                                                 const char* member = "TableName");
Status persist_def(Database& db, const TableDef& def);
std::string def_to_json(const TableDef& def);
Result<TableDef> def_from_json(std::string_view s);
// What DescribeTable shows besides the definition.
struct TableView {
  std::string status = "ACTIVE";
  long long count = 0, bytes = 0;
  std::map<std::string, std::pair<long long, long long>> index_stats;
  bool indexes_creating = false;             // GSIs shown as CREATING
  std::map<uint32_t, size_t> vector_counts;  // entries of each vector index, by id
};
// REQUIRES: the table's lock (t.state->mu) held: its status and index_stats are read.
TableView view_of(const Table& t);
void write_description(Database& db, JsonOut& o, const TableDef& d, const TableView& v);
// "KeySchema":[{HASH}, {RANGE}] of a table, index or stream description.
void write_key_schema(JsonOut& o, const KeyDef& k);
// "Projection":{ProjectionType, NonKeyAttributes} of an index description.
void write_projection(JsonOut& o, const std::string& type, const std::vector<std::string>& non_key);
// Under the table's lock: the table's current version, or ResourceNotFoundException when it was
// deleted (or deleted and created again) since `t` was looked up.
Result<std::shared_ptr<Table>> recheck(Database& db, const std::shared_ptr<Table>& t);
// Rewrites a database of storage format 1 (8-bit index ids) in format 2: one atomic batch.
Status upgrade_format(Database& db, const std::vector<TableDef>& defs);
// Puts the entries of a new index, built from the table's items, into `b`.
Status backfill(Database& db, const TableDef& d, const IndexDef& idx, WriteBatch& b,
                std::pair<long long, long long>& stats);
std::string table_arn(Database& db, const std::string& name);

// ---- keys ----
// Validates that `key` holds exactly the table's key attributes with the right types.
Status check_key(const TableDef& def, const Item& key);
// Validates the key attributes inside a full item (PutItem).
Status check_item_key(const TableDef& def, const Item& item);
Status check_index_keys(const TableDef& def, const Item& item);
std::string item_key(const TableDef& def, const Item& item);
Item key_of(const TableDef& def, const Item& item);
Item index_key_of(const TableDef& def, const IndexDef& idx, const Item& item);
std::optional<std::string> index_entry_key(const TableDef& def, const IndexDef& idx, const Item& item);
Item project_for_index(const TableDef& def, const IndexDef& idx, const Item& item);
// Key values DynamoDB can store: a partition key of at most 2048 bytes, a sort key of at most 1024.
inline constexpr size_t kMaxHashKeyBytes = 2048, kMaxRangeKeyBytes = 1024;
// Whether the item's index key values can be stored in `idx`: not an empty string or binary, not over
// the key sizes. Writes of such items are refused; a new index's backfill skips them, as the service's.
bool fits_index(const IndexDef& idx, const Item& item);

// ---- reads ----
std::optional<Item> load_item(Database& db, const std::string& key);

// ---- writes ----
// Stages a change of one item (new_item null: delete) with its index entries and stream
// record into `batch`, and updates counters (applied by commit()).
struct Staged {
  WriteBatch batch;
  struct Delta {
    std::shared_ptr<Table> table;
    long long count = 0, bytes = 0;
    std::map<std::string, std::pair<long long, long long>> idx;
    uint64_t stream_seq = 0;  // the stream record written, if any
  };
  std::vector<Delta> deltas;
  // Changes of in-memory structures (vector stores) that follow the batch: run by commit() after it
  // was written.
  std::vector<std::function<void()>> after;
};
void stage_write(Database& db, const std::shared_ptr<Table>& t, const std::string& key, const Item* old_item,
                 const Item* new_item, Staged& st, Capacity* cap, bool ttl_delete = false);
Status commit(Database& db, Staged& st);

// Holds the write locks of the given tables (each once, whatever its version), taken in table-id
// order so that requests writing several tables never wait on each other in a cycle.
class TableLocks {
 public:
  explicit TableLocks(const std::vector<std::shared_ptr<Table>>& tables) NO_THREAD_SAFETY_ANALYSIS;
  ~TableLocks() NO_THREAD_SAFETY_ANALYSIS;
  TableLocks(const TableLocks&) = delete;
  TableLocks& operator=(const TableLocks&) = delete;

 private:
  std::vector<std::shared_ptr<TableState>> held_;
};

// The tables of the parts of a request (anything with a `table` member), for TableLocks.
template <class Range>
std::vector<std::shared_ptr<Table>> tables_of(const Range& parts) {
  std::vector<std::shared_ptr<Table>> tables;
  tables.reserve(parts.size());
  for (const auto& p : parts) tables.push_back(p.table);
  return tables;
}

// ---- common request pieces ----
Result<std::optional<Item>> attribute_values(const Json& req);
Result<std::string> return_consumed(const Json& req);  // NONE | TOTAL | INDEXES
// "ConsumedCapacity":{...} when mode is TOTAL or INDEXES.
void write_capacity(JsonOut& o, const std::string& mode, const std::string& table, const Capacity& c);
// Just the {...} object (batch and transaction answers list one per table).
void write_capacity_object(JsonOut& o, const std::string& mode, const std::string& table, const Capacity& c);
double write_units(size_t bytes);
double read_units(size_t bytes, bool consistent);

// Condition of a write: ConditionExpression or legacy Expected (+ConditionalOperator).
// Returns nullopt when the request has no condition.
Result<std::optional<expr::Condition>> write_condition(const Json& req, expr::Context& ctx,
                                                       bool allow_legacy = true);
Result<std::optional<expr::Condition>> legacy_conditions(const Json& conds, const Json* op, const char* param,
                                                         bool expected_style);
Error legacy_mix_error(const std::vector<std::string>& legacy, const std::vector<std::string>& modern);

// ---- operation families ----
Result<std::string> create_table(Database& db, const Json& req);
Result<std::string> describe_table(Database& db, const Json& req);
Result<std::string> list_tables(Database& db, const Json& req);
Result<std::string> delete_table(Database& db, const Json& req);
Result<std::string> update_table(Database& db, const Json& req);
Result<std::string> describe_limits(Database& db, const Json& req);
Result<std::string> describe_endpoints(Database& db, const Json& req);
Result<std::string> tag_resource(Database& db, const Json& req);
Result<std::string> untag_resource(Database& db, const Json& req);
Result<std::string> list_tags(Database& db, const Json& req);
Result<std::string> update_ttl(Database& db, const Json& req);
Result<std::string> describe_ttl(Database& db, const Json& req);

Result<std::string> put_item(Database& db, const Json& req);
Result<std::string> get_item(Database& db, const Json& req);
Result<std::string> delete_item(Database& db, const Json& req);
Result<std::string> update_item(Database& db, const Json& req);

Result<std::string> query(Database& db, const Json& req);
Result<std::string> scan(Database& db, const Json& req);
Result<std::string> batch_get(Database& db, const Json& req);
Result<std::string> batch_write(Database& db, const Json& req);
Result<std::string> transact_write(Database& db, const Json& req);
Result<std::string> transact_get(Database& db, const Json& req);

Result<std::string> search_vectors(Database& db, const Json& req);

Result<std::string> execute_statement(Database& db, const Json& req);
Result<std::string> batch_execute_statement(Database& db, const Json& req);
Result<std::string> execute_transaction(Database& db, const Json& req);

Result<std::string> list_streams(Database& db, const Json& req);
Result<std::string> describe_stream(Database& db, const Json& req);
Result<std::string> get_shard_iterator(Database& db, const Json& req);
Result<std::string> get_records(Database& db, const Json& req);
}  // namespace ops

double now_epoch();
std::string make_uuid();

}  // namespace ddb

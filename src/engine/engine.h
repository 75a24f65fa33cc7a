// The DynamoDB engine: tables, items, indexes, streams and transactions over a KvStore.
// It speaks DynamoDB's request/response JSON (the API), and knows nothing of HTTP.
//
// Engine holds one Database per name (DynamoDB Local keeps one per access key and region unless
// -sharedDb). Database::execute(op, request) runs one API operation.
//
// Thread-safety: execute() may be called from many threads. Writes to one table are serialized by
// the table's lock (TableState::mu), so conditions, read-modify-write and transactions are
// serializable; writes to different tables run in parallel. Changes of the catalog hold the
// database's write_mu_ and then the table's lock. Reads run concurrently against the store.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "engine/json_util.h"
#include "storage/kv.h"
#include "types/value.h"
#include "util/mutex.h"

namespace ddb {

namespace vec {
class Store;
}

struct KeyAttr {
  std::string name;
  VType type = VType::S;
};

// A key schema. `hash` and `range` are its first partition-key and sort-key attributes; a GSI with
// multi-attribute keys (up to four of each) lists the others, in schema order, in more_hash and
// more_range (empty for tables, LSIs and single-attribute GSIs).
struct KeyDef {
  std::string hash, range;
  VType hash_type = VType::S, range_type = VType::S;
  std::vector<KeyAttr> more_hash, more_range;
  bool has_range() const { return !range.empty(); }
  bool multi() const { return !more_hash.empty() || !more_range.empty(); }
  // Every partition-key attribute, then every sort-key attribute, in schema order.
  std::vector<KeyAttr> hash_attrs() const;
  std::vector<KeyAttr> range_attrs() const;
  std::vector<KeyAttr> attrs() const;
  bool contains(std::string_view name) const;
  // Calls f(name, type, is_hash) for every attribute in the order of attrs(), without building a list
  // (the per-write index checks use it).
  template <class F>
  void for_each_attr(F&& f) const {
    f(hash, hash_type, true);
    for (const auto& a : more_hash) f(a.name, a.type, true);
    if (!has_range()) return;
    f(range, range_type, false);
    for (const auto& a : more_range) f(a.name, a.type, false);
  }
};

// OnDemandThroughput's maximum request units (-1: no maximum) and WarmThroughput's units per second, of a
// table or a GSI: kept as given and described back (nothing here is throttled).
struct ThroughputSettings {
  std::optional<std::pair<long long, long long>> on_demand;  // MaxReadRequestUnits, MaxWriteRequestUnits
  std::optional<std::pair<long long, long long>> warm;       // ReadUnitsPerSecond, WriteUnitsPerSecond
};

struct IndexDef {
  std::string name;
  bool global = true;
  uint32_t id = 0;  // persisted; unique within the table, never reused (docs/storage-format.md)
  KeyDef key;
  std::string projection = "ALL";  // ALL | KEYS_ONLY | INCLUDE
  std::vector<std::string> non_key;
  long long rcu = 0, wcu = 0;
  ThroughputSettings limits;
  std::string status = "ACTIVE";
};

// A vector index (VectorIndexes): the vectors of one list-of-numbers attribute, searched by SearchVectors.
// `search` is its SearchSchema: an optional HASH attribute (a search must name its value) and INLINE_FILTER
// attributes, each with its type from AttributeDefinitions, in schema order.
struct SearchAttr {
  std::string name;
  VType type = VType::S;
  bool hash = false;
};
struct VectorIndexDef {
  std::string name;
  uint32_t id = 0;  // from the table's index ids (docs/storage-format.md)
  std::string attribute;
  long long dims = 0;
  std::string distance;  // COSINE | EUCLIDEAN | DOT_PRODUCT
  std::vector<SearchAttr> search;
  std::string projection = "ALL";  // ALL | KEYS_ONLY | INCLUDE
  std::vector<std::string> non_key;
  bool added_later = false;       // by UpdateTable: its description reports Backfilling
  std::string status = "ACTIVE";  // CREATING while the table's transient status lasts (not persisted)
};

struct TableDef {
  uint32_t id = 0;  // persisted storage id, never reused within a database
  std::string name, uuid;
  KeyDef key;
  std::vector<std::pair<std::string, VType>> attrs;  // AttributeDefinitions
  std::vector<IndexDef> indexes;
  std::vector<VectorIndexDef> vector_indexes;
  std::string billing_mode = "PROVISIONED";
  long long rcu = 0, wcu = 0;
  ThroughputSettings limits;
  double created = 0, billing_changed = 0;
  bool stream_enabled = false;
  std::string stream_view_type, stream_label;  // label empty: never had a stream
  // The latest stream holds the records from this sequence number on (0: all of the table's). Streams a
  // later one replaced stay readable, DISABLED, with the records of their own range, for 24 hours.
  uint64_t stream_first_seq = 0;
  struct PastStream {
    std::string label, view_type;
    uint64_t first_seq = 0, last_seq = 0;
    double replaced = 0;  // epoch seconds
  };
  std::vector<PastStream> past_streams;
  std::string table_class = "STANDARD";
  bool table_class_set = false;
  bool deletion_protection = false;
  bool sse_enabled = false;
  std::string sse_type;
  std::vector<std::pair<std::string, std::string>> tags;
  std::string ttl_attribute;
  bool ttl_enabled = false;
  uint32_t next_index_id = 1;
};

// What one table keeps across versions of its definition: counters, the transient status and the
// table's write lock.
struct TableState {
  // Held by every write of the table's items (several tables: in table-id order, ops::TableLocks)
  // and, after the database's write_mu_, by every change of the table's definition.
  Mutex mu;
  std::atomic<long long> item_count{0}, size_bytes{0};
  // The last stream record a reader may see: written, and its items readable (records are read from
  // disk, where they land before the items' in-memory copy does).
  std::atomic<uint64_t> stream_visible{0};
  // The fields below change only under `mu`, and are read under it.
  std::map<std::string, std::pair<long long, long long>> index_stats;  // index name -> count, bytes
  std::string status = "ACTIVE";
  std::chrono::steady_clock::time_point status_until{};

  // The searchable vectors of each vector index, by index id. Changed by commits and control-plane
  // changes (under `mu`); SearchVectors reads them without it.
  std::shared_ptr<vec::Store> vectors(uint32_t index_id) const;
  void set_vectors(uint32_t index_id, std::shared_ptr<vec::Store> s);

 private:
  mutable Mutex vectors_mu_;
  std::map<uint32_t, std::shared_ptr<vec::Store>> vectors_ GUARDED_BY(vectors_mu_);
};

// One version of a table: an immutable definition plus the state all its versions share.
// A control-plane change installs a new version in the catalog; readers keep the version they
// took (a shared_ptr), so nothing they hold changes under them.
struct Table {
  Table(TableDef d, std::shared_ptr<TableState> s) : def(std::move(d)), state(std::move(s)) {}
  const TableDef def;
  const std::shared_ptr<TableState> state;
};

struct EngineOptions {
  std::string region = "us-east-1";              // Default: us-east-1; the database's region in ARNs.
  std::string account_id = "000000000000";       // Default: DynamoDB Local's account id.
  bool delay_transient_statuses = false;         // Default: false; CREATING/DELETING/UPDATING last a while.
  std::chrono::milliseconds ttl_interval{1000};  // Default: 1 s between TTL sweeps.
  size_t max_open_databases = 64;     // Default: 64 on-disk databases open at once (each holds descriptors).
  size_t vector_exact_limit = 20000;  // Default: vector indexes below 20,000 vectors are searched exactly.
};

// Entries and their DynamoDB size under storage prefixes (a table's items, an index's entries).
struct PrefixCount {
  long long count = 0, bytes = 0;
};
using PrefixCounts = std::map<std::string, PrefixCount>;

class Database {
 public:
  Database(std::unique_ptr<KvStore> kv, EngineOptions options);
  // With keep_counts: saves the tables' item and index counts in the store (keys::saved_counts()).
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Reads the catalog and item counts from the store. Call once before execute(), before any other
  // thread can see the database (so it takes no locks). keep_counts (a persistent store): the counts
  // are taken from what the last close saved, if nothing was written since (KvStore::sequence()),
  // instead of counting every item; and they are saved again on close.
  Status open(bool keep_counts = false) NO_THREAD_SAFETY_ANALYSIS;

  // Runs one DynamoDB (DynamoDB_20120810) or Streams (DynamoDBStreams_20120810) operation.
  // Returns the response JSON body or the DynamoDB error.
  Result<std::string> execute(std::string_view op, const Json& request);
  // True for the X-Amz-Target of an operation execute() knows.
  static bool is_operation(std::string_view target);

  // Deletes items whose TTL has passed. Returns how many were deleted. Called by the TTL thread.
  size_t expire_ttl_items(double now_epoch_seconds);
  // Deletes stream records older than the 24-hour retention. Returns how many were deleted.
  size_t trim_streams(double now_epoch_seconds);

  std::vector<std::string> table_names();
  const EngineOptions& options() const { return opt_; }
  KvStore& store() { return *kv_; }
  // Held by every catalog change (create, delete or change a table), and by ClientRequestToken
  // transactions; item writes hold only their tables' locks.
  Mutex& write_mu() RETURN_CAPABILITY(write_mu_) { return write_mu_; }

  // ---- the interface of the operation families (ops_*.cc) ----
  // The catalog: each table's current version (an immutable snapshot), by name.
  std::shared_ptr<Table> find_table(std::string_view name);
  std::vector<std::shared_ptr<Table>> tables();  // in name order
  size_t table_count();
  // Makes `def` the table's current version; returns it.
  std::shared_ptr<Table> install(TableDef def, std::shared_ptr<TableState> state) REQUIRES(write_mu_);
  void erase_table(const std::string& name) REQUIRES(write_mu_);
  // A new table's storage id; next_table_id() is what the catalog persists after it.
  uint32_t allocate_table_id() REQUIRES(write_mu_) { return next_table_id_++; }
  uint32_t next_table_id() const REQUIRES(write_mu_) { return next_table_id_; }
  // Stream sequence numbers: one counter for all tables of the database.
  uint64_t allocate_stream_sequence() { return ++stream_seq_; }
  uint64_t last_stream_sequence() const { return stream_seq_.load(); }
  // TransactWriteItems idempotency (ten minutes per ClientRequestToken).
  struct TokenEntry {
    std::string request_hash, response;
    std::chrono::steady_clock::time_point expires;
  };
  std::optional<TokenEntry> find_token(const std::string& token) REQUIRES(write_mu_);
  void remember_token(const std::string& token, std::string request_hash, std::string response)
      REQUIRES(write_mu_);

 private:
  std::unique_ptr<KvStore> kv_;
  EngineOptions opt_;
  bool keep_counts_ = false;                          // set by open()
  Mutex write_mu_;                                    // serializes catalog changes and token transactions
  SharedMutex catalog_mu_ ACQUIRED_AFTER(write_mu_);  // guards tables_
  std::map<std::string, std::shared_ptr<Table>> tables_ GUARDED_BY(catalog_mu_);
  uint32_t next_table_id_ GUARDED_BY(write_mu_) = 1;
  std::atomic<uint64_t> stream_seq_{0};
  // TransactWriteItems idempotency: token -> (request hash, response, expiry).
  std::map<std::string, TokenEntry> tokens_ GUARDED_BY(write_mu_);
  // Tokens in the order they expire (all live ten minutes): expiry is O(expired), not O(live).
  std::deque<std::pair<std::chrono::steady_clock::time_point, std::string>> token_expiry_
      GUARDED_BY(write_mu_);
  void expire_tokens(std::chrono::steady_clock::time_point now) REQUIRES(write_mu_);
};

class Engine {
 public:
  // base.path empty: all databases in memory; otherwise one RocksDB per database under it.
  Engine(EngineOptions options, KvOptions base);
  ~Engine();
  // Opens (creating if needed) the database with this name, e.g. "shared-local-instance" or
  // "<accessKey>_<region>". The region is used in ARNs. With a path, databases no request holds
  // are closed least-recently-used first beyond options.max_open_databases, and reopened on use.
  Result<std::shared_ptr<Database>> database(const std::string& name, const std::string& region);
  // Names of databases that exist on disk or are open.
  std::vector<std::string> database_names();
  // Starts the background TTL expirer.
  void start_ttl_thread();
  // What the on-disk databases' in-memory copies use of their budget (none in memory).
  std::optional<MemoryBudget::Use> memory_use() const {
    if (!base_.budget) return std::nullopt;
    return base_.budget->use();
  }

 private:
  // One database name's entry. `open_mu` is held while the database opens or closes (so a
  // request never sees it half-open, and an evicted one is not reopened before it is closed); it
  // is a plain mutex because eviction moves its lock out of the function that took it.
  struct Slot {
    std::shared_ptr<std::mutex> open_mu = std::make_shared<std::mutex>();
    std::shared_ptr<Database> db;  // null: closed
    uint64_t last_used = 0;
  };
  using Closing = std::vector<std::pair<std::unique_lock<std::mutex>, std::shared_ptr<Database>>>;
  Result<std::shared_ptr<Database>> open_database(const std::string& name, const std::string& region);
  // The open database of a slot (marking it used), or null.
  std::shared_ptr<Database> open_in_slot(const std::string& name) REQUIRES(mu_);
  // Takes the least recently used idle databases out of their slots (with each slot's open_mu
  // held, so nobody reopens it before it is closed).
  Closing evict_idle_locked(const std::string& keep) REQUIRES(mu_);

  EngineOptions opt_;
  KvOptions base_;
  Mutex mu_;  // guards slots_; never held while opening
  std::map<std::string, Slot> slots_ GUARDED_BY(mu_);
  uint64_t tick_ GUARDED_BY(mu_) = 0;
  Mutex stop_mu_;
  std::condition_variable_any stop_cv_;
  bool stop_ GUARDED_BY(stop_mu_) = false;
  std::unique_ptr<std::thread> ttl_thread_;
};

}  // namespace ddb

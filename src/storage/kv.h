// Ordered key-value storage behind one interface, so the engine runs the same on RocksDB
// (persistent, -dbPath) and in memory (-inMemory, tests). Keys order by unsigned bytes.
// Thread-safety: implementations are safe for concurrent use; the engine still serializes
// writers itself, so a WriteBatch sees a stable state.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/status.h"

namespace ddb {

class WriteBatch {
 public:
  void put(std::string key, std::string value) { ops_.push_back({std::move(key), std::move(value), false}); }
  void del(std::string key) { ops_.push_back({std::move(key), {}, true}); }
  // Deletes every key in [start, end) (end not empty) as one operation, whatever their number.
  void del_range(std::string start, std::string end) {
    ops_.push_back({std::move(start), std::move(end), true, true});
  }
  bool empty() const { return ops_.empty(); }
  struct Op {
    std::string key, value;  // a range deletion: [key, value)
    bool is_delete;
    bool is_range = false;
  };
  const std::vector<Op>& ops() const { return ops_; }

 private:
  std::vector<Op> ops_;
};

class KvStore {
 public:
  virtual ~KvStore() = default;
  virtual bool get(std::string_view key, std::string* value) = 0;
  // Applies the whole batch atomically. Once it returns OK the batch is durable against a
  // process crash (and against power loss when the store was opened with sync).
  virtual Status write(const WriteBatch& batch) = 0;
  // Visits keys in [start, end) ascending (or descending when reverse) until fn returns false.
  // An error of the store (I/O, corruption) is returned; keys visited before it may be partial.
  [[nodiscard]] virtual Status scan(
      std::string_view start, std::string_view end, bool reverse,
      const std::function<bool(std::string_view key, std::string_view value)>& fn) = 0;
  // A scan read once, start to end (loading a copy): its blocks need not stay in a cache.
  [[nodiscard]] virtual Status scan_once(
      std::string_view start, std::string_view end,
      const std::function<bool(std::string_view key, std::string_view value)>& fn) {
    return scan(start, end, false, fn);
  }
  // A persistent store: the number of the last write batch operation it holds, which every write
  // advances (so a value saved with it tells whether anything was written since). Others: 0.
  virtual uint64_t sequence() { return 0; }
};

// The memory the in-memory copies of every on-disk store of a process may use together
// (--memory-budget), and RocksDB's block cache, which they share. Three quarters of the budget go to the
// copies: past that, the least recently used shards (tables) are dropped from memory and served from
// RocksDB, whose cache (the last quarter) keeps their hot blocks in memory. Thread-safe.
class MemoryBudget {
 public:
  explicit MemoryBudget(size_t bytes);
  ~MemoryBudget();
  MemoryBudget(const MemoryBudget&) = delete;
  MemoryBudget& operator=(const MemoryBudget&) = delete;
  struct Use {
    size_t budget_bytes = 0;    // the whole budget
    size_t resident_bytes = 0;  // held by the in-memory copies (an estimate: keys, values, map nodes)
    size_t cache_bytes = 0;     // held by the block cache
    size_t shards_on_disk = 0;  // shards served from RocksDB
  };
  Use use() const;
  struct State;  // the stores it watches, the cache (storage/kv.cc)
  State& state() { return *state_; }

 private:
  std::unique_ptr<State> state_;
};

// Half the memory this process may have: the machine's RAM, or its cgroup's limit when lower.
size_t default_memory_budget();

struct KvOptions {
  std::string path;  // empty: in memory only. Otherwise RocksDB at this path, with every key
                     // also held in memory for reads: read in the background after open, which
                     // returns at once (until a table is in memory, its reads go to RocksDB).
                     // Default: "".
  bool sync_writes =
      false;  // fsync the WAL on every write. Default: false (survives kill -9, not power loss).
  // With a path: only keys below this one are also held in memory; the others (e.g. stream records,
  // read rarely and in order) are read from RocksDB. Default: "" (every key).
  std::string memory_below;
  // Keys that share their first `shard_bytes` bytes (one table's data, say) are kept in memory under
  // their own lock: a write to one shard holds up no read or write of another. Default: 0 (one shard).
  size_t shard_bytes = 0;
  // With a path: the budget this store's in-memory copy shares with the process's other stores; over it,
  // its coldest shards are served from RocksDB. Default: none (every key below memory_below in memory).
  std::shared_ptr<MemoryBudget> budget;
};
Result<std::unique_ptr<KvStore>> open_kv(const KvOptions& options);

}  // namespace ddb

#include "storage/kv.h"

#include <algorithm>
#include <map>
#include <shared_mutex>

#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/table_properties_collectors.h>
#include <rocksdb/write_batch.h>

#include "util/errors.h"
#include "util/mutex.h"

namespace ddb {

namespace {

// In memory: ordered maps, one per shard of keys (the keys that share their first `shard_bytes` bytes,
// e.g. one table's items and indexes), each under its own lock, so writes to one shard never hold up
// reads or writes of another. A key shorter than that is a shard alone; ordering shards by their
// prefix orders their keys as one map would, so a scan walks the shards its range covers in order.
class MemKv final : public KvStore {
 public:
  explicit MemKv(size_t shard_bytes) : shard_bytes_(shard_bytes) {}
  bool get(std::string_view key, std::string* value) override {
    Shard* sh = find_shard(key);
    if (!sh) return false;
    ReaderLock lk(sh->mu);
    auto it = sh->map.find(key);
    if (it == sh->map.end()) return false;
    *value = it->second;
    return true;
  }
  Status write(const WriteBatch& batch) override { return write_below(batch, {}); }
  // Applies the operations on keys below `limit` (all when it is empty). A batch over several shards
  // holds their locks together (in shard order), so no reader sees part of it.
  Status write_below(const WriteBatch& batch, std::string_view limit) NO_THREAD_SAFETY_ANALYSIS {
    auto kept = [&](const WriteBatch::Op& op) { return limit.empty() || op.key < limit; };
    std::vector<Shard*> shards;  // each kept operation's shard, in batch order
    shards.reserve(batch.ops().size());
    for (auto& op : batch.ops())
      if (kept(op)) shards.push_back(shard_for_write(op.key));
    std::vector<Shard*> order = shards;
    std::sort(order.begin(), order.end());
    order.erase(std::unique(order.begin(), order.end()), order.end());
    for (Shard* sh : order) sh->mu.lock();
    size_t i = 0;
    for (auto& op : batch.ops()) {
      if (!kept(op)) continue;
      auto& map = shards[i++]->map;
      if (op.is_delete) {
        auto it = map.find(op.key);
        if (it != map.end()) map.erase(it);
      } else {
        map.insert_or_assign(op.key, op.value);
      }
    }
    for (Shard* sh : order) sh->mu.unlock();
    return Status::OK();
  }
  // Loading: keys arrive in ascending order, each appended at the end of its shard in constant time.
  void append_sorted(std::string_view key, std::string_view value) {
    Shard* sh = shard_for_write(key);
    WriterLock lk(sh->mu);
    sh->map.emplace_hint(sh->map.end(), std::string(key), std::string(value));
  }
  Status scan(std::string_view start, std::string_view end, bool reverse,
              const std::function<bool(std::string_view, std::string_view)>& fn) override {
    for (Shard* sh : shards_in(start, end, reverse))
      if (!scan_shard(*sh, start, end, reverse, fn)) break;
    return Status::OK();
  }

 private:
  struct Shard {
    SharedMutex mu;
    std::map<std::string, std::string, std::less<>> map GUARDED_BY(mu);
  };
  std::string_view prefix_of(std::string_view key) const { return key.substr(0, shard_bytes_); }

  // Shards are never removed (a table's id is never reused): a shard lives as long as the store, and
  // its pointer stays valid without the directory's lock.
  Shard* find_shard(std::string_view key) {
    ReaderLock lk(dir_mu_);
    auto it = dir_.find(prefix_of(key));
    return it == dir_.end() ? nullptr : it->second.get();
  }
  Shard* shard_for_write(std::string_view key) {
    if (Shard* sh = find_shard(key)) return sh;
    WriterLock lk(dir_mu_);
    auto& sh = dir_[std::string(prefix_of(key))];
    if (!sh) sh = std::make_unique<Shard>();
    return sh.get();
  }
  // The shards that may hold keys in [start, end), in scan order.
  std::vector<Shard*> shards_in(std::string_view start, std::string_view end, bool reverse) {
    std::vector<Shard*> out;
    ReaderLock lk(dir_mu_);
    for (auto it = dir_.lower_bound(prefix_of(start)); it != dir_.end(); ++it) {
      if (!end.empty() && std::string_view(it->first) >= end) break;
      out.push_back(it->second.get());
    }
    if (reverse) std::reverse(out.begin(), out.end());
    return out;
  }
  // False when fn stopped the scan.
  static bool scan_shard(Shard& sh, std::string_view start, std::string_view end, bool reverse,
                         const std::function<bool(std::string_view, std::string_view)>& fn) {
    ReaderLock lk(sh.mu);
    auto lo = sh.map.lower_bound(start);
    auto hi = end.empty() ? sh.map.end() : sh.map.lower_bound(end);
    if (!reverse) {
      for (auto it = lo; it != hi; ++it)
        if (!fn(it->first, it->second)) return false;
    } else {
      for (auto it = hi; it != lo;) {
        --it;
        if (!fn(it->first, it->second)) return false;
      }
    }
    return true;
  }

  const size_t shard_bytes_;
  SharedMutex dir_mu_;
  std::map<std::string, std::unique_ptr<Shard>, std::less<>> dir_ GUARDED_BY(dir_mu_);
};

class RocksKv final : public KvStore {
 public:
  RocksKv(rocksdb::DB* db, bool sync) : db_(db) { wopts_.sync = sync; }
  ~RocksKv() override { delete db_; }
  bool get(std::string_view key, std::string* value) override {
    return db_->Get(rocksdb::ReadOptions(), rocksdb::Slice(key.data(), key.size()), value).ok();
  }
  Status write(const WriteBatch& batch) override {
    rocksdb::WriteBatch wb;
    for (auto& op : batch.ops()) {
      if (op.is_delete)
        wb.Delete(op.key);
      else
        wb.Put(op.key, op.value);
    }
    auto s = db_->Write(wopts_, &wb);
    if (!s.ok()) return err::internal("storage write failed: " + s.ToString());
    return Status::OK();
  }
  Status scan(std::string_view start, std::string_view end, bool reverse,
              const std::function<bool(std::string_view, std::string_view)>& fn) override {
    return scan_with({}, start, end, reverse, fn);
  }
  // A scan of most of the store, once (loading it): read ahead, and leave the block cache to the
  // reads that come later.
  Status scan_once(std::string_view end, const std::function<bool(std::string_view, std::string_view)>& fn) {
    rocksdb::ReadOptions ro;
    ro.fill_cache = false;
    ro.readahead_size = 4 << 20;
    return scan_with(ro, "", end, false, fn);
  }

 private:
  Status scan_with(rocksdb::ReadOptions ro, std::string_view start, std::string_view end, bool reverse,
                   const std::function<bool(std::string_view, std::string_view)>& fn) {
    ro.verify_checksums = true;
    std::string upper(end);
    rocksdb::Slice ub(upper);
    if (!end.empty()) ro.iterate_upper_bound = &ub;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro));
    if (!reverse) {
      for (it->Seek(rocksdb::Slice(start.data(), start.size())); it->Valid(); it->Next())
        if (!fn(std::string_view(it->key().data(), it->key().size()),
                std::string_view(it->value().data(), it->value().size())))
          break;
    } else {
      if (end.empty())
        it->SeekToLast();
      else
        it->SeekForPrev(rocksdb::Slice(end.data(), end.size()));
      for (; it->Valid(); it->Prev()) {
        std::string_view k(it->key().data(), it->key().size());
        if (!end.empty() && k >= end) continue;
        if (k < start) break;
        if (!fn(k, std::string_view(it->value().data(), it->value().size()))) break;
      }
    }
    // An iterator that stops early because of an I/O error or corruption says so only here.
    if (!it->status().ok()) return err::internal("storage read failed: " + it->status().ToString());
    return Status::OK();
  }

  rocksdb::DB* db_;
  rocksdb::WriteOptions wopts_;
};

// Persistent store: RocksDB holds the durable copy; every key below `memory_below` (all of them when it
// is empty) is also kept in memory, where their reads are served. A write goes to RocksDB first (atomic
// batch, WAL) and then to memory, so what a reader sees is always durable. Reads of those keys never
// iterate RocksDB, whose range scans slow down over the tombstones that delete-and-reinsert patterns
// (conversation rows, index entries) leave behind. Keys from `memory_below` up (stream records) are
// read from RocksDB only: they are appended in order and read in order, and need no RAM.
class CachedRocksKv final : public KvStore {
 public:
  CachedRocksKv(std::unique_ptr<RocksKv> disk, std::string memory_below, size_t shard_bytes)
      : disk_(std::move(disk)), limit_(std::move(memory_below)), mem_(shard_bytes) {}
  // Loads the keys held in memory. A store that cannot be read whole is an error, never a partial copy.
  Status load(const std::function<void(std::string_view, std::string_view)>& visit) {
    return disk_->scan_once(limit_, [&](std::string_view k, std::string_view v) {
      mem_.append_sorted(k, v);
      if (visit) visit(k, v);
      return true;
    });
  }
  bool get(std::string_view key, std::string* value) override {
    return in_memory(key) ? mem_.get(key, value) : disk_->get(key, value);
  }
  Status write(const WriteBatch& batch) override {
    DDB_TRY(disk_->write(batch));
    return mem_.write_below(batch, limit_);
  }
  Status scan(std::string_view start, std::string_view end, bool reverse,
              const std::function<bool(std::string_view, std::string_view)>& fn) override {
    if (limit_.empty() || (!end.empty() && end <= limit_)) return mem_.scan(start, end, reverse, fn);
    if (start >= limit_) return disk_->scan(start, end, reverse, fn);
    // The range spans both: memory below the limit, disk from it, in the order asked for.
    bool stopped = false;
    auto until_stopped = [&](std::string_view k, std::string_view v) { return !(stopped = !fn(k, v)); };
    if (!reverse) {
      DDB_TRY(mem_.scan(start, limit_, false, until_stopped));
      return stopped ? Status::OK() : disk_->scan(limit_, end, false, until_stopped);
    }
    DDB_TRY(disk_->scan(limit_, end, true, until_stopped));
    return stopped ? Status::OK() : mem_.scan(start, limit_, true, until_stopped);
  }

 private:
  bool in_memory(std::string_view key) const { return limit_.empty() || key < limit_; }
  std::unique_ptr<RocksKv> disk_;
  const std::string limit_;
  MemKv mem_;
};

}  // namespace

Result<std::unique_ptr<KvStore>> open_kv(const KvOptions& options) {
  if (options.path.empty()) return std::unique_ptr<KvStore>(new MemKv(options.shard_bytes));
  rocksdb::Options o;
  o.create_if_missing = true;
  o.max_background_jobs = 2;
  o.write_buffer_size = 16 << 20;
  o.max_open_files = 256;
  o.keep_log_file_num = 2;
  rocksdb::BlockBasedTableOptions t;
  t.block_cache = rocksdb::NewLRUCache(8 << 20);
  t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  // Files dense with deletions (trimmed stream records, deleted tables) are compacted soon, so the
  // reads served from disk do not step over their tombstones for long.
  o.table_properties_collector_factories.emplace_back(
      rocksdb::NewCompactOnDeletionCollectorFactory(1024, 512));
  rocksdb::DB* db = nullptr;
  auto s = rocksdb::DB::Open(o, options.path, &db);
  if (!s.ok()) return err::internal("cannot open database at " + options.path + ": " + s.ToString());
  auto kv = std::make_unique<CachedRocksKv>(std::make_unique<RocksKv>(db, options.sync_writes),
                                            options.memory_below, options.shard_bytes);
  auto loaded = kv->load(options.on_load);
  if (!loaded.ok())
    return err::internal("cannot read database at " + options.path + ": " + loaded.error().message);
  return std::unique_ptr<KvStore>(std::move(kv));
}

}  // namespace ddb

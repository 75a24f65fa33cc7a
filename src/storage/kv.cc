#include "storage/kv.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <map>
#include <shared_mutex>
#include <thread>

#include <rocksdb/cache.h>

#include "storage/entry_map.h"
#include "storage/rocks_kv.h"
#include "util/errors.h"
#include "util/memory.h"
#include "util/mutex.h"

namespace ddb {

namespace kv_detail {
class MemKv;
}  // namespace kv_detail
using kv_detail::MemKv;
using kv_detail::RocksKv;

struct MemoryBudget::State {
  State(size_t budget_bytes)
      : budget(budget_bytes),
        limit(budget_bytes / 4 * 3),
        cache(rocksdb::NewLRUCache(std::max<size_t>(8 << 20, budget_bytes / 4))) {}
  bool over() const { return used.load(std::memory_order_relaxed) > limit; }
  void add(MemKv* kv) {
    MutexLock lk(mu);
    stores.push_back(kv);
  }
  void remove(MemKv* kv) {
    MutexLock lk(mu);
    stores.erase(std::remove(stores.begin(), stores.end(), kv), stores.end());
  }
  void reclaim();
  size_t shards_on_disk();

  const size_t budget, limit;  // limit: what the in-memory copies may hold
  const std::shared_ptr<rocksdb::Cache> cache;
  std::atomic<size_t> used{0};
  // Advances at every reclaim: a shard stamped with the current epoch was used since the last one.
  std::atomic<uint32_t> epoch{1};
  Mutex mu;  // held while reclaiming, so a store leaves only between reclaims
  std::vector<MemKv*> stores GUARDED_BY(mu);
};

namespace kv_detail {

// In memory: ordered maps, one per shard of keys (the keys that share their first `shard_bytes` bytes,
// e.g. one table's items and indexes), each under its own lock, so writes to one shard never hold up
// reads or writes of another. A key shorter than that is a shard alone; ordering shards by their
// prefix orders their keys as one map would, so a scan walks the shards its range covers in order.
// With a budget, a shard can be dropped from memory (evict()): from then on its keys are read from the
// `spill` store, which holds every key (the persistent store writes there first).
class MemKv final : public KvStore {
  struct Shard;

 public:
  explicit MemKv(size_t shard_bytes, KvStore* spill = nullptr, MemoryBudget::State* budget = nullptr)
      : shard_bytes_(shard_bytes), spill_(spill), budget_(spill ? budget : nullptr) {
    if (budget_) budget_->add(this);
  }
  ~MemKv() override {
    if (!budget_) return;
    budget_->remove(this);
    size_t held = 0;
    for (auto& [prefix, sh] : dir_) held += sh->bytes.load();
    budget_->used -= held;
  }
  bool get(std::string_view key, std::string* value) override {
    Shard* sh = find_shard(key);
    if (!sh) return false;
    {
      ReaderLock lk(sh->mu);
      if (!sh->on_disk) {
        touch(*sh);
        std::string_view v;
        if (!sh->map.find(key, &v)) return false;
        value->assign(v.data(), v.size());
        return true;
      }
    }
    bool found = spill_->get(key, value);
    maybe_readmit(prefix_of(key), *sh);
    return found;
  }
  Status write(const WriteBatch& batch) override { return write_below(batch, {}); }
  // Applies the operations on keys below `limit` (all when it is empty). A batch over several shards
  // holds their locks together (in shard order), so no reader sees part of it.
  Status write_below(const WriteBatch& batch, std::string_view limit) NO_THREAD_SAFETY_ANALYSIS {
    auto kept = [&](const WriteBatch::Op& op) { return limit.empty() || op.key < limit; };
    // Each kept operation with its shard, in batch order (a range deletion: each shard it covers).
    std::vector<std::pair<const WriteBatch::Op*, Shard*>> work;
    work.reserve(batch.ops().size());
    for (auto& op : batch.ops()) {
      if (!kept(op)) continue;
      if (!op.is_range) {
        work.emplace_back(&op, shard_for_write(op.key));
        continue;
      }
      for (auto& [prefix, sh] : shards_in(op.key, range_end(op, limit), false)) work.emplace_back(&op, sh);
    }
    std::vector<Shard*> order;
    order.reserve(work.size());
    for (auto& [op, sh] : work) order.push_back(sh);
    std::sort(order.begin(), order.end());
    order.erase(std::unique(order.begin(), order.end()), order.end());
    for (Shard* sh : order) sh->mu.lock();
    size_t erased = 0;
    for (auto& [op, sh] : work) {
      if (!sh->on_disk)
        erased += apply(sh->map, *op, limit);
      else if (sh->loading)  // replayed over what the load reads (see readmit)
        sh->pending.push_back({op->key, op->is_range ? std::string(range_end(*op, limit)) : op->value,
                               op->is_delete, op->is_range});
    }
    for (Shard* sh : order) {
      touch(*sh);
      account(*sh);
      sh->mu.unlock();
    }
    if (erased >= kReleaseAfterFreedKeys) release_free_memory();
    if (budget_ && budget_->over()) budget_->reclaim();
    return Status::OK();
  }
  // Opening: a shard found on disk, not yet in memory (load_all or a read brings it in).
  void add_on_disk(std::string_view prefix) {
    Shard* sh = shard_for_write(prefix);
    WriterLock lk(sh->mu);
    sh->on_disk = true;
  }
  // Loads the shards on disk into memory, in key order, while the budget has room (the first that puts
  // it over is the last), until `stop`. Requests are served meanwhile: from RocksDB, then from memory.
  void load_all(const std::atomic<bool>& stop) {
    loading_all_ = true;
    for (auto& [prefix, sh] : shards_in("", "", false)) {
      if (stop.load() || (budget_ && budget_->over())) break;
      MutexLock lk(readmit_mu_);
      readmit(prefix, *sh, &stop);
    }
    loading_all_ = false;
    if (budget_ && budget_->over()) budget_->reclaim();
  }
  // The first key after every key of the shard with this prefix ("" when there is none).
  std::string shard_end(std::string_view prefix) const {
    std::string e(prefix);
    if (prefix.size() < shard_bytes_) return e + '\0';  // a short key is a shard alone
    while (!e.empty() && static_cast<unsigned char>(e.back()) == 0xFF) e.pop_back();
    if (!e.empty()) e.back() = static_cast<char>(static_cast<unsigned char>(e.back()) + 1);
    return e;
  }
  std::string_view prefix_of(std::string_view key) const { return key.substr(0, shard_bytes_); }
  Status scan(std::string_view start, std::string_view end, bool reverse,
              const std::function<bool(std::string_view, std::string_view)>& fn) override {
    return scan_shards(start, end, reverse, false, fn);
  }
  // The shards on disk are read without filling RocksDB's block cache.
  Status scan_once(std::string_view start, std::string_view end,
                   const std::function<bool(std::string_view, std::string_view)>& fn) override {
    return scan_shards(start, end, false, true, fn);
  }

  // For the budget's reclaim: the shards held in memory, and dropping one (its bytes, now free).
  struct Resident {
    MemKv* store;
    Shard* shard;
    uint32_t used;
    size_t bytes;
  };
  void resident(std::vector<Resident>& out) {
    ReaderLock lk(dir_mu_);
    for (auto& [prefix, sh] : dir_)
      if (size_t b = sh->bytes.load(std::memory_order_relaxed))
        out.push_back({this, sh.get(), sh->used.load(std::memory_order_relaxed), b});
  }
  size_t evict(Shard* shard) {
    Shard& sh = *shard;
    EntryMap dropped;  // freed after the lock is released
    size_t freed = 0;
    {
      WriterLock lk(sh.mu);
      if (sh.on_disk) return 0;
      dropped.swap(sh.map);
      sh.on_disk = true;
      freed = sh.bytes.exchange(0);
      sh.dropped_bytes.store(freed);
    }
    budget_->used -= freed;
    return freed;
  }
  size_t shards_on_disk() {
    size_t n = 0;
    ReaderLock dl(dir_mu_);
    for (auto& [prefix, sh] : dir_) {
      ReaderLock lk(sh->mu);
      n += sh->on_disk;
    }
    return n;
  }

 private:
  struct Shard {
    SharedMutex mu;
    EntryMap map GUARDED_BY(mu);
    bool on_disk GUARDED_BY(mu) = false;                 // dropped from memory: its keys are read from spill_
    bool loading GUARDED_BY(mu) = false;                 // on disk, being read back into memory (readmit)
    std::vector<WriteBatch::Op> pending GUARDED_BY(mu);  // writes made while loading, to replay
    std::atomic<size_t> bytes{0};                        // map.bytes() as last accounted; changed under mu
    std::atomic<uint32_t> used{0};                       // the budget's epoch when last read or written
    std::atomic<size_t> dropped_bytes{0};                // what `map` cost when the shard was dropped
  };
  void touch(Shard& sh) {
    if (!budget_) return;
    uint32_t e = budget_->epoch.load(std::memory_order_relaxed);
    if (sh.used.load(std::memory_order_relaxed) != e) sh.used.store(e, std::memory_order_relaxed);
  }
  // Brings the shard's and the budget's counts up to what its map now holds.
  void account(Shard& sh) REQUIRES(sh.mu) {
    size_t was = sh.bytes.exchange(sh.map.bytes(), std::memory_order_relaxed);
    if (budget_) budget_->used.fetch_add(sh.map.bytes() - was, std::memory_order_relaxed);
  }
  // Returns the number of keys deleted.
  static size_t apply(EntryMap& map, const WriteBatch::Op& op, std::string_view limit) {
    if (op.is_range) return map.erase_range(op.key, range_end(op, limit));
    if (op.is_delete) return map.erase(op.key) ? 1 : 0;
    map.put(op.key, op.value);
    return 0;
  }
  // A range deletion's end in memory: not beyond `limit` (keys from there are not held).
  static std::string_view range_end(const WriteBatch::Op& op, std::string_view limit) {
    return !limit.empty() && limit < op.value ? limit : std::string_view(op.value);
  }

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
  // The shards that may hold keys in [start, end), in scan order, with their prefixes (the directory's
  // keys, which live as long as the store).
  std::vector<std::pair<std::string_view, Shard*>> shards_in(std::string_view start, std::string_view end,
                                                             bool reverse) {
    std::vector<std::pair<std::string_view, Shard*>> out;
    ReaderLock lk(dir_mu_);
    for (auto it = dir_.lower_bound(prefix_of(start)); it != dir_.end(); ++it) {
      if (!end.empty() && std::string_view(it->first) >= end) break;
      out.emplace_back(it->first, it->second.get());
    }
    if (reverse) std::reverse(out.begin(), out.end());
    return out;
  }
  Status scan_shards(std::string_view start, std::string_view end, bool reverse, bool once,
                     const std::function<bool(std::string_view, std::string_view)>& fn) {
    for (auto& [prefix, sh] : shards_in(start, end, reverse)) {
      bool more = true;
      DDB_TRY(scan_shard(prefix, *sh, {start, end, reverse, once}, fn, &more));
      if (!more) break;
    }
    return Status::OK();
  }
  struct Range {
    std::string_view start, end;
    bool reverse, once;  // once: a forward scan whose blocks on disk need not stay cached
  };
  // Sets *more to false when fn stopped the scan.
  Status scan_shard(std::string_view prefix, Shard& sh, const Range& r,
                    const std::function<bool(std::string_view, std::string_view)>& fn, bool* more) {
    auto [start, end, reverse, once] = r;
    {
      ReaderLock lk(sh.mu);
      if (!sh.on_disk) {
        touch(sh);
        *more = sh.map.scan(start, end, reverse, fn);
        return Status::OK();
      }
    }
    // Dropped from memory: the part of the range that is this shard's, from the spill store.
    std::string lo(std::max(start, prefix)), hi = shard_end(prefix);
    if (!end.empty() && (hi.empty() || end < hi)) hi = std::string(end);
    if (!hi.empty() && lo >= hi) return Status::OK();
    auto until_stopped = [&](std::string_view k, std::string_view v) { return *more = fn(k, v); };
    DDB_TRY(once ? spill_->scan_once(lo, hi, until_stopped) : spill_->scan(lo, hi, reverse, until_stopped));
    maybe_readmit(prefix, sh);
    return Status::OK();
  }
  // A dropped shard comes back into memory when it is read and the budget has room for it with half of
  // the limit to spare (so a working set larger than the budget does not cycle shards in and out). One
  // shard at a time per store; the read that finds the room pays for the load.
  void maybe_readmit(std::string_view prefix, Shard& sh) {
    if (loading_all_.load(std::memory_order_relaxed)) return;  // load_all reads them
    if (!budget_ ||
        budget_->used.load(std::memory_order_relaxed) + sh.dropped_bytes.load(std::memory_order_relaxed) >
            budget_->limit / 2)
      return;
    if (!readmit_mu_.try_lock()) return;
    readmit(prefix, sh, nullptr);
    readmit_mu_.unlock();
    if (budget_->over()) budget_->reclaim();
  }
  // Reads a shard on disk back into memory without holding its lock while it reads: the writes made
  // meanwhile are kept (write_below, `pending`) and replayed over what was read. The shard is marked
  // before the read starts, so every write the read misses (one that reached the spill store after the
  // read's snapshot) reaches write_below after the mark and is kept; a kept write that the read saw as
  // well is applied again, which changes nothing, as the writes are replayed in order. An error of the
  // spill store, or `stop`, leaves the shard on disk.
  void readmit(std::string_view prefix, Shard& sh, const std::atomic<bool>* stop) REQUIRES(readmit_mu_) {
    std::string end = shard_end(prefix);
    if (end.empty()) return;
    {
      WriterLock lk(sh.mu);
      if (!sh.on_disk) return;
      sh.loading = true;
    }
    // With a budget, a shard larger than the room left is not read whole (it stays on disk).
    size_t room = SIZE_MAX;
    if (budget_) room = budget_->limit - std::min(budget_->limit, budget_->used.load());
    EntryMap loaded;
    bool fits = true;
    auto read = spill_->scan_once(prefix, end, [&](std::string_view k, std::string_view v) {
      loaded.append(k, v);
      fits = loaded.bytes() <= room;
      return fits && !(stop && stop->load(std::memory_order_relaxed));
    });
    std::vector<WriteBatch::Op> pending;
    WriterLock lk(sh.mu);
    sh.loading = false;
    pending.swap(sh.pending);
    if (!fits) sh.dropped_bytes.store(std::max(sh.dropped_bytes.load(), loaded.bytes()));
    if (!read.ok() || !fits || (stop && stop->load())) return;  // it stays on disk
    loaded.index();
    for (auto& op : pending) apply(loaded, op, {});
    sh.map.swap(loaded);
    sh.on_disk = false;
    account(sh);
    touch(sh);
  }
  const size_t shard_bytes_;
  KvStore* const spill_;                  // with a budget: where the keys of dropped shards are read
  Mutex readmit_mu_;                      // held while a shard is read back into memory
  std::atomic<bool> loading_all_{false};  // load_all is running
  MemoryBudget::State* const budget_;     // none for a store only in memory
  SharedMutex dir_mu_;
  std::map<std::string, std::unique_ptr<Shard>, std::less<>> dir_ GUARDED_BY(dir_mu_);
};

}  // namespace kv_detail

// Over the limit: drops the least recently used shards (the largest first among those used as
// recently) until the copies hold 7/8 of it. One thread reclaims at a time; the others go on.
void MemoryBudget::State::reclaim() {
  if (!mu.try_lock()) return;
  std::vector<MemKv::Resident> all;
  for (MemKv* kv : stores) kv->resident(all);
  std::sort(all.begin(), all.end(), [](const MemKv::Resident& a, const MemKv::Resident& b) {
    return a.used != b.used ? a.used < b.used : a.bytes > b.bytes;
  });
  size_t freed = 0;
  for (auto& r : all) {
    if (used.load() <= limit / 8 * 7) break;
    freed += r.store->evict(r.shard);
  }
  epoch.fetch_add(1);
  mu.unlock();
  if (freed >= (8u << 20)) release_free_memory();
}

size_t MemoryBudget::State::shards_on_disk() {
  MutexLock lk(mu);
  size_t n = 0;
  for (MemKv* kv : stores) n += kv->shards_on_disk();
  return n;
}

MemoryBudget::MemoryBudget(size_t bytes) : state_(std::make_unique<State>(bytes)) {}
MemoryBudget::~MemoryBudget() = default;

MemoryBudget::Use MemoryBudget::use() const {
  Use u;
  u.budget_bytes = state_->budget;
  u.resident_bytes = state_->used.load();
  u.cache_bytes = state_->cache->GetUsage();
  u.shards_on_disk = state_->shards_on_disk();
  return u;
}

size_t default_memory_budget() {
  auto pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  size_t ram =
      pages > 0 && page > 0 ? static_cast<size_t>(pages) * static_cast<size_t>(page) : size_t{8} << 30;
  for (const char* f : {"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}) {
    std::ifstream in(f);
    unsigned long long limit = 0;
    if (in >> limit && limit > 0) ram = std::min<size_t>(ram, limit);  // "max" reads as no number
  }
  return ram / 2;
}

namespace {

// Persistent store: RocksDB holds the durable copy; every key below `memory_below` (all of them when it
// is empty) is also kept in memory, where their reads are served. A write goes to RocksDB first (atomic
// batch, WAL) and then to memory, so what a reader sees is always durable. Reads of those keys never
// iterate RocksDB, whose range scans slow down over the tombstones that delete-and-reinsert patterns
// (conversation rows, index entries) leave behind. Keys from `memory_below` up (stream records) are
// read from RocksDB only: they are appended in order and read in order, and need no RAM. With a budget,
// the shards it drops from memory are read from RocksDB too (its block cache keeps their hot blocks).
class CachedRocksKv final : public KvStore {
 public:
  CachedRocksKv(std::unique_ptr<RocksKv> disk, std::string memory_below, size_t shard_bytes,
                std::shared_ptr<MemoryBudget> budget)
      : disk_(std::move(disk)),
        limit_(std::move(memory_below)),
        budget_(std::move(budget)),
        mem_(shard_bytes, disk_.get(), budget_ ? &budget_->state() : nullptr) {}
  ~CachedRocksKv() override {
    stop_ = true;
    if (loader_.joinable()) loader_.join();
  }
  // Finds the shards on disk (a seek per shard, not a read of every key) and starts reading them into
  // memory in the background: the store answers at once, from RocksDB until a shard is in memory.
  Status open() {
    std::string from;
    for (;;) {
      std::string key;
      bool found = false;
      DDB_TRY(disk_->first_key(from, limit_, &key, &found));
      if (!found) break;
      std::string_view prefix = mem_.prefix_of(key);
      mem_.add_on_disk(prefix);
      from = mem_.shard_end(prefix);
      if (from.empty()) break;
    }
    loader_ = std::thread([this] { mem_.load_all(stop_); });
    return Status::OK();
  }
  bool get(std::string_view key, std::string* value) override {
    return in_memory(key) ? mem_.get(key, value) : disk_->get(key, value);
  }
  uint64_t sequence() override { return disk_->sequence(); }
  Status write(const WriteBatch& batch) override {
    DDB_TRY(disk_->write(batch));
    return mem_.write_below(batch, limit_);
  }
  Status scan_once(std::string_view start, std::string_view end,
                   const std::function<bool(std::string_view, std::string_view)>& fn) override {
    if (limit_.empty() || (!end.empty() && end <= limit_)) return mem_.scan_once(start, end, fn);
    return scan(start, end, false, fn);
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
  const std::shared_ptr<MemoryBudget> budget_;  // outlives mem_, which it watches
  MemKv mem_;
  std::atomic<bool> stop_{false};  // the store closes: the loader stops
  std::thread loader_;             // reads the shards into memory after open()
};

}  // namespace

Result<std::unique_ptr<KvStore>> open_kv(const KvOptions& options) {
  if (options.path.empty()) return std::unique_ptr<KvStore>(new MemKv(options.shard_bytes));
  std::unique_ptr<RocksKv> disk;
  DDB_ASSIGN(disk, RocksKv::open(options.path, options.sync_writes,
                                 options.budget ? options.budget->state().cache : nullptr));
  auto kv = std::make_unique<CachedRocksKv>(std::move(disk), options.memory_below, options.shard_bytes,
                                            options.budget);
  auto opened = kv->open();
  if (!opened.ok())
    return err::internal("cannot read database at " + options.path + ": " + opened.error().message);
  return std::unique_ptr<KvStore>(std::move(kv));
}

}  // namespace ddb

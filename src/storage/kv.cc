#include "storage/kv.h"

#include <map>
#include <shared_mutex>

#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include "util/errors.h"
#include "util/mutex.h"

namespace ddb {

namespace {

class MemKv final : public KvStore {
 public:
  bool get(std::string_view key, std::string* value) override {
    ReaderLock lk(mu_);
    auto it = map_.find(key);
    if (it == map_.end()) return false;
    *value = it->second;
    return true;
  }
  Status write(const WriteBatch& batch) override {
    WriterLock lk(mu_);
    for (auto& op : batch.ops()) {
      if (op.is_delete) {
        auto it = map_.find(op.key);
        if (it != map_.end()) map_.erase(it);
      } else {
        map_.insert_or_assign(op.key, op.value);
      }
    }
    return Status::OK();
  }
  Status scan(std::string_view start, std::string_view end, bool reverse,
              const std::function<bool(std::string_view, std::string_view)>& fn) override {
    ReaderLock lk(mu_);
    auto lo = map_.lower_bound(start);
    auto hi = end.empty() ? map_.end() : map_.lower_bound(end);
    if (!reverse) {
      for (auto it = lo; it != hi; ++it)
        if (!fn(it->first, it->second)) break;
    } else {
      for (auto it = hi; it != lo;) {
        --it;
        if (!fn(it->first, it->second)) break;
      }
    }
    return Status::OK();
  }

 private:
  SharedMutex mu_;
  std::map<std::string, std::string, std::less<>> map_ GUARDED_BY(mu_);
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
    rocksdb::ReadOptions ro;
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

 private:
  rocksdb::DB* db_;
  rocksdb::WriteOptions wopts_;
};

// Persistent store: RocksDB holds the durable copy; every key is also kept in memory, where all reads
// are served. A write goes to RocksDB first (atomic batch, WAL) and then to memory, so what a reader
// sees is always durable. Reads never iterate RocksDB, whose range scans slow down over the
// tombstones that delete-and-reinsert patterns (conversation rows, index entries) leave behind.
class CachedRocksKv final : public KvStore {
 public:
  explicit CachedRocksKv(std::unique_ptr<RocksKv> disk) : disk_(std::move(disk)) {}
  // Loads every key into memory. A store that cannot be read whole is an error, never a partial copy.
  Status load() {
    WriteBatch all;
    DDB_TRY(disk_->scan("", "", false, [&](std::string_view k, std::string_view v) {
      all.put(std::string(k), std::string(v));
      return true;
    }));
    return mem_.write(all);
  }
  bool get(std::string_view key, std::string* value) override { return mem_.get(key, value); }
  Status write(const WriteBatch& batch) override {
    DDB_TRY(disk_->write(batch));
    return mem_.write(batch);
  }
  Status scan(std::string_view start, std::string_view end, bool reverse,
              const std::function<bool(std::string_view, std::string_view)>& fn) override {
    return mem_.scan(start, end, reverse, fn);
  }

 private:
  std::unique_ptr<RocksKv> disk_;
  MemKv mem_;
};

}  // namespace

Result<std::unique_ptr<KvStore>> open_kv(const KvOptions& options) {
  if (options.path.empty()) return std::unique_ptr<KvStore>(new MemKv());
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
  rocksdb::DB* db = nullptr;
  auto s = rocksdb::DB::Open(o, options.path, &db);
  if (!s.ok()) return err::internal("cannot open database at " + options.path + ": " + s.ToString());
  auto kv = std::make_unique<CachedRocksKv>(std::make_unique<RocksKv>(db, options.sync_writes));
  auto loaded = kv->load();
  if (!loaded.ok())
    return err::internal("cannot read database at " + options.path + ": " + loaded.error().message);
  return std::unique_ptr<KvStore>(std::move(kv));
}

}  // namespace ddb

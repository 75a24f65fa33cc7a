#include "storage/rocks_kv.h"

#include <rocksdb/db.h>
#include <rocksdb/experimental.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/table_properties_collectors.h>
#include <rocksdb/write_batch.h>

#include "util/errors.h"

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define DDB_THREAD_SANITIZER 1
#endif
#endif
#if !defined(DDB_THREAD_SANITIZER) && defined(__SANITIZE_THREAD__)
#define DDB_THREAD_SANITIZER 1
#endif
#ifndef DDB_THREAD_SANITIZER
#define DDB_THREAD_SANITIZER 0
#endif

namespace ddb::kv_detail {

Result<std::unique_ptr<RocksKv>> RocksKv::open(const std::string& path, bool sync,
                                               std::shared_ptr<rocksdb::Cache> cache) {
  rocksdb::Options o;
  o.create_if_missing = true;
  o.max_background_jobs = 2;
  o.write_buffer_size = 16 << 20;
  o.max_open_files = 256;
  o.keep_log_file_num = 2;
  rocksdb::BlockBasedTableOptions t;
  t.block_cache = cache ? std::move(cache) : rocksdb::NewLRUCache(8 << 20);
  t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  // Files dense with deletions (trimmed stream records, deleted tables) are compacted soon, so the
  // reads served from disk do not step over their tombstones for long.
  o.table_properties_collector_factories.emplace_back(
      rocksdb::NewCompactOnDeletionCollectorFactory(1024, 512));
  rocksdb::DB* db = nullptr;
  auto s = rocksdb::DB::Open(o, path, &db);
  if (!s.ok()) return err::internal("cannot open database at " + path + ": " + s.ToString());
  return std::unique_ptr<RocksKv>(new RocksKv(db, sync));
}

RocksKv::~RocksKv() {
  delete db_;
}

bool RocksKv::get(std::string_view key, std::string* value) {
  return db_->Get(rocksdb::ReadOptions(), rocksdb::Slice(key.data(), key.size()), value).ok();
}

uint64_t RocksKv::sequence() {
  return db_->GetLatestSequenceNumber();
}

Status RocksKv::write(const WriteBatch& batch) {
  rocksdb::WriteBatch wb;
  for (auto& op : batch.ops()) {
    if (op.is_range)
      wb.DeleteRange(op.key, op.value);
    else if (op.is_delete)
      wb.Delete(op.key);
    else
      wb.Put(op.key, op.value);
  }
  rocksdb::WriteOptions wo;
  wo.sync = sync_;
  rocksdb::Status s;
  if (DDB_THREAD_SANITIZER) {
    MutexLock lk(tsan_write_mu_);
    s = db_->Write(wo, &wb);
  } else {
    s = db_->Write(wo, &wb);
  }
  if (!s.ok()) return err::internal("storage write failed: " + s.ToString());
  // The files under a range deletion are compacted soon (in the background), so a deleted table's
  // data leaves the disk without waiting for compactions to reach it.
  for (auto& op : batch.ops())
    if (op.is_range) {
      rocksdb::Slice begin(op.key), end(op.value);
      (void)rocksdb::experimental::SuggestCompactRange(db_, &begin, &end);
    }
  return Status::OK();
}

Status RocksKv::scan(std::string_view start, std::string_view end, bool reverse,
                     const std::function<bool(std::string_view, std::string_view)>& fn) {
  rocksdb::ReadOptions ro;
  return scan_with(ro, start, end, reverse, fn);
}

// A scan read once (loading or counting): read ahead, and leave the block cache to the reads that come
// later.
Status RocksKv::scan_once(std::string_view start, std::string_view end,
                          const std::function<bool(std::string_view, std::string_view)>& fn) {
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;
  ro.readahead_size = 4 << 20;
  return scan_with(ro, start, end, false, fn);
}

Status RocksKv::first_key(std::string_view start, std::string_view end, std::string* key, bool* found) {
  *found = false;
  return scan(start, end, false, [&](std::string_view k, std::string_view) {
    key->assign(k);
    *found = true;
    return false;
  });
}

Status RocksKv::scan_with(rocksdb::ReadOptions& ro, std::string_view start, std::string_view end,
                          bool reverse, const std::function<bool(std::string_view, std::string_view)>& fn) {
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

}  // namespace ddb::kv_detail

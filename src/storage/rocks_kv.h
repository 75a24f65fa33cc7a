// RocksDB behind the KvStore interface: the durable half of a store opened with a path (storage/kv.cc
// keeps the in-memory copy in front of it).
#pragma once
#include <memory>
#include <string>
#include <string_view>

#include "storage/kv.h"
#include "util/mutex.h"

namespace rocksdb {
class Cache;
class DB;
struct ReadOptions;
}  // namespace rocksdb

namespace ddb::kv_detail {

class RocksKv final : public KvStore {
 public:
  // Opens (creating it if needed) the database at `path`, its blocks cached in `cache` (none: a small
  // cache of its own). sync: fsync the WAL on every write.
  static Result<std::unique_ptr<RocksKv>> open(const std::string& path, bool sync,
                                               std::shared_ptr<rocksdb::Cache> cache);
  RocksKv(const RocksKv&) = delete;
  RocksKv& operator=(const RocksKv&) = delete;
  ~RocksKv() override;

  bool get(std::string_view key, std::string* value) override;
  uint64_t sequence() override;
  Status write(const WriteBatch& batch) override;
  Status scan(std::string_view start, std::string_view end, bool reverse,
              const std::function<bool(std::string_view, std::string_view)>& fn) override;
  Status scan_once(std::string_view start, std::string_view end,
                   const std::function<bool(std::string_view, std::string_view)>& fn) override;
  // The first key in [start, end) (end empty: no bound), if any.
  Status first_key(std::string_view start, std::string_view end, std::string* key, bool* found);

 private:
  RocksKv(rocksdb::DB* db, bool sync) : db_(db), sync_(sync) {}
  Status scan_with(rocksdb::ReadOptions& ro, std::string_view start, std::string_view end, bool reverse,
                   const std::function<bool(std::string_view, std::string_view)>& fn);

  rocksdb::DB* const db_;
  const bool sync_;
  // Only in the ThreadSanitizer build: RocksDB (Debian's build) is not built with it, which cannot see how
  // its write group hands one writer's batch to another and reports that as a race. There, writes reach
  // RocksDB one at a time, so the races TSan reports are ours.
  Mutex tsan_write_mu_;
};

}  // namespace ddb::kv_detail

// The cache of week 5's "serverless caching": a key-value store with a TTL on every entry, hashes,
// one compare-and-set, and publish/subscribe. Two backends behind one interface: embedded (in this
// process; the default) and Redis (shared by several cruddur processes). Everything in it can be
// rebuilt from DynamoDB: callers treat every error as "not cached" and go to DynamoDB.
// Thread-safety: every method may be called from several threads at once.
#pragma once
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "util/status.h"

namespace cruddur {

class Cache {
 public:
  virtual ~Cache() = default;
  virtual std::string describe() const = 0;
  virtual ddb::Status ping() = 0;

  // The values of `keys`, in order (nullopt: absent or expired).
  virtual ddb::Result<std::vector<std::optional<std::string>>> mget(const std::vector<std::string>& keys) = 0;
  // Sets `key`, expiring after the cache's TTL.
  virtual ddb::Status set(const std::string& key, const std::string& value) = 0;
  // Adds one to the number at `key` (absent: 0) and returns it; it expires after the TTL (from the
  // last increment).
  virtual ddb::Result<long long> incr(const std::string& key) = 0;

  // A hash, or nullopt when `key` is absent.
  virtual ddb::Result<std::optional<std::map<std::string, std::string>>> hgetall(const std::string& key) = 0;
  // Creates `key` with `fields` unless it exists (true: created); it expires after the TTL.
  virtual ddb::Result<bool> hcreate(const std::string& key,
                                    const std::map<std::string, std::string>& fields) = 0;
  // On an existing hash only: if its "m:<field>" (absent: "") equals `expected_mark`, sets `field`
  // to `value` and "m:<field>" to `new_mark`. Atomic. True: set.
  virtual ddb::Result<bool> hcas(const std::string& key, const std::string& field, const std::string& value,
                                 const std::string& expected_mark, const std::string& new_mark) = 0;

  // Publish/subscribe on one channel. `subscribe` starts delivering to `fn` (from a thread of the
  // cache's own) until the cache is destroyed.
  virtual ddb::Status publish(const std::string& channel, const std::string& message) = 0;
  virtual void subscribe(const std::string& channel, std::function<void(const std::string&)> fn) = 0;
};

// "embedded" (or empty): in this process. "redis://HOST[:PORT][/DB]": a Redis server. "none" gives
// nullptr: no cache at all. An unknown scheme is an error.
ddb::Result<std::unique_ptr<Cache>> open_cache(const std::string& url, std::chrono::seconds ttl);

// Tests and the embedded backend: the cache in this process, bounded to `max_entries`.
std::unique_ptr<Cache> make_embedded_cache(std::chrono::seconds ttl, size_t max_entries = 200000);
ddb::Result<std::unique_ptr<Cache>> make_redis_cache(const std::string& host, int port, int db,
                                                     std::chrono::seconds ttl);

}  // namespace cruddur

#include "cruddur/cache.h"

#include <unordered_map>

#include "util/mutex.h"

namespace cruddur {

using ddb::Error;
using ddb::Result;
using ddb::Status;

namespace {

using Clock = std::chrono::steady_clock;

// The embedded backend: one map under one mutex. Expired entries are dropped when met and, when
// the map is full, in one sweep (then, if still full, an arbitrary entry goes: it is a cache).
class EmbeddedCache final : public Cache {
 public:
  EmbeddedCache(std::chrono::seconds ttl, size_t max_entries) : ttl_(ttl), max_(max_entries) {}
  std::string describe() const override { return "embedded (in this process)"; }
  Status ping() override { return Status::OK(); }

  Result<std::vector<std::optional<std::string>>> mget(const std::vector<std::string>& keys) override {
    ddb::MutexLock lk(mu_);
    std::vector<std::optional<std::string>> out;
    for (auto& k : keys) {
      Entry* e = find(k);
      out.push_back(e && !e->is_hash ? std::optional<std::string>(e->value) : std::nullopt);
    }
    return out;
  }

  Status set(const std::string& key, const std::string& value) override {
    ddb::MutexLock lk(mu_);
    Entry& e = put(key, ttl_);
    e.is_hash = false;
    e.value = value;
    return Status::OK();
  }

  Result<long long> incr(const std::string& key) override {
    ddb::MutexLock lk(mu_);
    Entry* e = find(key);
    long long n = e && !e->is_hash ? std::atoll(e->value.c_str()) + 1 : 1;
    Entry& w = put(key, ttl_);
    w.is_hash = false;
    w.value = std::to_string(n);
    return n;
  }

  Result<std::optional<std::map<std::string, std::string>>> hgetall(const std::string& key) override {
    ddb::MutexLock lk(mu_);
    Entry* e = find(key);
    if (!e || !e->is_hash) return std::optional<std::map<std::string, std::string>>();
    return std::optional<std::map<std::string, std::string>>(e->hash);
  }

  Result<bool> hcreate(const std::string& key, const std::map<std::string, std::string>& fields) override {
    ddb::MutexLock lk(mu_);
    if (find(key)) return false;
    Entry& e = put(key, ttl_);
    e.is_hash = true;
    e.hash = fields;
    return true;
  }

  Result<bool> hcas(const std::string& key, const std::string& field, const std::string& value,
                    const std::string& expected_mark, const std::string& new_mark) override {
    ddb::MutexLock lk(mu_);
    Entry* e = find(key);
    if (!e || !e->is_hash) return false;
    auto m = e->hash.find("m:" + field);
    if ((m == e->hash.end() ? std::string() : m->second) != expected_mark) return false;
    e->hash[field] = value;
    e->hash["m:" + field] = new_mark;
    return true;
  }

  Status publish(const std::string& channel, const std::string& message) override {
    std::vector<std::function<void(const std::string&)>> fns;
    {
      ddb::MutexLock lk(mu_);
      auto it = subscribers_.find(channel);
      if (it != subscribers_.end()) fns = it->second;
    }
    for (auto& fn : fns) fn(message);
    return Status::OK();
  }

  void subscribe(const std::string& channel, std::function<void(const std::string&)> fn) override {
    ddb::MutexLock lk(mu_);
    subscribers_[channel].push_back(std::move(fn));
  }

 private:
  struct Entry {
    Clock::time_point expires;
    bool is_hash = false;
    std::string value;
    std::map<std::string, std::string> hash;
  };

  Entry* find(const std::string& key) REQUIRES(mu_) {
    auto it = map_.find(key);
    if (it == map_.end()) return nullptr;
    if (it->second.expires <= Clock::now()) {
      map_.erase(it);
      return nullptr;
    }
    return &it->second;
  }

  Entry& put(const std::string& key, std::chrono::seconds ttl) REQUIRES(mu_) {
    if (map_.size() >= max_ && !map_.count(key)) {
      auto now = Clock::now();
      for (auto it = map_.begin(); it != map_.end();)
        it = it->second.expires <= now ? map_.erase(it) : std::next(it);
      if (map_.size() >= max_) map_.erase(map_.begin());
    }
    Entry& e = map_[key];
    e.expires = Clock::now() + ttl;
    return e;
  }

  const std::chrono::seconds ttl_;
  const size_t max_;
  ddb::Mutex mu_;
  std::unordered_map<std::string, Entry> map_ GUARDED_BY(mu_);
  std::map<std::string, std::vector<std::function<void(const std::string&)>>> subscribers_ GUARDED_BY(mu_);
};

}  // namespace

std::unique_ptr<Cache> make_embedded_cache(std::chrono::seconds ttl, size_t max_entries) {
  return std::make_unique<EmbeddedCache>(ttl, max_entries);
}

Result<std::unique_ptr<Cache>> open_cache(const std::string& url, std::chrono::seconds ttl) {
  if (url.empty() || url == "embedded") return std::unique_ptr<Cache>(make_embedded_cache(ttl));
  if (url == "none") return std::unique_ptr<Cache>();
  const std::string scheme = "redis://";
  if (url.rfind(scheme, 0) != 0)
    return Error{
        "BadCacheUrl", "--cache-url takes embedded, none or redis://HOST[:PORT][/DB], not " + url, 2, {}};
  std::string rest = url.substr(scheme.size());
  int db = 0;
  if (auto slash = rest.find('/'); slash != std::string::npos) {
    std::string d = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
    if (!d.empty()) {
      char* end = nullptr;
      long v = std::strtol(d.c_str(), &end, 10);
      if (*end || v < 0 || v > 1000) return Error{"BadCacheUrl", "bad database number in " + url, 2, {}};
      db = static_cast<int>(v);
    }
  }
  int port = 6379;
  if (auto colon = rest.rfind(':'); colon != std::string::npos) {
    char* end = nullptr;
    long v = std::strtol(rest.c_str() + colon + 1, &end, 10);
    if (*end || v < 1 || v > 65535) return Error{"BadCacheUrl", "bad port in " + url, 2, {}};
    port = static_cast<int>(v);
    rest = rest.substr(0, colon);
  }
  if (rest.empty()) return Error{"BadCacheUrl", "no host in " + url, 2, {}};
  return make_redis_cache(rest, port, db, ttl);
}

}  // namespace cruddur

// The Redis backend, on hiredis (synchronous): a small pool of connections with short timeouts, a
// breaker that skips Redis for a second after a failure (so an outage costs requests nothing but a
// direct read), and a subscriber thread that reconnects on its own.
#include <atomic>
#include <mutex>
#include <thread>

#include <hiredis/hiredis.h>

#include "cruddur/cache.h"
#include "util/mutex.h"

namespace cruddur {

using ddb::Error;
using ddb::Result;
using ddb::Status;

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kTimeout = std::chrono::milliseconds(250);
constexpr auto kBreak = std::chrono::seconds(1);

struct ReplyPtr {
  redisReply* r = nullptr;
  ~ReplyPtr() {
    if (r) freeReplyObject(r);
  }
};

// hcas: KEYS[1] hash; ARGV field, value, expected mark, new mark.
const char* kHcas = R"(
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local m = redis.call('HGET', KEYS[1], 'm:' .. ARGV[1]) or ''
if m ~= ARGV[3] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2], 'm:' .. ARGV[1], ARGV[4])
return 1)";
// hcreate: KEYS[1] hash; ARGV ttl, then field, value pairs.
const char* kHcreate = R"(
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], '_', '1', unpack(ARGV, 2))
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 1)";

class RedisCache final : public Cache {
 public:
  RedisCache(std::string host, int port, int db, std::chrono::seconds ttl)
      : host_(std::move(host)), port_(port), db_(db), ttl_(ttl) {}

  ~RedisCache() override {
    stop_ = true;
    for (auto& t : subscribers_) t.join();
    for (auto* c : pool_) redisFree(c);
  }

  std::string describe() const override {
    return "Redis at " + host_ + ":" + std::to_string(port_) + "/" + std::to_string(db_);
  }

  Status ping() override {
    ReplyPtr r;
    return command({"PING"}, &r);
  }

  Result<std::vector<std::optional<std::string>>> mget(const std::vector<std::string>& keys) override {
    std::vector<std::string> args = {"MGET"};
    args.insert(args.end(), keys.begin(), keys.end());
    ReplyPtr r;
    DDB_TRY(command(args, &r));
    if (r.r->type != REDIS_REPLY_ARRAY || r.r->elements != keys.size()) return bad("MGET");
    std::vector<std::optional<std::string>> out;
    for (size_t i = 0; i < r.r->elements; ++i) {
      auto* e = r.r->element[i];
      out.push_back(e->type == REDIS_REPLY_STRING ? std::optional<std::string>(std::string(e->str, e->len))
                                                  : std::nullopt);
    }
    return out;
  }

  Status set(const std::string& key, const std::string& value) override {
    ReplyPtr r;
    return command({"SET", key, value, "EX", std::to_string(ttl_.count())}, &r);
  }

  Result<long long> incr(const std::string& key) override {
    // INCR and EXPIRE in one round trip (MULTI would need two more).
    ReplyPtr r;
    DDB_TRY(command(
        {"EVAL", "local n = redis.call('INCR', KEYS[1]); redis.call('EXPIRE', KEYS[1], ARGV[1]); return n",
         "1", key, std::to_string(ttl_.count())},
        &r));
    if (r.r->type != REDIS_REPLY_INTEGER) return bad("INCR");
    return static_cast<long long>(r.r->integer);
  }

  Result<std::optional<std::map<std::string, std::string>>> hgetall(const std::string& key) override {
    ReplyPtr r;
    DDB_TRY(command({"HGETALL", key}, &r));
    if (r.r->type != REDIS_REPLY_ARRAY) return bad("HGETALL");
    if (r.r->elements == 0) return std::optional<std::map<std::string, std::string>>();
    std::map<std::string, std::string> m;
    for (size_t i = 0; i + 1 < r.r->elements; i += 2) {
      auto* k = r.r->element[i];
      auto* v = r.r->element[i + 1];
      if (k->type == REDIS_REPLY_STRING && v->type == REDIS_REPLY_STRING)
        m[std::string(k->str, k->len)] = std::string(v->str, v->len);
    }
    m.erase("_");  // hcreate's marker: a hash with no other field still exists
    return std::optional<std::map<std::string, std::string>>(std::move(m));
  }

  Result<bool> hcreate(const std::string& key, const std::map<std::string, std::string>& fields) override {
    std::vector<std::string> args = {"EVAL", kHcreate, "1", key, std::to_string(ttl_.count())};
    for (auto& [f, v] : fields) {
      args.push_back(f);
      args.push_back(v);
    }
    ReplyPtr r;
    DDB_TRY(command(args, &r));
    if (r.r->type != REDIS_REPLY_INTEGER) return bad("hcreate");
    return r.r->integer == 1;
  }

  Result<bool> hcas(const std::string& key, const std::string& field, const std::string& value,
                    const std::string& expected_mark, const std::string& new_mark) override {
    ReplyPtr r;
    DDB_TRY(command({"EVAL", kHcas, "1", key, field, value, expected_mark, new_mark}, &r));
    if (r.r->type != REDIS_REPLY_INTEGER) return bad("hcas");
    return r.r->integer == 1;
  }

  Status publish(const std::string& channel, const std::string& message) override {
    ReplyPtr r;
    return command({"PUBLISH", channel, message}, &r);
  }

  void subscribe(const std::string& channel, std::function<void(const std::string&)> fn) override {
    subscribers_.emplace_back([this, channel, fn = std::move(fn)] { listen(channel, fn); });
  }

 private:
  static Error bad(const char* what) {
    return Error{"CacheError", std::string("unexpected Redis answer to ") + what, 503, {}};
  }

  redisContext* connect() {
    timeval tv{0, static_cast<suseconds_t>(std::chrono::microseconds(kTimeout).count())};
    redisContext* c = redisConnectWithTimeout(host_.c_str(), port_, tv);
    if (!c || c->err) {
      if (c) redisFree(c);
      return nullptr;
    }
    redisSetTimeout(c, tv);
    if (db_ != 0) {
      auto* r = static_cast<redisReply*>(redisCommand(c, "SELECT %d", db_));
      bool ok = r && r->type != REDIS_REPLY_ERROR;
      if (r) freeReplyObject(r);
      if (!ok) {
        redisFree(c);
        return nullptr;
      }
    }
    return c;
  }

  // One command on a pooled connection. A failure opens the breaker: for a second, every command
  // fails at once instead of waiting for Redis.
  Status command(const std::vector<std::string>& args, ReplyPtr* out) {
    if (Clock::now().time_since_epoch().count() < down_until_.load())
      return Error{"CacheUnavailable", describe() + " is down", 503, {}};
    redisContext* c = nullptr;
    {
      ddb::MutexLock lk(mu_);
      if (!pool_.empty()) {
        c = pool_.back();
        pool_.pop_back();
      }
    }
    if (!c) c = connect();
    if (!c) return trip("cannot connect");
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    for (auto& a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    auto* r = static_cast<redisReply*>(
        redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lens.data()));
    if (!r) {
      std::string why = c->errstr;
      redisFree(c);
      return trip(why);
    }
    {
      ddb::MutexLock lk(mu_);
      if (pool_.size() < 8)
        pool_.push_back(c);
      else
        redisFree(c);
    }
    out->r = r;
    if (r->type == REDIS_REPLY_ERROR) return Error{"CacheError", std::string(r->str, r->len), 503, {}};
    return Status::OK();
  }

  Status trip(const std::string& why) {
    down_until_ = (Clock::now() + kBreak).time_since_epoch().count();
    return Error{"CacheUnavailable", describe() + ": " + why, 503, {}};
  }

  // The subscriber: its own connection, SUBSCRIBE, then replies as they come; reconnects after a
  // failure. The read timeout lets it notice stop_.
  void listen(const std::string& channel, const std::function<void(const std::string&)>& fn) {
    while (!stop_) {
      redisContext* c = connect();
      if (!c) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        continue;
      }
      auto* sub = static_cast<redisReply*>(redisCommand(c, "SUBSCRIBE %b", channel.data(), channel.size()));
      if (sub) freeReplyObject(sub);
      while (!stop_ && sub) {
        void* raw = nullptr;
        if (redisGetReply(c, &raw) != REDIS_OK) {
          if (c->err == REDIS_ERR_IO &&
              (errno == EAGAIN || errno == EWOULDBLOCK)) {  // the read timeout: go on
            c->err = 0;
            c->errstr[0] = '\0';
            continue;
          }
          break;
        }
        auto* r = static_cast<redisReply*>(raw);
        if (r->type == REDIS_REPLY_ARRAY && r->elements == 3 && r->element[2]->type == REDIS_REPLY_STRING)
          fn(std::string(r->element[2]->str, r->element[2]->len));
        freeReplyObject(r);
      }
      redisFree(c);
    }
  }

  const std::string host_;
  const int port_, db_;
  const std::chrono::seconds ttl_;
  ddb::Mutex mu_;
  std::vector<redisContext*> pool_ GUARDED_BY(mu_);  // idle connections
  std::atomic<Clock::rep> down_until_{0};
  std::atomic<bool> stop_{false};
  std::vector<std::thread> subscribers_;
};

}  // namespace

Result<std::unique_ptr<Cache>> make_redis_cache(const std::string& host, int port, int db,
                                                std::chrono::seconds ttl) {
  return std::unique_ptr<Cache>(std::make_unique<RedisCache>(host, port, db, ttl));
}

}  // namespace cruddur

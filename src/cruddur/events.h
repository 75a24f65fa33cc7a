// Live delivery: Server-Sent Events streams of signed-in users, and publishing to them. With a
// cache, events go through its publish/subscribe channel, so with Redis a message posted on one
// server reaches a user connected to another; without one (or while Redis is down) they go to this
// server's streams directly.
#pragma once
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "cruddur/cache.h"
#include "net/http_server.h"
#include "util/mutex.h"

namespace cruddur {

class EventHub {
 public:
  explicit EventHub(Cache* cache);
  // A new stream for `user`; its first event is "ready".
  std::shared_ptr<ddb::net::PushStream> open(const std::string& user);
  // Sends event `type` with data `json` to every stream of `user` on every server.
  void publish(const std::string& user, const std::string& type, const std::string& json);
  size_t open_streams();

 private:
  // The streams, shared with the cache's subscription (which may outlive this hub by a moment).
  struct Streams {
    ddb::Mutex mu;
    std::multimap<std::string, std::weak_ptr<ddb::net::PushStream>> by_user GUARDED_BY(mu);
    void deliver(const std::string& message);  // "<user>\n<SSE frame>"
  };
  Cache* cache_;
  std::shared_ptr<Streams> streams_ = std::make_shared<Streams>();
};

}  // namespace cruddur

#include "cruddur/events.h"

#include <vector>

namespace cruddur {

namespace {
const char* kChannel = "cruddur:events";
}

EventHub::EventHub(Cache* cache) : cache_(cache) {
  if (cache_)
    cache_->subscribe(kChannel, [weak = std::weak_ptr<Streams>(streams_)](const std::string& m) {
      if (auto s = weak.lock()) s->deliver(m);
    });
}

std::shared_ptr<ddb::net::PushStream> EventHub::open(const std::string& user) {
  auto s = std::make_shared<ddb::net::PushStream>();
  s->push("retry: 2000\nevent: ready\ndata: {}\n\n");
  ddb::MutexLock lk(streams_->mu);
  auto& all = streams_->by_user;
  for (auto it = all.begin(); it != all.end();) {  // forget the closed ones
    auto live = it->second.lock();
    it = live && !live->closed() ? std::next(it) : all.erase(it);
  }
  all.emplace(user, s);
  return s;
}

void EventHub::publish(const std::string& user, const std::string& type, const std::string& json) {
  std::string message = user + "\n" + "event: " + type + "\ndata: " + json + "\n\n";
  if (cache_ && cache_->publish(kChannel, message).ok()) return;  // every subscriber, this server included
  streams_->deliver(message);
}

void EventHub::Streams::deliver(const std::string& message) {
  auto nl = message.find('\n');
  if (nl == std::string::npos) return;
  std::string user = message.substr(0, nl), frame = message.substr(nl + 1);
  std::vector<std::shared_ptr<ddb::net::PushStream>> to;
  {
    ddb::MutexLock lk(mu);
    auto [b, e] = by_user.equal_range(user);
    for (auto it = b; it != e; ++it)
      if (auto s = it->second.lock()) to.push_back(std::move(s));
  }
  for (auto& s : to) s->push(frame);
}

size_t EventHub::open_streams() {
  ddb::MutexLock lk(streams_->mu);
  size_t n = 0;
  for (auto& [u, w] : streams_->by_user)
    if (auto s = w.lock(); s && !s->closed()) ++n;
  return n;
}

}  // namespace cruddur

#include "net/http_server.h"

#include <sys/resource.h>

#include <algorithm>
#include <thread>
#include <utility>

#include "net/server_core.h"

namespace ddb::net {

Reply default_error_reply(Refusal why) {
  Reply r;
  r.content_type = "text/plain";
  switch (why) {
    case Refusal::kMalformed:
      r.status = 400;
      r.body = "Bad Request";
      break;
    case Refusal::kTooLarge:
      r.status = 413;
      r.body = "Request Entity Too Large";
      break;
    case Refusal::kBusy:
      r.status = 503;
      r.body = "Service Unavailable";
      break;
  }
  return r;
}

size_t raise_descriptor_limit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return 1024;
  if (rl.rlim_cur < rl.rlim_max) {
    rlimit want = rl;
    want.rlim_cur = rl.rlim_max == RLIM_INFINITY ? 65536 : rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &want) == 0) rl = want;
  }
  return rl.rlim_cur == RLIM_INFINITY ? 65536 : static_cast<size_t>(rl.rlim_cur);
}

bool PushStream::push(const std::string& chunk) {
  std::function<void()> wake;
  {
    ddb::MutexLock lk(mu_);
    if (closed_) return false;
    if (queued_.size() + chunk.size() > max_queued_) {
      closed_ = true;  // the client does not keep up
    } else {
      queued_ += chunk;
    }
    wake = wake_;
  }
  if (wake) wake();
  return true;
}

void PushStream::close() {
  std::function<void()> wake;
  {
    ddb::MutexLock lk(mu_);
    if (closed_) return;
    closed_ = true;
    wake = wake_;
  }
  if (wake) wake();
}

bool PushStream::closed() const {
  ddb::MutexLock lk(mu_);
  return closed_;
}

void PushStream::attach(const std::function<void()>& wake) {
  {
    ddb::MutexLock lk(mu_);
    wake_ = wake;
  }
  wake();  // chunks pushed before the server attached
}

std::string PushStream::take() {
  ddb::MutexLock lk(mu_);
  return std::exchange(queued_, std::string());
}

struct Server::Impl {
  std::shared_ptr<Core> core = std::make_shared<Core>();
  size_t threads = 2;
};

Server::Server(ServerOptions options, Handler handler) : impl_(std::make_shared<Impl>()) {
  auto& core = *impl_->core;
  core.opt = std::move(options);
  core.handler = std::move(handler);
  if (core.opt.max_connections == 0)
    core.opt.max_connections = std::max<size_t>(16, raise_descriptor_limit() / 2);
  int cores = static_cast<int>(std::thread::hardware_concurrency());
  int n = core.opt.threads > 0 ? core.opt.threads : std::max(1, cores - 1);
  impl_->threads = static_cast<size_t>(n);
}

Server::~Server() {
  stop();
}

bool Server::listen(std::string* error) {
  return impl_->core->listen(error);
}

unsigned short Server::port() const {
  return impl_->core->port();
}

void Server::start() {
  impl_->core->start(impl_->threads);
}

void Server::stop() {
  impl_->core->stop();
}

}  // namespace ddb::net

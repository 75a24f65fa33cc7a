#include "net/server_core.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "net/connection.h"

namespace ddb::net {

namespace {
// epoll data: a slot's address with its generation in the top 16 bits, or one of these.
constexpr uint64_t kTimerTag = 1, kQuitTag = 2, kListenTag = 3;  // above kQuitTag: work
constexpr uint64_t kAddressMask = (uint64_t{1} << 48) - 1;
// A slot's word.
constexpr uint64_t kFree = 0, kWaiting = 1, kOwned = 2, kStateMask = 0xff;
constexpr int kPendingShift = 8;
constexpr uint64_t kPendingMask = uint64_t{0xffffff} << kPendingShift;
// How often the timer enforces deadlines (and retries accepting after running out of descriptors).
constexpr int64_t kTickNs = 250'000'000;
// How long every I/O thread may be busy without a request begun or finished before the standby thread
// serves too; and how long the server must be idle before the standby thread stops checking so often.
constexpr int64_t kRescueNs = 1'000'000;
constexpr int64_t kQuietNs = 50'000'000;
// Events one epoll_wait takes: one, so that a ready connection is never queued behind another
// request on a busy thread while another thread could take it.
constexpr int kBatch = 1;
// How long a thread may go on serving other requests while it holds replies back (serve()), and how
// long a held reply may wait before another thread sends it (its own is stuck on a slow request).
constexpr int64_t kHoldNs = 200'000;
constexpr int64_t kHeldTooLongNs = 1'000'000;

// This thread's part in holding replies (serve()).
struct Holding {
  HeldReplies* list = nullptr;  // this I/O thread's (none for the standby thread)
  bool on = false;              // it holds replies now
  bool just = false;            // the connection just run was held: run() must not let it go
  std::vector<std::pair<Slot*, uint16_t>> sending;
};
thread_local Holding t_hold;

uint16_t gen_of(uint64_t w) {
  return static_cast<uint16_t>(w >> 48);
}
uint32_t pending_of(uint64_t w) {
  return static_cast<uint32_t>((w & kPendingMask) >> kPendingShift);
}
uint64_t make_word(uint16_t gen, uint64_t state) {
  return uint64_t{gen} << 48 | state;
}
uint64_t tag(Slot* s, uint16_t gen) {
  return reinterpret_cast<uintptr_t>(s) | uint64_t{gen} << 48;
}
bool add(int epfd, int fd, uint32_t events, uint64_t data) {
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = data;
  return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) == 0;
}
}  // namespace

int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Core::Core() = default;

Core::~Core() {
  for (int fd : {listen_fd_, timer_fd_, quit_fd_, epfd_})
    if (fd >= 0) ::close(fd);
}

bool Core::listen(std::string* error) {
  auto fail = [&](const std::string& why) {
    if (error) *error = why;
    return false;
  };
  if (!opt.tls_cert_file.empty() || !opt.tls_key_file.empty()) {
    tls = TlsContext::load(opt.tls_cert_file, opt.tls_key_file, error);
    if (!tls) return false;
  }
  sockaddr_storage addr{};
  socklen_t len = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&addr);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&addr);
  if (inet_pton(AF_INET, opt.host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(opt.port);
    len = sizeof *v4;
  } else if (inet_pton(AF_INET6, opt.host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(opt.port);
    len = sizeof *v6;
  } else {
    return fail("invalid address " + opt.host);
  }
  listen_fd_ = ::socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  if (listen_fd_ < 0 || setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
      bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(listen_fd_, SOMAXCONN) != 0)
    return fail("cannot listen on " + opt.host + ":" + std::to_string(opt.port) + ": " +
                std::strerror(errno));
  if (getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port_ = ntohs(addr.ss_family == AF_INET ? v4->sin_port : v6->sin6_port);
  epfd_ = epoll_create1(EPOLL_CLOEXEC);
  timer_fd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  quit_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  itimerspec tick{{0, kTickNs}, {0, kTickNs}};
  if (epfd_ < 0 || timer_fd_ < 0 || quit_fd_ < 0 || timerfd_settime(timer_fd_, 0, &tick, nullptr) != 0 ||
      !add(epfd_, listen_fd_, EPOLLIN | EPOLLET, kListenTag) ||
      !add(epfd_, timer_fd_, EPOLLIN | EPOLLET, kTimerTag) || !add(epfd_, quit_fd_, EPOLLIN, kQuitTag))
    return fail(std::string("cannot set up the event loop: ") + std::strerror(errno));
  return true;
}

unsigned short Core::port() const {
  return port_;
}

void Core::start(size_t threads) {
  thread_count_ = threads;
  last_progress_ns_ = steady_ns();
  for (size_t i = 0; i < threads; ++i) held_.emplace_back();
  for (size_t i = 0; i < threads; ++i)
    threads_.emplace_back([this, i] {
      t_hold.list = &held_[i];
      loop();
    });
  standby_ = std::thread([this] { standby(); });  // serves (rescue()) without holding replies
}

void Core::loop() {
  epoll_event events[kBatch];
  while (!quit_.load(std::memory_order_relaxed)) {
    ++waiting_;
    int n = wait(events, kBatch);
    --waiting_;
    serve(events, n);
  }
}

// Runs what epoll_wait gave, with the progress marks the standby thread watches. The timer's ticks are
// not work: an idle server does not wake the standby thread.
//
// Replies are held back while other requests are waiting: the thread serves what else is ready (up to
// reply_batch replies, for at most kHoldNs), then sends the held replies one after another. On a
// loopback or a virtual machine most of a reply's cost can be waking the client's thread on another
// CPU; replies sent together wake it once, and a client that sends its next requests together wakes
// the server once. Under load each request waits behind the others anyway; a lone request is sent
// at once, as nothing else is ready.
void Core::serve(const epoll_event* events, int n) {
  bool work = false;
  for (int i = 0; i < n; ++i) work = work || events[i].data.u64 > kQuitTag;
  if (work) {
    note_progress();
    send_stale_held();
  }
  HeldReplies* mine = t_hold.list;
  t_hold.on = mine && opt.reply_batch > 1;
  for (int i = 0; i < n; ++i) dispatch(events[i].data.u64, events[i].events);
  if (t_hold.on) serve_ready_then_send(*mine);
  if (work) last_progress_ns_.store(steady_ns(), std::memory_order_relaxed);
}

// With replies held: serves the requests that are ready, then sends the replies.
void Core::serve_ready_then_send(HeldReplies& mine) {
  for (;;) {
    {
      ddb::MutexLock lk(mine.mu);
      size_t held = mine.slots.size();
      if (held == 0 || held >= static_cast<size_t>(opt.reply_batch) || steady_ns() - mine.since >= kHoldNs)
        break;
    }
    epoll_event more[kBatch];
    int m = epoll_wait(epfd_, more, kBatch, 0);
    if (m <= 0) break;
    last_progress_ns_.store(steady_ns(), std::memory_order_relaxed);
    for (int i = 0; i < m; ++i) dispatch(more[i].data.u64, more[i].events);
  }
  t_hold.on = false;
  send_held(mine, INT64_MAX);
}

bool Core::hold_reply(Slot* s, uint16_t gen) {
  if (!t_hold.on) return false;
  HeldReplies& mine = *t_hold.list;
  t_hold.just = true;
  ddb::MutexLock lk(mine.mu);
  if (mine.slots.empty()) mine.since = steady_ns();
  mine.slots.emplace_back(s, gen);
  return true;
}

// Sends the replies other threads have held for kHeldTooLongNs: such a thread is stuck on a request.
void Core::send_stale_held() {
  int64_t before = steady_ns() - kHeldTooLongNs;
  for (auto& h : held_)
    if (&h != t_hold.list) send_held(h, before);
}

// Takes the replies of `h` (if held since before `older_than`) and runs each connection, which sends
// its reply and serves what it has next.
void Core::send_held(HeldReplies& h, int64_t older_than) {
  {
    ddb::MutexLock lk(h.mu);
    if (h.slots.empty() || h.since >= older_than) return;
    t_hold.sending.swap(h.slots);
  }
  for (auto [s, gen] : t_hold.sending) run(s, gen, kWritable);
  t_hold.sending.clear();
}

// Work begins. After a quiet spell the standby thread sleeps long; it is woken to watch again.
void Core::note_progress() {
  int64_t now = steady_ns();
  int64_t before = last_progress_ns_.exchange(now, std::memory_order_relaxed);
  if (now - before > kQuietNs) {
    std::lock_guard lk(standby_mu_);
    standby_cv_.notify_one();
  }
}

// The standby thread: every kRescueNs while requests come, it looks whether every I/O thread is busy
// and none has begun or finished a request for that long; then it serves with them (rescue()). So one
// slow request (a large Scan, a 16 MB batch) or a descheduled thread holds up the others' connections
// for at most about kRescueNs, while under ordinary load the I/O threads alone serve, with no thread
// beyond them competing for the cores (which is what lengthens the tail when clients share them).
void Core::standby() {
  epoll_event events[kBatch];
  while (!quit_.load(std::memory_order_relaxed)) {
    {
      std::unique_lock lk(standby_mu_);
      // Quiet (a thread waits for work and none came for a while): sleep until a request comes.
      bool quiet = waiting_.load() > 0 && steady_ns() - last_progress_ns_.load() > kQuietNs;
      auto nap = std::chrono::nanoseconds(quiet ? 100 * kQuietNs : kRescueNs);
      standby_cv_.wait_for(lk, nap);
    }
    send_stale_held();
    if (waiting_.load() == 0 && steady_ns() - last_progress_ns_.load(std::memory_order_relaxed) > kRescueNs)
      rescue(events);
  }
}

// Serves while no I/O thread is free to; returns when one is, or when no event came for kRescueNs.
void Core::rescue(epoll_event* events) {
  while (!quit_.load(std::memory_order_relaxed)) {
    ++waiting_;
    int n = epoll_wait(epfd_, events, kBatch, static_cast<int>(kRescueNs / 1'000'000));
    --waiting_;
    if (n <= 0) return;
    serve(events, n);
    if (waiting_.load() > 0) return;
  }
}

// With idle_poll_microseconds, one thread at a time that runs out of work polls, without sleeping,
// for up to an adaptive window before it sleeps: a request that arrives meanwhile is taken at once
// instead of after a wake-up from another CPU (tens of microseconds on a virtual machine). The window
// grows while the work came back soon after the thread slept (a poll that long would have caught it)
// and halves while idle spells outlast four times the limit (a slow client: polling would only burn
// CPU), as KVM's halt polling does.
int Core::wait(epoll_event* events, int max) {
  int64_t limit = int64_t{opt.idle_poll_microseconds} * 1000;
  bool spin = limit > 0 && !spinning_.exchange(true);
  int64_t from = spin ? steady_ns() : 0;
  if (spin) {
    int64_t window = poll_window_ns_.load(std::memory_order_relaxed);
    while (steady_ns() - from < window) {
      int n = epoll_wait(epfd_, events, max, 0);
      if (n > 0) {
        spinning_ = false;
        return n;
      }
    }
    spinning_ = false;
  }
  int n = epoll_wait(epfd_, events, max, -1);
  if (spin) {
    int64_t idle = steady_ns() - from;
    int64_t window = poll_window_ns_.load(std::memory_order_relaxed);
    if (idle > 4 * limit)
      window /= 2;
    else if (idle > window)
      window = std::min(limit, std::max<int64_t>(2 * window, 10'000));
    poll_window_ns_.store(window < 1'000 ? 0 : window, std::memory_order_relaxed);
  }
  return std::max(n, 0);  // EINTR: none
}

void Core::dispatch(uint64_t data, uint32_t events) {
  if (data == kListenTag) return accept_all();
  if (data == kTimerTag) return on_timer();
  if (data == kQuitTag) return;
  uint32_t bits = 0;
  if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) bits |= kReadable;
  if (events & (EPOLLOUT | EPOLLHUP | EPOLLERR)) bits |= kWritable;
  if (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) bits |= kHangup;
  // The slot's address and generation share the epoll word; slots are never freed while the server runs.
  auto* slot = reinterpret_cast<Slot*>(data & kAddressMask);  // NOLINT(performance-no-int-to-ptr)
  kick(slot, static_cast<uint16_t>(data >> 48), bits);
}

void Core::kick(Slot* s, uint16_t gen, uint32_t bits) {
  uint64_t w = s->word.load();
  for (;;) {
    if (gen_of(w) != gen) return;  // closed since: the kick was for a connection that is gone
    uint64_t state = w & kStateMask;
    if (state == kFree) return;
    if (state == kOwned) {
      if (s->word.compare_exchange_weak(w, w | uint64_t{bits} << kPendingShift)) return;  // its owner runs it
    } else if (s->word.compare_exchange_weak(w, make_word(gen, kOwned))) {
      return run(s, gen, bits | pending_of(w));
    }
  }
}

// The owner runs the connection until no kick is left for it, then lets go (or frees it).
void Core::run(Slot* s, uint16_t gen, uint32_t bits) {
  while (bits != 0) {
    if (!s->conn->on_kick(bits)) return free_slot(s, gen);
    if (std::exchange(t_hold.just, false)) return;  // its reply is held: still owned (serve())
    bits = release(s, gen);
  }
}

uint32_t Core::release(Slot* s, uint16_t gen) {
  uint64_t w = s->word.load();
  for (;;) {
    uint32_t more = pending_of(w);
    if (s->word.compare_exchange_weak(w, make_word(gen, more ? kOwned : kWaiting))) return more;
  }
}

void Core::accept_all() {
  while (!stopping) {
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      // Out of descriptors (or memory): free idle connections and try again on the next tick,
      // instead of spinning on an accept that fails at once.
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
        evict_oldest(thread_count_);
      accept_paused_ = true;
      return;
    }
    // At the cap, make room by closing the oldest idle connection; beyond the cap plus what idle
    // closes can free, refuse outright.
    size_t cap = opt.max_connections;
    if (connections >= cap) {
      evict_oldest(1);
      if (connections >= cap + cap / 8 + 8) {
        ::close(fd);
        continue;
      }
    }
    admit(fd);
  }
}

void Core::admit(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  Slot* s = nullptr;
  {
    ddb::MutexLock lk(slots_mu_);
    if (free_slots_.empty()) {
      s = &slots_.emplace_back();
    } else {
      s = free_slots_.back();
      free_slots_.pop_back();
    }
  }
  uint16_t gen = gen_of(s->word.load());
  ++connections;
  s->word.store(make_word(gen, kOwned));
  s->conn = std::make_unique<Connection>(*this, *s, gen, fd);
  if (!add(epfd_, fd, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, tag(s, gen))) return free_slot(s, gen);
  run(s, gen, release(s, gen));  // what arrived while it was being set up
}

void Core::free_slot(Slot* s, uint16_t gen) {
  s->conn.reset();  // closes the descriptor, which leaves the epoll set
  s->deadline_ns = INT64_MAX;
  s->idle_since_ns = 0;
  s->word.store(make_word(static_cast<uint16_t>(gen + 1), kFree));
  {
    ddb::MutexLock lk(slots_mu_);
    free_slots_.push_back(s);
  }
  if (--connections == 0 && stopping) {
    std::lock_guard lk(drained_mu_);
    drained_cv_.notify_all();
  }
}

std::vector<std::pair<Slot*, uint16_t>> Core::slots_where(const std::function<bool(const Slot&)>& pick) {
  std::vector<std::pair<Slot*, uint16_t>> out;
  ddb::MutexLock lk(slots_mu_);
  for (auto& s : slots_) {
    uint64_t w = s.word.load();
    if ((w & kStateMask) != kFree && pick(s)) out.emplace_back(&s, gen_of(w));
  }
  return out;
}

void Core::on_timer() {
  uint64_t expirations = 0;
  if (::read(timer_fd_, &expirations, sizeof expirations) < 0) expirations = 0;
  if (accept_paused_.exchange(false)) accept_all();
  int64_t now = steady_ns();
  // Kicked outside the lock: a kick may run the connection here, and closing it takes the lock.
  for (auto [s, gen] : slots_where([now](const Slot& s) { return s.deadline_ns.load() <= now; }))
    kick(s, gen, kTimer);
}

// Closes the n connections that have been idle longest (those idle now; a request that arrives
// before the kick is answered first). Each is claimed first, so that threads evicting at once close
// n each rather than all the same one.
void Core::evict_oldest(size_t n) {
  std::vector<std::pair<int64_t, std::pair<Slot*, uint16_t>>> idle;
  for (auto c : slots_where([](const Slot& s) { return s.idle_since_ns.load() != 0; }))
    idle.emplace_back(c.first->idle_since_ns.load(), c);
  std::sort(idle.begin(), idle.end(), [](auto& a, auto& b) { return a.first < b.first; });
  for (auto& [since, c] : idle) {
    if (n == 0) break;
    int64_t seen = since;
    if (seen == 0 || !c.first->idle_since_ns.compare_exchange_strong(seen, 0)) continue;
    kick(c.first, c.second, kEvict);
    --n;
  }
}

// Stops accepting, closes idle connections, lets in-flight requests finish (at most
// drain_timeout_seconds), stops the threads, then closes whatever is left.
void Core::stop() {
  std::call_once(stopped_, [this] {
    if (epfd_ < 0) return;
    stopping = true;
    if (listen_fd_ >= 0) ::shutdown(listen_fd_, SHUT_RDWR);
    for (auto [s, gen] : slots_where([](const Slot&) { return true; })) kick(s, gen, kEvict);
    if (!threads_.empty()) {
      std::unique_lock lk(drained_mu_);
      drained_cv_.wait_for(lk, std::chrono::seconds(opt.drain_timeout_seconds),
                           [this] { return connections == 0; });
    }
    quit_ = true;
    uint64_t one = 1;
    if (::write(quit_fd_, &one, sizeof one) < 0) std::abort();
    {
      std::lock_guard lk(standby_mu_);
      standby_cv_.notify_all();
    }
    for (auto& t : threads_) t.join();
    threads_.clear();
    if (standby_.joinable()) standby_.join();
    // No I/O thread runs now, but an event stream's wake may still: each connection is taken as a
    // kick would take it before it is closed.
    for (auto [s, gen] : slots_where([](const Slot&) { return true; })) {
      bool taken = false;
      for (;;) {
        uint64_t w = make_word(gen, kWaiting);
        taken = s->word.compare_exchange_weak(w, make_word(gen, kOwned));
        if (taken || gen_of(w) != gen || (w & kStateMask) == kFree) break;
        if ((w & kStateMask) == kOwned) std::this_thread::yield();
      }
      if (taken) free_slot(s, gen);
    }
  });
}

}  // namespace ddb::net

// The epoll server's shared state and its one rule of ownership (private to net/).
//
// Every I/O thread waits on one epoll instance; each connection is registered once, edge-triggered,
// for reading and writing. Whatever must happen to a connection (bytes arrived, the socket drained,
// a deadline passed, room is needed, an event stream was given a chunk) is a "kick" with a bit saying
// why. The thread that kicks a waiting connection owns it and runs it; a kick that finds it owned
// leaves its bit for the owner, who runs again before letting go. So a connection's state is touched
// by one thread at a time without a lock, and its next step runs on whichever thread is there first:
// none is tied to a thread. A connection lives in a Slot that is never freed while the server runs;
// a kick names the slot's generation, so one that arrives after the connection closed does nothing.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "net/http_server.h"
#include "net/socket_io.h"
#include "util/mutex.h"

struct epoll_event;

namespace ddb::net {

// Why a connection is kicked.
enum Kick : uint32_t {
  kReadable = 1,  // bytes (or the end of the stream) may be waiting
  kWritable = 2,  // the socket has room again
  kTimer = 4,     // its deadline passed
  kEvict = 8,     // close it if it is idle (room is needed, or the server stops)
  kPushed = 16,   // its event stream has chunks, or was closed
  kHangup = 32,   // the peer closed its side (or the socket failed): read to the end
};

class Connection;

struct Slot {
  // generation (16 bits) << 48 | pending kicks << 8 | state
  std::atomic<uint64_t> word{0};
  std::atomic<int64_t> deadline_ns{INT64_MAX};  // steady clock; the timer kicks it once passed
  std::atomic<int64_t> idle_since_ns{0};        // 0: busy (not to be evicted)
  std::unique_ptr<Connection> conn;             // touched only by the owner
};

// Replies held back by one I/O thread (Core::serve()); another thread sends those held too long.
struct HeldReplies {
  ddb::Mutex mu;
  int64_t since GUARDED_BY(mu) = 0;
  std::vector<std::pair<Slot*, uint16_t>> slots GUARDED_BY(mu);
};

int64_t steady_ns();

class Core : public std::enable_shared_from_this<Core> {
 public:
  ServerOptions opt;
  Handler handler;
  std::unique_ptr<TlsContext> tls;
  std::atomic<size_t> connections{0};
  std::atomic<size_t> pending_body_bytes{0};
  std::atomic<bool> stopping{false};

  Core();
  ~Core();
  // Binds, listens and creates the epoll instance.
  bool listen(std::string* error);
  unsigned short port() const;
  void start(size_t threads);
  void stop();
  // Runs `bits` on the connection of `slot` if it is still generation `gen` (see above).
  void kick(Slot* slot, uint16_t gen, uint32_t bits);
  // Called by a connection with a reply to send: true when the calling thread holds replies back
  // (serve()). The connection stays owned and the caller must not touch it again: whoever takes it
  // from the held list (the thread, or the standby thread if that one is stuck) runs it to send.
  bool hold_reply(Slot* slot, uint16_t gen);

 private:
  void loop();
  void standby();
  void rescue(::epoll_event* events);
  void note_progress();
  void serve(const ::epoll_event* events, int n);
  void send_held(HeldReplies& h, int64_t older_than);
  void send_stale_held();
  void serve_ready_then_send(HeldReplies& mine);
  void dispatch(uint64_t data, uint32_t events);
  void run(Slot* slot, uint16_t gen, uint32_t bits);
  uint32_t release(Slot* slot, uint16_t gen);
  void accept_all();
  void admit(int fd);
  void free_slot(Slot* slot, uint16_t gen);
  void on_timer();
  void evict_oldest(size_t n);
  std::vector<std::pair<Slot*, uint16_t>> slots_where(const std::function<bool(const Slot&)>& pick);
  int wait(::epoll_event* events, int max);

  int epfd_ = -1, listen_fd_ = -1, timer_fd_ = -1, quit_fd_ = -1;
  unsigned short port_ = 0;
  std::vector<std::thread> threads_;
  size_t thread_count_ = 1;
  std::atomic<bool> quit_{false};
  std::atomic<bool> accept_paused_{false};
  std::atomic<bool> spinning_{false};  // one thread at a time polls (idle_poll_microseconds)
  std::atomic<int64_t> poll_window_ns_{0};
  // The standby thread (standby()): it serves only while every I/O thread has been busy, with no
  // request begun or finished, for kRescueNs (a slow request, or a thread the OS descheduled).
  std::thread standby_;
  std::atomic<int> waiting_{0};  // threads ready to take the next event
  std::atomic<int64_t> last_progress_ns_{0};
  std::deque<HeldReplies> held_;  // one per I/O thread, made in start() before any runs
  std::mutex standby_mu_;
  std::condition_variable standby_cv_;
  ddb::Mutex slots_mu_;
  std::deque<Slot> slots_ GUARDED_BY(slots_mu_);
  std::vector<Slot*> free_slots_ GUARDED_BY(slots_mu_);
  std::mutex drained_mu_;
  std::condition_variable drained_cv_;
  std::once_flag stopped_;
};

}  // namespace ddb::net

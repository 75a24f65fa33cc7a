// One HTTP/1.1 connection of the epoll server, run only by the thread that owns it (server_core.h):
// it reads and parses requests (Beast's parser, with the server's limits), calls the handler, writes
// the reply, and keeps the connection for the next request (pipelined ones included) or pushes an
// event stream. Every wait has a deadline in its slot, which the server's timer enforces.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/beast/http.hpp>

#include "net/server_core.h"

namespace ddb::net {

class Connection {
 public:
  Connection(Core& core, Slot& slot, uint16_t gen, int fd);
  ~Connection();  // releases its share of the body budget, closes its stream and descriptor
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  // Runs what `bits` ask for. False: the connection is finished (the caller destroys it).
  bool on_kick(uint32_t bits);

 private:
  enum class Phase { kRead, kWrite, kPush };
  enum class Parsed { kNeedMore, kReady, kRefused };
  bool idle() const;
  bool progress();
  Parsed parse();
  bool check_header();
  bool respond();
  void refuse(Refusal why, unsigned version);
  void queue_reply(Reply reply, bool keep_alive, unsigned version);
  Io flush();
  Io read_more();
  void start_push(const Reply& reply);
  bool push_step(uint32_t bits, int64_t now);
  bool drain_input();
  void release_body();
  void set_deadline(int64_t at) { slot_.deadline_ns.store(at, std::memory_order_relaxed); }
  void set_idle(int64_t since) { slot_.idle_since_ns.store(since, std::memory_order_relaxed); }

  Core& core_;
  Slot& slot_;
  const uint16_t gen_;
  Transport io_;
  Phase phase_ = Phase::kRead;
  // Bytes read and not yet parsed: in_[lo_, hi_).
  std::vector<char> in_;
  size_t lo_ = 0, hi_ = 0;
  bool drained_ = true;  // the socket had nothing more when last read (wait for the next edge)
  bool hangup_ = false;  // the peer's end was signalled: read until it shows
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  bool header_checked_ = false;
  size_t reserved_ = 0;  // of the pending-body budget
  // The reply being written: head_ then body_, out_ bytes of them sent.
  std::string head_, body_;
  size_t out_ = 0;
  bool keep_alive_ = false;
  // Push mode.
  std::shared_ptr<PushStream> push_;
  std::string queued_;  // taken from the stream, not yet being written
  int64_t write_started_ = 0, last_write_ = 0;
};

}  // namespace ddb::net

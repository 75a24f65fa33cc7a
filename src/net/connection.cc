#include "net/connection.h"

#include <algorithm>
#include <cstring>

#include "net/http_message.h"
#include "util/time.h"

namespace ddb::net {

namespace http = boost::beast::http;

namespace {
constexpr int64_t kSecond = 1'000'000'000;
constexpr size_t kReadChunk = 16 * 1024;
constexpr size_t kBufferCap = kHeaderLimit + 4 * kReadChunk;  // a header at its limit, and then some
constexpr int64_t kKeepaliveEvery = 15 * kSecond;

// A reply's status line and its headers (Server, Date, Content-Type, then the reply's own), each line
// ended by CRLF; the caller adds the framing headers and the blank line. A header whose name or value
// holds CR or LF is left out: nothing a client sent can split the head.
void append_head(std::string& out, const Reply& reply, const std::string& server_name, unsigned version) {
  // One pass (find_first_of with two characters calls memchr once per character of the value).
  auto breaks_line = [](std::string_view x) {
    return std::any_of(x.begin(), x.end(), [](char c) { return c == '\r' || c == '\n'; });
  };
  auto header = [&](std::string_view k, std::string_view v) {
    if (breaks_line(k) || breaks_line(v)) return;
    out.append(k).append(": ").append(v).append("\r\n");
  };
  out += version >= 11 ? "HTTP/1.1 " : "HTTP/1.0 ";
  out += std::to_string(reply.status);
  out += ' ';
  auto reason = http::obsolete_reason(static_cast<http::status>(reply.status));
  out.append(reason.data(), reason.size());
  out += "\r\n";
  header("Server", server_name);
  header("Date", ddb::http_date_now());
  header("Content-Type", reply.content_type);
  for (auto& [k, v] : reply.headers) header(k, v);
}
}  // namespace

Connection::Connection(Core& core, Slot& slot, uint16_t gen, int fd)
    : core_(core), slot_(slot), gen_(gen), io_(fd, core.tls.get()) {
  int64_t now = steady_ns();
  // A TLS handshake must finish as a request's header must; a plain connection waits for a request.
  set_deadline(now +
               (io_.tls() ? core_.opt.header_timeout_seconds : core_.opt.idle_timeout_seconds) * kSecond);
  set_idle(io_.tls() ? 0 : now);
}

Connection::~Connection() {
  release_body();
  if (push_) push_->close();
}

bool Connection::idle() const {
  return phase_ == Phase::kPush || (phase_ == Phase::kRead && !parser_ && lo_ == hi_);
}

bool Connection::on_kick(uint32_t bits) {
  if ((bits & kEvict) && idle()) return false;  // a request that arrived meanwhile is answered first
  if (bits & kHangup) hangup_ = true;
  if (phase_ == Phase::kPush) return push_step(bits, steady_ns());
  if ((bits & kTimer) && steady_ns() >= slot_.deadline_ns.load(std::memory_order_relaxed)) return false;
  // TLS may have waited to write in order to read.
  if ((bits & kReadable) || (io_.tls() && (bits & kWritable))) drained_ = false;
  if (!(bits & (kReadable | kWritable))) return true;
  return progress();
}

// Writes what is queued, then serves every request the buffer and the socket hold, until the socket
// has nothing more (wait for the next edge) or the connection ends.
bool Connection::progress() {
  for (;;) {
    if (phase_ == Phase::kWrite) {
      if (out_ == 0 && core_.hold_reply(&slot_, gen_)) return true;  // sent with others (serve())
      Io r = flush();
      if (r == Io::kClosed) return false;
      if (r != Io::kOk) return true;  // the deadline was set when the reply was queued
      if (!keep_alive_) {
        io_.shutdown_send();
        return false;
      }
      phase_ = Phase::kRead;
    }
    if (core_.stopping && !parser_ && lo_ == hi_) return false;
    switch (parse()) {
      case Parsed::kReady:
        if (!respond()) return false;
        if (phase_ == Phase::kPush) return push_step(kPushed, steady_ns());
        continue;
      case Parsed::kRefused:
        continue;
      case Parsed::kNeedMore:
        break;
    }
    if (drained_) {
      if (!parser_ && lo_ == hi_) {
        int64_t now = steady_ns();
        set_deadline(now + core_.opt.idle_timeout_seconds * kSecond);
        set_idle(now);
        if (in_.size() > kReadChunk) std::vector<char>().swap(in_);  // grown for a large request: give back
      }
      return true;
    }
    Io r = read_more();
    if (r == Io::kClosed) return false;
  }
}

Io Connection::read_more() {
  if (lo_ == hi_) lo_ = hi_ = 0;
  if (in_.size() - hi_ < kReadChunk) {
    if (lo_ > 0) {
      std::memmove(in_.data(), in_.data() + lo_, hi_ - lo_);
      hi_ -= lo_;
      lo_ = 0;
    }
    if (in_.size() - hi_ < kReadChunk)
      in_.resize(std::min(kBufferCap, std::max(in_.size() * 2, hi_ + kReadChunk)));
  }
  size_t room = in_.size() - hi_;
  if (room == 0) return Io::kClosed;  // cannot happen: the parser refuses a header past its limit first
  IoResult r = io_.read(in_.data() + hi_, room);
  if (r.status == Io::kOk) {
    hi_ += r.bytes;
    // A plain socket that gave less than asked is empty, unless its end was signalled with the last
    // edge (it must still be read, as no edge follows); TLS may still hold a decrypted record.
    if (!io_.tls() && !hangup_ && r.bytes < room) drained_ = true;
    return Io::kOk;
  }
  if (r.status == Io::kRetryRead || r.status == Io::kRetryWrite) drained_ = true;
  return r.status;
}

Connection::Parsed Connection::parse() {
  if (lo_ == hi_) return Parsed::kNeedMore;
  if (!parser_) {
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(core_.opt.max_body_bytes);
    header_checked_ = false;
    set_idle(0);
    set_deadline(steady_ns() + core_.opt.header_timeout_seconds * kSecond);
  }
  while (lo_ < hi_) {
    boost::beast::error_code ec;
    size_t n = parser_->put(boost::asio::const_buffer(in_.data() + lo_, hi_ - lo_), ec);
    lo_ += n;
    if (ec == http::error::need_more) return Parsed::kNeedMore;
    if (ec) {
      refuse(ec == http::error::body_limit ? Refusal::kTooLarge : Refusal::kMalformed, 11);
      return Parsed::kRefused;
    }
    if (parser_->is_header_done() && !header_checked_) {
      header_checked_ = true;
      if (!check_header()) return Parsed::kRefused;
    }
    if (parser_->is_done()) return Parsed::kReady;
    if (n == 0) return Parsed::kNeedMore;
  }
  return parser_->is_done() ? Parsed::kReady : Parsed::kNeedMore;
}

// Reserves the body's memory before reading it: the declared length, or the limit when chunked.
bool Connection::check_header() {
  auto declared = parser_->content_length();
  size_t max = core_.opt.max_body_bytes;
  size_t want = declared ? static_cast<size_t>(*declared) : (parser_->chunked() ? max : 0);
  unsigned version = parser_->get().version();
  if (want > max) {
    refuse(Refusal::kTooLarge, version);
    return false;
  }
  if (want > 0) {
    size_t before = core_.pending_body_bytes.fetch_add(want);
    reserved_ = want;
    if (before + want > core_.opt.max_pending_body_bytes) {
      refuse(Refusal::kBusy, version);
      return false;
    }
  }
  int64_t seconds = core_.opt.body_timeout_seconds + static_cast<int64_t>(want >> 20);
  set_deadline(steady_ns() + seconds * kSecond);
  return true;
}

bool Connection::respond() {
  auto& msg = parser_->get();
  Request req = make_request(msg);
  set_deadline(INT64_MAX);  // the handler's time is not the client's
  auto started =
      core_.opt.on_reply ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point();
  Reply reply = core_.handler(req);
  if (core_.opt.on_reply)
    core_.opt.on_reply(
        req, reply,
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started));
  release_body();
  bool keep_alive = msg.keep_alive() && !core_.stopping;
  unsigned version = msg.version();
  req = Request();
  parser_.reset();
  if (reply.stream) {
    start_push(reply);
    return true;
  }
  queue_reply(std::move(reply), keep_alive, version);
  return true;
}

// The server's own answer; the connection closes after it (the rest of the input is not read).
void Connection::refuse(Refusal why, unsigned version) {
  release_body();
  parser_.reset();
  lo_ = hi_ = 0;
  queue_reply(core_.opt.error_reply(why), false, version);
}

void Connection::release_body() {
  if (reserved_) core_.pending_body_bytes -= reserved_;
  reserved_ = 0;
}

// The head and the body go out in one gathered write, the body not copied.
void Connection::queue_reply(Reply reply, bool keep_alive, unsigned version) {
  head_.clear();
  append_head(head_, reply, core_.opt.server_name, version);
  // HTTP/1.1 keeps the connection unless told; HTTP/1.0 closes it unless told.
  if (!keep_alive && version >= 11) head_ += "Connection: close\r\n";
  if (keep_alive && version < 11) head_ += "Connection: keep-alive\r\n";
  head_ += "Content-Length: ";
  head_ += std::to_string(reply.body.size());
  head_ += "\r\n\r\n";
  body_ = std::move(reply.body);
  out_ = 0;
  keep_alive_ = keep_alive;
  phase_ = Phase::kWrite;
  set_deadline(steady_ns() + core_.opt.body_timeout_seconds * kSecond);
}

Io Connection::flush() {
  for (;;) {
    size_t total = head_.size() + body_.size();
    if (out_ >= total) {
      head_.clear();
      body_ = std::string();
      return Io::kOk;
    }
    iovec iov[2];
    int n = 0;
    if (out_ < head_.size()) iov[n++] = {head_.data() + out_, head_.size() - out_};
    size_t in_body = out_ < head_.size() ? 0 : out_ - head_.size();
    iov[n++] = {body_.data() + in_body, body_.size() - in_body};
    IoResult r = io_.write(iov, n);
    if (r.status != Io::kOk) return r.status;
    out_ += r.bytes;
  }
}

// Push mode: the head, then whatever the stream is given. The connection counts as idle (the server
// may close it to make room or to stop); the client closing its side ends it.
void Connection::start_push(const Reply& reply) {
  push_ = reply.stream;
  phase_ = Phase::kPush;
  head_.clear();
  append_head(head_, reply, core_.opt.server_name, 11);
  head_ += "Cache-Control: no-cache\r\nConnection: close\r\n\r\n";
  body_.clear();
  out_ = 0;
  lo_ = hi_ = 0;
  int64_t now = steady_ns();
  write_started_ = last_write_ = now;
  set_idle(now);
  std::weak_ptr<Core> core = core_.shared_from_this();
  push_->attach([core, slot = &slot_, gen = gen_] {
    if (auto c = core.lock()) c->kick(slot, gen, kPushed);
  });
}

// Reads and drops what an event-stream client sends; false once it closed its side.
bool Connection::drain_input() {
  char sink[512];
  for (;;) {
    IoResult r = io_.read(sink, sizeof sink);
    if (r.status == Io::kClosed) return false;
    if (r.status != Io::kOk) return true;
  }
}

bool Connection::push_step(uint32_t bits, int64_t now) {
  if ((bits & kReadable) && !drain_input()) return false;
  bool writing = out_ < head_.size() + body_.size();
  if (bits & kTimer) {
    if (writing && now - write_started_ > core_.opt.body_timeout_seconds * kSecond) return false;
    if (!writing && now - last_write_ >= kKeepaliveEvery) queued_ += push_->keepalive();
  }
  for (;;) {
    if (out_ >= head_.size() + body_.size()) {
      if (writing) last_write_ = now;
      head_.clear();
      queued_ += push_->take();
      if (queued_.empty()) {
        if (push_->closed()) return false;
        set_deadline(last_write_ + kKeepaliveEvery);
        return true;
      }
      body_ = std::exchange(queued_, std::string());
      out_ = 0;
      write_started_ = now;
      writing = true;
    }
    Io r = flush();
    if (r == Io::kClosed) return false;
    if (r != Io::kOk) {
      set_deadline(write_started_ + core_.opt.body_timeout_seconds * kSecond);
      return true;
    }
  }
}

}  // namespace ddb::net

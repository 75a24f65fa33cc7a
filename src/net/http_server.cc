#include "net/http_server.h"

#include <sys/resource.h>

#include <array>
#include <atomic>
#include <condition_variable>
#include <list>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "net/http_message.h"
#include "util/time.h"

namespace ddb::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

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

namespace {

// A connection that can be closed while it waits for a request (or pushes an event stream).
struct IdleConnection {
  virtual ~IdleConnection() = default;
  // Closes the connection if it still waits; safe from any thread (runs on the connection's strand).
  virtual void close_idle() = 0;
};

// A connection's place in the IdleList. Its fields are touched only under the list's mutex.
struct IdleEntry {
  std::weak_ptr<IdleConnection> conn;
  bool listed = false;
  std::list<IdleEntry*>::iterator pos;
};

// The connections waiting for a request, oldest first: the ones the server closes to make room or
// to stop. Thread-safe: every I/O thread adds and removes its connections; any thread evicts.
class IdleList {
 public:
  // False once close_all() has run: the caller closes its connection instead of waiting.
  bool add(IdleEntry& e) {
    ddb::MutexLock lk(mu_);
    if (closed_) return false;
    if (!e.listed) e.pos = list_.insert(list_.end(), &e);
    e.listed = true;
    return true;
  }
  void remove(IdleEntry& e) {
    ddb::MutexLock lk(mu_);
    if (e.listed) list_.erase(e.pos);
    e.listed = false;
  }
  // Closes up to n of the oldest idle connections.
  void close_oldest(size_t n) {
    for (auto& c : take(n, false)) c->close_idle();
  }
  // Closes every idle connection, and every one that would become idle from now on.
  void close_all() {
    for (auto& c : take(SIZE_MAX, true)) c->close_idle();
  }

 private:
  std::vector<std::shared_ptr<IdleConnection>> take(size_t n, bool close) {
    std::vector<std::shared_ptr<IdleConnection>> out;
    ddb::MutexLock lk(mu_);
    closed_ = closed_ || close;
    while (out.size() < n && !list_.empty()) {
      IdleEntry* e = list_.front();
      list_.pop_front();
      e->listed = false;
      if (auto c = e->conn.lock()) out.push_back(std::move(c));  // else it is being destroyed
    }
    return out;
  }

  ddb::Mutex mu_;
  std::list<IdleEntry*> list_ GUARDED_BY(mu_);
  bool closed_ GUARDED_BY(mu_) = false;
};

// A reply's status line and its headers (Server, Date, Content-Type, then the reply's own), each line
// ended by CRLF; the caller adds the framing headers and the blank line. A header whose name or value
// holds CR or LF is left out: nothing a client sent can split the head.
void append_head(std::string& out, const Reply& reply, const std::string& server_name, unsigned version) {
  auto breaks_line = [](std::string_view x) {
    for (char c : x)
      if (c == '\r' || c == '\n') return true;
    return false;
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

// What all sessions share: options, handler, and the counters that bound them.
struct Shared {
  ServerOptions opt;
  Handler handler;
  std::atomic<size_t> connections{0};
  std::atomic<size_t> pending_body_bytes{0};
  std::atomic<bool> stopping{false};
  IdleList idle;
  std::mutex drained_mu;
  std::condition_variable drained_cv;
};

// One connection, over plain TCP (beast::tcp_stream) or TLS (beast::ssl_stream<beast::tcp_stream>).
template <class Stream>
class Session final : public IdleConnection, public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;
  using std::enable_shared_from_this<Session<Stream>>::shared_from_this;

 public:
  // The socket's executor is the connection's strand: its handlers never run at once.
  Session(tcp::socket socket, std::shared_ptr<Shared> sh) requires(!kTls)
      : stream_(std::move(socket)), sh_(std::move(sh)) {
    ++sh_->connections;
  }
  Session(tcp::socket socket, asio::ssl::context& ctx, std::shared_ptr<Shared> sh) requires(kTls)
      : stream_(std::move(socket), ctx), sh_(std::move(sh)) {
    ++sh_->connections;
  }
  ~Session() override {
    sh_->idle.remove(idle_);
    release_body();
    if (push_) push_->close();
    if (--sh_->connections == 0 && sh_->stopping) {
      std::lock_guard lk(sh_->drained_mu);
      sh_->drained_cv.notify_all();
    }
  }

  // The connection's strand.
  auto executor() { return lowest().get_executor(); }

  void start() {
    idle_.conn = shared_from_this();
    if constexpr (kTls) {
      lowest().expires_after(std::chrono::seconds(sh_->opt.header_timeout_seconds));
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = shared_from_this()](beast::error_code ec) {
                                if (ec) return self->close();
                                self->wait_for_request();
                              });
    } else {
      wait_for_request();
    }
  }

  void close_idle() override {
    asio::post(lowest().get_executor(), [self = shared_from_this()] {
      if (!self->waiting_) return;  // a request arrived meanwhile: it is answered first
      if (self->push_) return self->close();
      beast::error_code ec;
      self->lowest().socket().cancel(ec);
      self->lowest().socket().close(ec);
    });
  }

 private:
  // Between requests the connection is idle: it may be closed to make room or to stop.
  void wait_for_request() {
    if (sh_->stopping) return close();
    if (buffer_.size() > 0) return read_header();  // a pipelined request is already here
    if (!enter_idle()) return close();
    lowest().expires_after(std::chrono::seconds(sh_->opt.idle_timeout_seconds));
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              self->leave_idle();
                              if (ec) return self->close();
                              self->buffer_.commit(n);
                              self->read_header();
                            });
  }

  bool enter_idle() {
    waiting_ = true;
    return sh_->idle.add(idle_);
  }

  void leave_idle() {
    if (!waiting_) return;
    sh_->idle.remove(idle_);
    waiting_ = false;
  }

  void read_header() {
    parser_.emplace();
    parser_->body_limit(sh_->opt.max_body_bytes);
    parser_->header_limit(kHeaderLimit);
    lowest().expires_after(std::chrono::seconds(sh_->opt.header_timeout_seconds));
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session<Stream>::on_header, shared_from_this()));
  }

  void on_header(beast::error_code ec, size_t) {
    if (ec) return on_error(ec);
    // Reserve the body's memory before reading it: the declared length, or the limit when chunked.
    auto declared = parser_->content_length();
    size_t want =
        declared ? static_cast<size_t>(*declared) : (parser_->chunked() ? sh_->opt.max_body_bytes : 0);
    if (want > sh_->opt.max_body_bytes) return refuse(Refusal::kTooLarge, parser_->get().version());
    if (want > 0) {
      size_t before = sh_->pending_body_bytes.fetch_add(want);
      reserved_ = want;
      if (before + want > sh_->opt.max_pending_body_bytes)
        return refuse(Refusal::kBusy, parser_->get().version());
    }
    if (parser_->is_done()) return on_read({}, 0);
    lowest().expires_after(
        std::chrono::seconds(sh_->opt.body_timeout_seconds + static_cast<int>(want >> 20)));
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session<Stream>::on_read, shared_from_this()));
  }

  void on_error(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == asio::error::connection_reset ||
        ec == beast::error::timeout || ec == asio::error::operation_aborted || ec == asio::error::eof)
      return close();
    if (ec == http::error::body_limit) return refuse(Refusal::kTooLarge, 11);
    return refuse(Refusal::kMalformed, 11);
  }

  void on_read(beast::error_code ec, size_t) {
    if (ec) return on_error(ec);
    auto& msg = parser_->get();
    Request req = make_request(msg);
    auto started = std::chrono::steady_clock::now();
    Reply reply = sh_->handler(req);
    if (sh_->opt.on_reply)
      sh_->opt.on_reply(
          req, reply,
          std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started));
    req.body = std::string();
    release_body();
    if (reply.stream) return start_push(reply);
    write(std::move(reply), msg.keep_alive() && !sh_->stopping, msg.version());
  }

  // The server's own answer; the connection closes after it (the body, if any, is not read).
  void refuse(Refusal why, unsigned version) {
    release_body();
    write(sh_->opt.error_reply(why), false, version);
  }

  void release_body() {
    if (reserved_) sh_->pending_body_bytes -= reserved_;
    reserved_ = 0;
  }

  // The head and the body go out in one gathered write, the body not copied.
  void write(Reply reply, bool keep_alive, unsigned version) {
    head_.clear();
    append_head(head_, reply, sh_->opt.server_name, version);
    // Beast's rules: HTTP/1.1 keeps the connection unless told; HTTP/1.0 closes it unless told.
    if (!keep_alive && version >= 11) head_ += "Connection: close\r\n";
    if (keep_alive && version < 11) head_ += "Connection: keep-alive\r\n";
    head_ += "Content-Length: ";
    head_ += std::to_string(reply.body.size());
    head_ += "\r\n\r\n";
    body_ = std::move(reply.body);
    lowest().expires_after(std::chrono::seconds(sh_->opt.body_timeout_seconds));
    std::array<asio::const_buffer, 2> out{asio::buffer(head_), asio::buffer(body_)};
    asio::async_write(stream_, out,
                      beast::bind_front_handler(&Session<Stream>::on_write, shared_from_this(), keep_alive));
  }

  void on_write(bool keep_alive, beast::error_code ec, size_t) {
    body_ = std::string();
    parser_.reset();
    if (ec || !keep_alive) return close();
    wait_for_request();
  }

  // Push mode: the head, then whatever the stream is given. The connection counts as idle (the
  // server may close it to make room or to stop); the client closing its side ends it.
  void start_push(const Reply& reply) {
    push_ = reply.stream;
    out_.clear();
    append_head(out_, reply, sh_->opt.server_name, 11);
    out_ += "Cache-Control: no-cache\r\nConnection: close\r\n\r\n";
    parser_.reset();
    if (!enter_idle()) return close();
    lowest().expires_never();  // writes are timed by the keep-alive timer instead
    timer_.emplace(lowest().get_executor());
    tick();
    watch_client();
    std::weak_ptr<Session<Stream>> weak = shared_from_this();
    push_->attach([weak, ex = lowest().get_executor()] {
      asio::post(ex, [weak] {
        if (auto self = weak.lock()) self->pump();
      });
    });
  }

  void pump() {
    if (writing_ || done_) return;
    out_ += push_->take();
    if (out_.empty()) {
      if (push_->closed()) close();
      return;
    }
    writing_ = true;
    write_started_ = std::chrono::steady_clock::now();
    wbuf_ = std::exchange(out_, std::string());
    asio::async_write(stream_, asio::buffer(wbuf_),
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        self->writing_ = false;
                        self->last_write_ = std::chrono::steady_clock::now();
                        if (ec) return self->close();
                        self->pump();
                      });
  }

  // Every 15 s: a keep-alive when idle; a write stuck for body_timeout_seconds closes the connection.
  void tick() {
    timer_->expires_after(std::chrono::seconds(15));
    timer_->async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || self->done_) return;
      auto now = std::chrono::steady_clock::now();
      if (self->writing_ &&
          now - self->write_started_ > std::chrono::seconds(self->sh_->opt.body_timeout_seconds))
        return self->close();
      if (!self->writing_ && now - self->last_write_ >= std::chrono::seconds(15))
        self->out_ += self->push_->keepalive();
      self->pump();
      self->tick();
    });
  }

  // An event-stream client sends nothing; its side closing (or anything failing) ends the stream.
  void watch_client() {
    stream_.async_read_some(buffer_.prepare(512), [self = shared_from_this()](beast::error_code ec, size_t) {
      self->buffer_.clear();
      if (ec) return self->close();
      self->watch_client();
    });
  }

  void close() {
    leave_idle();
    if (push_) {
      done_ = true;
      push_->close();
      if (timer_) timer_->cancel();
    }
    beast::error_code ec;
    lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
    lowest().socket().close(ec);
  }

  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  Stream stream_;
  std::shared_ptr<Shared> sh_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::string head_, body_;  // the reply being written
  size_t reserved_ = 0;
  IdleEntry idle_;
  bool waiting_ = false;  // for a request, or pushing: close_idle() may close it
  // Push mode (start_push).
  std::shared_ptr<PushStream> push_;
  std::optional<asio::steady_timer> timer_;
  std::string out_, wbuf_;
  bool writing_ = false, done_ = false;
  std::chrono::steady_clock::time_point write_started_{}, last_write_ = std::chrono::steady_clock::now();
};

// With one I/O thread: how long the thread, out of work, polls before it sleeps in epoll_wait. A request
// that arrives while it polls is picked up at once instead of after a wake-up from another CPU (tens of
// microseconds on a virtual machine). The window adapts as KVM's halt polling does: it grows while the
// work came back soon after the thread slept (a poll that long would have caught it) and halves while
// the idle spells outlast four times the limit (a slow client: polling would only burn CPU); an idle
// spell is measured up to the end of the first handler it ran, hence the margin. With more threads
// polling is not done: a thread asleep in epoll_wait holds the reactor, so another's polls see no I/O.
class IdlePoll {
 public:
  explicit IdlePoll(std::chrono::microseconds limit) : limit_ns_(limit.count() * 1000) {}
  // Runs the loop until it stops.
  void run(asio::io_context& io) {
    if (limit_ns_ == 0) {
      io.run();
      return;
    }
    while (!io.stopped())
      if (io.poll() == 0) wait_for_work(io);
  }

 private:
  using Clock = std::chrono::steady_clock;
  // Runs handlers and returns once it ran at least one (or the loop stopped).
  void wait_for_work(asio::io_context& io) {
    auto idle_from = Clock::now();
    auto until = idle_from + std::chrono::nanoseconds(window_ns_);
    while (!io.stopped() && Clock::now() < until)
      if (io.poll() > 0) return;
    io.run_one();
    int64_t idle_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - idle_from).count();
    if (idle_ns > 4 * limit_ns_)
      window_ns_ /= 2;
    else if (idle_ns > window_ns_)
      window_ns_ = std::min(limit_ns_, std::max<int64_t>(2 * window_ns_, 10'000));
    if (window_ns_ < 1'000) window_ns_ = 0;
  }
  const int64_t limit_ns_;
  int64_t window_ns_ = 0;
};

}  // namespace

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
  std::shared_ptr<Shared> sh = std::make_shared<Shared>();
  // One event loop that every I/O thread runs: a connection's next handler runs on whichever thread
  // is free, so a thread the OS has descheduled holds up nobody else's request.
  std::unique_ptr<asio::io_context> ioc;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard;
  size_t thread_count = 2;
  std::unique_ptr<tcp::acceptor> acceptor;    // on its own strand, as is `retry`
  std::unique_ptr<asio::steady_timer> retry;  // accept back-off after EMFILE
  std::unique_ptr<asio::ssl::context> tls;    // set when serving HTTPS
  std::vector<std::thread> threads;
  std::once_flag stopped;

  // A connection's executor: its own strand when several threads run the loop (so its handlers never
  // run at once); the loop itself when one thread does, where a strand would only cost.
  asio::any_io_executor connection_executor() {
    if (thread_count == 1) return ioc->get_executor();
    return asio::make_strand(*ioc);
  }

  void accept() {
    acceptor->async_accept(connection_executor(), [this](beast::error_code ec, tcp::socket socket) {
      if (sh->stopping) return;
      if (ec) return accept_failed(ec);
      size_t cap = sh->opt.max_connections;
      if (sh->connections >= cap) {
        // At the cap, make room by closing the oldest idle connection; beyond the cap plus what
        // idle closes can free, refuse outright.
        sh->idle.close_oldest(1);
        if (sh->connections >= cap + cap / 8 + 8) {
          beast::error_code ignored;
          socket.close(ignored);
          return accept();
        }
      }
      socket.set_option(tcp::no_delay(true), ec);
      if (tls) {
        auto s = std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(std::move(socket), *tls, sh);
        asio::post(s->executor(), [s] { s->start(); });
      } else {
        auto s = std::make_shared<Session<beast::tcp_stream>>(std::move(socket), sh);
        asio::post(s->executor(), [s] { s->start(); });
      }
      accept();
    });
  }

  // Out of descriptors (or another accept error): free idle connections and retry a little later,
  // instead of spinning on an accept that fails at once.
  void accept_failed(beast::error_code ec) {
    if (ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space ||
        ec == asio::error::no_memory)
      sh->idle.close_oldest(thread_count);
    retry->expires_after(std::chrono::milliseconds(50));
    retry->async_wait([this](beast::error_code e) {
      if (!e && !sh->stopping) accept();
    });
  }

  void drain_and_join() {
    sh->stopping = true;
    asio::post(acceptor->get_executor(), [this] {
      beast::error_code ec;
      acceptor->close(ec);
      retry->cancel();
    });
    sh->idle.close_all();
    {
      std::unique_lock lk(sh->drained_mu);
      sh->drained_cv.wait_for(lk, std::chrono::seconds(sh->opt.drain_timeout_seconds),
                              [this] { return sh->connections == 0; });
    }
    guard.reset();
    ioc->stop();
    for (auto& t : threads)
      if (t.joinable()) t.join();
    threads.clear();
  }
};

Server::Server(ServerOptions options, Handler handler) : impl_(std::make_shared<Impl>()) {
  auto& sh = *impl_->sh;
  sh.opt = std::move(options);
  sh.handler = std::move(handler);
  if (sh.opt.max_connections == 0)
    sh.opt.max_connections = std::max<size_t>(16, raise_descriptor_limit() / 2);
  int n = sh.opt.threads > 0 ? sh.opt.threads
                             : static_cast<int>(std::max(2u, std::thread::hardware_concurrency()));
  impl_->thread_count = static_cast<size_t>(n);
  impl_->ioc = std::make_unique<asio::io_context>(n);
  impl_->guard.emplace(asio::make_work_guard(*impl_->ioc));
  impl_->acceptor = std::make_unique<tcp::acceptor>(asio::make_strand(*impl_->ioc));
  impl_->retry = std::make_unique<asio::steady_timer>(impl_->acceptor->get_executor());
}

Server::~Server() {
  stop();
}

bool Server::listen(std::string* error) {
  beast::error_code ec;
  const auto& opt = impl_->sh->opt;
  if (!opt.tls_cert_file.empty() || !opt.tls_key_file.empty()) {
    auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                     asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                     asio::ssl::context::no_tlsv1_1);
    ctx->use_certificate_chain_file(opt.tls_cert_file, ec);
    if (ec) {
      if (error) *error = "cannot use TLS certificate " + opt.tls_cert_file + ": " + ec.message();
      return false;
    }
    ctx->use_private_key_file(opt.tls_key_file, asio::ssl::context::pem, ec);
    if (ec) {
      if (error) *error = "cannot use TLS key " + opt.tls_key_file + ": " + ec.message();
      return false;
    }
    impl_->tls = std::move(ctx);
  }
  auto addr = asio::ip::make_address(opt.host, ec);
  if (ec) {
    if (error) *error = "invalid address " + opt.host;
    return false;
  }
  tcp::endpoint ep(addr, opt.port);
  auto& acc = *impl_->acceptor;
  acc.open(ep.protocol(), ec);
  if (!ec) acc.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acc.bind(ep, ec);
  if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    if (error) *error = "cannot listen on " + opt.host + ":" + std::to_string(opt.port) + ": " + ec.message();
    return false;
  }
  impl_->accept();
  return true;
}

unsigned short Server::port() const {
  return impl_->acceptor->local_endpoint().port();
}

void Server::start() {
  auto poll = std::chrono::microseconds(impl_->thread_count == 1 ? impl_->sh->opt.idle_poll_microseconds : 0);
  for (size_t i = 0; i < impl_->thread_count; ++i)
    impl_->threads.emplace_back([io = impl_->ioc.get(), poll] { IdlePoll(poll).run(*io); });
}

void Server::stop() {
  std::call_once(impl_->stopped, [this] { impl_->drain_and_join(); });
}

}  // namespace ddb::net

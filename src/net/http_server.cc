#include "net/http_server.h"

#include <optional>
#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace ddb::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const ServerOptions& opt, const Handler& handler)
      : stream_(std::move(socket)), opt_(opt), handler_(handler) {}

  void start() {
    asio::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::read, shared_from_this()));
  }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(opt_.max_body_bytes);
    parser_->header_limit(64 * 1024);
    stream_.expires_after(std::chrono::seconds(opt_.idle_timeout_seconds));
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream || ec == asio::error::connection_reset || ec == beast::error::timeout) return close();
    if (ec == http::error::body_limit) {
      Reply r;
      r.status = 413;
      r.body = R"({"__type":"com.amazonaws.dynamodb.v20120810#RequestEntityTooLarge","message":"Request entity too large"})";
      return write(r, false, 11);
    }
    if (ec) {
      Reply r;
      r.status = 400;
      r.content_type = "text/plain";
      r.body = "Bad Request";
      return write(r, false, 11);
    }
    auto& msg = parser_->get();
    Request req;
    req.method = std::string(msg.method_string());
    std::string_view target(msg.target().data(), msg.target().size());
    auto q = target.find('?');
    req.path = std::string(target.substr(0, q));
    if (q != std::string_view::npos) req.query = std::string(target.substr(q + 1));
    req.headers.reserve(12);
    for (auto& f : msg) {
      auto n = f.name_string();
      auto v = f.value();
      req.headers.emplace_back(std::string_view(n.data(), n.size()), std::string_view(v.data(), v.size()));
    }
    req.body = std::move(msg.body());
    Reply reply = handler_(req);
    write(reply, msg.keep_alive(), msg.version());
  }

  void write(const Reply& reply, bool keep_alive, unsigned version) {
    auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(reply.status), version);
    res->set(http::field::server, opt_.server_name);
    res->set(http::field::content_type, reply.content_type);
    for (auto& [k, v] : reply.headers) res->set(k, v);
    res->body() = reply.body;
    res->keep_alive(keep_alive);
    res->prepare_payload();
    res_ = res;
    http::async_write(stream_, *res_, beast::bind_front_handler(&Session::on_write, shared_from_this(), keep_alive));
  }

  void on_write(bool keep_alive, beast::error_code ec, std::size_t) {
    res_.reset();
    if (ec || !keep_alive) return close();
    read();
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<http::response<http::string_body>> res_;
  const ServerOptions& opt_;
  const Handler& handler_;
};

}  // namespace

struct Server::Impl {
  ServerOptions opt;
  Handler handler;
  // One event loop per thread: a connection lives on one loop, so no request crosses threads.
  std::vector<std::unique_ptr<asio::io_context>> loops;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  size_t next_loop = 0;
  asio::io_context& ioc() { return *loops[0]; }
  std::unique_ptr<tcp::acceptor> acceptor_ptr;
  tcp::acceptor& acceptor() { return *acceptor_ptr; }
  std::vector<std::thread> threads;
  std::atomic<bool> stopping{false};
  std::mutex done_mu;
  std::condition_variable done_cv;
  bool done = false;  // GUARDED_BY(done_mu)

  void accept() {
    auto& loop = *loops[next_loop++ % loops.size()];
    acceptor().async_accept(loop, [this](beast::error_code ec, tcp::socket socket) {
      if (stopping) return;
      if (!ec) {
        socket.set_option(tcp::no_delay(true), ec);
        std::make_shared<Session>(std::move(socket), opt, handler)->start();
      }
      accept();
    });
  }
};

Server::Server(ServerOptions options, Handler handler) : impl_(std::make_unique<Impl>()) {
  impl_->opt = std::move(options);
  impl_->handler = std::move(handler);
  int n = impl_->opt.threads > 0 ? impl_->opt.threads : std::max(2u, std::thread::hardware_concurrency());
  for (int i = 0; i < n; ++i) {
    impl_->loops.push_back(std::make_unique<asio::io_context>(1));
    impl_->guards.push_back(asio::make_work_guard(*impl_->loops.back()));
  }
  impl_->acceptor_ptr = std::make_unique<tcp::acceptor>(impl_->ioc());
}

Server::~Server() { stop(); }

bool Server::listen(std::string* error) {
  beast::error_code ec;
  auto addr = asio::ip::make_address(impl_->opt.host, ec);
  if (ec) { if (error) *error = "invalid address " + impl_->opt.host; return false; }
  tcp::endpoint ep(addr, impl_->opt.port);
  auto& acc = impl_->acceptor();
  acc.open(ep.protocol(), ec);
  if (!ec) acc.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acc.bind(ep, ec);
  if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    if (error) *error = "cannot listen on " + impl_->opt.host + ":" + std::to_string(impl_->opt.port) + ": " + ec.message();
    return false;
  }
  impl_->accept();
  return true;
}

unsigned short Server::port() const { return impl_->acceptor_ptr->local_endpoint().port(); }

void Server::start() {
  for (auto& loop : impl_->loops) impl_->threads.emplace_back([l = loop.get()] { l->run(); });
}

void Server::run() {
  start();
  std::unique_lock lk(impl_->done_mu);
  impl_->done_cv.wait(lk, [this] { return impl_->done; });
}

void Server::stop() {
  if (impl_->stopping.exchange(true)) return;
  asio::post(impl_->ioc(), [this] {
    beast::error_code ec;
    impl_->acceptor().close(ec);
  });
  // Let in-flight requests finish: release the loops' work guards, then stop them after a short drain.
  impl_->guards.clear();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  for (auto& loop : impl_->loops) loop->stop();
  for (auto& t : impl_->threads)
    if (t.joinable() && t.get_id() != std::this_thread::get_id()) t.join();
  impl_->threads.clear();
  std::lock_guard lk(impl_->done_mu);
  impl_->done = true;
  impl_->done_cv.notify_all();
}

}  // namespace ddb::net

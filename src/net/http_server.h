// A small HTTP/1.1 server on Boost.Beast: keep-alive, a body limit checked before the body is
// read, idle timeouts, N threads sharing one io_context, graceful stop. It knows nothing of the
// application: each request is passed to a Handler, a function from request to reply.
// Thread-safety: the handler is called from several threads at once.
#pragma once
#include <cctype>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ddb::net {

// A request as the handler sees it. Header names and values are views into the connection's
// buffers: valid only during the handler call.
struct Request {
  std::string method, path, query, body;
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  // Case-insensitive lookup; `name` must be lower-case.
  std::string_view header(std::string_view name) const {
    for (auto& [k, v] : headers) {
      if (k.size() != name.size()) continue;
      bool eq = true;
      for (size_t i = 0; i < k.size() && eq; ++i)
        eq = static_cast<char>(std::tolower(static_cast<unsigned char>(k[i]))) == name[i];
      if (eq) return v;
    }
    return {};
  }
};

struct Reply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

using Handler = std::function<Reply(const Request&)>;

struct ServerOptions {
  std::string host = "127.0.0.1";      // Default: loopback only.
  unsigned short port = 8000;          // Default: 8000; 0 picks a free port.
  int threads = 0;                     // Default: 0 = one per core (at least 2). Each thread runs its own
                                       // event loop; connections are dealt to them round-robin.
  size_t max_body_bytes = 16 << 20;    // Default: 16 MiB; larger bodies get 413 before being read.
  int idle_timeout_seconds = 300;      // Default: 5 minutes.
  std::string server_name = "ddb-local";
};

class Server {
 public:
  Server(ServerOptions options, Handler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  // Binds and listens. Returns false and sets `error` on failure.
  bool listen(std::string* error);
  unsigned short port() const;
  // Runs the I/O threads; returns after stop().
  void run();
  // Starts the I/O threads and returns at once.
  void start();
  // Stops accepting, lets in-flight requests finish, and joins the threads.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ddb::net

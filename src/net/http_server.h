// A small HTTP/1.1(S) server on epoll: keep-alive and pipelining, every I/O thread waiting on one epoll
// instance and no connection tied to a thread (a connection's next step runs on whichever thread is
// there first; net/server_core.h), Beast's request parser, OpenSSL for TLS, and every resource a client
// can hold bounded: connections (idle ones are closed oldest first when the cap is reached), header and
// body time, body size, and the memory all unfinished bodies may hold together. It knows nothing of
// the application: each request is passed to a Handler, a function from request to reply, and the few
// answers the server gives itself come from ServerOptions::error_reply.
// Thread-safety: the handler is called from several threads at once.
#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "util/mutex.h"
#include "util/text.h"

namespace ddb::net {

// A request as the handler sees it. Header names and values are views into the connection's
// buffers: valid only during the handler call.
struct Request {
  std::string method, path, query, body;
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  // Case-insensitive lookup; `name` must be lower-case.
  std::string_view header(std::string_view name) const {
    for (auto& [k, v] : headers)
      if (equals_lower(k, name)) return v;
    return {};
  }
};

// A reply that stays open (Server-Sent Events, say): after the head the server writes each chunk
// given to push() as it comes, and `keepalive` when nothing was written for 15 s, until the client
// goes, close() is called or the server stops. A client that reads slower than chunks arrive (more
// than max_queued bytes waiting) is closed. Thread-safe: push() and close() from any thread.
class PushStream {
 public:
  explicit PushStream(std::string keepalive = ":\n\n", size_t max_queued = 1 << 20)
      : keepalive_(std::move(keepalive)), max_queued_(max_queued) {}
  bool push(const std::string& chunk);  // false once closed
  void close();
  bool closed() const;
  // The server's side: `wake` is called (from any thread) when chunks are queued or on close.
  void attach(const std::function<void()>& wake);
  std::string take();  // the queued chunks, concatenated
  const std::string& keepalive() const { return keepalive_; }

 private:
  const std::string keepalive_;
  const size_t max_queued_;
  mutable ddb::Mutex mu_;
  std::string queued_ GUARDED_BY(mu_);
  bool closed_ GUARDED_BY(mu_) = false;
  std::function<void()> wake_ GUARDED_BY(mu_);
};

struct Reply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::shared_ptr<PushStream> stream;  // set: the connection stays open for it (body is ignored)
};

using Handler = std::function<Reply(const Request&)>;

// Why the server answered a request itself.
enum class Refusal {
  kMalformed,  // not HTTP/1.1 it can parse (400)
  kTooLarge,   // body over max_body_bytes (413)
  kBusy,       // unfinished bodies already hold max_pending_body_bytes (the app decides; e.g. 503)
};
Reply default_error_reply(Refusal why);

struct ServerOptions {
  std::string host = "127.0.0.1";    // Default: loopback only.
  unsigned short port = 8000;        // Default: 8000; 0 picks a free port.
  int threads = 0;                   // Default: 0 = one per core but one (at least 1). All of them wait
                                     // on one epoll set; no connection is tied to a thread. A standby
                                     // thread serves too while all of them are stuck (server_core.h).
  int idle_poll_microseconds = 0;    // Default: 0 = never. At most this long a thread out of work (one
                                     // at a time) polls for the next request before it sleeps (adaptive).
  int reply_batch = 16;              // Default: 16. A thread holds up to this many replies while it
                                     // serves the other requests already waiting (for at most 200 us),
                                     // then sends them together (server_core.cc); 1 = each reply at once.
  size_t max_body_bytes = 16 << 20;  // Default: 16 MiB; larger bodies get kTooLarge before being read.
  size_t max_pending_body_bytes = 256u << 20;  // Default: 256 MiB held by all bodies being received.
  size_t max_connections = 0;                  // Default: 0 = half the process's descriptor limit.
  int idle_timeout_seconds = 300;   // Default: 5 minutes between requests on a keep-alive connection.
  int header_timeout_seconds = 30;  // Default: 30 s from a request's first byte to its last header.
  int body_timeout_seconds = 60;    // Default: 60 s (plus 1 s per MiB declared) to receive a body.
  int drain_timeout_seconds = 10;   // Default: 10 s for in-flight requests to finish on stop().
  std::string server_name = "ddb-local";
  std::string tls_cert_file, tls_key_file;  // Default: none (plain HTTP); both set: HTTPS on the same port.
  std::function<Reply(Refusal)> error_reply = default_error_reply;
  // Called after each request the handler answered, with the time the handler took (a request log).
  std::function<void(const Request&, const Reply&, std::chrono::microseconds)> on_reply;
};

// Raises the soft descriptor limit to the hard one; returns the soft limit now in force.
size_t raise_descriptor_limit();

class Server {
 public:
  Server(ServerOptions options, Handler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  // Binds and listens. Returns false and sets `error` on failure.
  bool listen(std::string* error);
  unsigned short port() const;
  // Starts the I/O threads and returns at once.
  void start();
  // Stops accepting, closes idle connections, lets in-flight requests finish (at most
  // drain_timeout_seconds), then joins the threads. Call from outside the server's threads.
  void stop();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace ddb::net

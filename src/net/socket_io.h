// A connection's byte stream for the epoll server: a non-blocking TCP socket, or TLS over one
// (OpenSSL, server side, handshake driven by the first reads). Not thread-safe: one owner at a time.
#pragma once
#include <sys/uio.h>

#include <cstddef>
#include <memory>
#include <string>

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;

namespace ddb::net {

// kRetryRead / kRetryWrite: nothing could be done now; try again once the socket is readable /
// writable (TLS may need to write to read, and the reverse). kClosed: end of stream or an error.
enum class Io { kOk, kRetryRead, kRetryWrite, kClosed };
struct IoResult {
  Io status = Io::kOk;
  size_t bytes = 0;
};

// A server-side TLS context (TLS 1.2 and later) from PEM files.
class TlsContext {
 public:
  static std::unique_ptr<TlsContext> load(const std::string& cert_file, const std::string& key_file,
                                          std::string* error);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;
  SSL_CTX* get() const { return ctx_; }

 private:
  explicit TlsContext(SSL_CTX* ctx) : ctx_(ctx) {}
  SSL_CTX* ctx_;
};

class Transport {
 public:
  Transport(int fd, const TlsContext* tls);  // takes the descriptor; tls may be null
  ~Transport();                              // closes it
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;
  int fd() const { return fd_; }
  bool tls() const { return ssl_ != nullptr || broken_; }
  // Reads at most `n` bytes. With plain TCP a short read means the socket was drained.
  IoResult read(char* buf, size_t n);
  // Writes from the buffers in order; a partial write says how much went.
  IoResult write(const iovec* iov, int count);
  // Ends the sending side (TCP FIN; TLS close_notify first).
  void shutdown_send();

 private:
  IoResult tls_result(int ret);
  int fd_;
  bool broken_;  // TLS was asked for and could not be set up
  SSL* ssl_ = nullptr;
};

}  // namespace ddb::net

#include "net/socket_io.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace ddb::net {

namespace {
std::string ssl_error_text() {
  unsigned long e = ERR_get_error();
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  return buf;
}
}  // namespace

std::unique_ptr<TlsContext> TlsContext::load(const std::string& cert_file, const std::string& key_file,
                                             std::string* error) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == nullptr) {
    if (error) *error = "cannot create a TLS context: " + ssl_error_text();
    return nullptr;
  }
  std::unique_ptr<TlsContext> out(new TlsContext(ctx));
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (SSL_CTX_use_certificate_chain_file(ctx, cert_file.c_str()) != 1) {
    if (error) *error = "cannot use TLS certificate " + cert_file + ": " + ssl_error_text();
    return nullptr;
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, key_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(ctx) != 1) {
    if (error) *error = "cannot use TLS key " + key_file + ": " + ssl_error_text();
    return nullptr;
  }
  return out;
}

TlsContext::~TlsContext() {
  SSL_CTX_free(ctx_);
}

Transport::Transport(int fd, const TlsContext* tls) : fd_(fd), broken_(false) {
  if (tls == nullptr) return;
  ssl_ = SSL_new(tls->get());
  if (ssl_ == nullptr || SSL_set_fd(ssl_, fd_) != 1) {
    broken_ = true;  // never plain text on a TLS port: every read and write fails, and it closes
    return;
  }
  SSL_set_accept_state(ssl_);
}

Transport::~Transport() {
  if (ssl_ != nullptr) SSL_free(ssl_);
  ::close(fd_);
}

IoResult Transport::tls_result(int ret) {
  switch (SSL_get_error(ssl_, ret)) {
    case SSL_ERROR_WANT_READ:
      return {Io::kRetryRead, 0};
    case SSL_ERROR_WANT_WRITE:
      return {Io::kRetryWrite, 0};
    default:
      ERR_clear_error();
      return {Io::kClosed, 0};
  }
}

IoResult Transport::read(char* buf, size_t n) {
  if (broken_) return {Io::kClosed, 0};
  if (ssl_ == nullptr) {
    for (;;) {
      ssize_t got = ::recv(fd_, buf, n, 0);
      if (got > 0) return {Io::kOk, static_cast<size_t>(got)};
      if (got == 0) return {Io::kClosed, 0};
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return {Io::kRetryRead, 0};
      return {Io::kClosed, 0};
    }
  }
  size_t got = 0;
  int ret = SSL_read_ex(ssl_, buf, n, &got);
  if (ret == 1) return {Io::kOk, got};
  return tls_result(ret);
}

IoResult Transport::write(const iovec* iov, int count) {
  if (broken_) return {Io::kClosed, 0};
  if (ssl_ == nullptr) {
    msghdr msg{};
    msg.msg_iov = const_cast<iovec*>(iov);
    msg.msg_iovlen = static_cast<size_t>(count);
    for (;;) {
      ssize_t put = ::sendmsg(fd_, &msg, MSG_NOSIGNAL);
      if (put >= 0) return {Io::kOk, static_cast<size_t>(put)};
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return {Io::kRetryWrite, 0};
      return {Io::kClosed, 0};
    }
  }
  size_t total = 0;
  for (int i = 0; i < count; ++i) {
    if (iov[i].iov_len == 0) continue;
    size_t put = 0;
    int ret = SSL_write_ex(ssl_, iov[i].iov_base, iov[i].iov_len, &put);
    if (ret != 1) {
      if (total > 0) return {Io::kOk, total};
      return tls_result(ret);
    }
    total += put;
    if (put < iov[i].iov_len) break;
  }
  return {Io::kOk, total};
}

void Transport::shutdown_send() {
  if (ssl_ != nullptr && SSL_is_init_finished(ssl_)) SSL_shutdown(ssl_);
  ERR_clear_error();
  ::shutdown(fd_, SHUT_WR);
}

}  // namespace ddb::net

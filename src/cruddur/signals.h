// Stopping on SIGINT/SIGTERM without polling: block_stop_signals() before any thread starts (every
// thread inherits the mask, so none is interrupted), then wait_for_stop_signal() where the program
// waits. request_stop() lets a thread that ends by itself wake that wait.
#pragma once
#include <pthread.h>
#include <signal.h>

namespace cruddur {

inline void block_stop_signals() {
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, SIGINT);
  sigaddset(&s, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &s, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
}

inline int wait_for_stop_signal() {
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, SIGINT);
  sigaddset(&s, SIGTERM);
  int sig = 0;
  sigwait(&s, &sig);
  return sig;
}

inline void request_stop() {
  ::kill(::getpid(), SIGTERM);
}

}  // namespace cruddur

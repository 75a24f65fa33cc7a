// Mutexes the compiler checks: Clang's thread-safety analysis (-Wthread-safety, an error in the
// ThreadSanitizer build of scripts/test.sh) proves that every member marked GUARDED_BY(mu) is only
// touched with `mu` held, and that functions marked REQUIRES(mu) are only called with it held.
// Other compilers see plain std::mutex / std::shared_mutex.
#pragma once
#include <condition_variable>
#include <mutex>
#include <shared_mutex>

#if defined(__clang__)
#define DDB_TSA(x) __attribute__((x))
#else
#define DDB_TSA(x)
#endif

#define CAPABILITY(x) DDB_TSA(capability(x))
#define SCOPED_CAPABILITY DDB_TSA(scoped_lockable)
#define GUARDED_BY(x) DDB_TSA(guarded_by(x))
#define PT_GUARDED_BY(x) DDB_TSA(pt_guarded_by(x))
#define REQUIRES(...) DDB_TSA(requires_capability(__VA_ARGS__))
#define REQUIRES_SHARED(...) DDB_TSA(requires_shared_capability(__VA_ARGS__))
#define ACQUIRE(...) DDB_TSA(acquire_capability(__VA_ARGS__))
#define ACQUIRE_SHARED(...) DDB_TSA(acquire_shared_capability(__VA_ARGS__))
#define RELEASE(...) DDB_TSA(release_capability(__VA_ARGS__))
#define RELEASE_SHARED(...) DDB_TSA(release_shared_capability(__VA_ARGS__))
#define RELEASE_GENERIC(...) DDB_TSA(release_generic_capability(__VA_ARGS__))
#define TRY_ACQUIRE(...) DDB_TSA(try_acquire_capability(__VA_ARGS__))
#define EXCLUDES(...) DDB_TSA(locks_excluded(__VA_ARGS__))
#define ACQUIRED_AFTER(...) DDB_TSA(acquired_after(__VA_ARGS__))
#define RETURN_CAPABILITY(x) DDB_TSA(lock_returned(x))
#define NO_THREAD_SAFETY_ANALYSIS DDB_TSA(no_thread_safety_analysis)

namespace ddb {

class CAPABILITY("mutex") Mutex {
 public:
  void lock() ACQUIRE() { mu_.lock(); }
  void unlock() RELEASE() { mu_.unlock(); }
  bool try_lock() TRY_ACQUIRE(true) { return mu_.try_lock(); }
  // For std::condition_variable_any and the like, which lock and unlock it themselves.
  std::mutex& native() { return mu_; }

 private:
  std::mutex mu_;
};

class CAPABILITY("shared_mutex") SharedMutex {
 public:
  void lock() ACQUIRE() { mu_.lock(); }
  void unlock() RELEASE() { mu_.unlock(); }
  void lock_shared() ACQUIRE_SHARED() { mu_.lock_shared(); }
  void unlock_shared() RELEASE_SHARED() { mu_.unlock_shared(); }

 private:
  std::shared_mutex mu_;
};

// Holds a Mutex for its scope.
class SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex& mu) ACQUIRE(mu) : mu_(mu) { mu_.lock(); }
  ~MutexLock() RELEASE() { mu_.unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex& mu_;
};

// Holds a SharedMutex exclusively, or shared, for its scope.
class SCOPED_CAPABILITY WriterLock {
 public:
  explicit WriterLock(SharedMutex& mu) ACQUIRE(mu) : mu_(mu) { mu_.lock(); }
  ~WriterLock() RELEASE() { mu_.unlock(); }
  WriterLock(const WriterLock&) = delete;
  WriterLock& operator=(const WriterLock&) = delete;

 private:
  SharedMutex& mu_;
};

class SCOPED_CAPABILITY ReaderLock {
 public:
  explicit ReaderLock(SharedMutex& mu) ACQUIRE_SHARED(mu) : mu_(mu) { mu_.lock_shared(); }
  ~ReaderLock() RELEASE() { mu_.unlock_shared(); }
  ReaderLock(const ReaderLock&) = delete;
  ReaderLock& operator=(const ReaderLock&) = delete;

 private:
  SharedMutex& mu_;
};

}  // namespace ddb

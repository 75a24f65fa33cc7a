#pragma once
// An ordered map of byte strings in which every entry is one allocation: the tree's links, the key and
// the value side by side. Against std::map<std::string, std::string> (a node plus a block for each
// string longer than 15 bytes) an entry costs about 70 bytes less. The entries are also chained in a
// hash table, so a point lookup (GetItem, or the read before a write) touches a bucket and an entry or
// two instead of a block per level of the tree; range walks use the tree. The table doubles
// incrementally: while it grows, each change moves two buckets of the old array into the new one, so
// no single write pays for rehashing the whole map. Not thread-safe: its owner locks (storage/kv.cc's
// shards); find() and scan() change nothing, so readers may share a lock.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <utility>

#include <boost/intrusive/set.hpp>

namespace ddb {

class EntryMap {
  using Hook = boost::intrusive::set_base_hook<boost::intrusive::optimize_size<true>,
                                               boost::intrusive::link_mode<boost::intrusive::normal_link>>;
  // The key's and the value's bytes follow the struct in the same block.
  struct Entry : Hook {
    uint32_t key_size, value_size, capacity;  // capacity: the value bytes the block has room for
    uint32_t hash;                            // of the key
    Entry* next;                              // in its hash bucket
    char* data() { return reinterpret_cast<char*>(this + 1); }
    const char* data() const { return reinterpret_cast<const char*>(this + 1); }
    std::string_view key() const { return {data(), key_size}; }
    std::string_view value() const { return {data() + key_size, value_size}; }
  };
  struct KeyOf {
    using type = std::string_view;
    std::string_view operator()(const Entry& e) const { return e.key(); }
  };
  using Set = boost::intrusive::set<Entry, boost::intrusive::key_of_value<KeyOf>>;
  // A hash table's bucket heads, null at first. A large array is mapped from the kernel, whose pages are
  // zero and come in as the buckets are first touched: doubling a large table costs no pass over the new
  // array (zeroing 16 MB at once stalled a write for 41 ms at 1M entries on a virtual machine).
  class Buckets {
   public:
    Buckets() = default;
    explicit Buckets(size_t n);
    Buckets(const Buckets&) = delete;
    Buckets& operator=(const Buckets&) = delete;
    ~Buckets();
    void swap(Buckets& o) noexcept {
      std::swap(p_, o.p_);
      std::swap(n_, o.n_);
    }
    void reset() { Buckets().swap(*this); }
    Entry*& operator[](size_t i) const { return p_[i]; }

   private:
    bool mapped() const { return n_ * sizeof(void*) >= (size_t{64} << 10); }
    Entry** p_ = nullptr;
    size_t n_ = 0;
  };

 public:
  using Visit = std::function<bool(std::string_view key, std::string_view value)>;

  EntryMap() = default;
  EntryMap(const EntryMap&) = delete;
  EntryMap& operator=(const EntryMap&) = delete;
  ~EntryMap() { clear(); }

  size_t size() const { return set_.size(); }
  // What the entries' allocations and the hash table take (an estimate of the allocator's blocks).
  size_t bytes() const { return bytes_ + (buckets_n_ + old_n_) * sizeof(void*); }  // a bucket: a pointer

  // The value held for key, if any; valid until the next change of the map.
  bool find(std::string_view key, std::string_view* value) const;
  // Sets key's value. A value that fits the entry's block (and uses at least half of it) is written in
  // place; otherwise a new entry takes the old one's place in the tree.
  void put(std::string_view key, std::string_view value);
  // put() in constant time for a key greater than every key held (loading keys in order). The hash
  // table is not updated: index() builds it for all of them at once (sized once, one pass over the
  // entries in order), as does the next change; until then find() walks the tree.
  void append(std::string_view key, std::string_view value);
  void index();
  // Returns whether key was held.
  bool erase(std::string_view key);
  // Erases the keys in [start, end) (to the last key when end is empty); returns how many.
  size_t erase_range(std::string_view start, std::string_view end);
  void clear();
  void swap(EntryMap& other) noexcept;
  // Calls fn for the keys in [start, end) (end empty: to the last key), in order or reversed; returns
  // false when fn stopped the walk by returning false.
  bool scan(std::string_view start, std::string_view end, bool reverse, const Visit& fn) const;

 private:
  static Entry* make(std::string_view key, std::string_view value, uint32_t hash);
  static void destroy(Entry* e);
  static size_t cost(const Entry& e);
  static uint32_t hash_of(std::string_view key);
  // The head of the bucket chain that holds (or would hold) an entry of hash h.
  Entry* const* bucket(uint32_t h) const;
  Entry** bucket(uint32_t h);
  Entry* lookup(std::string_view key, uint32_t h) const;
  void link(Entry* e);
  void unlink(Entry* e);
  void grow_step();
  void release_table();

  Set set_;
  size_t bytes_ = 0;  // the entries' blocks
  // Hash table: buckets_n_ chains (a power of two, or 0 when empty). While it doubles, old_ holds the
  // previous array; its buckets below moved_ have been moved to buckets_.
  Buckets buckets_, old_;
  size_t buckets_n_ = 0, old_n_ = 0, moved_ = 0;
  bool indexed_ = true;  // every entry is in the hash table (false after append())
};

}  // namespace ddb

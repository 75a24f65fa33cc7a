#include "storage/entry_map.h"

#include <sys/mman.h>

#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>

namespace ddb {

EntryMap::Buckets::Buckets(size_t n) : n_(n) {
  size_t bytes = n * sizeof(void*);
  void* p = nullptr;
  if (mapped()) {
    p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) p = nullptr;
  } else {
    p = std::calloc(n, sizeof(void*));
  }
  if (!p) throw std::bad_alloc();
  p_ = static_cast<Entry**>(p);
}

EntryMap::Buckets::~Buckets() {
  if (!p_) return;
  if (mapped())
    ::munmap(p_, n_ * sizeof(void*));
  else
    std::free(p_);
}

EntryMap::Entry* EntryMap::make(std::string_view key, std::string_view value, uint32_t hash) {
  if (key.size() > UINT32_MAX || value.size() > UINT32_MAX) throw std::length_error("entry too large");
  void* block = ::operator new(sizeof(Entry) + key.size() + value.size());
  auto* e = new (block) Entry;
  e->key_size = static_cast<uint32_t>(key.size());
  e->value_size = e->capacity = static_cast<uint32_t>(value.size());
  e->hash = hash;
  e->next = nullptr;
  if (!key.empty()) std::memcpy(e->data(), key.data(), key.size());
  if (!value.empty()) std::memcpy(e->data() + key.size(), value.data(), value.size());
  return e;
}

void EntryMap::destroy(Entry* e) {
  e->~Entry();
  ::operator delete(e);
}

// glibc's block for the allocation: 8 bytes of header, rounded up to 16, at least 32.
size_t EntryMap::cost(const Entry& e) {
  size_t n = sizeof(Entry) + e.key_size + e.capacity + 8;
  return n < 32 ? 32 : (n + 15) & ~size_t{15};
}

uint32_t EntryMap::hash_of(std::string_view key) {
  return static_cast<uint32_t>(std::hash<std::string_view>{}(key));
}

// While the table doubles, an old bucket not yet moved still holds its entries.
EntryMap::Entry* const* EntryMap::bucket(uint32_t h) const {
  if (old_n_ != 0) {
    size_t i = h & (old_n_ - 1);
    if (i >= moved_) return &old_[i];
  }
  return &buckets_[h & (buckets_n_ - 1)];
}

EntryMap::Entry** EntryMap::bucket(uint32_t h) {
  return const_cast<Entry**>(static_cast<const EntryMap*>(this)->bucket(h));
}

EntryMap::Entry* EntryMap::lookup(std::string_view key, uint32_t h) const {
  if (buckets_n_ == 0) return nullptr;
  for (Entry* e = *bucket(h); e; e = e->next)
    if (e->hash == h && e->key() == key) return e;
  return nullptr;
}

// Chains e (not held yet) and grows the table past one entry per bucket.
void EntryMap::link(Entry* e) {
  if (buckets_n_ == 0) {
    buckets_n_ = 8;
    Buckets(buckets_n_).swap(buckets_);
  } else if (old_n_ == 0 && set_.size() > buckets_n_) {
    old_.swap(buckets_);
    old_n_ = buckets_n_;
    moved_ = 0;
    buckets_n_ *= 2;
    Buckets(buckets_n_).swap(buckets_);
  }
  Entry** head = bucket(e->hash);
  e->next = *head;
  *head = e;
  grow_step();
}

void EntryMap::unlink(Entry* e) {
  Entry** p = bucket(e->hash);
  while (*p != e) p = &(*p)->next;
  *p = e->next;
}

// Moves two old buckets (the table doubles before the entries do again: one bucket per entry would do).
void EntryMap::grow_step() {
  for (int n = 0; n < 2 && old_n_ != 0; ++n) {
    for (Entry* e = old_[moved_]; e;) {
      Entry* next = e->next;
      Entry*& head = buckets_[e->hash & (buckets_n_ - 1)];
      e->next = head;
      head = e;
      e = next;
    }
    if (++moved_ == old_n_) {
      old_.reset();
      old_n_ = moved_ = 0;
    }
  }
}

void EntryMap::release_table() {
  buckets_.reset();
  old_.reset();
  buckets_n_ = old_n_ = moved_ = 0;
}

bool EntryMap::find(std::string_view key, std::string_view* value) const {
  const Entry* e = nullptr;
  if (indexed_) {
    e = lookup(key, hash_of(key));
  } else if (auto it = set_.find(key); it != set_.end()) {
    e = &*it;
  }
  if (!e) return false;
  *value = e->value();
  return true;
}

void EntryMap::put(std::string_view key, std::string_view value) {
  index();
  uint32_t h = hash_of(key);
  if (Entry* old = lookup(key, h)) {
    if (value.size() <= old->capacity && value.size() >= old->capacity / 2) {
      if (!value.empty()) std::memmove(old->data() + old->key_size, value.data(), value.size());
      old->value_size = static_cast<uint32_t>(value.size());
      return;
    }
    Entry* e = make(key, value, h);
    set_.replace_node(set_.iterator_to(*old), *e);
    Entry** p = bucket(old->hash);
    while (*p != old) p = &(*p)->next;
    e->next = old->next;
    *p = e;
    bytes_ += cost(*e);
    bytes_ -= cost(*old);
    destroy(old);
    return;
  }
  Entry* e = make(key, value, h);
  set_.insert_unique(*e);
  bytes_ += cost(*e);
  link(e);
}

void EntryMap::append(std::string_view key, std::string_view value) {
  if (!set_.empty() && !(set_.rbegin()->key() < key)) return put(key, value);  // not in order after all
  Entry* e = make(key, value, hash_of(key));
  set_.push_back(*e);
  bytes_ += cost(*e);
  indexed_ = false;
}

void EntryMap::index() {
  if (indexed_) return;
  release_table();
  indexed_ = true;
  if (set_.empty()) return;
  buckets_n_ = 8;
  while (buckets_n_ < set_.size()) buckets_n_ *= 2;
  Buckets(buckets_n_).swap(buckets_);
  for (Entry& e : set_) {
    Entry*& head = buckets_[e.hash & (buckets_n_ - 1)];
    e.next = head;
    head = &e;
  }
}

bool EntryMap::erase(std::string_view key) {
  index();
  Entry* e = lookup(key, hash_of(key));
  if (!e) return false;
  unlink(e);
  bytes_ -= cost(*e);
  set_.erase_and_dispose(set_.iterator_to(*e), destroy);
  if (set_.empty()) release_table();
  return true;
}

size_t EntryMap::erase_range(std::string_view start, std::string_view end) {
  index();
  auto lo = set_.lower_bound(start), hi = end.empty() ? set_.end() : set_.lower_bound(end);
  size_t n = 0;
  for (auto it = lo; it != hi; ++it, ++n) {
    unlink(&*it);
    bytes_ -= cost(*it);
  }
  set_.erase_and_dispose(lo, hi, destroy);
  if (set_.empty()) release_table();
  return n;
}

void EntryMap::clear() {
  set_.clear_and_dispose(destroy);
  bytes_ = 0;
  release_table();
  indexed_ = true;
}

void EntryMap::swap(EntryMap& other) noexcept {
  set_.swap(other.set_);
  std::swap(bytes_, other.bytes_);
  buckets_.swap(other.buckets_);
  old_.swap(other.old_);
  std::swap(buckets_n_, other.buckets_n_);
  std::swap(old_n_, other.old_n_);
  std::swap(moved_, other.moved_);
  std::swap(indexed_, other.indexed_);
}

bool EntryMap::scan(std::string_view start, std::string_view end, bool reverse, const Visit& fn) const {
  auto lo = set_.lower_bound(start);
  auto hi = end.empty() ? set_.end() : set_.lower_bound(end);
  if (!reverse) {
    for (auto it = lo; it != hi; ++it)
      if (!fn(it->key(), it->value())) return false;
    return true;
  }
  for (auto it = hi; it != lo;) {
    --it;
    if (!fn(it->key(), it->value())) return false;
  }
  return true;
}

}  // namespace ddb

#include "storage/entry_map.h"

#include <cstring>
#include <new>
#include <stdexcept>

namespace ddb {

EntryMap::Entry* EntryMap::make(std::string_view key, std::string_view value) {
  if (key.size() > UINT32_MAX || value.size() > UINT32_MAX) throw std::length_error("entry too large");
  void* block = ::operator new(sizeof(Entry) + key.size() + value.size());
  auto* e = new (block) Entry;
  e->key_size = static_cast<uint32_t>(key.size());
  e->value_size = e->capacity = static_cast<uint32_t>(value.size());
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

bool EntryMap::find(std::string_view key, std::string_view* value) const {
  auto it = set_.find(key);
  if (it == set_.end()) return false;
  *value = it->value();
  return true;
}

void EntryMap::put(std::string_view key, std::string_view value) {
  Set::insert_commit_data at;
  auto [it, fresh] = set_.insert_check(key, at);
  if (!fresh) {
    Entry& old = *it;
    if (value.size() <= old.capacity && value.size() >= old.capacity / 2) {
      if (!value.empty()) std::memmove(old.data() + old.key_size, value.data(), value.size());
      old.value_size = static_cast<uint32_t>(value.size());
      return;
    }
    Entry* e = make(key, value);
    set_.replace_node(it, *e);
    bytes_ += cost(*e);
    bytes_ -= cost(old);
    destroy(&old);
    return;
  }
  Entry* e = make(key, value);
  set_.insert_commit(*e, at);
  bytes_ += cost(*e);
}

void EntryMap::append(std::string_view key, std::string_view value) {
  if (!set_.empty() && !(set_.rbegin()->key() < key)) return put(key, value);  // not in order after all
  Entry* e = make(key, value);
  set_.push_back(*e);
  bytes_ += cost(*e);
}

bool EntryMap::erase(std::string_view key) {
  auto it = set_.find(key);
  if (it == set_.end()) return false;
  bytes_ -= cost(*it);
  set_.erase_and_dispose(it, destroy);
  return true;
}

size_t EntryMap::erase_range(std::string_view start, std::string_view end) {
  auto lo = set_.lower_bound(start), hi = end.empty() ? set_.end() : set_.lower_bound(end);
  size_t n = 0;
  for (auto it = lo; it != hi; ++it, ++n) bytes_ -= cost(*it);
  set_.erase_and_dispose(lo, hi, destroy);
  return n;
}

void EntryMap::clear() {
  set_.clear_and_dispose(destroy);
  bytes_ = 0;
}

void EntryMap::swap(EntryMap& other) noexcept {
  set_.swap(other.set_);
  std::swap(bytes_, other.bytes_);
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

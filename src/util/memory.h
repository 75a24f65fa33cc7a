// Giving freed memory back to the system.
#pragma once
#include <cstddef>

namespace ddb {

// Freeing at least this many stored keys at once is worth a release_free_memory().
inline constexpr size_t kReleaseAfterFreedKeys = 10000;

// Returns the free pages of every malloc arena to the system. glibc keeps small freed blocks in its
// arenas, so without this RSS stays at its peak after a table is deleted or a sweep frees much.
void release_free_memory();

}  // namespace ddb

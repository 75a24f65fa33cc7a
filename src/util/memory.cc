#include "util/memory.h"

#include <malloc.h>

namespace ddb {

void release_free_memory() {
  malloc_trim(0);
}

}  // namespace ddb

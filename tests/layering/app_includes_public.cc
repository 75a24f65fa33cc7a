// Must compile: the same kind of include of a public header (so the two probes beside it fail for
// the reason they name, not for a broken probe).
#include "cruddur/messaging.h"
#include "engine/engine.h"

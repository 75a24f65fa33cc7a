// Must not compile: cruddur reaches DynamoDB only through the DynamoDB API, so the engine's
// internals (engine/ops.h) are not visible to it even though it links the engine (tests/CMakeLists).
#include "cruddur/messaging.h"
#include "engine/ops.h"

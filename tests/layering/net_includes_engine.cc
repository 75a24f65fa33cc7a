// Must not compile: the HTTP server knows no DynamoDB, and does not link the engine.
#include "engine/engine.h"
#include "net/http_server.h"

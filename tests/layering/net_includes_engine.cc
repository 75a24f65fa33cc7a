// Must not compile: the HTTP server knows no DynamoDB, and does not link the engine.
#include "net/http_server.h"
#include "engine/engine.h"

// libFuzzer target: untrusted request bytes -> JSON -> typed values -> every operation of the
// engine. The first byte picks the operation; the rest is the request body.
#include <cstdint>
#include <string>

#include <rapidjson/document.h>

#include "engine/engine.h"
#include "fuzz_db.h"
#include "types/value.h"

using namespace ddb;

namespace {
const char* kOps[] = {
    "PutItem",     "GetItem",        "UpdateItem",    "DeleteItem",         "Query",
    "Scan",        "BatchWriteItem", "BatchGetItem",  "TransactWriteItems", "TransactGetItems",
    "CreateTable", "UpdateTable",    "DescribeTable", "ListTables",         "UpdateTimeToLive"};

Database* db() {
  return fuzz_database();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > (16u << 20)) return 0;
  std::string body(reinterpret_cast<const char*>(data + 1), size - 1);
  rapidjson::Document doc;
  doc.Parse<kRequestParseFlags>(body.c_str(), body.size());
  if (!doc.HasParseError() && !check_request_json(doc).ok()) return 0;
  if (doc.HasParseError()) return 0;
  (void)value_from_json(doc);
  (void)item_from_json(doc);
  std::string op = std::string("DynamoDB_20120810.") + kOps[data[0] % (sizeof kOps / sizeof *kOps)];
  auto r = db()->execute(op, doc);
  (void)r;
  return 0;
}

// The database the engine's fuzz targets run against: table "tbl" (pk S, sk N) with a GSI on g and a
// NEW_AND_OLD_IMAGES stream, in an in-memory engine that lives for the whole run.
#pragma once
#include <rapidjson/document.h>

#include "engine/engine.h"

inline ddb::Database* fuzz_database() {
  static ddb::Engine engine(ddb::EngineOptions{}, ddb::KvOptions{});
  static ddb::Database* d = [] {
    ddb::Database* x = engine.database("fuzz", "us-east-1")->get();  // the engine keeps it open
    rapidjson::Document req;
    req.Parse(R"({"TableName":"tbl","BillingMode":"PAY_PER_REQUEST",
      "KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],
      "AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"},
                              {"AttributeName":"g","AttributeType":"S"}],
      "GlobalSecondaryIndexes":[{"IndexName":"gsi","KeySchema":[{"AttributeName":"g","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"}}],
      "StreamSpecification":{"StreamEnabled":true,"StreamViewType":"NEW_AND_OLD_IMAGES"}})");
    auto created = x->execute("DynamoDB_20120810.CreateTable", req);
    if (!created.ok()) __builtin_trap();  // a fixture that is not there would make the fuzzing blind
    return x;
  }();
  return d;
}

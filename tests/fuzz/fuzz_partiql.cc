// libFuzzer target: untrusted PartiQL text -> the parser -> (when it parses) ExecuteStatement,
// BatchExecuteStatement and ExecuteTransaction against fuzz_db.h's table (a sort key, a GSI, a stream).
// The first byte picks the operation and how many `?` parameters are bound; the rest is the statement.
#include <cstdint>
#include <string>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "engine/engine.h"
#include "fuzz_db.h"
#include "partiql/partiql.h"

using namespace ddb;

namespace {
Database* db() {
  static Database* d = [] {
    Database* x = fuzz_database();
    rapidjson::Document put;
    put.Parse(
        R"({"Statement":"INSERT INTO tbl VALUE {'pk':'a','sk':1,'g':'x','l':[1,'s',{'m':<<1,2>>}],'n':null}"})");
    (void)x->execute("DynamoDB_20120810.ExecuteStatement", put);
    return x;
  }();
  return d;
}

const char* kParams[] = {R"({"S":"a"})",
                         R"({"N":"1"})",
                         R"({"L":[{"N":"2"}]})",
                         R"({"SS":["x","y"]})",
                         R"({"M":{"k":{"BOOL":true}}})",
                         R"({"B":"AAE="})"};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > 16384) return 0;
  std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  const int op = data[0] % 3, nparams = (data[0] / 3) % 8;
  std::vector<Value> params;
  std::string params_json = "[";
  for (int i = 0; i < nparams; ++i) {
    rapidjson::Document v;
    v.Parse(kParams[i % 6]);
    params.push_back(*value_from_json(v));
    params_json += (i ? "," : "") + std::string(kParams[i % 6]);
  }
  params_json += "]";
  auto parsed = partiql::parse(text, params);
  if (!parsed.ok()) return 0;
  // Through the engine as a client would send it.
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  std::string stmt = std::string("{\"Statement\":") + sb.GetString() + ",\"Parameters\":" + params_json + "}";
  std::string body = op == 0   ? stmt
                     : op == 1 ? "{\"Statements\":[" + stmt + "]}"
                               : "{\"TransactStatements\":[" + stmt + "]}";
  static const char* kOps[] = {"DynamoDB_20120810.ExecuteStatement",
                               "DynamoDB_20120810.BatchExecuteStatement",
                               "DynamoDB_20120810.ExecuteTransaction"};
  rapidjson::Document req;
  req.Parse(body.c_str(), body.size());
  if (req.HasParseError()) return 0;
  (void)db()->execute(kOps[op], req);
  return 0;
}

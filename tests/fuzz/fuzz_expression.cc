// libFuzzer target: expression text -> parse/resolve -> evaluate/apply against a fixed item.
#include <cstdint>
#include <string>

#include <rapidjson/document.h>

#include "expr/expr.h"

using namespace ddb;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 8192) return 0;
  std::string text(reinterpret_cast<const char*>(data), size);
  static rapidjson::Document names = [] {
    rapidjson::Document d;
    d.Parse(R"({"#a":"a","#b":"b","#m":"m"})");
    return d;
  }();
  static Item values = [] {
    rapidjson::Document d;
    d.Parse(
        R"({":n":{"N":"1"},":s":{"S":"x"},":l":{"L":[{"S":"y"}]},":ss":{"SS":["a"]},":m":{"M":{"k":{"N":"2"}}}})");
    return *item_from_json(d);
  }();
  static Item item = [] {
    rapidjson::Document d;
    d.Parse(
        R"({"a":{"N":"5"},"b":{"S":"abc"},"m":{"M":{"l":{"L":[{"N":"1"},{"S":"z"}]}}},"ss":{"SS":["a","b"]}})");
    return *item_from_json(d);
  }();
  expr::Context ctx(&names, &values);
  if (auto c = expr::parse_condition(text, "ConditionExpression", ctx); c.ok())
    (void)expr::evaluate(*c, item);
  if (auto u = expr::parse_update(text, ctx); u.ok()) (void)expr::apply_update(*u, item);
  if (auto p = expr::parse_projection(text, ctx); p.ok()) (void)expr::project(item, *p);
  (void)ctx.check_unused();
  return 0;
}

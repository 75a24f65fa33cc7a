// The cost of parsing (and resolving) the expressions of the benchmark's conditional UpdateItem
// (workload d): its UpdateExpression and ConditionExpression, in microseconds per pair.
// usage: build-release/expr_parse [rounds=200000]
//   (cmake --build build-release --target expr_parse)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <rapidjson/document.h>

#include "expr/expr.h"

int main(int argc, char** argv) {
  using namespace ddb;
  long rounds = argc > 1 ? std::atol(argv[1]) : 200000;
  rapidjson::Document names;
  names.Parse(R"({"#b":"body","#ts":"ts"})");
  Item values;
  values[":b"] = Value::S(std::string(150, 'x'));
  values[":ts"] = Value::N("1733600000000");
  values[":one"] = Value::N("1");
  values[":zero"] = Value::N("0");
  auto start = std::chrono::steady_clock::now();
  long parsed = 0;
  for (long i = 0; i < rounds; ++i) {
    expr::Context ctx(&names, &values);
    parsed += expr::parse_update("SET #b = :b, #ts = :ts ADD cnt :one", ctx).ok();
    parsed += expr::parse_condition("attribute_exists(pk) AND cnt >= :zero", "ConditionExpression", ctx).ok();
  }
  std::chrono::duration<double, std::micro> took = std::chrono::steady_clock::now() - start;
  if (parsed != 2 * rounds) {
    std::fprintf(stderr, "expr_parse: an expression did not parse\n");
    return 1;
  }
  std::printf("%.3f us per UpdateExpression + ConditionExpression\n", took.count() / static_cast<double>(rounds));
  return 0;
}

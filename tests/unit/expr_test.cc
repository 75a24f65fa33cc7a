#include "expr/expr.h"

#include <gtest/gtest.h>

using namespace ddb;

namespace {
Item item(const char* json) {
  rapidjson::Document d;
  d.Parse(json);
  return *item_from_json(d);
}
struct Fixture {
  rapidjson::Document names;
  Item values;
  std::unique_ptr<expr::Context> ctx;
  Fixture(const char* n, const char* v) {
    names.Parse(n);
    values = item(v);
    ctx =
        std::make_unique<expr::Context>(names.IsObject() && names.MemberCount() ? &names : nullptr, &values);
  }
};
std::string cond_error(const char* text, const char* names = "{}", const char* values = "{}") {
  Fixture f(names, values);
  auto c = expr::parse_condition(text, "ConditionExpression", *f.ctx);
  return c.ok() ? "" : c.error().message;
}
bool eval(const char* text, const char* it, const char* values = "{}", const char* names = "{}") {
  Fixture f(names, values);
  auto c = expr::parse_condition(text, "ConditionExpression", *f.ctx);
  EXPECT_TRUE(c.ok()) << c.error().message;
  return c.ok() && expr::evaluate(*c, item(it));
}
}  // namespace

TEST(Expr, Comparisons) {
  const char* it = R"({"a":{"N":"5"},"s":{"S":"abc"},"m":{"M":{"x":{"L":[{"N":"1"},{"N":"2"}]}}}})";
  EXPECT_TRUE(eval("a = :five", it, R"({":five":{"N":"5.0"}})"));
  EXPECT_TRUE(eval("a < :v", it, R"({":v":{"N":"10"}})"));
  EXPECT_FALSE(eval("a < :v", it, R"({":v":{"S":"10"}})"));
  EXPECT_TRUE(eval("a <> :v", it, R"({":v":{"S":"5"}})"));
  EXPECT_TRUE(eval("nothere <> :v", it, R"({":v":{"S":"5"}})"));
  EXPECT_TRUE(eval("m.x[1] = :v", it, R"({":v":{"N":"2"}})"));
  EXPECT_TRUE(eval("a BETWEEN :lo AND :hi", it, R"({":lo":{"N":"1"},":hi":{"N":"5"}})"));
  EXPECT_TRUE(eval("a IN (:x, :y)", it, R"({":x":{"N":"1"},":y":{"N":"5"}})"));
  EXPECT_TRUE(eval("begins_with(s, :p)", it, R"({":p":{"S":"ab"}})"));
  EXPECT_TRUE(eval("contains(s, :p)", it, R"({":p":{"S":"bc"}})"));
  EXPECT_TRUE(eval("size(m.x) = :two", it, R"({":two":{"N":"2"}})"));
  EXPECT_TRUE(eval("attribute_type(a, :t)", it, R"({":t":{"S":"N"}})"));
  EXPECT_TRUE(eval("attribute_exists(#s) AND NOT attribute_exists(zz)", it, "{}", R"({"#s":"s"})"));
}

TEST(Expr, PrecedenceNotAndOr) {
  const char* it = R"({"a":{"N":"1"}})";
  // OR binds weaker than AND: true OR (false AND false) = true
  EXPECT_TRUE(eval("attribute_exists(a) OR attribute_exists(b) AND attribute_exists(c)", it));
  EXPECT_FALSE(eval("(attribute_exists(a) OR attribute_exists(b)) AND attribute_exists(c)", it));
  EXPECT_TRUE(eval("NOT attribute_exists(b) AND attribute_exists(a)", it));
  EXPECT_TRUE(eval("attribute_exists(a) and not attribute_exists(b)", it));  // keywords are case-insensitive
}

TEST(Expr, Errors) {
  EXPECT_EQ(cond_error("status = :v", "{}", R"({":v":{"S":"x"}})"),
            "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: status");
  EXPECT_EQ(cond_error("a = :nope"),
            "Invalid ConditionExpression: An expression attribute value used in expression is not defined; "
            "attribute value: :nope");
  EXPECT_EQ(cond_error("#n = :v", "{}", R"({":v":{"S":"x"}})"),
            "Invalid ConditionExpression: An expression attribute name used in the document path is not "
            "defined; attribute name: #n");
  EXPECT_EQ(cond_error(""), "Invalid ConditionExpression: The expression can not be empty;");
  EXPECT_EQ(cond_error("a = ", "{}", "{}"),
            "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"= \"");
  EXPECT_EQ(cond_error("foo(a)"), "Invalid ConditionExpression: Invalid function name; function: foo");
  EXPECT_EQ(cond_error("begins_with(a, :n)", "{}", R"({":n":{"N":"1"}})"),
            "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or "
            "function: begins_with, operand type: N");
}

TEST(Expr, UnusedPlaceholdersAreReported) {
  Fixture f(R"({"#a":"a","#b":"b"})", R"({":v":{"S":"x"},":w":{"S":"y"}})");
  auto c = expr::parse_condition("#a = :v", "ConditionExpression", *f.ctx);
  ASSERT_TRUE(c.ok());
  auto st = f.ctx->check_unused();
  EXPECT_EQ(st.error().message,
            "Value provided in ExpressionAttributeValues unused in expressions: keys: {:w}");
}

TEST(Expr, UpdateActions) {
  Fixture f("{}", R"({":one":{"N":"1"},":l":{"L":[{"S":"z"}]},":s":{"SS":["b","c"]},":d":{"SS":["a"]}})");
  auto u = expr::parse_update(
      "SET n = n + :one, l = list_append(l, :l), m.k = :one REMOVE r, q[0] ADD s :s, c :one DELETE d :d",
      *f.ctx);
  ASSERT_TRUE(u.ok()) << u.error().message;
  Item old = item(
      R"({"n":{"N":"1"},"l":{"L":[{"S":"x"},{"S":"y"}]},"m":{"M":{}},"r":{"S":"gone"},"q":{"L":[{"S":"x"},{"S":"y"}]},"s":{"SS":["a"]},"d":{"SS":["a"]}})");
  auto next = expr::apply_update(*u, old);
  ASSERT_TRUE(next.ok()) << next.error().message;
  EXPECT_EQ(
      item_to_json(*next),
      R"({"c":{"N":"1"},"l":{"L":[{"S":"x"},{"S":"y"},{"S":"z"}]},"m":{"M":{"k":{"N":"1"}}},"n":{"N":"2"},"q":{"L":[{"S":"y"}]},"s":{"SS":["a","b","c"]}})");
}

TEST(Expr, UpdateErrors) {
  Fixture f("{}", R"({":v":{"S":"x"}})");
  auto overlap = expr::parse_update("SET a = :v, a.b = :v", *f.ctx);
  EXPECT_EQ(overlap.error().message,
            "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite "
            "one of these paths; path one: [a], path two: [a, b]");
  auto twice = expr::parse_update("SET a = :v SET b = :v", *f.ctx);
  EXPECT_EQ(twice.error().message,
            "Invalid UpdateExpression: The \"SET\" section can only be used once in an update expression;");
  auto add = expr::parse_update("ADD a :v", *f.ctx);
  EXPECT_EQ(add.error().message,
            "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, "
            "operand type: STRING");
  EXPECT_EQ(expr::parse_update("SET a = b + :v", *f.ctx).error().message,
            "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or "
            "function: +, operand type: S");
  auto plus = expr::parse_update("SET a = b + c", *f.ctx);
  ASSERT_TRUE(plus.ok());
  EXPECT_EQ(expr::apply_update(*plus, item(R"({"b":{"N":"1"},"c":{"S":"x"}})")).error().message,
            "An operand in the update expression has an incorrect data type");
  auto nested = expr::parse_update("SET x.y = :v", *f.ctx);
  EXPECT_EQ(expr::apply_update(*nested, Item{}).error().message,
            "The document path provided in the update expression is invalid for update");
}

TEST(Expr, Projection) {
  Fixture f("{}", "{}");
  auto p = expr::parse_projection("a, m.x, l[1]", *f.ctx);
  ASSERT_TRUE(p.ok());
  Item it = item(
      R"({"a":{"S":"1"},"b":{"S":"2"},"m":{"M":{"x":{"N":"1"},"y":{"N":"2"}}},"l":{"L":[{"S":"p"},{"S":"q"}]}})");
  EXPECT_EQ(item_to_json(expr::project(it, *p)),
            R"({"a":{"S":"1"},"l":{"L":[{"S":"q"}]},"m":{"M":{"x":{"N":"1"}}}})");
}

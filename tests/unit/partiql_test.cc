#include "partiql/partiql.h"

#include <gtest/gtest.h>

using namespace ddb;

namespace {
Item item(const char* json) {
  rapidjson::Document d;
  d.Parse(json);
  return *item_from_json(d);
}
partiql::Statement parse(const std::string& text, std::vector<Value> params = {}) {
  auto s = partiql::parse(text, params);
  EXPECT_TRUE(s.ok()) << text << ": " << (s.ok() ? "" : s.error().message);
  return s.ok() ? std::move(s).value() : partiql::Statement{};
}
std::string error(const std::string& text, std::vector<Value> params = {}) {
  auto s = partiql::parse(text, params);
  return s.ok() ? "" : s.error().message;
}
// Whether the WHERE of `text` holds for the item.
bool where(const std::string& text, const char* it) {
  auto s = parse("SELECT * FROM t WHERE " + text);
  return s.where && expr::evaluate(*s.where, item(it));
}
}  // namespace

TEST(PartiQL, SelectShape) {
  auto s = parse(R"(SELECT a, "b c", m.n, l[2] FROM "tab"."idx" WHERE pk = 'x' ORDER BY sk DESC)");
  EXPECT_EQ(s.kind, partiql::Statement::kSelect);
  EXPECT_EQ(s.table, "tab");
  EXPECT_EQ(s.index, "idx");
  ASSERT_TRUE(s.projection);
  ASSERT_EQ(s.projection->size(), 4u);
  EXPECT_EQ((*s.projection)[1].elems[0].name, "b c");
  EXPECT_EQ(partiql::projected_name((*s.projection)[2]), "n");
  EXPECT_EQ(partiql::projected_name((*s.projection)[3]), "l[2]");
  ASSERT_EQ(s.order_by.size(), 1u);
  EXPECT_TRUE(s.order_by[0].descending);
  EXPECT_FALSE(parse("select * from t").projection);  // keywords in any case
}

TEST(PartiQL, ConditionsMeanWhatExpressionsMean) {
  const char* it = R"({"pk":{"S":"a"},"v":{"N":"20"},"s":{"S":"hello"},"l":{"L":[{"N":"1"},{"S":"two"}]},
                       "z":{"NULL":true},"ss":{"SS":["p","q"]},"m":{"M":{"n":{"N":"1"}}}})";
  EXPECT_TRUE(where("v = 20.0", it));
  EXPECT_TRUE(where("v <> 21 AND v != 19", it));
  EXPECT_TRUE(where("v BETWEEN 10 AND 20", it));
  EXPECT_TRUE(where("v IN [1, 20]", it));
  EXPECT_TRUE(where("v NOT IN (1, 2)", it));
  EXPECT_TRUE(where("NOT v < 10", it));
  EXPECT_TRUE(where("q IS MISSING AND v IS NOT MISSING", it));
  EXPECT_TRUE(where("z IS NULL AND v IS NOT NULL", it));
  EXPECT_FALSE(where("q IS NULL", it));  // a missing attribute is not NULL
  EXPECT_TRUE(where("begins_with(s, 'he') AND contains(ss, 'q') AND contains(l, 'two')", it));
  EXPECT_TRUE(where("size(l) = 2 AND attribute_type(s, 'S')", it));
  EXPECT_TRUE(where("m = {'n': 1} AND l[1] = 'two' AND m.n = 1", it));
  EXPECT_TRUE(where("ss = <<'q', 'p'>>", it));
  EXPECT_TRUE(where("v = 1 OR (v = 20 AND pk = 'a')", it));
  EXPECT_TRUE(where("-5 < v", it));
}

TEST(PartiQL, LiteralsAreExactAndTyped) {
  auto s = parse(
      "INSERT INTO t VALUE {'n': 12345678901234567890123456789012345678, 'f': 0.10, 'e': 1E3, "
      "'q': 'it''s', 'b': TRUE, 'z': null, 'l': [1, [2]], 'ns': <<3, 1>>, 'p': ?}",
      {Value::B("\x01")});
  EXPECT_EQ(s.item.at("n").s, "12345678901234567890123456789012345678");
  EXPECT_EQ(s.item.at("f").s, "0.1");
  EXPECT_EQ(s.item.at("e").s, "1000");
  EXPECT_EQ(s.item.at("q").s, "it's");
  EXPECT_TRUE(s.item.at("b").boolean);
  EXPECT_EQ(s.item.at("z").type, VType::NUL);
  EXPECT_EQ(s.item.at("l").list[1].type, VType::L);
  EXPECT_EQ(s.item.at("ns").type, VType::NS);
  EXPECT_EQ(s.item.at("ns").set, (std::vector<std::string>{"3", "1"}));  // in the order written
  EXPECT_EQ(s.item.at("p").type, VType::B);
}

TEST(PartiQL, UpdatesCompileToUpdateActions) {
  auto s = parse(
      "UPDATE t SET a = a + 1, b = list_append(b, [1]) SET c = set_add(c, <<'x'>>) REMOVE d "
      "WHERE pk = 'k' RETURNING MODIFIED NEW *");
  ASSERT_EQ(s.update.actions.size(), 4u);
  EXPECT_EQ(s.update.actions[0].value.kind, expr::Operand::kPlus);
  EXPECT_EQ(s.update.actions[1].value.kind, expr::Operand::kListAppend);
  EXPECT_EQ(s.update.actions[2].kind, expr::UpdateAction::kAdd);
  EXPECT_EQ(s.update.actions[3].kind, expr::UpdateAction::kRemove);
  EXPECT_EQ(s.returning, "UPDATED_NEW");
  auto applied = expr::apply_update(s.update, item(R"({"a":{"N":"1"},"b":{"L":[]},"d":{"S":"x"}})"));
  ASSERT_TRUE(applied.ok());
  EXPECT_EQ(applied.value().at("a").s, "2");
  EXPECT_EQ(applied.value().at("c").set, std::vector<std::string>{"x"});
  EXPECT_FALSE(applied.value().count("d"));
}

TEST(PartiQL, Errors) {
  const std::string malformed = "Statement wasn't well formed, can't be processed: ";
  for (const char* bad : {"SELEC * FROM t", "SELECT FROM t", "SELECT * FROM t WHERE",
                          "SELECT * FROM t WHERE a ==", "SELECT * FROM t WHERE a = 'x",
                          "INSERT INTO t VALUES {'a': 1}", "", "\x01", "UPDATE t WHERE pk = 1"})
    EXPECT_EQ(error(bad), malformed + bad) << bad;
  EXPECT_EQ(error("SELECT * FROM t WHERE a = ? AND b = ?", {Value::S("x")}),
            "Number of parameters in request and statement don't match.");
  EXPECT_EQ(error("SELECT * FROM t x"), "Aliasing is not supported");
  EXPECT_EQ(error("SELECT * FROM t WHERE a = 1 LIMIT 5"), "Unsupported clause: LIMIT at 1:35:1");
  EXPECT_EQ(error("SELECT * FROM t WHERE frob(a)"), "Unrecognized function: frob");
  EXPECT_EQ(error("INSERT INTO t VALUE {'a': <<>>}"), "Empty bags are not supported at 1:27:2");
  EXPECT_EQ(error("INSERT INTO t VALUE {'a': 1, 'a': 2}"),
            "Duplicate keys in tuple. Key: a under root at 1:30:3");
  EXPECT_EQ(
      error("INSERT INTO t VALUE [1]"),
      "Unsupported format in item expression. Please use struct format {...} to express item values for "
      "insert statement. at 1:21:1");
  EXPECT_EQ(error("SELECT * FROM t WHERE a = 1234567890123456789012345678901234567890"),
            "DynamoDB only supports precision up to 38 digits");
  EXPECT_EQ(error("DELETE FROM t WHERE pk = 1 RETURNING ALL NEW *"),
            "Invalid returning clause: RETURNING ALL NEW *. Only RETURNING ALL OLD * is allowed in DELETE "
            "statements.");
  EXPECT_EQ(error("SELECT * FROM t WHERE a = MISSING"), "MISSING must be compared using IS operator");
  // Nesting beyond the parser's depth is refused, not a stack overflow.
  EXPECT_EQ(error("SELECT * FROM t WHERE " + std::string(10000, '(') + "a = 1" + std::string(10000, ')'))
                .rfind(malformed, 0),
            0u);
}

TEST(PartiQL, KeyAccessChoosesKeyConditions) {
  auto s = parse("SELECT * FROM t WHERE v > 1 AND pk IN ['b', 'a', 'b'] AND sk BETWEEN 1 AND 5");
  auto a = partiql::key_access(&*s.where, "pk", VType::S, "sk", VType::N);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a.value().hash_values.size(), 2u);  // duplicates read once
  EXPECT_EQ(a.value().range_op, "BETWEEN");
  auto scan = parse("SELECT * FROM t WHERE pk = 'a' OR pk = 'b'");
  EXPECT_TRUE(partiql::key_access(&*scan.where, "pk", VType::S, "sk", VType::N).value().hash_values.empty());
  auto flipped = parse("SELECT * FROM t WHERE 3 > sk AND 'a' = pk");
  auto f = partiql::key_access(&*flipped.where, "pk", VType::S, "sk", VType::N).value();
  EXPECT_EQ(f.range_op, "<");
  auto mismatch = parse("SELECT * FROM t WHERE pk = 1");
  EXPECT_EQ(partiql::key_access(&*mismatch.where, "pk", VType::S, "", VType::S).error().message,
            "Key attribute's data type should match its data type in table's schema: Key pk");
}

TEST(PartiQL, SplitKeyNamesOneItem) {
  auto s = parse("DELETE FROM t WHERE sk = 2 AND v = 1 AND pk = 'a' AND w > 3");
  auto kc = partiql::split_key(&*s.where, "pk", VType::S, "sk", VType::N);
  ASSERT_TRUE(kc.ok());
  EXPECT_EQ(kc.value().key.size(), 2u);
  ASSERT_TRUE(kc.value().condition);
  EXPECT_EQ(kc.value().condition->kind, expr::Condition::kAnd);
  auto partial = parse("DELETE FROM t WHERE pk = 'a'");
  EXPECT_EQ(partiql::split_key(&*partial.where, "pk", VType::S, "sk", VType::N).error().message,
            "Where clause does not contain a mandatory equality on all key attributes");
  auto twice = parse("DELETE FROM t WHERE pk = 'a' AND sk = 1 AND sk = 2");
  EXPECT_EQ(partiql::split_key(&*twice.where, "pk", VType::S, "sk", VType::N).error().message,
            "Multiple conditions on same key sk. Only single item Update/Insert/Delete are supported");
}

TEST(PartiQL, ProjectionFlattensNames) {
  auto s = parse("SELECT m.n, l[1], nope FROM t");
  Item out =
      partiql::project(item(R"({"m":{"M":{"n":{"N":"1"}}},"l":{"L":[{"N":"1"},{"S":"x"}]}})"), *s.projection);
  EXPECT_EQ(out.size(), 2u);
  EXPECT_EQ(out.at("n").s, "1");
  EXPECT_EQ(out.at("l[1]").s, "x");
}

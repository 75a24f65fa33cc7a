// DynamoDB's PartiQL dialect: statement text (with `?` parameters bound from AttributeValues) parsed
// into a typed Statement whose WHERE, SET/REMOVE and projection are the expression engine's own trees
// (expr::Condition, expr::Update, expr::Path), so a comparison means the same in both languages.
//
// Supported: SELECT (projection of *, names, nested paths, list indexes; FROM "t" or "t"."index";
// WHERE; ORDER BY key attributes), INSERT INTO "t" VALUE {...}, UPDATE "t" SET/REMOVE ... WHERE ...
// [RETURNING], DELETE FROM "t" WHERE ... [RETURNING ALL OLD *], and EXISTS(SELECT ...) (a condition
// check inside ExecuteTransaction). Literals: 'strings', exact numbers, TRUE/FALSE/NULL, {maps},
// [lists], <<sets>>. Keywords are case-insensitive.
//
// Thread-safety: pure functions; the Statement is a value.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "expr/expr.h"
#include "types/value.h"
#include "util/status.h"

namespace ddb::partiql {

// Longest statement DynamoDB accepts (API reference, ExecuteStatement: Statement 1..8192).
inline constexpr size_t kMaxStatementLength = 8192;

struct OrderBy {
  std::string attribute;
  bool descending = false;
};

struct Statement {
  enum Kind { kSelect, kInsert, kUpdate, kDelete, kExists } kind = kSelect;
  std::string table, index;  // index: SELECT ... FROM "t"."index"
  // SELECT: the projected paths (nullopt: *).
  std::optional<std::vector<expr::Path>> projection;
  std::optional<expr::Condition> where;
  std::vector<OrderBy> order_by;
  Item item;              // INSERT's VALUE
  expr::Update update;    // UPDATE's SET / REMOVE clauses, in order
  std::string returning;  // "", ALL_OLD, ALL_NEW, UPDATED_OLD, UPDATED_NEW
  bool is_read() const { return kind == kSelect; }
};

// Parses one statement. Errors are DynamoDB's ValidationException texts ("Statement wasn't well
// formed, can't be processed: ...", "Number of parameters in request and statement don't match.", ...).
Result<Statement> parse(std::string_view text, const std::vector<Value>& params);

// The name an item's projected value takes in a SELECT answer: the last attribute name of the path
// with the list indexes after it ("m.l[0]" -> "l[0]"), as DynamoDB answers.
std::string projected_name(const expr::Path& p);
// The projection of one item as a SELECT answers it: each path's value under its projected name.
Item project(const Item& item, const std::vector<expr::Path>& paths);

// How a WHERE reaches the items of a key schema.
struct KeyAccess {
  std::vector<Value> hash_values;  // equality or IN on the partition key (empty: a scan)
  // A sort-key comparison usable as a key condition: "", "=", "<", "<=", ">", ">=", "BETWEEN",
  // "begins_with", with its values.
  std::string range_op;
  Value range_a, range_b;
};
// Chooses the key conditions of a read. Type mismatches on key attributes are refused, as DynamoDB does.
Result<KeyAccess> key_access(const expr::Condition* where, const std::string& hash, VType hash_type,
                             const std::string& range, VType range_type);

// UPDATE and DELETE name exactly one item: equality on every key attribute, AND-ed at the top.
// Returns the key and the rest of the WHERE (the write's condition).
struct KeyAndCondition {
  Item key;
  std::optional<expr::Condition> condition;
};
Result<KeyAndCondition> split_key(const expr::Condition* where, const std::string& hash, VType hash_type,
                                  const std::string& range, VType range_type);

}  // namespace ddb::partiql

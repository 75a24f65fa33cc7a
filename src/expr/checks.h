// The semantic checks of stage 1 (parse), as pure functions over parsed trees. Each returns the
// detail of DynamoDB's "Invalid <expression>: <detail>" message, or nullopt when the tree is valid.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "expr/expr.h"

namespace ddb::expr {

using Problem = std::optional<std::string>;

// A comparison's literal operands (besides = and <>) must be of a scalar key type.
Problem check_compare(const Condition& c);
// BETWEEN: scalar bounds of one type, lower <= upper.
Problem check_between(const Condition& c);
// The first operand of a comparison, BETWEEN, IN or function is not repeated among the others ("a = a").
Problem check_distinct(const Condition& c);
// Functions of conditions: operand count, document paths, attribute_type names, begins_with types.
Problem check_function(const Condition& c);
// No two paths of one projection or update overlap or conflict.
Problem check_overlaps(const std::vector<Path>& paths);

// "STRING", "NUMBER SET", ...: the type names of update-expression messages.
std::string long_type_name(VType t);

}  // namespace ddb::expr

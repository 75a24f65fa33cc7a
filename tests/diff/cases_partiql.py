"""PartiQL differential cases (ExecuteStatement, BatchExecuteStatement, ExecuteTransaction), recorded from
DynamoDB Local 3.3.1 (`run_diff.py --record-missing --oracle ...`). Imported by cases.py.

Where DynamoDB Local 3.3.1 differs from the service, the case states the service's answer (`real=`) with its
source beside it; docs/compatibility.md lists them. Scans have no defined order: their cases compare items
as a set (`unordered`).
"""

S = lambda v: {"S": v}
N = lambda v: {"N": v}

KEYS = [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]
FIXTURE = [
    ("CreateTable", {"TableName": "pq_range", "KeySchema": KEYS, "BillingMode": "PAY_PER_REQUEST",
                     "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                              {"AttributeName": "sk", "AttributeType": "N"},
                                              {"AttributeName": "g", "AttributeType": "S"}],
                     "GlobalSecondaryIndexes": [{"IndexName": "gix", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                                 "Projection": {"ProjectionType": "ALL"}}]}),
    ("CreateTable", {"TableName": "pq_hash", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                     "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}], "BillingMode": "PAY_PER_REQUEST"}),
    ("CreateTable", {"TableName": "pq_write", "KeySchema": KEYS, "BillingMode": "PAY_PER_REQUEST",
                     "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                              {"AttributeName": "sk", "AttributeType": "N"}],
                     "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}}),
] + [
    ("PutItem", {"TableName": "pq_range", "Item": {
        "pk": S("a"), "sk": N(str(i)), "v": N(str(i * 10)), "s": S(f"str{i}"),
        **({"g": S("x")} if i % 2 else {}), **({"z": {"NULL": True}} if i == 3 else {}),
        "l": {"L": [S(f"e{i}"), N(str(i))]}, "m": {"M": {"n": N(str(i)), "t": S("deep")}}, "b": {"BOOL": i % 2 == 0},
        "tags": {"SS": ["red", f"t{i}"]}}}) for i in range(1, 7)
] + [
    ("PutItem", {"TableName": "pq_range", "Item": {"pk": S("b"), "sk": N(str(i)), "v": N(str(100 + i)), "g": S("y")}})
    for i in range(1, 4)
] + [
    ("PutItem", {"TableName": "pq_hash", "Item": {"pk": S(f"h{i}"), "n": N(str(i)), "price": N(f"{i}.50")}}) for i in range(5)
]

STREAM_TABLES = ["pq_write"]
CASES = []


def st(name, statement, params=None, **opts):
    req = {"Statement": statement}
    if params is not None:
        req["Parameters"] = params
    req.update(opts.pop("extra", {}))
    CASES.append(("pq_" + name, "ExecuteStatement", req, opts))


def batch(name, statements, **opts):
    req = {"Statements": statements}
    req.update(opts.pop("extra", {}))
    CASES.append(("pq_batch_" + name, "BatchExecuteStatement", req, opts))


def tx(name, statements, **opts):
    req = {"TransactStatements": statements}
    req.update(opts.pop("extra", {}))
    CASES.append(("pq_tx_" + name, "ExecuteTransaction", req, opts))


R = '"pq_range"'
# ---------------------------------------------------------------- SELECT: access paths
st("scan_all", f"SELECT * FROM {R}", unordered=True)
st("scan_bare_name", "SELECT * FROM pq_range", unordered=True)
st("query_pk", f"SELECT * FROM {R} WHERE pk = 'a'")
st("query_pk_b", f"SELECT * FROM {R} WHERE pk = 'b'")
st("query_pk_missing", f"SELECT * FROM {R} WHERE pk = 'zz'")
st("point", f"SELECT * FROM {R} WHERE pk = 'a' AND sk = 2")
st("point_flipped", f"SELECT * FROM {R} WHERE 2 = sk AND 'a' = pk")
st("point_missing", f"SELECT * FROM {R} WHERE pk = 'a' AND sk = 99")
st("point_decimal_key", f"SELECT * FROM {R} WHERE pk = 'a' AND sk = 2.0")
st("sk_lt", f"SELECT * FROM {R} WHERE pk = 'a' AND sk < 3")
st("sk_le", f"SELECT * FROM {R} WHERE pk = 'a' AND sk <= 3")
st("sk_gt", f"SELECT * FROM {R} WHERE pk = 'a' AND sk > 4")
st("sk_ge", f"SELECT * FROM {R} WHERE pk = 'a' AND sk >= 4")
st("sk_between", f"SELECT * FROM {R} WHERE pk = 'a' AND sk BETWEEN 2 AND 4")
st("sk_two_bounds", f"SELECT * FROM {R} WHERE pk = 'a' AND sk > 1 AND sk < 4")
st("sk_in", f"SELECT * FROM {R} WHERE pk = 'a' AND sk IN [1, 5]")
st("sk_ne", f"SELECT * FROM {R} WHERE pk = 'a' AND sk <> 2")
st("pk_in", f"SELECT * FROM {R} WHERE pk IN ['a', 'b']")
st("pk_in_parens", f"SELECT * FROM {R} WHERE pk IN ('b', 'a')")
st("pk_or", f"SELECT * FROM {R} WHERE pk = 'a' OR pk = 'b'", unordered=True)
st("pk_and_filter_or", f"SELECT * FROM {R} WHERE pk = 'a' AND (v = 10 OR v = 60)")
st("order_desc", f"SELECT * FROM {R} WHERE pk = 'a' ORDER BY sk DESC")
st("order_asc", f"SELECT * FROM {R} WHERE pk = 'a' ORDER BY sk ASC")
st("order_default", f"SELECT * FROM {R} WHERE pk = 'b' ORDER BY sk")
st("order_range_desc", f"SELECT * FROM {R} WHERE pk = 'a' AND sk > 2 ORDER BY sk DESC")
st("order_non_key", f"SELECT * FROM {R} WHERE pk = 'a' ORDER BY v")
st("order_no_where", f"SELECT * FROM {R} ORDER BY sk")
st("gsi", f"SELECT * FROM {R}.\"gix\" WHERE g = 'y'", unordered=True)
st("gsi_scan", f"SELECT * FROM {R}.\"gix\"", unordered=True)
st("gsi_missing_index", f"SELECT * FROM {R}.\"nope\"")
st("lowercase_keywords", "select * from \"pq_range\" where pk = 'a' and sk = 1")
st("mixed_case_keywords", "SeLeCt * FrOm \"pq_range\" WhErE pk = 'a' AnD sk = 1")
st("newlines", "SELECT *\nFROM \"pq_range\"\nWHERE pk = 'a'\n  AND sk = 1")
st("hash_table_point", "SELECT * FROM \"pq_hash\" WHERE pk = 'h1'")
st("hash_table_in", "SELECT * FROM \"pq_hash\" WHERE pk IN ['h1', 'h3', 'nope']")
st("hash_table_scan", "SELECT * FROM \"pq_hash\"", unordered=True)
st("consistent", f"SELECT * FROM {R} WHERE pk = 'a' AND sk = 1", extra={"ConsistentRead": True})
st("limit_query", f"SELECT * FROM {R} WHERE pk = 'a'", extra={"Limit": 2})
st("limit_query_exact", f"SELECT * FROM {R} WHERE pk = 'b'", extra={"Limit": 3})
st("limit_filtered", f"SELECT * FROM {R} WHERE pk = 'a' AND v > 30", extra={"Limit": 2})
st("limit_scan_count", "SELECT * FROM \"pq_hash\"", extra={"Limit": 5}, unordered=True)

# ---------------------------------------------------------------- SELECT: projections
st("proj_names", f"SELECT pk, v FROM {R} WHERE pk = 'a' AND sk = 1")
st("proj_quoted", f"SELECT \"pk\", \"v\" FROM {R} WHERE pk = 'a' AND sk = 1")
st("proj_nested", f"SELECT m.n FROM {R} WHERE pk = 'a' AND sk = 2")
st("proj_index", f"SELECT l[0] FROM {R} WHERE pk = 'a' AND sk = 2")
st("proj_nested_index", f"SELECT m.t, l[1], s FROM {R} WHERE pk = 'a' AND sk = 3")
st("proj_missing_attr", f"SELECT nope FROM {R} WHERE pk = 'a' AND sk = 1")
st("proj_out_of_range", f"SELECT l[9] FROM {R} WHERE pk = 'a' AND sk = 1")
st("proj_query", f"SELECT sk, s FROM {R} WHERE pk = 'a'")

# ---------------------------------------------------------------- SELECT: conditions
st("f_gt", f"SELECT * FROM {R} WHERE pk = 'a' AND v > 30")
st("f_ne", f"SELECT * FROM {R} WHERE pk = 'a' AND v <> 20")
st("f_bang_eq", f"SELECT * FROM {R} WHERE pk = 'a' AND v != 20")
st("f_not", f"SELECT * FROM {R} WHERE pk = 'a' AND NOT v = 10")
st("f_not_paren", f"SELECT * FROM {R} WHERE pk = 'a' AND NOT (v = 10 OR v = 20)")
st("f_is_missing", f"SELECT * FROM {R} WHERE pk = 'a' AND g IS MISSING")
st("f_is_not_missing", f"SELECT * FROM {R} WHERE pk = 'a' AND g IS NOT MISSING")
st("f_is_null", f"SELECT * FROM {R} WHERE pk = 'a' AND z IS NULL")
st("f_is_not_null", f"SELECT * FROM {R} WHERE pk = 'a' AND z IS NOT NULL")
st("f_begins_with", f"SELECT * FROM {R} WHERE pk = 'a' AND begins_with(s, 'str2')")
st("f_begins_with_upper", f"SELECT * FROM {R} WHERE pk = 'a' AND BEGINS_WITH(s, 'str')")
st("f_contains_set", f"SELECT * FROM {R} WHERE pk = 'a' AND contains(tags, 't4')")
st("f_contains_list", f"SELECT * FROM {R} WHERE pk = 'a' AND contains(l, 'e5')")
st("f_contains_string", f"SELECT * FROM {R} WHERE pk = 'a' AND contains(s, 'r3')")
st("f_size_list", f"SELECT * FROM {R} WHERE pk = 'a' AND size(l) = 2")
st("f_size_string", f"SELECT * FROM {R} WHERE pk = 'a' AND size(s) > 3")
st("f_attribute_type", f"SELECT * FROM {R} WHERE pk = 'a' AND attribute_type(g, 'S')")
st("f_attribute_type_n", f"SELECT * FROM {R} WHERE pk = 'a' AND attribute_type(v, 'N')")
st("f_in_values", f"SELECT * FROM {R} WHERE pk = 'a' AND v IN [10, 30, 50]")
st("f_not_in", f"SELECT * FROM {R} WHERE pk = 'a' AND v NOT IN [10, 30, 50]")
st("f_between", f"SELECT * FROM {R} WHERE pk = 'a' AND v BETWEEN 20 AND 40")
st("f_bool", f"SELECT * FROM {R} WHERE pk = 'a' AND b = true")
st("f_bool_false", f"SELECT * FROM {R} WHERE pk = 'a' AND b = FALSE")
st("f_map_eq", f"SELECT * FROM {R} WHERE pk = 'a' AND m = {{'n': 2, 't': 'deep'}}")
st("f_list_eq", f"SELECT * FROM {R} WHERE pk = 'a' AND l = ['e3', 3]")
st("f_set_eq", f"SELECT * FROM {R} WHERE pk = 'a' AND tags = <<'t1', 'red'>>")
st("f_nested_path", f"SELECT * FROM {R} WHERE pk = 'a' AND m.n >= 5")
st("f_list_index", f"SELECT * FROM {R} WHERE pk = 'a' AND l[0] = 'e6'")
st("f_string_lt", f"SELECT * FROM {R} WHERE pk = 'a' AND s < 'str3'")
st("f_scan_filter", f"SELECT * FROM {R} WHERE v > 100", unordered=True)
st("f_scan_or", f"SELECT * FROM {R} WHERE v = 10 OR v = 102", unordered=True)
st("f_double_quoted_is_name", f"SELECT * FROM {R} WHERE pk = \"a\"")
st("f_number_exp", f"SELECT * FROM {R} WHERE pk = 'a' AND v = 3e1")
st("f_is_null_missing_attr", f"SELECT * FROM {R} WHERE pk = 'a' AND nope IS NULL")
st("f_is_not_null_missing_attr", f"SELECT * FROM {R} WHERE pk = 'a' AND nope IS NOT NULL")
st("err_missing_compared", f"SELECT * FROM {R} WHERE pk = 'a' AND v = MISSING")
st("err_between_order", f"SELECT * FROM {R} WHERE pk = 'a' AND sk BETWEEN 3 AND 1")
st("err_begins_with_number", f"SELECT * FROM {R} WHERE pk = 'a' AND begins_with(sk, 1)")
st("f_comment", f"SELECT * FROM {R} WHERE pk = 'a' AND sk = 1 -- the first")
st("f_paren_key", f"SELECT * FROM {R} WHERE (pk = 'a') AND sk = 1")
st("f_negative", f"SELECT * FROM {R} WHERE pk = 'a' AND v > -5")

# ---------------------------------------------------------------- SELECT: parameters
st("param_pk", f"SELECT * FROM {R} WHERE pk = ?", [S("b")])
st("param_point", f"SELECT * FROM {R} WHERE pk = ? AND sk = ?", [S("a"), N("4")])
st("param_filter_set", f"SELECT * FROM {R} WHERE pk = ? AND contains(tags, ?)", [S("a"), S("t2")])
st("param_too_few", f"SELECT * FROM {R} WHERE pk = ? AND sk = ?", [S("a")])
st("param_none_given", f"SELECT * FROM {R} WHERE pk = ?")
st("param_extra", f"SELECT * FROM {R} WHERE pk = ?", [S("b"), N("2")])
st("param_empty_list", f"SELECT * FROM {R} WHERE pk = 'b'", [])
st("param_bad_value", f"SELECT * FROM {R} WHERE pk = ?", [{"Q": "a"}])
st("param_key_type", f"SELECT * FROM {R} WHERE pk = ?", [N("1")])

# ---------------------------------------------------------------- SELECT: errors
st("err_unknown_table", "SELECT * FROM \"nope\"")
st("err_unknown_table_bare", "SELECT * FROM nope_table")
st("err_typo_keyword", f"SELEC * FROM {R}")
st("err_no_projection", f"SELECT FROM {R}")
st("err_dangling_where", f"SELECT * FROM {R} WHERE")
st("err_dangling_eq", f"SELECT * FROM {R} WHERE pk =")
st("err_dangling_and", f"SELECT * FROM {R} WHERE pk = 'a' AND")
st("err_double_eq", f"SELECT * FROM {R} WHERE pk == 'a'")
st("err_unterminated", f"SELECT * FROM {R} WHERE pk = 'a")
st("err_unknown_function", f"SELECT * FROM {R} WHERE pk = 'a' AND exists(s)")
st("err_unknown_function2", f"SELECT * FROM {R} WHERE pk = 'a' AND frobnicate(s, 1)")
st("err_limit_clause", f"SELECT * FROM {R} WHERE pk = 'a' LIMIT 1")
st("err_alias", f"SELECT * FROM {R} t WHERE t.pk = 'a'")
st("err_key_type", f"SELECT * FROM {R} WHERE pk = 1")
st("err_sort_key_type", f"SELECT * FROM {R} WHERE pk = 'a' AND sk = 'x'")
st("err_precision", f"SELECT * FROM {R} WHERE v = 100000000000000000000000000000000000001")
st("err_empty", "")
st("err_whitespace", "   ")
st("err_trailing_garbage", f"SELECT * FROM {R} WHERE pk = 'a' )")
st("scan_semicolon", f"SELECT * FROM {R};", unordered=True)
st("err_limit0", f"SELECT * FROM {R}", extra={"Limit": 0})
st("err_bad_next_token", f"SELECT * FROM {R}", extra={"NextToken": "garbage"})
# The service validates the member itself (API reference, ExecuteStatement: "Statement ... Required: Yes");
# DynamoDB Local 3.3.1 fails with an InternalFailure (500).
CASES.append(("pq_err_missing_statement", "ExecuteStatement", {}, {"real": {
    "type": "ValidationException",
    "message": "1 validation error detected: Value null at 'statement' failed to satisfy constraint: Member must not be null"}}))

# ---------------------------------------------------------------- INSERT
W = '"pq_write"'
st("ins_ok", f"INSERT INTO {W} VALUE {{'pk': 'w1', 'sk': 1, 'v': 1, 's': 'x'}}")
st("ins_nested", f"INSERT INTO {W} VALUE {{'pk': 'w1', 'sk': 2, 'm': {{'a': [1, 'two', {{'c': true}}], 'e': null}}, "
                 f"'ns': <<3, 1, 2>>, 'ss': <<'b', 'a'>>, 'big': 12345678901234567890123456789012345678, 'tiny': 0.000001}}")
st("ins_params", f"INSERT INTO {W} VALUE {{'pk': ?, 'sk': ?, 'bin': ?, 'bs': ?}}",
   [S("w1"), N("3"), {"B": "AAEC"}, {"BS": ["AQ==", "Ag=="]}])
st("ins_read_back", f"SELECT * FROM {W} WHERE pk = 'w1'")
# The service names the exception DuplicateItemException (API reference, ExecuteStatement, Errors:
# "DuplicateItemException ... HTTP Status Code: 400"); DynamoDB Local 3.3.1 says "DuplicateItem".
st("ins_duplicate", f"INSERT INTO {W} VALUE {{'pk': 'w1', 'sk': 1}}",
   real={"type": "DuplicateItemException", "message": "Duplicate primary key exists in table"})
st("ins_duplicate_unchanged", f"SELECT * FROM {W} WHERE pk = 'w1' AND sk = 1")
st("ins_missing_sort_key", f"INSERT INTO {W} VALUE {{'pk': 'w2'}}")
st("ins_missing_hash_key", f"INSERT INTO {W} VALUE {{'sk': 1}}")
st("ins_key_type", f"INSERT INTO {W} VALUE {{'pk': 'w2', 'sk': 'one'}}")
st("ins_not_struct", f"INSERT INTO {W} VALUE [1, 2]")
st("ins_values_typo", f"INSERT INTO {W} VALUES {{'pk': 'w2', 'sk': 1}}")
st("ins_duplicate_tuple_key", f"INSERT INTO {W} VALUE {{'pk': 'w2', 'sk': 1, 'pk': 'w3'}}")
st("ins_empty_bag", f"INSERT INTO {W} VALUE {{'pk': 'w2', 'sk': 1, 'e': <<>>}}")
st("ins_empty_string_attr", f"INSERT INTO {W} VALUE {{'pk': 'w2', 'sk': 9, 'e': ''}}")
st("ins_empty_string_key", f"INSERT INTO {W} VALUE {{'pk': '', 'sk': 1}}")
st("ins_unknown_table", "INSERT INTO \"nope\" VALUE {'pk': 'x'}")
st("ins_where", f"INSERT INTO {W} VALUE {{'pk': 'w2', 'sk': 1}} WHERE pk = 'w2'")
st("ins_precision", f"INSERT INTO {W} VALUE {{'pk': 'w2', 'sk': 1, 'n': 1234567890123456789012345678901234567890}}")
st("ins_param_count", f"INSERT INTO {W} VALUE {{'pk': ?, 'sk': ?}}", [S("w2")])
st("ins_escaped_quote", f"INSERT INTO {W} VALUE {{'pk': 'it''s', 'sk': 1, 'q': 'say ''hi'''}}")
st("ins_escaped_read", f"SELECT * FROM {W} WHERE pk = 'it''s'")

# ---------------------------------------------------------------- UPDATE
st("upd_set", f"UPDATE {W} SET v = 5 WHERE pk = 'w1' AND sk = 1")
st("upd_arith_new", f"UPDATE {W} SET v = v + 10 WHERE pk = 'w1' AND sk = 1 RETURNING ALL NEW *")
st("upd_minus_old", f"UPDATE {W} SET v = v - 1 WHERE pk = 'w1' AND sk = 1 RETURNING ALL OLD *")
st("upd_modified_new", f"UPDATE {W} SET m.a[0] = 100 WHERE pk = 'w1' AND sk = 2 RETURNING MODIFIED NEW *")
st("upd_modified_old", f"UPDATE {W} SET m.e = 'now' WHERE pk = 'w1' AND sk = 2 RETURNING MODIFIED OLD *")
st("upd_several_set", f"UPDATE {W} SET a = 1, b = 'two' SET c = [3] WHERE pk = 'w1' AND sk = 1 RETURNING ALL NEW *")
st("upd_remove", f"UPDATE {W} REMOVE s WHERE pk = 'w1' AND sk = 1 RETURNING ALL NEW *")
st("upd_remove_nested", f"UPDATE {W} REMOVE m.a[1] WHERE pk = 'w1' AND sk = 2 RETURNING MODIFIED NEW *")
st("upd_set_and_remove", f"UPDATE {W} SET d = 4 REMOVE a WHERE pk = 'w1' AND sk = 1 RETURNING ALL NEW *")
st("upd_list_append", f"UPDATE {W} SET c = list_append(c, [4, 5]) WHERE pk = 'w1' AND sk = 1 RETURNING ALL NEW *")
st("upd_set_add", f"UPDATE {W} SET ss = set_add(ss, <<'c'>>) WHERE pk = 'w1' AND sk = 2 RETURNING MODIFIED NEW *")
st("upd_set_add_new_attr", f"UPDATE {W} SET fresh = set_add(fresh, <<7>>) WHERE pk = 'w1' AND sk = 2 RETURNING MODIFIED NEW *")
st("upd_set_delete", f"UPDATE {W} SET ns = set_delete(ns, <<1, 3>>) WHERE pk = 'w1' AND sk = 2 RETURNING MODIFIED NEW *")
st("upd_params", f"UPDATE {W} SET v = ?, w = ? WHERE pk = ? AND sk = ?", [N("42"), {"L": [S("x")]}, S("w1"), N("1")])
st("upd_condition_ok", f"UPDATE {W} SET v = 43 WHERE pk = 'w1' AND sk = 1 AND v = 42 RETURNING ALL NEW *")
st("upd_condition_fails", f"UPDATE {W} SET v = 0 WHERE pk = 'w1' AND sk = 1 AND v = 1")
st("upd_condition_fails_old", f"UPDATE {W} SET v = 0 WHERE pk = 'w1' AND sk = 1 AND v = 1",
   extra={"ReturnValuesOnConditionCheckFailure": "ALL_OLD"})
st("upd_condition_function", f"UPDATE {W} SET v = 44 WHERE pk = 'w1' AND sk = 1 AND attribute_type(v, 'N') RETURNING MODIFIED OLD *")
st("upd_missing_item", f"UPDATE {W} SET v = 1 WHERE pk = 'nope' AND sk = 1")
st("upd_partial_key", f"UPDATE {W} SET v = 1 WHERE pk = 'w1'")
st("upd_range_key_cond", f"UPDATE {W} SET v = 1 WHERE pk = 'w1' AND sk > 0")
st("upd_or", f"UPDATE {W} SET v = 1 WHERE pk = 'w1' OR sk = 1")
st("upd_same_key_twice", f"UPDATE {W} SET v = 1 WHERE pk = 'w1' AND sk = 1 AND sk = 2")
st("upd_key_attr", f"UPDATE {W} SET sk = 5 WHERE pk = 'w1' AND sk = 1")
st("upd_no_where", f"UPDATE {W} SET v = 1")
st("upd_no_clause", f"UPDATE {W} WHERE pk = 'w1' AND sk = 1")
st("upd_overlap", f"UPDATE {W} SET v = v + 1, v = 3 WHERE pk = 'w1' AND sk = 1")
st("upd_missing_parent", f"UPDATE {W} SET nope.x = 1 WHERE pk = 'w1' AND sk = 1")
st("upd_if_not_exists", f"UPDATE {W} SET e = if_not_exists(e, 5) WHERE pk = 'w1' AND sk = 1 RETURNING MODIFIED NEW *")
st("upd_string_plus", f"UPDATE {W} SET v = 'x' + 1 WHERE pk = 'w1' AND sk = 1")
st("upd_missing_operand", f"UPDATE {W} SET v = nope + 1 WHERE pk = 'w1' AND sk = 1")
st("upd_returning_no_star", f"UPDATE {W} SET v = 1 WHERE pk = 'w1' AND sk = 1 RETURNING ALL NEW v")
st("upd_returning_bad", f"UPDATE {W} SET v = 1 WHERE pk = 'w1' AND sk = 1 RETURNING SOME NEW *")
st("upd_key_type", f"UPDATE {W} SET v = 1 WHERE pk = 'w1' AND sk = '1'")
st("upd_unknown_table", "UPDATE \"nope\" SET v = 1 WHERE pk = 'w1' AND sk = 1")
st("upd_read_back", f"SELECT * FROM {W} WHERE pk = 'w1'")

# ---------------------------------------------------------------- DELETE
st("del_returning_old", f"DELETE FROM {W} WHERE pk = 'w1' AND sk = 3 RETURNING ALL OLD *")
st("del_missing", f"DELETE FROM {W} WHERE pk = 'w1' AND sk = 3")
st("del_condition_fails", f"DELETE FROM {W} WHERE pk = 'w1' AND sk = 1 AND v = 0")
st("del_condition_fails_old", f"DELETE FROM {W} WHERE pk = 'w1' AND sk = 1 AND v = 0",
   extra={"ReturnValuesOnConditionCheckFailure": "ALL_OLD"})
st("del_condition_missing_item", f"DELETE FROM {W} WHERE pk = 'nope' AND sk = 1 AND v = 0")
st("del_condition_ok", f"DELETE FROM {W} WHERE pk = 'w1' AND sk = 1 AND v = 44")
st("del_returning_new", f"DELETE FROM {W} WHERE pk = 'w1' AND sk = 2 RETURNING ALL NEW *")
st("del_returning_modified", f"DELETE FROM {W} WHERE pk = 'w1' AND sk = 2 RETURNING MODIFIED OLD *")
st("del_partial_key", f"DELETE FROM {W} WHERE pk = 'w1'")
st("del_no_where", f"DELETE FROM {W}")
st("del_unknown_table", "DELETE FROM \"nope\" WHERE pk = 'x' AND sk = 1")
st("del_read_back", f"SELECT * FROM {W} WHERE pk = 'w1'")

# ---------------------------------------------------------------- BatchExecuteStatement
P = lambda s, **kw: {"Statement": s, **kw}
batch("reads", [P(f"SELECT * FROM {R} WHERE pk = 'a' AND sk = 1"), P(f"SELECT * FROM {R} WHERE pk = 'a' AND sk = 99"),
                P("SELECT * FROM \"nope\" WHERE pk = 'a' AND sk = 1"), P("SELECT n FROM \"pq_hash\" WHERE pk = 'h2'")])
batch("read_params", [P(f"SELECT * FROM {R} WHERE pk = ? AND sk = ?", Parameters=[S("b"), N("2")])])
batch("read_not_single", [P(f"SELECT * FROM {R} WHERE pk = 'a'")])
batch("read_filtered_out", [P(f"SELECT * FROM {R} WHERE pk = 'a' AND sk = 1 AND v = 999")])
batch("mixed", [P(f"INSERT INTO {W} VALUE {{'pk': 'b1', 'sk': 1}}"), P(f"SELECT * FROM {R} WHERE pk = 'a' AND sk = 1")])
batch("empty", [])
batch("invalid_operation", [P("SELEC")])
batch("syntax_error", [P(f"SELECT * FROM {R} WHERE pk = ")])
batch("writes", [P(f"INSERT INTO {W} VALUE {{'pk': 'b1', 'sk': 1, 'v': 1}}"), P(f"INSERT INTO {W} VALUE {{'pk': 'b1', 'sk': 2}}"),
                 P(f"UPDATE {W} SET v = 1 WHERE pk = 'nope' AND sk = 1"), P(f"DELETE FROM {W} WHERE pk = 'b1' AND sk = 9")])
batch("write_duplicate_item", [P(f"INSERT INTO {W} VALUE {{'pk': 'b1', 'sk': 1}}")])
batch("write_returning", [P(f"UPDATE {W} SET v = v + 1 WHERE pk = 'b1' AND sk = 1 RETURNING ALL NEW *")])
batch("write_failure_old", [P(f"UPDATE {W} SET v = 0 WHERE pk = 'b1' AND sk = 1 AND v = 0",
                              ReturnValuesOnConditionCheckFailure="ALL_OLD")])
# Two statements on one item refuse the whole batch. (DynamoDB Local 3.3.1 runs them before it refuses the
# request, so the case uses writes that change nothing: a refused request must not write.)
batch("duplicate_keys", [P(f"UPDATE {W} SET v = 1 WHERE pk = 'b2' AND sk = 1"), P(f"DELETE FROM {W} WHERE pk = 'b2' AND sk = 1 AND v = 5")])
batch("write_unknown_table", [P("INSERT INTO \"nope\" VALUE {'pk': 'x'}"), P(f"INSERT INTO {W} VALUE {{'pk': 'b3', 'sk': 1}}")])
batch("read_back", [P(f"SELECT * FROM {W} WHERE pk = 'b1' AND sk = 1"), P(f"SELECT * FROM {W} WHERE pk = 'b1' AND sk = 2"),
                    P(f"SELECT * FROM {W} WHERE pk = 'b3' AND sk = 1")])

# ---------------------------------------------------------------- ExecuteTransaction
tx("writes", [P(f"INSERT INTO {W} VALUE {{'pk': 't1', 'sk': 1, 'v': 1}}"), P(f"UPDATE {W} SET v = 2 WHERE pk = 'b1' AND sk = 1"),
              P(f"DELETE FROM {W} WHERE pk = 'b1' AND sk = 2")])
tx("cancelled", [P(f"INSERT INTO {W} VALUE {{'pk': 't2', 'sk': 1}}"), P(f"UPDATE {W} SET v = 3 WHERE pk = 't1' AND sk = 1 AND v = 99")])
tx("cancelled_old", [P(f"INSERT INTO {W} VALUE {{'pk': 't2', 'sk': 1}}"),
                     P(f"UPDATE {W} SET v = 3 WHERE pk = 't1' AND sk = 1 AND v = 99", ReturnValuesOnConditionCheckFailure="ALL_OLD")])
tx("cancelled_nothing_written", [P(f"SELECT * FROM {W} WHERE pk = 't2' AND sk = 1")])
tx("duplicate_insert", [P(f"INSERT INTO {W} VALUE {{'pk': 't1', 'sk': 1}}")])
tx("update_missing", [P(f"UPDATE {W} SET v = 1 WHERE pk = 'nope' AND sk = 1")])
tx("exists_ok", [P(f"EXISTS(SELECT * FROM {W} WHERE pk = 't1' AND sk = 1 AND v = 1)"),
                 P(f"INSERT INTO {W} VALUE {{'pk': 't3', 'sk': 1}}")])
tx("exists_fails", [P(f"EXISTS(SELECT * FROM {W} WHERE pk = 't1' AND sk = 1 AND v = 2)"),
                    P(f"INSERT INTO {W} VALUE {{'pk': 't4', 'sk': 1}}")])
tx("exists_key_only", [P(f"EXISTS(SELECT * FROM {W} WHERE pk = 'nope' AND sk = 1)"),
                           P(f"INSERT INTO {W} VALUE {{'pk': 't4', 'sk': 1}}")])
tx("exists_missing_item", [P(f"EXISTS(SELECT * FROM {W} WHERE pk = 'nope' AND sk = 1 AND v = 1)"),
                           P(f"INSERT INTO {W} VALUE {{'pk': 't4', 'sk': 1}}")])
tx("read_with_condition", [P(f"SELECT * FROM {W} WHERE pk = 't1' AND sk = 1 AND v = 1")])
st("exists_outside_transaction", f"EXISTS(SELECT * FROM {W} WHERE pk = 't1' AND sk = 1 AND v = 1)")
batch("exists", [P(f"EXISTS(SELECT * FROM {W} WHERE pk = 't1' AND sk = 1 AND v = 1)")])
tx("reads", [P(f"SELECT * FROM {W} WHERE pk = 't1' AND sk = 1"), P(f"SELECT * FROM {W} WHERE pk = 't4' AND sk = 1"),
             P(f"SELECT v FROM {R} WHERE pk = 'a' AND sk = 2")])
tx("mixed", [P(f"SELECT * FROM {W} WHERE pk = 't1' AND sk = 1"), P(f"INSERT INTO {W} VALUE {{'pk': 't5', 'sk': 1}}")])
tx("select_not_single", [P(f"SELECT * FROM {W} WHERE pk = 't1'")])
tx("same_item_twice", [P(f"INSERT INTO {W} VALUE {{'pk': 't5', 'sk': 1}}"), P(f"DELETE FROM {W} WHERE pk = 't5' AND sk = 1")])
tx("empty", [])
tx("returning", [P(f"UPDATE {W} SET v = 1 WHERE pk = 't1' AND sk = 1 RETURNING ALL NEW *")])
tx("unknown_table", [P("INSERT INTO \"nope\" VALUE {'pk': 'x'}")])
tx("token_first", [P(f"INSERT INTO {W} VALUE {{'pk': 't6', 'sk': 1}}")], extra={"ClientRequestToken": "pq-token-1"})
tx("token_replay", [P(f"INSERT INTO {W} VALUE {{'pk': 't6', 'sk': 1}}")], extra={"ClientRequestToken": "pq-token-1"})
tx("token_mismatch", [P(f"INSERT INTO {W} VALUE {{'pk': 't7', 'sk': 1}}")], extra={"ClientRequestToken": "pq-token-1"})
tx("params", [P(f"UPDATE {W} SET v = ? WHERE pk = ? AND sk = ?", Parameters=[N("7"), S("t6"), N("1")])])
tx("read_back", [P(f"SELECT * FROM {W} WHERE pk = 't6' AND sk = 1"), P(f"SELECT * FROM {W} WHERE pk = 't3' AND sk = 1")])

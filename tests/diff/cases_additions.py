"""The 2025-26 API additions, recorded from DynamoDB Local 3.3.1. Imported by cases.py.

- Multi-attribute GSI keys (up to four partition-key and four sort-key attributes per index, 2025): key
  schemas, Query's key-condition rules, index-key validation of writes, backfill and PartiQL. DynamoDB Local
  3.3.0 is the first version that has them; the service's texts for these errors are not published, so
  Local's are expected unless a case states the service's answer.
- OnDemandThroughput and WarmThroughput on CreateTable, UpdateTable and DescribeTable.
"""

S = lambda v: {"S": v}
N = lambda v: {"N": v}
H = lambda n: {"AttributeName": n, "KeyType": "HASH"}
R = lambda n: {"AttributeName": n, "KeyType": "RANGE"}
PT = {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}


def attrs(**types):
    return [{"AttributeName": n, "AttributeType": t} for n, t in types.items()]


# mk_tab's index: partition key (t, r), sort key (rd, b).
FIXTURE = [
    ("CreateTable", {"TableName": "mk_tab", "KeySchema": [H("pk")], "ProvisionedThroughput": PT,
                     "AttributeDefinitions": attrs(pk="S", t="S", r="S", rd="N", b="S"),
                     "GlobalSecondaryIndexes": [{"IndexName": "mk_gsi", "KeySchema": [H("t"), H("r"), R("rd"), R("b")],
                                                 "Projection": {"ProjectionType": "ALL"}, "ProvisionedThroughput": PT}]}),
    ("CreateTable", {"TableName": "mk_late", "KeySchema": [H("pk")], "ProvisionedThroughput": PT,
                     "AttributeDefinitions": attrs(pk="S")}),
] + [
    ("PutItem", {"TableName": t, "Item": {"pk": S(str(i)), "t": S("w"), "r": S(r), "rd": N(str(rd)),
                                          **({"b": S(b)} if b else {}), "v": N(str(i * 10))}})
    for t in ("mk_tab", "mk_late")
    for i, r, rd, b in [(1, "na", 1, "u"), (2, "na", 2, "l"), (3, "na", 2, "a"), (4, "eu", 2, "a"), (5, "na", 3, None),
                        (6, "na", 10, "c"), (7, "na", 2, "z")]
]

CASES = []


def case(name, op, req, **opts):
    CASES.append((name, op, req, opts))


def query(name, kce, values, **extra):
    opts = {k: extra.pop(k) for k in ("real", "loose") if k in extra}
    case(name, "Query", {"TableName": "mk_tab", "IndexName": "mk_gsi", "KeyConditionExpression": kce,
                         "ExpressionAttributeValues": values, **extra}, **opts)


W, NA = S("w"), S("na")
query("mk_query_partition", "t = :t AND r = :r", {":t": W, ":r": NA})
query("mk_query_partition_reversed", "r = :r AND t = :t", {":t": W, ":r": NA})
query("mk_query_partition_desc_limit", "t = :t AND r = :r", {":t": W, ":r": NA}, ScanIndexForward=False, Limit=2)
query("mk_query_limit1", "t = :t AND r = :r", {":t": W, ":r": NA}, Limit=1)
query("mk_query_count", "t = :t AND r = :r", {":t": W, ":r": NA}, Select="COUNT")
query("mk_query_projection", "t = :t AND r = :r", {":t": W, ":r": NA}, ProjectionExpression="b, v")
query("mk_query_first_sort_eq", "t = :t AND r = :r AND rd = :d", {":t": W, ":r": NA, ":d": N("2")})
query("mk_query_first_sort_gt", "t = :t AND r = :r AND rd > :d", {":t": W, ":r": NA, ":d": N("1")})
query("mk_query_first_sort_between", "t = :t AND r = :r AND rd BETWEEN :d AND :e", {":t": W, ":r": NA, ":d": N("2"), ":e": N("3")})
query("mk_query_second_sort_gt", "t = :t AND r = :r AND rd = :d AND b > :b", {":t": W, ":r": NA, ":d": N("2"), ":b": S("b")})
query("mk_query_second_sort_eq", "t = :t AND r = :r AND rd = :d AND b = :b", {":t": W, ":r": NA, ":d": N("2"), ":b": S("l")})
query("mk_query_second_sort_begins", "t = :t AND r = :r AND rd = :d AND begins_with(b, :b)",
      {":t": W, ":r": NA, ":d": N("2"), ":b": S("z")})
query("mk_query_second_sort_le_desc", "t = :t AND r = :r AND rd = :d AND b <= :b", {":t": W, ":r": NA, ":d": N("2"), ":b": S("l")},
      ScanIndexForward=False)
query("mk_query_filter_non_key", "t = :t AND r = :r", {":t": W, ":r": NA, ":v": N("30")}, FilterExpression="v >= :v")
query("mk_query_other_partition", "t = :t AND r = :r", {":t": W, ":r": S("eu")})
query("mk_query_missing_partition_attr", "t = :t", {":t": W})
query("mk_query_only_sort", "rd = :d", {":d": N("2")})
query("mk_query_partition_not_eq", "t = :t AND r > :r", {":t": W, ":r": NA})
query("mk_query_skipped_sort", "t = :t AND r = :r AND b = :b", {":t": W, ":r": NA, ":b": S("a")})
query("mk_query_first_sort_not_eq", "t = :t AND r = :r AND rd > :d AND b > :b", {":t": W, ":r": NA, ":d": N("1"), ":b": S("a")})
query("mk_query_skipped_sort_begins", "t = :t AND r = :r AND begins_with(b, :b)", {":t": W, ":r": NA, ":b": S("a")})
query("mk_query_twice", "t = :t AND r = :r AND rd = :d AND rd = :d", {":t": W, ":r": NA, ":d": N("2")})
query("mk_query_unknown_attr", "t = :t AND r = :r AND x = :d", {":t": W, ":r": NA, ":d": N("2")})
query("mk_query_sort_type", "t = :t AND r = :r AND rd = :d", {":t": W, ":r": NA, ":d": S("2")})
query("mk_query_partition_type", "t = :t AND r = :r", {":t": W, ":r": N("1")})
query("mk_query_not_equal", "t = :t AND r = :r AND rd <> :d", {":t": W, ":r": NA, ":d": N("2")})
query("mk_query_begins_on_number", "t = :t AND r = :r AND begins_with(rd, :d)", {":t": W, ":r": NA, ":d": N("2")})
query("mk_query_filter_on_partition_attr", "t = :t AND r = :r", {":t": W, ":r": NA}, FilterExpression="r = :r")
query("mk_query_filter_on_sort_attr", "t = :t AND r = :r", {":t": W, ":r": NA, ":b": S("a")}, FilterExpression="b = :b")
ESK = {"pk": S("3"), "t": W, "r": NA, "rd": N("2"), "b": S("a")}
query("mk_query_start_key", "t = :t AND r = :r", {":t": W, ":r": NA}, ExclusiveStartKey=ESK)
query("mk_query_start_key_desc", "t = :t AND r = :r", {":t": W, ":r": NA}, ExclusiveStartKey=ESK, ScanIndexForward=False)
query("mk_query_start_key_partial", "t = :t AND r = :r", {":t": W, ":r": NA},
      ExclusiveStartKey={"pk": S("3"), "t": W, "r": NA})
query("mk_query_start_key_other_partition", "t = :t AND r = :r", {":t": W, ":r": NA}, ExclusiveStartKey={**ESK, "r": S("eu")})
query("mk_query_start_key_outside_sort", "t = :t AND r = :r AND rd = :d", {":t": W, ":r": NA, ":d": N("3")}, ExclusiveStartKey=ESK)
case("mk_query_key_conditions", "Query", {"TableName": "mk_tab", "IndexName": "mk_gsi", "KeyConditions": {
    "t": {"ComparisonOperator": "EQ", "AttributeValueList": [W]}, "r": {"ComparisonOperator": "EQ", "AttributeValueList": [NA]},
    "rd": {"ComparisonOperator": "GE", "AttributeValueList": [N("2")]}}})
case("mk_scan_index", "Scan", {"TableName": "mk_tab", "IndexName": "mk_gsi"}, unordered=True)

# Writes: every index-key attribute is checked; a missing one leaves the item out of the index.
ITEM = {"pk": S("w1"), "t": W, "r": NA, "rd": N("5"), "b": S("x")}
case("mk_put_type_mismatch", "PutItem", {"TableName": "mk_tab", "Item": {**ITEM, "r": N("3")}},
     # The service names the attribute, the types and the index (the "item-key" class of service_answers.py,
     # dynalite db/index.js validateItem); DynamoDB Local 3.3.1 says only "Type mismatch for Index Key".
     real={"type": "ValidationException", "message": "One or more parameter values were invalid: Type mismatch for "
                                                     "Index Key r Expected: S Actual: N IndexName: mk_gsi"})
case("mk_put_empty_attr", "PutItem", {"TableName": "mk_tab", "Item": {**ITEM, "r": S("")}})
case("mk_put_sort_attr_too_big", "PutItem", {"TableName": "mk_tab", "Item": {**ITEM, "b": S("y" * 1025)}})
case("mk_put_sort_aggregate_too_big", "PutItem", {"TableName": "mk_tab", "Item": {**ITEM, "b": S("y" * 1024)}})
case("mk_put_sort_aggregate_at_limit", "PutItem", {"TableName": "mk_tab", "Item": {**ITEM, "pk": S("w2"), "b": S("y" * 1022)}})
case("mk_put_partition_attr_too_big", "PutItem", {"TableName": "mk_tab", "Item": {**ITEM, "t": S("w" * 2049)}})
case("mk_put_partition_aggregate_too_big", "PutItem", {"TableName": "mk_tab", "Item": {**ITEM, "t": S("w" * 1500), "r": S("n" * 549)}})
case("mk_put_partition_aggregate_at_limit", "PutItem", {"TableName": "mk_tab", "Item": {**ITEM, "pk": S("w3"), "t": S("w" * 1500),
                                                                                       "r": S("n" * 548)}})
case("mk_update_type_mismatch", "UpdateItem", {"TableName": "mk_tab", "Key": {"pk": S("1")}, "UpdateExpression": "SET rd = :v",
                                                "ExpressionAttributeValues": {":v": S("x")}},
     real={"type": "ValidationException", "message": "One or more parameter values were invalid: Type mismatch for "
                                                     "Index Key rd Expected: N Actual: S IndexName: mk_gsi"})
case("mk_update_moves_item", "UpdateItem", {"TableName": "mk_tab", "Key": {"pk": S("5")}, "UpdateExpression": "SET b = :b",
                                             "ExpressionAttributeValues": {":b": S("m")}})
query("mk_query_after_writes", "t = :t AND r = :r", {":t": W, ":r": NA})
case("mk_partiql_index", "ExecuteStatement", {"Statement": "SELECT * FROM \"mk_tab\".\"mk_gsi\" WHERE t = 'w' AND r = 'na'"})
case("mk_partiql_table", "ExecuteStatement", {"Statement": "SELECT pk, b FROM \"mk_tab\" WHERE pk = '2'"})

# An index added to a table with data is backfilled: only items with every key attribute are in it.
case("mk_add_index", "UpdateTable", {
    "TableName": "mk_late", "AttributeDefinitions": attrs(b="S", rd="N", pk="S"),
    "GlobalSecondaryIndexUpdates": [{"Create": {"IndexName": "late_gsi", "KeySchema": [H("b"), H("rd"), R("pk")],
                                                "Projection": {"ProjectionType": "KEYS_ONLY"}, "ProvisionedThroughput": PT}}]},
     loose=True)  # the new index's transient fields (Backfilling, sizes) differ while it is created
# Key schemas.
# A successful CreateTable is compared loosely: the index's ProvisionedThroughput description has
# NumberOfDecreasesToday in ours (as the table's has; DynamoDB Local 3.3.1 leaves it out of an index's).
# tests/blackbox/test_api_additions.py checks what these tables describe.
def create(name, gsi_keys, defs="SSSSSSSSSS", **opts):
    names = ["pk", "a", "b", "c", "d", "e", "f", "g", "h", "i"][:len(defs)]
    case(name, "CreateTable", {"TableName": name, "KeySchema": [H("pk")], "ProvisionedThroughput": PT,
                               "AttributeDefinitions": [{"AttributeName": n, "AttributeType": t} for n, t in zip(names, defs)],
                               "GlobalSecondaryIndexes": [{"IndexName": "gsi", "KeySchema": gsi_keys, "Projection": {"ProjectionType": "ALL"},
                                                           "ProvisionedThroughput": PT}]}, **opts)


create("mk_create_four_and_four", [H("a"), H("b"), H("c"), H("d"), R("e"), R("f"), R("g"), R("h")], "SSNBSNSSS", loose=True)
case("mk_describe_four_and_four", "DescribeTable", {"TableName": "mk_create_four_and_four"}, loose=True)
create("mk_create_two_partition", [H("a"), H("b")], "SSS", loose=True)
create("mk_create_five_partition", [H("a"), H("b"), H("c"), H("d"), H("e")], "SSSSSS")
create("mk_create_five_sort", [H("a"), R("b"), R("c"), R("d"), R("e"), R("f")], "SSSSSSS")
create("mk_create_nine", [H("a"), H("b"), H("c"), H("d"), R("e"), R("f"), R("g"), R("h"), R("i")])
create("mk_create_order", [H("a"), R("b"), H("c")], "SSSS")
create("mk_create_order_long", [H("a"), R("b"), H("c"), H("d"), H("e"), H("f")], "SSSSSSS")
create("mk_create_same_twice", [H("a"), H("a")], "SS")
create("mk_create_same_twice_before_order", [H("a"), R("b"), H("a")], "SSS")
create("mk_create_same_partition_and_sort", [H("a"), H("b"), R("a")], "SSS")
create("mk_create_undefined", [H("a"), H("b"), R("x")], "SSS")
create("mk_create_table_key_in_index", [H("a"), H("b"), R("pk")], "SSS", loose=True)
case("mk_update_index_too_many", "UpdateTable", {
    "TableName": "mk_tab", "AttributeDefinitions": attrs(x="S", y="S", z="S", q="S", w="S"),
    "GlobalSecondaryIndexUpdates": [{"Create": {"IndexName": "gsi3", "KeySchema": [H("x"), H("y"), H("z"), H("q"), H("w")],
                                                "Projection": {"ProjectionType": "KEYS_ONLY"}, "ProvisionedThroughput": PT}}]})
case("mk_update_index_undefined", "UpdateTable", {
    "TableName": "mk_tab", "AttributeDefinitions": attrs(x="S"),
    "GlobalSecondaryIndexUpdates": [{"Create": {"IndexName": "gsi3", "KeySchema": [H("x"), H("y")],
                                                "Projection": {"ProjectionType": "KEYS_ONLY"}, "ProvisionedThroughput": PT}}]})
case("mk_update_index_short_name", "UpdateTable", {
    "TableName": "mk_tab", "AttributeDefinitions": attrs(x="S"),
    "GlobalSecondaryIndexUpdates": [{"Create": {"IndexName": "g3", "KeySchema": [H("x")],
                                                "Projection": {"ProjectionType": "KEYS_ONLY"}, "ProvisionedThroughput": PT}}]},
     # IndexName is 3..255 characters (API reference, CreateGlobalSecondaryIndexAction), reported as a constraint.
     real={"type": "ValidationException", "message": "1 validation error detected: Value 'g3' at "
           "'globalSecondaryIndexUpdates.1.member.create.indexName' failed to satisfy constraint: Member must have length "
           "greater than or equal to 3"})

# DynamoDB Local 3.3.1 answers 500 to a Query of a multi-attribute index added by UpdateTable to a table that
# had no index ("no such column: indexKey_0" in its SQLite store). The service reads the backfilled index
# (developer guide, "Multi-attribute keys pattern": the index is populated from the table's existing items);
# only items that have both b and rd are in it, in pk order within the partition (a, 2).
LATE = [{"b": S("a"), "pk": S("3"), "rd": N("2")}, {"b": S("a"), "pk": S("4"), "rd": N("2")}]
for name, forward in [("mk_query_added_index", True), ("mk_query_added_index_desc", False)]:
    case(name, "Query", {"TableName": "mk_late", "IndexName": "late_gsi", "KeyConditionExpression": "b = :b AND rd = :d",
                         "ExpressionAttributeValues": {":b": S("a"), ":d": N("2")}, "ScanIndexForward": forward},
         real={"status": 200, "body": {"Count": 2, "Items": LATE if forward else LATE[::-1], "ScannedCount": 2}})


# OnDemandThroughput (maximum request units of an on-demand table or GSI; -1 is no maximum) round-trips.
# WarmThroughput is kept too, but DynamoDB Local 3.3.1 drops it (and answers 500 to an UpdateTable of
# OnDemandThroughput): tests/blackbox/test_cli_boto3.py checks both through boto3.
def od_table(name, defs, **extra):
    case(name, "CreateTable", {"TableName": name, "KeySchema": [H("pk")], "AttributeDefinitions": attrs(**defs),
                               "BillingMode": "PAY_PER_REQUEST", **extra}, loose=True)
    # With a GSI, compared loosely: an on-demand table's index has ProvisionedThroughput (zero units) in ours.
    case(name + "_described", "DescribeTable", {"TableName": name}, **({"loose": True} if len(defs) > 1 else {}))


od_table("od_table_limits", {"pk": "S"}, OnDemandThroughput={"MaxReadRequestUnits": 100, "MaxWriteRequestUnits": 50})
od_table("od_index_limits", {"pk": "S", "g": "S"}, GlobalSecondaryIndexes=[
    {"IndexName": "gsi", "KeySchema": [H("g")], "Projection": {"ProjectionType": "ALL"},
     "OnDemandThroughput": {"MaxReadRequestUnits": 10, "MaxWriteRequestUnits": 5}}])
case("od_table_read_only", "CreateTable", {"TableName": "od_read_only", "KeySchema": [H("pk")], "AttributeDefinitions": attrs(pk="S"),
                                           "BillingMode": "PAY_PER_REQUEST", "OnDemandThroughput": {"MaxReadRequestUnits": 7}})
od_table("od_table_unlimited", {"pk": "S"}, OnDemandThroughput={"MaxReadRequestUnits": -1, "MaxWriteRequestUnits": -1})
case("od_table_zero", "CreateTable", {"TableName": "od_zero", "KeySchema": [H("pk")], "AttributeDefinitions": attrs(pk="S"),
                                      "BillingMode": "PAY_PER_REQUEST", "OnDemandThroughput": {"MaxReadRequestUnits": 0}})
case("od_table_provisioned", "CreateTable", {"TableName": "od_prov", "KeySchema": [H("pk")], "AttributeDefinitions": attrs(pk="S"),
                                             "ProvisionedThroughput": PT, "OnDemandThroughput": {"MaxReadRequestUnits": 5}})
case("od_table_provisioned_described", "DescribeTable", {"TableName": "od_prov"})


# A Query of an LSI that asks for attributes the index does not project fetches them from the table, and
# charges the table per fetched item (DynamoDB Local 3.3.1); a filter on such attributes is refused.
FIXTURE += [
    ("CreateTable", {"TableName": "lsi_fetch", "KeySchema": [H("pk"), R("sk")], "BillingMode": "PAY_PER_REQUEST",
                     "AttributeDefinitions": attrs(pk="S", sk="S", lk="S"),
                     "LocalSecondaryIndexes": [{"IndexName": "lsi_inc", "KeySchema": [H("pk"), R("lk")],
                                                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["inc"]}}]}),
] + [("PutItem", {"TableName": "lsi_fetch", "Item": {"pk": S("p"), "sk": S(f"s{i}"), "lk": S(f"l{i}"), "inc": S("i"),
                                                       "big": S("o" * 5000), "n": N(str(i))}}) for i in range(3)]
LSI_Q = {"TableName": "lsi_fetch", "IndexName": "lsi_inc", "KeyConditionExpression": "pk = :p",
         "ExpressionAttributeValues": {":p": S("p")}, "ReturnConsumedCapacity": "INDEXES"}
case("lsi_query_projects_unprojected", "Query", {**LSI_Q, "ProjectionExpression": "sk, n"})
case("lsi_query_all_attributes", "Query", {**LSI_Q, "Select": "ALL_ATTRIBUTES"})
case("lsi_query_all_attributes_consistent", "Query", {**LSI_Q, "Select": "ALL_ATTRIBUTES", "ConsistentRead": True})
case("lsi_query_attributes_to_get_unprojected", "Query",
     {"TableName": "lsi_fetch", "IndexName": "lsi_inc", "AttributesToGet": ["sk", "n"], "ReturnConsumedCapacity": "INDEXES",
      "KeyConditions": {"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [S("p")]}}})
case("lsi_query_filter_unprojected", "Query",
     {**LSI_Q, "FilterExpression": "n > :z", "ExpressionAttributeValues": {":p": S("p"), ":z": N("0")}})
case("lsi_query_legacy_filter_unprojected", "Query",
     {"TableName": "lsi_fetch", "IndexName": "lsi_inc", "QueryFilter": {"n": {"ComparisonOperator": "GT", "AttributeValueList": [N("0")]}},
      "KeyConditions": {"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [S("p")]}}})
case("lsi_query_filter_and_projection", "Query",
     {**LSI_Q, "FilterExpression": "inc = :i", "ExpressionAttributeValues": {":p": S("p"), ":i": S("i")},
      "ProjectionExpression": "n"})
case("lsi_scan_filter_unprojected", "Scan", {"TableName": "lsi_fetch", "IndexName": "lsi_inc", "FilterExpression": "n > :z",
                                             "ExpressionAttributeValues": {":z": N("0")}})
case("lsi_scan_projects_unprojected", "Scan", {"TableName": "lsi_fetch", "IndexName": "lsi_inc", "ProjectionExpression": "n",
                                               "ReturnConsumedCapacity": "INDEXES"})
# Attributes the index holds are not fetched: DynamoDB Local charges the table for them anyway; the developer
# guide ("Local secondary indexes", Projected attributes): the table is read only for attributes "not projected".
case("lsi_query_projects_only_projected", "Query", {**LSI_Q, "ProjectionExpression": "sk, inc"},
     real={"status": 200, "body": {"ConsumedCapacity": {"CapacityUnits": 0.5, "LocalSecondaryIndexes": {"lsi_inc": {"CapacityUnits": 0.5}},
                                                        "Table": {"CapacityUnits": 0.0}, "TableName": "lsi_fetch"},
                                   "Count": 3, "Items": [{"inc": S("i"), "sk": S(f"s{i}")} for i in range(3)], "ScannedCount": 3}})

# An empty binary index key names its type, as an empty string does ("... cannot contain an empty binary value.
# IndexName: gsib, IndexKey: bidx"; the service's text in nubo-db/dynamodb-conformance,
# tests/tier3/error-messages/batchWriteItem.test.ts, and DynamoDB Local 3.3.1's).
case("gsi_b_create", "CreateTable", {"TableName": "gsi_bin", "AttributeDefinitions": attrs(pk="S", bidx="B"),
                                     "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}], "BillingMode": "PAY_PER_REQUEST",
                                     "GlobalSecondaryIndexes": [{"IndexName": "gsib", "Projection": {"ProjectionType": "ALL"},
                                                                 "KeySchema": [{"AttributeName": "bidx", "KeyType": "HASH"}]}]},
     loose=True)
case("gsi_b_put_empty", "PutItem", {"TableName": "gsi_bin", "Item": {"pk": S("a"), "bidx": {"B": ""}}})
case("gsi_b_batch_empty", "BatchWriteItem", {"RequestItems": {"gsi_bin": [{"PutRequest": {"Item": {"pk": S("a"), "bidx": {"B": ""}}}}]}})

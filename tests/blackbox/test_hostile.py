"""Hostile clients: each class of request that once crashed, corrupted or starved the server gets
DynamoDB's 4xx, and the server keeps serving others."""
import copy
import json
import re

import pytest

from hostile import alive, assert_ddb_4xx, call

TABLE = {"TableName": "hostile", "BillingMode": "PAY_PER_REQUEST",
         "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                  {"AttributeName": "sk", "AttributeType": "S"},
                                  {"AttributeName": "g", "AttributeType": "S"}],
         "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
         "GlobalSecondaryIndexes": [{"IndexName": "gsi1", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                     "Projection": {"ProjectionType": "ALL"}}],
         "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}}
KEY = {"pk": {"S": "a"}, "sk": {"S": "1"}}
ARN = "arn:aws:dynamodb:us-east-1:000000000000:table/hostile"

# One valid request per operation; the sweep below breaks each member of each in turn.
BASE = {
    "CreateTable": dict(TABLE, TableName="hostile2"),
    "DescribeTable": {"TableName": "hostile"},
    "UpdateTable": {"TableName": "hostile", "AttributeDefinitions": [{"AttributeName": "h", "AttributeType": "S"}],
                    "GlobalSecondaryIndexUpdates": [{"Create": {"IndexName": "gsi2",
                                                                "KeySchema": [{"AttributeName": "h", "KeyType": "HASH"}],
                                                                "Projection": {"ProjectionType": "KEYS_ONLY"}}}]},
    "ListTables": {"Limit": 5, "ExclusiveStartTableName": "abc"},
    "TagResource": {"ResourceArn": ARN, "Tags": [{"Key": "k", "Value": "v"}]},
    "UntagResource": {"ResourceArn": ARN, "TagKeys": ["k"]},
    "ListTagsOfResource": {"ResourceArn": ARN},
    "UpdateTimeToLive": {"TableName": "hostile", "TimeToLiveSpecification": {"AttributeName": "ttl", "Enabled": True}},
    "DescribeTimeToLive": {"TableName": "hostile"},
    "PutItem": {"TableName": "hostile", "Item": dict(KEY, g={"S": "x"}, m={"M": {"l": {"L": [{"N": "1"}]}}},
                                                      ss={"SS": ["a", "b"]}),
                "ConditionExpression": "attribute_not_exists(#p) OR #p = :v",
                "ExpressionAttributeNames": {"#p": "pk"}, "ExpressionAttributeValues": {":v": {"S": "a"}},
                "ReturnValues": "ALL_OLD", "ReturnConsumedCapacity": "INDEXES",
                "ReturnItemCollectionMetrics": "SIZE"},
    "PutItemLegacy": {"TableName": "hostile", "Item": KEY, "Expected": {"x": {"Exists": False},
                                                                         "pk": {"ComparisonOperator": "EQ",
                                                                                "AttributeValueList": [{"S": "a"}]}},
                      "ConditionalOperator": "OR"},
    "GetItem": {"TableName": "hostile", "Key": KEY, "ProjectionExpression": "#p, m.l[0]",
                "ExpressionAttributeNames": {"#p": "pk"}, "ConsistentRead": True, "AttributesToGet": None},
    "UpdateItem": {"TableName": "hostile", "Key": KEY, "UpdateExpression": "SET #n = :n ADD c :one REMOVE z",
                   "ExpressionAttributeNames": {"#n": "n"}, "ExpressionAttributeValues": {":n": {"S": "x"}, ":one": {"N": "1"}},
                   "ReturnValues": "UPDATED_NEW"},
    "UpdateItemLegacy": {"TableName": "hostile", "Key": KEY,
                         "AttributeUpdates": {"n": {"Action": "PUT", "Value": {"S": "y"}}, "z": {"Action": "DELETE"}}},
    "DeleteItem": {"TableName": "hostile", "Key": {"pk": {"S": "zz"}, "sk": {"S": "zz"}}, "ReturnValues": "ALL_OLD"},
    "Query": {"TableName": "hostile", "KeyConditionExpression": "pk = :p AND begins_with(sk, :s)",
              "FilterExpression": "size(m) > :z", "ExpressionAttributeValues": {":p": {"S": "a"}, ":s": {"S": "1"}, ":z": {"N": "0"}},
              "Limit": 10, "ScanIndexForward": False, "ExclusiveStartKey": KEY, "Select": "ALL_ATTRIBUTES"},
    "QueryLegacy": {"TableName": "hostile", "IndexName": "gsi1",
                    "KeyConditions": {"g": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "x"}]}},
                    "QueryFilter": {"n": {"ComparisonOperator": "NOT_NULL"}}, "AttributesToGet": ["pk", "g"]},
    "Scan": {"TableName": "hostile", "Segment": 0, "TotalSegments": 2, "Limit": 3,
             "ScanFilter": {"pk": {"ComparisonOperator": "IN", "AttributeValueList": [{"S": "a"}, {"S": "b"}]}}},
    "BatchGetItem": {"RequestItems": {"hostile": {"Keys": [KEY], "ProjectionExpression": "pk", "ConsistentRead": True}}},
    "BatchWriteItem": {"RequestItems": {"hostile": [{"PutRequest": {"Item": dict(KEY, sk={"S": "2"})}},
                                                    {"DeleteRequest": {"Key": dict(KEY, sk={"S": "3"})}}]}},
    "TransactWriteItems": {"ClientRequestToken": "tok-1", "TransactItems": [
        {"Put": {"TableName": "hostile", "Item": dict(KEY, sk={"S": "4"})}},
        {"Update": {"TableName": "hostile", "Key": KEY, "UpdateExpression": "SET q = :q",
                    "ExpressionAttributeValues": {":q": {"N": "1"}}}},
        {"ConditionCheck": {"TableName": "hostile", "Key": KEY, "ConditionExpression": "attribute_exists(pk)"}},
        {"Delete": {"TableName": "hostile", "Key": dict(KEY, sk={"S": "5"})}}]},
    "TransactGetItems": {"TransactItems": [{"Get": {"TableName": "hostile", "Key": KEY, "ProjectionExpression": "pk"}}]},
}
STREAM_BASE = {
    "ListStreams": {"TableName": "hostile", "Limit": 5},
    "DescribeStream": {"StreamArn": ARN + "/stream/x", "Limit": 5},
    "GetShardIterator": {"StreamArn": ARN + "/stream/x", "ShardId": "shardId-1", "ShardIteratorType": "TRIM_HORIZON"},
    "GetRecords": {"ShardIterator": "abc", "Limit": 5},
}
WRONG = [12345, -1.5e300, "s", "", True, [], [[[]]], {}, {"x": {"y": []}}, [12345], ["s"], [{}]]


def paths(node, prefix=()):
    """Every path to a member or element inside a request."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield prefix + (k,)
            yield from paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield prefix + (i,)
            yield from paths(v, prefix + (i,))


def replaced(req, path, value):
    r = copy.deepcopy(req)
    node = r
    for p in path[:-1]:
        node = node[p]
    node[path[-1]] = value
    return r


@pytest.fixture
def table(server):
    status, body = call(server.port, "CreateTable", TABLE)
    assert status == 200, body
    status, body = call(server.port, "PutItem", {"TableName": "hostile", "Item": dict(KEY, g={"S": "x"})})
    assert status == 200, body
    return server


def test_every_member_of_every_operation_with_every_wrong_type_gets_a_4xx(table):
    port = table.port
    sent = 0
    for op, base in list(BASE.items()) + [(k, v) for k, v in STREAM_BASE.items()]:
        target = re.sub("Legacy$", "", op)
        prefix = "DynamoDBStreams_20120810." if op in STREAM_BASE else "DynamoDB_20120810."
        for path in list(paths(base)):
            for wrong in WRONG:
                status, body = call(port, target, replaced(base, path, wrong), prefix=prefix)
                sent += 1
                assert status < 500, (op, path, wrong, status, body)
                if status != 200:
                    assert_ddb_4xx(status, body)
    assert sent > 3000
    alive(port)


@pytest.mark.parametrize("body", [b"[" * 120_000, b'{"a":' * 100_000, b'{"TableName":' + b"[" * 1_000_000,
                                  b'{"Item":{"a":' + b'{"L":[' * 50_000 + b"]}" * 50_000 + b"}}"],
                         ids=["arrays", "objects", "member", "attribute-values"])
def test_deeply_nested_json_gets_a_serialization_error(server, body):
    status, resp = call(server.port, "PutItem", body)
    assert_ddb_4xx(status, resp)
    alive(server.port)


def test_json_nested_within_limits_still_works(table):
    value = {"S": "leaf"}
    for _ in range(31):
        value = {"M": {"m": value}}
    status, body = call(table.port, "PutItem", {"TableName": "hostile", "Item": dict(KEY, deep=value)})
    assert status == 200, body


@pytest.mark.parametrize("member,size", [("Expected", 100_000), ("ScanFilter", 100_000), ("QueryFilter", 100_000)])
def test_huge_legacy_condition_maps_are_evaluated_without_crashing(table, member, size):
    conds = {f"a{i}": {"ComparisonOperator": "NULL"} for i in range(size)}
    if member == "Expected":
        req, op = {"TableName": "hostile", "Item": dict(KEY, sk={"S": "big"}), "Expected": conds}, "PutItem"
    elif member == "ScanFilter":
        req, op = {"TableName": "hostile", "ScanFilter": conds}, "Scan"
    else:
        req, op = {"TableName": "hostile", "QueryFilter": conds,
                   "KeyConditions": {"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "a"}]}}}, "Query"
    status, body = call(table.port, op, req, timeout=120)
    assert status < 500, body
    if status == 200 and op != "PutItem":
        assert body["Count"] >= 1
    alive(table.port)


def test_update_item_cannot_build_an_item_nested_past_32_levels(table):
    inner = {"S": "leaf"}
    for _ in range(30):
        inner = {"M": {"m": inner}}
    status, body = call(table.port, "PutItem",
                        {"TableName": "hostile", "Item": dict(KEY, sk={"S": "n"}, top={"M": {"a": {"M": {}}}})})
    assert status == 200, body
    status, body = call(table.port, "UpdateItem", {
        "TableName": "hostile", "Key": dict(KEY, sk={"S": "n"}), "UpdateExpression": "SET top.a.b = :v",
        "ExpressionAttributeValues": {":v": inner}})
    assert_ddb_4xx(status, body, "ValidationException")
    assert body["message"] == "Nesting Levels have exceeded supported limits", body
    # Nothing was stored, and a legal depth still updates.
    status, body = call(table.port, "GetItem", {"TableName": "hostile", "Key": dict(KEY, sk={"S": "n"})})
    assert body["Item"]["top"] == {"M": {"a": {"M": {}}}}
    status, body = call(table.port, "UpdateItem", {
        "TableName": "hostile", "Key": dict(KEY, sk={"S": "n"}), "UpdateExpression": "SET top.a.b = :v",
        "ExpressionAttributeValues": {":v": inner["M"]["m"]}})
    assert status == 200, body


@pytest.mark.parametrize("body", [
    b'{"TableName":"hostile","Item":{"pk":{"S":"a\xff"},"sk":{"S":"1"}}}',
    b'{"TableName":"hostile","Item":{"pk":{"S":"a"},"sk":{"S":"1"},"b\xc3":{"S":"x"}}}',
    b'{"TableName":"hostile","Item":{"pk":{"S":"a"},"sk":{"S":"1"},"x":{"S":"\xed\xa0\x80"}}}',
    b'{"TableName":"hostile","Item":{"pk":{"S":"a"},"sk":{"S":"1"},"x":{"S":"\\udc00"}}}',
    b'{"TableName":"hostile","Item":{"pk":{"S":"a"},"sk":{"S":"1"},"x":{"SS":["\xc0\xaf"]}}}',
], ids=["value", "name", "surrogate", "escaped-lone-surrogate", "overlong"])
def test_invalid_utf8_gets_a_serialization_error_and_nothing_is_stored(table, body):
    """The service answers mis-encoded bodies with 400 SerializationException (aws/aws-sdk-js#46);
    DynamoDB Local 3.3.1 answers 500 InternalFailure (docs/compatibility.md)."""
    status, resp = call(table.port, "PutItem", body)
    assert_ddb_4xx(status, resp, "SerializationException")
    c = table.client(region_name="us-east-1")  # the raw calls sign for us-east-1
    items = c.scan(TableName="hostile")["Items"]  # boto3 decodes every string it gets back
    assert all("x" not in i and "b\u00c3" not in i for i in items)


def test_metrics_labels_cannot_be_injected(server):
    for target in ['Foo"} 1 ddb_injected_total{a="', "Scan\\", "PutItem{x}"]:
        status, _ = call(server.port, target, {})
        assert 400 <= status < 500
    import urllib.request
    text = urllib.request.urlopen(server.url + "/metrics").read().decode()
    assert "ddb_injected_total" not in text
    for line in text.splitlines():
        if line and not line.startswith("#"):
            assert re.fullmatch(r'ddb_(requests|errors)_total\{operation="[A-Za-z]+"\} \d+', line), line


def test_failed_update_table_changes_nothing(table):
    port = table.port
    req = {"TableName": "hostile", "GlobalSecondaryIndexUpdates": [
        {"Delete": {"IndexName": "gsi1"}},
        {"Create": {"IndexName": "gsi9", "KeySchema": [{"AttributeName": "undefined", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"}}}]}
    status, body = call(port, "UpdateTable", req)
    assert_ddb_4xx(status, body, "ValidationException")
    status, body = call(port, "Query", {"TableName": "hostile", "IndexName": "gsi1", "KeyConditionExpression": "g = :g",
                                        "ExpressionAttributeValues": {":g": {"S": "x"}}})
    assert status == 200 and body["Count"] == 1, body
    status, body = call(port, "DescribeTable", {"TableName": "hostile"})
    assert [i["IndexName"] for i in body["Table"]["GlobalSecondaryIndexes"]] == ["gsi1"]


def test_index_create_delete_cycles_never_touch_the_items(table):
    port = table.port
    gsi = {"IndexName": "cycle", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
           "Projection": {"ProjectionType": "KEYS_ONLY"}}
    for _ in range(260):
        status, body = call(port, "UpdateTable", {"TableName": "hostile", "GlobalSecondaryIndexUpdates": [{"Create": gsi}]})
        assert status == 200, body
        status, body = call(port, "UpdateTable", {"TableName": "hostile",
                                                  "GlobalSecondaryIndexUpdates": [{"Delete": {"IndexName": "cycle"}}]})
        assert status == 200, body
    status, body = call(port, "GetItem", {"TableName": "hostile", "Key": KEY})
    assert body.get("Item", {}).get("g") == {"S": "x"}, body
    status, body = call(port, "Scan", {"TableName": "hostile"})
    assert body["Count"] == 1
    status, body = call(port, "Query", {"TableName": "hostile", "IndexName": "gsi1", "KeyConditionExpression": "g = :g",
                                        "ExpressionAttributeValues": {":g": {"S": "x"}}})
    assert body["Count"] == 1, body


@pytest.mark.parametrize("where", ["one header", "many headers", "request line"])
def test_oversized_headers_get_a_4xx_and_the_server_serves_on(server, where):
    # Request line and headers are bounded at 64 KiB: beyond it the answer is 400 SerializationException
    # and the connection closes, however the bytes are spread.
    import socket
    head = {"one header": "X-Big: " + "x" * 70000 + "\r\n",
            "many headers": "".join(f"X-H{i}: {'y' * 60}\r\n" for i in range(1200)),
            "request line": ""}[where]
    target = "/" + "z" * 70000 if where == "request line" else "/"
    s = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    try:
        s.sendall(f"POST {target} HTTP/1.1\r\nHost: a\r\n{head}Content-Length: 2\r\n\r\n{{}}".encode())
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            chunk = s.recv(4096)
            if not chunk:
                break
            answer += chunk
    finally:
        s.close()
    assert answer.startswith(b"HTTP/1.1 400 "), answer[:200]
    assert b"SerializationException" in answer and b"Connection: close" in answer
    alive(server.port)

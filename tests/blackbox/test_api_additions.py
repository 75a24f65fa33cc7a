"""The 2025-26 API additions through boto3.

Multi-attribute GSI keys: the key schema round-trips (also across a restart with -dbPath), items are found by
every prefix of the sort key, pages resume from LastEvaluatedKey, writes that break an index key are refused,
and an index added later is backfilled. OnDemandThroughput and WarmThroughput round-trip through CreateTable,
UpdateTable and DescribeTable, and survive a restart."""
import os
import signal
import sys

import pytest
from botocore.exceptions import ClientError

from conftest import Server

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../diff"))
from ddbclient import Raw  # noqa: E402

KEYS = [{"AttributeName": "tournament", "KeyType": "HASH"}, {"AttributeName": "region", "KeyType": "HASH"},
        {"AttributeName": "round", "KeyType": "RANGE"}, {"AttributeName": "bracket", "KeyType": "RANGE"},
        {"AttributeName": "match", "KeyType": "RANGE"}]


def create(c, name="matches"):
    c.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                   KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                   AttributeDefinitions=[{"AttributeName": n, "AttributeType": t} for n, t in
                                         [("id", "S"), ("tournament", "S"), ("region", "S"), ("round", "N"),
                                          ("bracket", "S"), ("match", "N")]],
                   GlobalSecondaryIndexes=[{"IndexName": "by_bracket", "KeySchema": KEYS,
                                            "Projection": {"ProjectionType": "ALL"}}])


def put_matches(c, name="matches"):
    n = 0
    for region in ["na", "eu"]:
        for rnd in [1, 2, 3]:
            for bracket in ["lower", "upper"]:
                for match in range(4):
                    n += 1
                    c.put_item(TableName=name, Item={
                        "id": {"S": f"m{n}"}, "tournament": {"S": "w24"}, "region": {"S": region},
                        "round": {"N": str(rnd)}, "bracket": {"S": bracket}, "match": {"N": str(match)}})
    c.put_item(TableName=name, Item={"id": {"S": "sparse"}, "tournament": {"S": "w24"}, "region": {"S": "na"}})
    return n


def query(c, kce, values, **kw):
    names = {f"#{k}": k for k in ["tournament", "region", "round", "bracket", "match"] if f"#{k}" in kce}
    items, start = [], None
    while True:
        extra = {"ExclusiveStartKey": start} if start else {}
        r = c.query(TableName="matches", IndexName="by_bracket", KeyConditionExpression=kce,
                    ExpressionAttributeNames=names, ExpressionAttributeValues=values, **kw, **extra)
        items += r["Items"]
        start = r.get("LastEvaluatedKey")
        if not start:
            return items


def keyset(items):
    return [(int(i["round"]["N"]), i["bracket"]["S"], int(i["match"]["N"])) for i in items]


P = {":t": {"S": "w24"}, ":r": {"S": "na"}}
PARTITION = "#tournament = :t AND #region = :r"


def test_key_schema_round_trips_and_survives_restart(data_dir):
    s = Server(data_dir=data_dir).start()
    try:
        create(s.client())
        put_matches(s.client())
    finally:
        s.stop(signal.SIGKILL)
    s = Server(data_dir=data_dir).start()
    try:
        c = s.client()
        gsi = c.describe_table(TableName="matches")["Table"]["GlobalSecondaryIndexes"][0]
        assert gsi["KeySchema"] == KEYS
        assert gsi["ItemCount"] == 48
        assert len(query(c, PARTITION, P)) == 24
    finally:
        s.stop()


def test_every_sort_key_prefix_in_order_and_paged(server):
    c = server.client()
    create(c)
    put_matches(c)
    everything = query(c, PARTITION, P, Limit=5)
    assert keyset(everything) == sorted(keyset(everything)) and len(everything) == 24  # the sparse item is out
    assert keyset(query(c, PARTITION, P, ScanIndexForward=False, Limit=7)) == keyset(everything)[::-1]
    round2 = query(c, PARTITION + " AND #round = :d", {**P, ":d": {"N": "2"}}, Limit=3)
    assert keyset(round2) == [(2, b, m) for b in ["lower", "upper"] for m in range(4)]
    late = query(c, PARTITION + " AND #round >= :d", {**P, ":d": {"N": "2"}})
    assert len(late) == 16
    upper2 = query(c, PARTITION + " AND #round = :d AND #bracket = :b AND #match BETWEEN :lo AND :hi",
                   {**P, ":d": {"N": "2"}, ":b": {"S": "upper"}, ":lo": {"N": "1"}, ":hi": {"N": "2"}})
    assert keyset(upper2) == [(2, "upper", 1), (2, "upper", 2)]
    lower = query(c, PARTITION + " AND #round = :d AND begins_with(#bracket, :b)",
                  {**P, ":d": {"N": "3"}, ":b": {"S": "lo"}})
    assert keyset(lower) == [(3, "lower", m) for m in range(4)]


def test_query_rules(server):
    c = server.client()
    create(c)
    with pytest.raises(ClientError, match="HASH key attributes region must have equality conditions"):
        query(c, "#tournament = :t", {":t": {"S": "w24"}})
    with pytest.raises(ClientError, match="RANGE key attributes round must have equality conditions specified in "
                                          "the query because a condition is present on key attribute bracket"):
        query(c, PARTITION + " AND #bracket = :b", {**P, ":b": {"S": "upper"}})


def test_writes_that_break_an_index_key_are_refused(server):
    c = server.client()
    create(c)
    item = {"id": {"S": "x"}, "tournament": {"S": "w24"}, "region": {"S": "na"}, "round": {"N": "1"},
            "bracket": {"S": "upper"}, "match": {"N": "1"}}
    for bad, text in [({"round": {"S": "one"}}, "Type mismatch for Index Key round"),
                      ({"bracket": {"S": ""}}, "cannot contain an empty string value"),
                      ({"bracket": {"S": "b" * 1021}}, "Aggregate size for RANGE key attributes round, bracket, match"),
                      ({"region": {"S": "r" * 2049}}, "Size limit exceeded")]:
        with pytest.raises(ClientError, match=text):
            c.put_item(TableName="matches", Item={**item, **bad})
    assert "Item" not in c.get_item(TableName="matches", Key={"id": {"S": "x"}})
    c.put_item(TableName="matches", Item=item)
    with pytest.raises(ClientError, match="Type mismatch for Index Key match"):
        c.update_item(TableName="matches", Key={"id": {"S": "x"}}, UpdateExpression="SET #m = :v",
                      ExpressionAttributeNames={"#m": "match"}, ExpressionAttributeValues={":v": {"S": "1"}})
    assert len(query(c, PARTITION, P)) == 1


def test_index_added_later_is_backfilled(server):
    c = server.client()
    c.create_table(TableName="matches", BillingMode="PAY_PER_REQUEST", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                   AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
    n = put_matches(c)
    c.update_table(TableName="matches", AttributeDefinitions=[
        {"AttributeName": n, "AttributeType": t} for n, t in
        [("tournament", "S"), ("region", "S"), ("round", "N"), ("bracket", "S"), ("match", "N")]],
        GlobalSecondaryIndexUpdates=[{"Create": {"IndexName": "by_bracket", "KeySchema": KEYS,
                                                 "Projection": {"ProjectionType": "KEYS_ONLY"}}}])
    c.get_waiter("table_exists").wait(TableName="matches")
    assert len(query(c, PARTITION, P)) == n // 2
    with pytest.raises(ClientError, match="composite HASH keys"):
        c.execute_statement(Statement='SELECT * FROM "matches"."by_bracket" WHERE tournament = \'w24\'')


def test_on_demand_and_warm_throughput_round_trip(data_dir):
    # Debian's botocore predates both members: the raw protocol client of the differential test sends them.
    s = Server(data_dir=data_dir).start()
    try:
        c = Raw(s.port)
        st, body = c.call("CreateTable", {
            "TableName": "limits", "BillingMode": "PAY_PER_REQUEST", "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}, {"AttributeName": "g", "AttributeType": "S"}],
            "OnDemandThroughput": {"MaxReadRequestUnits": 100, "MaxWriteRequestUnits": 50},
            "WarmThroughput": {"ReadUnitsPerSecond": 13000, "WriteUnitsPerSecond": 5000},
            "GlobalSecondaryIndexes": [{"IndexName": "by_g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                        "Projection": {"ProjectionType": "ALL"},
                                        "OnDemandThroughput": {"MaxReadRequestUnits": 10, "MaxWriteRequestUnits": 5}}]})
        assert st == 200, body
        for update in [{"OnDemandThroughput": {"MaxReadRequestUnits": 200}},
                       {"WarmThroughput": {"WriteUnitsPerSecond": 6000}},
                       {"GlobalSecondaryIndexUpdates": [{"Update": {"IndexName": "by_g",
                                                                    "OnDemandThroughput": {"MaxWriteRequestUnits": 8}}}]}]:
            st, body = c.call("UpdateTable", {"TableName": "limits", **update})
            assert st == 200, body
        st, body = c.call("UpdateTable", {"TableName": "limits", "OnDemandThroughput": {"MaxReadRequestUnits": 0}})
        assert st == 400 and "at least 1" in body["message"]
    finally:
        s.stop(signal.SIGKILL)
    s = Server(data_dir=data_dir).start()
    try:
        st, body = Raw(s.port).call("DescribeTable", {"TableName": "limits"})
        t = body["Table"]
        assert t["OnDemandThroughput"] == {"MaxReadRequestUnits": 200, "MaxWriteRequestUnits": 50}
        assert t["WarmThroughput"] == {"ReadUnitsPerSecond": 13000, "WriteUnitsPerSecond": 6000, "Status": "ACTIVE"}
        assert t["GlobalSecondaryIndexes"][0]["OnDemandThroughput"] == {"MaxReadRequestUnits": 10, "MaxWriteRequestUnits": 8}
    finally:
        s.stop()

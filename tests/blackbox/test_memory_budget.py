"""--memory-budget: with a database on disk, the tables that do not fit in the budget are served from
RocksDB, and every answer stays the same: point reads, queries both ways with pages, an index, scans,
updates and deletes, across a restart. /metrics shows what the in-memory copies hold."""
import re
import urllib.request

from conftest import Server

BUDGET_MB = 1  # three quarters of it for the in-memory copies


def metrics(s):
    text = urllib.request.urlopen(s.url + "/metrics", timeout=10).read().decode()
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^(ddb_\w+) (\d+)$", text, re.M)}


def create(c, name, index=False):
    spec = dict(TableName=name, BillingMode="PAY_PER_REQUEST",
                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                      {"AttributeName": "sk", "AttributeType": "S"}],
                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                           {"AttributeName": "sk", "KeyType": "RANGE"}])
    if index:
        spec["AttributeDefinitions"].append({"AttributeName": "g", "AttributeType": "S"})
        spec["GlobalSecondaryIndexes"] = [{"IndexName": "byg", "Projection": {"ProjectionType": "ALL"},
                                           "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"},
                                                         {"AttributeName": "sk", "KeyType": "RANGE"}]}]
        spec["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    c.create_table(**spec)


def item(p, i):
    return {"pk": {"S": f"p{p}"}, "sk": {"S": f"s{i:05d}"}, "g": {"S": f"g{i % 7}"},
            "body": {"S": f"{p}-{i}-" + "x" * 900}}


def load(c):
    want = {}
    for p in range(4):
        for start in range(0, 600, 25):
            batch = [item(p, i) for i in range(start, start + 25)]
            c.batch_write_item(RequestItems={"big": [{"PutRequest": {"Item": it}} for it in batch]})
            want.update({(p, i): it for i, it in zip(range(start, start + 25), batch)})
    for t in ("small1", "small2"):
        for i in range(20):
            c.put_item(TableName=t, Item=item(9, i))
    return want


def pages(call, **kw):
    """Every page of a Query or Scan, following LastEvaluatedKey."""
    start = None
    while True:
        r = call(**(dict(kw, ExclusiveStartKey=start) if start else kw))
        yield r
        start = r.get("LastEvaluatedKey")
        if not start:
            return


def query_all(c, **kw):
    return [it for page in pages(c.query, Limit=37, **kw) for it in page["Items"]]


def check(s, want):
    c = s.client()
    keys = sorted(want)
    for start in range(0, len(keys), 100):
        chunk = keys[start:start + 100]
        r = c.batch_get_item(RequestItems={"big": {"Keys": [
            {"pk": want[k]["pk"], "sk": want[k]["sk"]} for k in chunk]}})
        assert not r["UnprocessedKeys"]
        got = {(it["pk"]["S"], it["sk"]["S"]): it for it in r["Responses"]["big"]}
        for k in chunk:
            assert got[(want[k]["pk"]["S"], want[k]["sk"]["S"])] == want[k]
    for p in range(4):
        mine = [want[k] for k in keys if k[0] == p]
        fwd = query_all(c, TableName="big", KeyConditionExpression="pk = :p",
                        ExpressionAttributeValues={":p": {"S": f"p{p}"}})
        assert fwd == mine
        back = query_all(c, TableName="big", KeyConditionExpression="pk = :p", ScanIndexForward=False,
                         ExpressionAttributeValues={":p": {"S": f"p{p}"}})
        assert back == mine[::-1]
    by_g = query_all(c, TableName="big", IndexName="byg", KeyConditionExpression="g = :g",
                     ExpressionAttributeValues={":g": {"S": "g3"}})
    assert sorted((i["pk"]["S"], i["sk"]["S"]) for i in by_g) == sorted(
        (w["pk"]["S"], w["sk"]["S"]) for w in want.values() if w["g"]["S"] == "g3")
    assert sum(page["Count"] for page in pages(c.scan, TableName="big", Limit=500)) == len(want)
    for t in ("small1", "small2"):
        assert c.scan(TableName=t, Select="COUNT")["Count"] == 20
    # (A database opens at its first request: these describe the one just read.)
    m = metrics(s)
    assert m["ddb_memory_budget_bytes"] == BUDGET_MB << 20
    assert m["ddb_memory_resident_bytes"] <= (BUDGET_MB << 20) * 3 // 4
    assert m["ddb_tables_on_disk"] >= 1


def test_tables_beyond_the_budget_are_served_from_disk_and_answer_the_same(data_dir):
    s = Server("--memory-budget", str(BUDGET_MB), data_dir=data_dir).start()
    assert f"MemoryBudget:\t{BUDGET_MB} MB" in s.banner
    try:
        c = s.client()
        create(c, "big", index=True)
        for t in ("small1", "small2"):
            create(c, t)
        want = load(c)
        # Writes to a table read from disk: an update, a delete, an overwrite.
        c.update_item(TableName="big", Key={"pk": {"S": "p1"}, "sk": {"S": "s00010"}},
                      UpdateExpression="SET body = :b", ExpressionAttributeValues={":b": {"S": "changed"}})
        want[(1, 10)] = dict(want[(1, 10)], body={"S": "changed"})
        c.delete_item(TableName="big", Key={"pk": {"S": "p2"}, "sk": {"S": "s00020"}})
        del want[(2, 20)]
        assert "Item" not in c.get_item(TableName="big", Key={"pk": {"S": "p2"}, "sk": {"S": "s00020"}})
        assert c.describe_table(TableName="big")["Table"]["ItemCount"] == len(want)
        check(s, want)
    finally:
        s.stop()
    s = Server("--memory-budget", str(BUDGET_MB), data_dir=data_dir).start()  # loads what fits
    try:
        check(s, want)
        assert s.client().describe_table(TableName="big")["Table"]["ItemCount"] == len(want)
    finally:
        s.stop()


def test_a_deleted_table_leaves_nothing_behind_on_disk(data_dir):
    """DeleteTable removes a table's items, index entries and stream records in one range deletion:
    a table created again under the same name starts empty (queries, its index, its stream), before and
    after a restart, and a table beside it keeps every item. Over the budget and within it."""
    for flags in ([], ["--memory-budget", "1"]):
        s = Server(*flags, data_dir=data_dir).start()
        try:
            c = s.client()
            for t in ("big", "keep"):
                create(c, t, index=True)
            for start in range(0, 400, 25):
                for t in ("big", "keep"):
                    c.batch_write_item(RequestItems={t: [{"PutRequest": {"Item": item(1, i)}}
                                                         for i in range(start, start + 25)]})
            c.delete_table(TableName="big")
            create(c, "big", index=True)
            assert c.scan(TableName="big")["Count"] == 0
            assert c.query(TableName="big", IndexName="byg", KeyConditionExpression="g = :g",
                           ExpressionAttributeValues={":g": {"S": "g1"}})["Count"] == 0
            arn = c.describe_table(TableName="big")["Table"]["LatestStreamArn"]
            streams = boto3_streams(s)
            shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
            it = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
            assert streams.get_records(ShardIterator=it["ShardIterator"])["Records"] == []
        finally:
            s.stop()
        s = Server(*flags, data_dir=data_dir).start()
        try:
            c = s.client()
            assert c.scan(TableName="big", Select="COUNT")["Count"] == 0
            assert c.scan(TableName="keep", Select="COUNT")["Count"] == 400
            assert c.describe_table(TableName="big")["Table"]["ItemCount"] == 0
            for t in ("big", "keep"):
                c.delete_table(TableName=t)
        finally:
            s.stop()


def boto3_streams(s):
    import boto3
    from conftest import CREDS
    return boto3.client("dynamodbstreams", endpoint_url=s.url, **CREDS)


def test_a_table_read_from_disk_comes_back_into_memory_when_there_is_room(data_dir):
    """Three tables outgrow a 1 MB budget: the largest is read from disk. Once the other two are deleted,
    the next read of it brings it back into memory (with half the budget to spare), and it reads the same."""
    s = Server("--memory-budget", "1", data_dir=data_dir).start()
    try:
        c = s.client()
        want = {}
        for t, n in (("tab1", 300), ("tab2", 290), ("tab3", 280)):
            create(c, t)
            for start in range(0, n, 25):
                batch = [item(1, i) for i in range(start, min(start + 25, n))]
                c.batch_write_item(RequestItems={t: [{"PutRequest": {"Item": it}} for it in batch]})
                if t == "tab1":
                    want.update({it["sk"]["S"]: it for it in batch})
        assert metrics(s)["ddb_tables_on_disk"] == 1
        for t in ("tab2", "tab3"):
            c.delete_table(TableName=t)
        got = c.get_item(TableName="tab1", Key={"pk": {"S": "p1"}, "sk": {"S": "s00007"}})["Item"]
        assert got == want["s00007"]
        assert metrics(s)["ddb_tables_on_disk"] == 0
        assert {it["sk"]["S"]: it for it in query_all(c, TableName="tab1", KeyConditionExpression="pk = :p",
                                                      ExpressionAttributeValues={":p": {"S": "p1"}})} == want
    finally:
        s.stop()

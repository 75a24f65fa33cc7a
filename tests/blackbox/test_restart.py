"""Restarting with -dbPath: the server answers before the items are read back into memory (they load in the
background), and nothing a client sees differs. A clean stop saves the tables' item counts and sizes, which
the next start takes instead of reading every item; after a kill -9 (no save) they are counted again. Either
way DescribeTable answers what it answered before the restart, and writes made while the items load are
all there."""
import signal

from conftest import Server

SPEC = dict(TableName="restart", BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                  {"AttributeName": "sk", "AttributeType": "S"},
                                  {"AttributeName": "g", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            GlobalSecondaryIndexes=[{"IndexName": "byg", "Projection": {"ProjectionType": "ALL"},
                                     "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}]}])


def item(i):
    it = {"pk": {"S": f"p{i % 13}"}, "sk": {"S": f"s{i:06d}"}, "body": {"S": "x" * (20 + i % 300)}}
    if i % 3 == 0:
        it["g"] = {"S": f"g{i % 5}"}
    return it


def counts(c):
    t = c.describe_table(TableName="restart")["Table"]
    (idx,) = t["GlobalSecondaryIndexes"]
    return t["ItemCount"], t["TableSizeBytes"], idx["ItemCount"], idx["IndexSizeBytes"]


def write(c, first, last, want):
    for start in range(first, last, 25):
        batch = [item(i) for i in range(start, min(start + 25, last))]
        c.batch_write_item(RequestItems={"restart": [{"PutRequest": {"Item": it}} for it in batch]})
        want.update({it["sk"]["S"]: it for it in batch})


def check(c, want, seen):
    assert counts(c) == seen
    items = []
    kw = {"TableName": "restart"}
    while True:
        page = c.scan(**kw)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            break
        kw["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    assert {it["sk"]["S"]: it for it in items} == want
    assert seen[0] == len(want)


def test_counts_and_items_survive_clean_and_killed_restarts(data_dir):
    want = {}
    s = Server(data_dir=data_dir).start()
    try:
        c = s.client()
        c.create_table(**SPEC)
        write(c, 0, 2000, want)
        for i in range(0, 2000, 7):  # deletes, and updates that grow, shrink or drop the index key
            c.delete_item(TableName="restart", Key={"pk": item(i)["pk"], "sk": item(i)["sk"]})
            del want[item(i)["sk"]["S"]]
        for i in range(1, 2000, 11):
            r = c.update_item(TableName="restart", Key={"pk": item(i)["pk"], "sk": item(i)["sk"]},
                              UpdateExpression="SET body = :b REMOVE g", ReturnValues="ALL_NEW",
                              ExpressionAttributeValues={":b": {"S": "y" * (i % 500)}})
            want[item(i)["sk"]["S"]] = r["Attributes"]
        seen = counts(c)
    finally:
        s.stop()
    # A clean stop saved the counts; this start takes them.
    s = Server(data_dir=data_dir).start()
    try:
        c = s.client()
        assert counts(c) == seen
        write(c, 2000, 2600, want)  # at once, while the items may still be loading
        for i in range(2, 2600, 17):
            if item(i)["sk"]["S"] in want:
                c.delete_item(TableName="restart", Key={"pk": item(i)["pk"], "sk": item(i)["sk"]})
                del want[item(i)["sk"]["S"]]
        seen = counts(c)
        check(c, want, seen)
    finally:
        s.stop(signal.SIGKILL)
    # Killed: nothing was saved (the saved counts were taken at the start), so they are counted again.
    s = Server(data_dir=data_dir).start()
    try:
        check(s.client(), want, seen)
    finally:
        s.stop()
    s = Server(data_dir=data_dir).start()
    try:
        check(s.client(), want, seen)
    finally:
        s.stop()

"""Streams, TTL, transactions and index backfill through boto3."""
import threading
import time

import pytest
from botocore.exceptions import ClientError

from conftest import Server


def wait(fn, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = fn()
        if v:
            return v
        time.sleep(0.05)
    return fn()


def test_gsi_created_on_a_table_with_data_is_backfilled(server):
    c = server.client()
    c.create_table(TableName="backfill", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                   AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    for i in range(50):
        item = {"pk": {"S": f"p{i}"}}
        if i % 5 == 0:
            item["color"] = {"S": "red" if i % 10 == 0 else "blue"}
        c.put_item(TableName="backfill", Item=item)
    c.update_table(TableName="backfill", AttributeDefinitions=[{"AttributeName": "color", "AttributeType": "S"}],
                   GlobalSecondaryIndexUpdates=[{"Create": {"IndexName": "by-color",
                                                            "KeySchema": [{"AttributeName": "color", "KeyType": "HASH"}],
                                                            "Projection": {"ProjectionType": "KEYS_ONLY"}}}])
    d = c.describe_table(TableName="backfill")["Table"]["GlobalSecondaryIndexes"][0]
    assert d["IndexStatus"] == "ACTIVE" and d["ItemCount"] == 10
    red = c.query(TableName="backfill", IndexName="by-color", KeyConditionExpression="color = :c",
                  ExpressionAttributeValues={":c": {"S": "red"}})
    assert sorted(i["pk"]["S"] for i in red["Items"]) == ["p0", "p10", "p20", "p30", "p40"]
    # New writes are indexed too; deleting the index removes it.
    c.put_item(TableName="backfill", Item={"pk": {"S": "new"}, "color": {"S": "red"}})
    assert c.query(TableName="backfill", IndexName="by-color", KeyConditionExpression="color = :c",
                   ExpressionAttributeValues={":c": {"S": "red"}})["Count"] == 6
    c.update_table(TableName="backfill", GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by-color"}}])
    with pytest.raises(ClientError) as e:
        c.query(TableName="backfill", IndexName="by-color", KeyConditionExpression="color = :c",
                ExpressionAttributeValues={":c": {"S": "red"}})
    assert e.value.response["Error"]["Code"] == "ValidationException"


def test_gsi_backfill_skips_items_the_index_cannot_hold(server):
    # An empty string or an over-long value is a fine non-key attribute, but no index key: when a new
    # index is built over existing items, the service leaves those out (and refuses such writes after).
    c = server.client()
    c.create_table(TableName="skips", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                   AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    for pk, g in (("ok", "x"), ("empty", ""), ("long", "y" * 2049)):
        c.put_item(TableName="skips", Item={"pk": {"S": pk}, "g": {"S": g}})
    c.update_table(TableName="skips", AttributeDefinitions=[{"AttributeName": "g", "AttributeType": "S"}],
                   GlobalSecondaryIndexUpdates=[{"Create": {"IndexName": "by-g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                                            "Projection": {"ProjectionType": "ALL"}}}])
    index = c.describe_table(TableName="skips")["Table"]["GlobalSecondaryIndexes"][0]
    assert index["IndexStatus"] == "ACTIVE" and index["ItemCount"] == 1
    assert [i["pk"]["S"] for i in c.scan(TableName="skips", IndexName="by-g")["Items"]] == ["ok"]
    for g in ("", "z" * 2049):
        with pytest.raises(ClientError) as e:
            c.put_item(TableName="skips", Item={"pk": {"S": "later"}, "g": {"S": g}})
        assert e.value.response["Error"]["Code"] == "ValidationException"


def test_delay_transient_statuses_shows_creating():
    s = Server("-delayTransientStatuses").start()
    try:
        c = s.client()
        r = c.create_table(TableName="slow", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                           AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
        assert r["TableDescription"]["TableStatus"] == "CREATING"
        assert c.describe_table(TableName="slow")["Table"]["TableStatus"] == "CREATING"
        c.get_waiter("table_exists").wait(TableName="slow", WaiterConfig={"Delay": 0.1})
        assert c.describe_table(TableName="slow")["Table"]["TableStatus"] == "ACTIVE"
    finally:
        s.stop()


def test_concurrent_transfers_conserve_the_total_and_are_never_seen_half_done(server):
    c = server.client()
    c.create_table(TableName="bank", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                   AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}],
                   BillingMode="PAY_PER_REQUEST", StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
    accounts = [f"acct{i}" for i in range(5)]
    for a in accounts:
        c.put_item(TableName="bank", Item={"pk": {"S": "bank"}, "sk": {"S": a}, "bal": {"N": "100"}})
    stop = threading.Event()
    bad = []
    done = {"ok": 0, "cancelled": 0}
    lock = threading.Lock()

    def transfer(seed):
        cl = server.client()
        n = 0
        while not stop.is_set():
            a, b = accounts[(seed + n) % 5], accounts[(seed + 2 * n + 1) % 5]
            n += 1
            if a == b:
                continue
            try:
                cl.transact_write_items(TransactItems=[
                    {"Update": {"TableName": "bank", "Key": {"pk": {"S": "bank"}, "sk": {"S": a}},
                                "UpdateExpression": "SET bal = bal - :x", "ConditionExpression": "bal >= :x",
                                "ExpressionAttributeValues": {":x": {"N": "7"}}}},
                    {"Update": {"TableName": "bank", "Key": {"pk": {"S": "bank"}, "sk": {"S": b}},
                                "UpdateExpression": "SET bal = bal + :x", "ExpressionAttributeValues": {":x": {"N": "7"}}}}])
                with lock:
                    done["ok"] += 1
            except ClientError as e:
                assert e.response["Error"]["Code"] == "TransactionCanceledException"
                with lock:
                    done["cancelled"] += 1

    def reader():
        cl = server.client()
        while not stop.is_set():
            items = cl.query(TableName="bank", KeyConditionExpression="pk = :p", ConsistentRead=True,
                             ExpressionAttributeValues={":p": {"S": "bank"}})["Items"]
            total = sum(int(i["bal"]["N"]) for i in items)
            if total != 500:
                bad.append(total)
            got = cl.transact_get_items(TransactItems=[{"Get": {"TableName": "bank", "Key": {"pk": {"S": "bank"}, "sk": {"S": a}}}}
                                                       for a in accounts])["Responses"]
            if sum(int(g["Item"]["bal"]["N"]) for g in got) != 500:
                bad.append(-1)

    threads = [threading.Thread(target=transfer, args=(i,)) for i in range(6)] + [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    deadline = time.time() + 60  # run until enough transfers committed (not for a fixed time)
    while time.time() < deadline and done["ok"] < 200:
        time.sleep(0.01)
    stop.set()
    for t in threads:
        t.join()
    assert bad == []
    assert done["ok"] >= 200
    # A stream reader applying the records in order sees the total conserved after every transaction
    # (each transaction's two records are adjacent).
    arn = c.describe_table(TableName="bank")["Table"]["LatestStreamArn"]
    import boto3
    streams = boto3.client("dynamodbstreams", endpoint_url=server.url, region_name="eu-central-1",
                           aws_access_key_id="dummy", aws_secret_access_key="dummy")
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    it = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    balances, records = {}, []
    while it:
        r = streams.get_records(ShardIterator=it, Limit=1000)
        records += r["Records"]
        it = r.get("NextShardIterator") if r["Records"] else None
    assert len(records) == 5 + 2 * done["ok"]
    for i, rec in enumerate(records):
        balances[rec["dynamodb"]["Keys"]["sk"]["S"]] = int(rec["dynamodb"]["NewImage"]["bal"]["N"])
        if i >= 4 and (i - 4) % 2 == 0:
            assert sum(balances.values()) == 500


def test_ttl_really_expires_items_with_a_service_remove_record():
    s = Server("--ttl-interval-ms", "100").start()
    try:
        c = s.client()
        c.create_table(TableName="ttl", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                       AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
                       StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
        c.update_time_to_live(TableName="ttl", TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"})
        assert c.describe_time_to_live(TableName="ttl")["TimeToLiveDescription"] == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}
        now = int(time.time())
        c.put_item(TableName="ttl", Item={"pk": {"S": "old"}, "expires": {"N": str(now - 10)}})
        c.put_item(TableName="ttl", Item={"pk": {"S": "later"}, "expires": {"N": str(now + 3600)}})
        c.put_item(TableName="ttl", Item={"pk": {"S": "never"}, "expires": {"S": "not a number"}})
        assert wait(lambda: "Item" not in c.get_item(TableName="ttl", Key={"pk": {"S": "old"}}))
        assert "Item" in c.get_item(TableName="ttl", Key={"pk": {"S": "later"}})
        assert "Item" in c.get_item(TableName="ttl", Key={"pk": {"S": "never"}})
        import boto3
        streams = boto3.client("dynamodbstreams", endpoint_url=s.url, region_name="eu-central-1",
                               aws_access_key_id="dummy", aws_secret_access_key="dummy")
        arn = c.describe_table(TableName="ttl")["Table"]["LatestStreamArn"]
        shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
        it = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        recs = streams.get_records(ShardIterator=it)["Records"]
        removes = [r for r in recs if r["eventName"] == "REMOVE"]
        assert len(removes) == 1
        assert removes[0]["userIdentity"] == {"PrincipalId": "dynamodb.amazonaws.com", "Type": "Service"}
        assert removes[0]["dynamodb"]["OldImage"]["pk"]["S"] == "old"
        with pytest.raises(ClientError) as e:
            c.update_time_to_live(TableName="ttl", TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"})
        assert e.value.response["Error"]["Message"] == "TimeToLive is already enabled"
    finally:
        s.stop()


def test_stream_can_be_disabled_and_a_new_one_enabled(server):
    c = server.client()
    c.create_table(TableName="streamy", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                   AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
                   StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
    first = c.describe_table(TableName="streamy")["Table"]["LatestStreamArn"]
    c.update_table(TableName="streamy", StreamSpecification={"StreamEnabled": False})
    d = c.describe_table(TableName="streamy")["Table"]
    assert "StreamSpecification" not in d and d["LatestStreamArn"] == first
    # At once (within the same millisecond, usually): the new stream still gets its own label.
    c.update_table(TableName="streamy", StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
    d = c.describe_table(TableName="streamy")["Table"]
    assert d["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    assert d["LatestStreamArn"] != first


def test_a_re_enabled_stream_is_a_new_stream_and_the_old_one_stays_readable(data_dir):
    """Re-enabling a stream creates a new stream: new label, new shard, none of the old records; the stream it
    replaces stays readable as DISABLED (for 24 hours), also after a restart."""
    import boto3
    s = Server(data_dir=data_dir).start()
    try:
        c = s.client()
        c.create_table(TableName="restream", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                       AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
                       StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
        old = c.describe_table(TableName="restream")["Table"]["LatestStreamArn"]
        c.put_item(TableName="restream", Item={"pk": {"S": "before"}})
        c.update_table(TableName="restream", StreamSpecification={"StreamEnabled": False})
        c.put_item(TableName="restream", Item={"pk": {"S": "while-off"}})
        c.update_table(TableName="restream", StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
        c.put_item(TableName="restream", Item={"pk": {"S": "after"}})
        new = c.describe_table(TableName="restream")["Table"]["LatestStreamArn"]
        assert new != old
        for restarted in (False, True):
            if restarted:
                s.stop()
                s = Server(data_dir=data_dir).start()
            streams = boto3.client("dynamodbstreams", endpoint_url=s.url, region_name="eu-central-1",
                                   aws_access_key_id="dummy", aws_secret_access_key="dummy")
            listed = [x["StreamArn"] for x in streams.list_streams(TableName="restream")["Streams"]]
            assert sorted(listed) == sorted([old, new])

            def read(arn):
                desc = streams.describe_stream(StreamArn=arn)["StreamDescription"]
                shard = desc["Shards"][0]["ShardId"]
                it = streams.get_shard_iterator(StreamArn=arn, ShardId=shard,
                                                ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
                out = streams.get_records(ShardIterator=it)
                return desc, shard, [r["dynamodb"]["Keys"]["pk"]["S"] for r in out["Records"]], out
            old_desc, old_shard, old_keys, _ = read(old)
            new_desc, new_shard, new_keys, new_out = read(new)
            assert (old_desc["StreamStatus"], old_desc["StreamViewType"], old_keys) == ("DISABLED", "KEYS_ONLY", ["before"])
            assert "EndingSequenceNumber" in old_desc["Shards"][0]["SequenceNumberRange"]
            assert (new_desc["StreamStatus"], new_desc["StreamViewType"], new_keys) == ("ENABLED", "NEW_IMAGE", ["after"])
            assert old_shard != new_shard
            assert "NextShardIterator" in new_out
            # the old stream's shard is closed: drained, it has no next iterator
            it = streams.get_shard_iterator(StreamArn=old, ShardId=old_shard, ShardIteratorType="LATEST")["ShardIterator"]
            assert "NextShardIterator" not in streams.get_records(ShardIterator=it)
    finally:
        s.stop()


def test_describe_stream_pages_shards_to_the_end(server):
    # Stream clients page DescribeStream with ExclusiveStartShardId until no shard is left; an answer
    # that repeats the last shard makes them loop for ever.
    c = server.client()
    c.create_table(TableName="paged", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                   AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
                   StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
    arn = c.describe_table(TableName="paged")["Table"]["LatestStreamArn"]
    import boto3
    streams = boto3.client("dynamodbstreams", endpoint_url=server.url, region_name="eu-central-1",
                           aws_access_key_id="dummy", aws_secret_access_key="dummy")
    seen, start = [], None
    for _ in range(10):
        args = {"StreamArn": arn, "Limit": 1}
        if start:
            args["ExclusiveStartShardId"] = start
        d = streams.describe_stream(**args)["StreamDescription"]
        seen += [s["ShardId"] for s in d["Shards"]]
        start = d.get("LastEvaluatedShardId") or (d["Shards"][-1]["ShardId"] if d["Shards"] else None)
        if not d["Shards"]:
            break
    else:
        pytest.fail(f"DescribeStream never ran out of shards: {seen}")
    assert len(seen) == 1 and len(set(seen)) == 1
    # A shard has no children here (one shard per stream): CHILD_SHARDS finds none. (Debian's botocore
    # predates ShardFilter: sent raw.)
    from hostile import call
    status, d = call(server.port, "DescribeStream", {"StreamArn": arn, "ShardFilter": {"Type": "CHILD_SHARDS", "ShardId": seen[0]}},
                     prefix="DynamoDBStreams_20120810.", region="eu-central-1")
    assert status == 200 and d["StreamDescription"]["Shards"] == [], d
    status, d = call(server.port, "DescribeStream", {"StreamArn": arn, "ShardFilter": {"Type": "PARENT_SHARDS", "ShardId": seen[0]}},
                     prefix="DynamoDBStreams_20120810.", region="eu-central-1")
    assert status == 400 and d["__type"].endswith("ValidationException"), d
    for bad, message in (({"Limit": 0}, "Value '0' at 'limit' failed to satisfy constraint: Member must have value "
                                          "greater than or equal to 1"),
                         ({"ExclusiveStartShardId": "short"}, "Value 'short' at 'exclusiveStartShardId' failed to "
                                                             "satisfy constraint: Member must have length greater than or equal to 28"),
                         ({"Limit": 101}, None)):
        status, d = call(server.port, "DescribeStream", dict(StreamArn=arn, **bad), prefix="DynamoDBStreams_20120810.",
                         region="eu-central-1")
        # (the texts are DynamoDB Local 3.3.1's, recorded 2026-12-02)
        want = ("1 validation error detected: " + message if message else
                "One or more parameter values were invalid: Limit cannot be greater than the maximum: 100")
        assert status == 400 and d["message"] == want, d


def test_update_table_refuses_an_unknown_stream_view_type(server):
    # CreateTable refused it already; UpdateTable stored it and answered it in DescribeTable.
    c = server.client()
    c.create_table(TableName="views", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                   AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    from hostile import call
    status, d = call(server.port, "UpdateTable", {"TableName": "views",
                                                  "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "BAD"}},
                     region="eu-central-1")
    assert status == 400 and d["message"] == (
        "1 validation error detected: Value 'BAD' at 'streamSpecification.streamViewType' failed to satisfy constraint: "
        "Member must satisfy enum value set: [NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES, KEYS_ONLY]"), d
    assert "StreamSpecification" not in c.describe_table(TableName="views")["Table"]


def test_a_stream_arn_shorter_than_the_service_allows_is_a_validation_error(server):
    # StreamArn is 37..1024 characters (API reference); a well-sized ARN of no stream is not found.
    from hostile import call
    status, d = call(server.port, "DescribeStream", {"StreamArn": "foo"}, prefix="DynamoDBStreams_20120810.",
                     region="eu-central-1")
    assert status == 400 and d["message"] == ("1 validation error detected: Value 'foo' at 'streamArn' failed to satisfy "
                                              "constraint: Member must have length greater than or equal to 37"), d
    status, d = call(server.port, "GetShardIterator", {"StreamArn": "foo", "ShardId": "shardId-00000001796183482897-30e222ee",
                                                       "ShardIteratorType": "LATEST"},
                     prefix="DynamoDBStreams_20120810.", region="eu-central-1")
    assert status == 400 and d["__type"].endswith("ValidationException"), d
    status, d = call(server.port, "DescribeStream",
                     {"StreamArn": "arn:aws:dynamodb:eu-central-1:000000000000:table/x/stream/2020-01-01T00:00:00.000"},
                     prefix="DynamoDBStreams_20120810.", region="eu-central-1")
    assert status == 400 and d["__type"].endswith("ResourceNotFoundException"), d


def test_list_streams_resumes_after_the_stream_of_a_deleted_table(server):
    # A client pages ListStreams with ExclusiveStartStreamArn; if the table behind that ARN is deleted
    # between two pages, the next page still starts after it (it used to come back empty).
    import boto3
    c = server.client()
    for name in ("ls-a", "ls-b", "ls-c"):
        c.create_table(TableName=name, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                       AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
                       StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
    streams = boto3.client("dynamodbstreams", endpoint_url=server.url, region_name="eu-central-1",
                           aws_access_key_id="dummy", aws_secret_access_key="dummy")
    every = [s["TableName"] for s in streams.list_streams()["Streams"] if s["TableName"].startswith("ls-")]
    assert every == ["ls-a", "ls-b", "ls-c"]
    first = streams.list_streams(Limit=1)
    start = first["LastEvaluatedStreamArn"]
    gone = first["Streams"][0]["TableName"]
    c.delete_table(TableName=gone)
    rest = [s["TableName"] for s in streams.list_streams(ExclusiveStartStreamArn=start)["Streams"]]
    assert gone not in rest and rest and all(t > gone for t in rest if t.startswith("ls-")), rest


def test_transact_get_with_a_bad_key_is_cancelled_with_a_validation_error_reason(server):
    c = server.client()
    c.create_table(TableName="tget", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                   AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    c.put_item(TableName="tget", Item={"pk": {"S": "a"}})
    with pytest.raises(ClientError) as e:
        c.transact_get_items(TransactItems=[{"Get": {"TableName": "tget", "Key": {"pk": {"S": "a"}}}},
                                            {"Get": {"TableName": "tget", "Key": {"pk": {"N": "1"}}}}])
    err = e.value.response
    assert err["Error"]["Code"] == "TransactionCanceledException"
    assert err["Error"]["Message"].endswith("[None, ValidationError]")
    assert err["CancellationReasons"] == [
        {"Code": "None"}, {"Code": "ValidationError", "Message": "The provided key element does not match the schema"}]


def test_scan_start_key_of_another_segment_is_refused(server):
    c = server.client()
    c.create_table(TableName="seg", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                   AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    for i in range(40):
        c.put_item(TableName="seg", Item={"pk": {"S": f"k{i}"}})
    # Where each key lives, as the segments' own pages say; then every page resumed in its own segment reads
    # the rest of it, and a start key of another segment is a ValidationException.
    owner = {}
    for seg in range(4):
        for item in c.scan(TableName="seg", Segment=seg, TotalSegments=4)["Items"]:
            owner[item["pk"]["S"]] = seg
    assert len(owner) == 40 and len(set(owner.values())) > 1
    for key, seg in owner.items():
        page = c.scan(TableName="seg", Segment=seg, TotalSegments=4, ExclusiveStartKey={"pk": {"S": key}})
        assert all(owner[i["pk"]["S"]] == seg for i in page["Items"])
        other = (seg + 1) % 4
        with pytest.raises(ClientError, match="Exclusive start key must lie within the segment"):
            c.scan(TableName="seg", Segment=other, TotalSegments=4, ExclusiveStartKey={"pk": {"S": key}})

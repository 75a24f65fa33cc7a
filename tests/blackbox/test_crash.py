"""Acknowledged writes survive kill -9: write under load from several threads, kill the server
mid-stream, restart over the same directory and check every acknowledged item."""
import signal
import time

import boto3
import pytest

from conftest import CREDS, Server, Writers, missing_keys


@pytest.mark.parametrize("flags", [[], ["--fsync"]], ids=["default", "fsync"])
def test_kill_9_loses_no_acknowledged_write(data_dir, flags):
    s = Server(*flags, data_dir=data_dir).start()
    c = s.client()
    c.create_table(TableName="crash", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                   AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    w = Writers(s, 4, "")
    deadline = time.time() + 10
    while time.time() < deadline and len(w.acked) < 400:
        time.sleep(0.01)
    s.proc.send_signal(signal.SIGKILL)
    s.proc.wait()
    w.join()
    s.stop()
    assert len(w.acked) >= 100
    s2 = Server(*flags, data_dir=data_dir).start()
    try:
        assert missing_keys(s2.client(), w.acked) == []
    finally:
        s2.stop()


def test_a_restart_gives_back_the_same_counts_sizes_and_stream(data_dir):
    # On open the store is counted as it loads (items, each index's entries) and stream records stay on
    # disk: what DescribeTable and GetRecords answer must not change across a restart.
    s = Server(data_dir=data_dir).start()
    c = s.client()
    c.create_table(TableName="counted", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                                   {"AttributeName": "sk", "KeyType": "RANGE"}],
                   AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk", "g", "l")],
                   GlobalSecondaryIndexes=[{"IndexName": "by_g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                            "Projection": {"ProjectionType": "ALL"}}],
                   LocalSecondaryIndexes=[{"IndexName": "by_l", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                                                                             {"AttributeName": "l", "KeyType": "RANGE"}],
                                           "Projection": {"ProjectionType": "KEYS_ONLY"}}],
                   StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
                   BillingMode="PAY_PER_REQUEST")
    c.create_table(TableName="other", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                   AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    for i in range(300):
        item = {"pk": {"S": f"p{i % 7}"}, "sk": {"S": f"s{i}"}, "v": {"S": "x" * (i % 50)}, "n": {"N": str(i)}}
        if i % 3 == 0:
            item["g"] = {"S": f"g{i % 5}"}
        if i % 4 == 0:
            item["l"] = {"S": f"l{i}"}
        c.put_item(TableName="counted", Item=item)
        if i % 10 == 0:
            c.put_item(TableName="other", Item={"pk": {"S": f"o{i}"}})
    c.delete_item(TableName="counted", Key={"pk": {"S": "p0"}, "sk": {"S": "s0"}})

    def described(client):
        out = {}
        for t in ("counted", "other"):
            d = client.describe_table(TableName=t)["Table"]
            out[t] = (d["ItemCount"], d["TableSizeBytes"],
                      [(x["IndexName"], x["ItemCount"], x["IndexSizeBytes"])
                       for x in d.get("GlobalSecondaryIndexes", []) + d.get("LocalSecondaryIndexes", [])])
        return out

    def records(server):
        st = boto3.client("dynamodbstreams", endpoint_url=server.url, **CREDS)
        arn = server.client().describe_table(TableName="counted")["Table"]["LatestStreamArn"]
        shard = st.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
        it = st.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        out = []
        while it:
            page = st.get_records(ShardIterator=it, Limit=1000)
            out += [(r["eventName"], r["dynamodb"]["SequenceNumber"]) for r in page["Records"]]
            it = page.get("NextShardIterator") if page["Records"] else None
        return out

    before, stream_before = described(c), records(s)
    assert before["counted"][0] == 299 and before["other"][0] == 30 and len(stream_before) == 301
    s.stop()
    s2 = Server(data_dir=data_dir).start()
    try:
        assert described(s2.client()) == before
        assert records(s2) == stream_before
    finally:
        s2.stop()

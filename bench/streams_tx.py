#!/usr/bin/env python3
"""Issue-4 measurements against one or more DynamoDB endpoints, interleaved:
  1. TransactWriteItems of 3 Puts (wrk, 16 connections): ops/s, p50/p99, server CPU us/op;
  2. time from PutItem's answer to its record being readable through GetRecords (p50/p99).
usage: bench/streams_tx.py NAME=URL[:PID] ... [--seconds 10] [--samples 300]
"""
import argparse
import os
import statistics
import time

from benchlib import Client, parse_targets, wrk_run

HERE = os.path.dirname(os.path.abspath(__file__))
def setup(c):
    for t in ("bench_tx", "bench_st"):
        try:
            c.call("DeleteTable", {"TableName": t})
        except RuntimeError:
            pass
    spec = {"KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST"}
    c.call("CreateTable", {"TableName": "bench_tx", **spec})
    c.call("CreateTable", {"TableName": "bench_st", **spec, "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}})
    for t in ("bench_tx", "bench_st"):
        for _ in range(100):
            if c.call("DescribeTable", {"TableName": t})["Table"]["TableStatus"] == "ACTIVE":
                break
            time.sleep(0.05)


def transact(name, url, pid, seconds):
    ops, p50, p99, errors, us = wrk_run(url, pid, f"{HERE}/lua/transact.lua", seconds)
    print(f"{name:10s} TransactWriteItems(3)  ops/s={ops:8.0f}  p50={p50}ms  p99={p99}ms  errors={errors}  srvus/op={us:.0f}")


def stream_latency(name, url, samples):
    c = Client(url)
    arn = c.call("DescribeTable", {"TableName": "bench_st"})["Table"]["LatestStreamArn"]
    shard = c.call("DescribeStream", {"StreamArn": arn}, "DynamoDBStreams_20120810")["StreamDescription"]["Shards"][-1]["ShardId"]
    last_seq = None
    lat = []
    for i in range(samples):
        c.call("PutItem", {"TableName": "bench_st", "Item": {"pk": {"S": f"s{i}"}, "sk": {"S": "x"}}})
        t0 = time.perf_counter()
        while True:
            # A fresh iterator after the last record seen: DynamoDB Local rejects a reused iterator
            # that has read past the end of the shard.
            req = {"StreamArn": arn, "ShardId": shard, "ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": last_seq} \
                if last_seq else {"StreamArn": arn, "ShardId": shard, "ShardIteratorType": "TRIM_HORIZON"}
            it = c.call("GetShardIterator", req, "DynamoDBStreams_20120810")["ShardIterator"]
            recs = c.call("GetRecords", {"ShardIterator": it}, "DynamoDBStreams_20120810")["Records"]
            if recs:
                last_seq = recs[-1]["dynamodb"]["SequenceNumber"]
                if any(r["dynamodb"]["Keys"]["pk"]["S"] == f"s{i}" for r in recs):
                    lat.append((time.perf_counter() - t0) * 1000)
                    break
    lat.sort()
    print(f"{name:10s} PutItem->GetRecords    p50={statistics.median(lat):.2f}ms  p99={lat[int(len(lat) * 0.99) - 1]:.2f}ms  (n={len(lat)})")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("targets", nargs="+")
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--samples", type=int, default=300)
    a = ap.parse_args()
    targets = parse_targets(a.targets)
    for name, url, _ in targets:
        setup(Client(url))
    for name, url, pid in targets:
        transact(name, url, pid, a.seconds)
    for name, url, _ in targets:
        stream_latency(name, url, a.samples)


if __name__ == "__main__":
    main()

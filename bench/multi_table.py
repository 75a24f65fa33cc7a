#!/usr/bin/env python3
"""Writes to several tables of one database at once: PutItem of new items spread over 1 and over 4
tables (wrk, 16 connections), interleaved, on one or more endpoints; ops/s, p50/p99 and server CPU
us/op, and the 4-table/1-table throughput ratio (1.0: the tables' writes serialize on one lock).
usage: bench/multi_table.py NAME=URL[#PID] ... [--seconds 10] [--rounds 2]
"""
import argparse
import os

from benchlib import Client, parse_targets, wrk_run

HERE = os.path.dirname(os.path.abspath(__file__))


def setup(c):
    for i in range(4):
        try:
            c.call("DeleteTable", {"TableName": f"bench_mt{i}"})
        except RuntimeError:
            pass
        c.call("CreateTable", {"TableName": f"bench_mt{i}", "BillingMode": "PAY_PER_REQUEST",
                               "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                               "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                                        {"AttributeName": "sk", "AttributeType": "S"}]})


def run(url, pid, tables, seconds):
    return wrk_run(url, pid, f"{HERE}/lua/multi_table_put.lua", seconds, {"BENCH_TABLES": str(tables)})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("targets", nargs="+")
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=2)
    a = ap.parse_args()
    targets = parse_targets(a.targets)
    for _, url, _ in targets:
        setup(Client(url))
    ops = {}
    for r in range(a.rounds):
        for name, url, pid in targets:
            for tables in ([1, 4] if r % 2 == 0 else [4, 1]):
                o, p50, p99, errors, us = run(url, pid, tables, a.seconds)
                ops.setdefault((name, tables), []).append(o)
                print(f"{name:10s} round {r} tables={tables}  ops/s={o:8.0f}  p50={p50}ms  p99={p99}ms  "
                      f"errors={errors}  srvus/op={us:.1f}")
    for name, _, _ in targets:
        one = sorted(ops[(name, 1)])[len(ops[(name, 1)]) // 2]
        four = sorted(ops[(name, 4)])[len(ops[(name, 4)]) // 2]
        print(f"{name:10s} median ops/s: 1 table {one:.0f}, 4 tables {four:.0f}, ratio {four / one:.2f}")


if __name__ == "__main__":
    main()

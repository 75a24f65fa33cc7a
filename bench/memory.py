#!/usr/bin/env python3
"""Memory of one ddb-local build: resident memory per stored item, with and without a stream, what stays
after every table is deleted, and (with -dbPath) how long a restart over the data takes: until the server
answers, and until every table is read into memory (/metrics), after a clean stop and after a kill -9.

Starts the server itself on a free port, loads ITEMS items of about 200 bytes (DynamoDB's item size) with
BatchWriteItem over 4 connections, and reads /proc/PID/status (VmRSS).
With --reads N it also reads N random items back (GetItem over 4 connections, checking each) after the
load and after the restart, and prints reads/s and latency: with --extra "--memory-budget MB" below the
data's size, the items of the tables left out of memory are read from RocksDB.
usage: bench/memory.py BINARY [--items 1000000] [--stream] [--db-path DIR] [--extra "--flag value"] [--reads N]
"""
import argparse
import os
import random
import subprocess
import threading
import time
import urllib.request

from benchlib import Client, free_port


def tables_on_disk(url):
    """The tables the server reads from RocksDB (not yet, or no longer, in memory), from /metrics."""
    with urllib.request.urlopen(url + "/metrics", timeout=10) as r:
        for line in r.read().decode().splitlines():
            if line.startswith("ddb_tables_on_disk "):
                return int(line.split()[1])
    return 0


def in_memory_after(url, t0, budget):
    """Seconds from t0 until every table is read into memory (the background load after a start); not
    measured under a --memory-budget, which may keep tables on disk for good."""
    if budget:
        return float("nan")
    while tables_on_disk(url):
        time.sleep(0.01)
    return time.time() - t0


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def start(binary, args):
    port = free_port()
    t0 = time.time()
    p = subprocess.Popen([binary, "--port", str(port), *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    while True:
        try:
            Client(url).call("ListTables", {})
            return p, url, time.time() - t0
        except (ConnectionError, OSError):
            if p.poll() is not None:
                raise RuntimeError("the server exited")
            time.sleep(0.01)


def item(i):
    # pk 12 + sk 12 + "body" 150 + "n" ~8 + names (pk, sk, body, n: 9) = about 200 bytes as DynamoDB counts.
    return {"pk": {"S": f"user#{i % 50000:07d}"}, "sk": {"S": f"msg#{i:08d}"}, "body": {"S": ("m%07d " % i) * 18},
            "n": {"N": str(i)}}


def item_size(i):
    it = item(i)
    return sum(len(k) + len(v.get("S", v.get("N", ""))) for k, v in it.items())


def load(url, items, conns=4):
    def worker(w):
        c = Client(url)
        for start in range(w * 25, items, 25 * conns):
            batch = [{"PutRequest": {"Item": item(i)}} for i in range(start, min(start + 25, items))]
            req = {"RequestItems": {"mem": batch}}
            while req["RequestItems"]:
                out = c.call("BatchWriteItem", req)
                req = {"RequestItems": out.get("UnprocessedItems", {})}
    threads = [threading.Thread(target=worker, args=(w,)) for w in range(conns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def read_back(url, items, reads, conns=4):
    lat = []

    def worker(w):
        c, rng = Client(url), random.Random(w)
        for _ in range(reads // conns):
            i = rng.randrange(items)
            t = time.perf_counter()
            got = c.call("GetItem", {"TableName": "mem", "Key": {"pk": item(i)["pk"], "sk": item(i)["sk"]}})
            lat.append(time.perf_counter() - t)
            assert got["Item"] == item(i), i
    t0 = time.time()
    threads = [threading.Thread(target=worker, args=(w,)) for w in range(conns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.time() - t0
    lat.sort()
    return (f"{len(lat)} random GetItem: {len(lat) / took:,.0f}/s, p50 {lat[len(lat) // 2] * 1e3:.2f} ms, "
            f"p99 {lat[len(lat) * 99 // 100] * 1e3:.2f} ms")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--items", type=int, default=1000000)
    ap.add_argument("--stream", action="store_true")
    ap.add_argument("--db-path")
    ap.add_argument("--extra", default="")
    ap.add_argument("--reads", type=int, default=0)
    a = ap.parse_args()
    args = ["-dbPath", a.db_path] if a.db_path else ["-inMemory"]
    args += a.extra.split()
    p, url, _ = start(a.binary, args)
    try:
        c = Client(url)
        time.sleep(0.5)
        idle = rss_mb(p.pid)
        spec = {"TableName": "mem", "BillingMode": "PAY_PER_REQUEST",
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                         {"AttributeName": "sk", "AttributeType": "S"}]}
        if a.stream:
            spec["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
        c.call("CreateTable", spec)
        t0 = time.time()
        load(url, a.items)
        took = time.time() - t0
        loaded = rss_mb(p.pid)
        size = sum(item_size(i) for i in range(0, a.items, max(1, a.items // 1000))) / len(range(0, a.items, max(1, a.items // 1000)))
        print(f"items {a.items}, DynamoDB item size ~{size:.0f} B, loaded in {took:.1f} s ({a.items / took:,.0f} items/s)")
        print(f"RSS idle {idle:.1f} MB, loaded {loaded:.1f} MB: {(loaded - idle) * 2**20 / a.items:.0f} B per item "
              f"({(loaded - idle) * 2**20 / a.items / size:.2f}x the item size)")
        if a.reads:
            print("after the load: " + read_back(url, a.items, a.reads) + f"; RSS {rss_mb(p.pid):.1f} MB")
        if a.db_path:
            p.terminate()
            p.wait()
            budgeted = "--memory-budget" in a.extra
            t0 = time.time()
            p, url, ready = start(a.binary, args)
            print(f"restart over {a.items} items: ready in {ready:.2f} s, RSS {rss_mb(p.pid):.1f} MB; "
                  f"every table in memory after {in_memory_after(url, t0, budgeted):.2f} s, RSS {rss_mb(p.pid):.1f} MB")
            p.kill()  # no clean close: the next start counts the items again
            p.wait()
            t0 = time.time()
            p, url, ready = start(a.binary, args)
            print(f"restart after kill -9: ready in {ready:.2f} s; every table in memory after "
                  f"{in_memory_after(url, t0, budgeted):.2f} s, RSS {rss_mb(p.pid):.1f} MB")
            c = Client(url)
            if a.reads:
                print("after the restart: " + read_back(url, a.items, a.reads) + f"; RSS {rss_mb(p.pid):.1f} MB")
        t0 = time.time()
        c.call("DeleteTable", {"TableName": "mem"})
        deleted_in = time.time() - t0
        while c.call("ListTables", {})["TableNames"]:
            time.sleep(0.05)
        deadline = time.time() + 10
        after = rss_mb(p.pid)
        while time.time() < deadline and after > idle + 0.2 * (loaded - idle):
            time.sleep(0.2)
            after = rss_mb(p.pid)
        print(f"DeleteTable answered in {deleted_in:.2f} s; RSS after it {after:.1f} MB (idle {idle:.1f})")
    finally:
        p.terminate()
        p.wait()


if __name__ == "__main__":
    main()

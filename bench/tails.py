#!/usr/bin/env python3
"""Tail latencies from a ../shared/bench result file: per workload and target, the median over rounds of
ops/s, p50, p99, p99.9 (ms) and server CPU us/op, as a markdown table.
usage: bench/tails.py RESULTS.json
"""
import json
import statistics
import sys


def main(path):
    runs = json.load(open(path))["runs"]
    targets = list(dict.fromkeys(r["target"] for r in runs))
    workloads = list(dict.fromkeys((r["workload"], r["name"]) for r in runs))
    print("| workload | " + " | ".join(f"{t}: ops/s, p50 / p99 / p99.9 ms, us/op" for t in targets) + " |")
    print("| --- |" + " --- |" * len(targets))
    for wl, name in workloads:
        cells = []
        for t in targets:
            rs = [r for r in runs if r["target"] == t and r["workload"] == wl and r["ok"]
                  and "p999" in (r.get("lat_ms") or {})]  # the sequential Scan (f) has no latencies
            if not rs:
                cells.append("-")
                continue
            med = lambda f: statistics.median(f(r) for r in rs)  # noqa: E731
            cells.append(f"{med(lambda r: r['ops_per_s']):,.0f}, {med(lambda r: r['lat_ms']['p50']):.2f} / "
                         f"{med(lambda r: r['lat_ms']['p99']):.2f} / {med(lambda r: r['lat_ms']['p999']):.2f}, "
                         f"{med(lambda r: r['cpu']['server_us_per_op']):.1f}")
        print(f"| {wl} {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(sys.argv[1])

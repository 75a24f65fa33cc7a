#!/usr/bin/env python3
"""kill -9 cycles under write load, for the closing figures: N cycles of (start over the same
directory, six writer threads, SIGKILL mid-stream), then every acknowledged write must be there.

usage: crash_cycles.py --binary PATH [--cycles N] [--fsync]
"""
import argparse
import os
import shutil
import signal
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
os.environ.setdefault("DDB_LOCAL_BIN", "")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--cycles", type=int, default=20)
    ap.add_argument("--fsync", action="store_true")
    args = ap.parse_args()
    os.environ["DDB_LOCAL_BIN"] = args.binary
    import conftest
    conftest.BIN = args.binary
    flags = ["--fsync"] if args.fsync else []
    d = tempfile.mkdtemp(prefix="ddb-cycles-")
    acked = []
    try:
        for cycle in range(args.cycles):
            s = conftest.Server(*flags, data_dir=d).start()
            c = s.client()
            if cycle == 0:
                c.create_table(TableName="crash", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                               AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"},
                                                     {"AttributeName": "g", "AttributeType": "S"}],
                               GlobalSecondaryIndexes=[{"IndexName": "by_g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                                        "Projection": {"ProjectionType": "KEYS_ONLY"}}],
                               BillingMode="PAY_PER_REQUEST")
            w = conftest.Writers(s, 6, f"c{cycle}-", extra=lambda key: {"g": {"S": key[:4]}})
            time.sleep(0.5 + (cycle % 5) * 0.1)
            s.proc.send_signal(signal.SIGKILL)
            s.proc.wait()
            w.join()
            acked += w.acked
            s.stop()
        s = conftest.Server(*flags, data_dir=d).start()
        c = s.client()
        missing = conftest.missing_keys(c, acked)
        count = c.describe_table(TableName="crash")["Table"]["ItemCount"]
        s.stop()
        print(f"{args.cycles} kill -9 cycles, {len(acked)} acknowledged writes, {len(missing)} missing, "
              f"ItemCount after restart {count}")
        return 1 if missing else 0
    finally:
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

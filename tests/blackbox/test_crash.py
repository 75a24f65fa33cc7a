"""Acknowledged writes survive kill -9: write under load from several threads, kill the server
mid-stream, restart over the same directory and check every acknowledged item."""
import signal
import threading
import time

import pytest

from conftest import Server


@pytest.mark.parametrize("flags", [[], ["--fsync"]], ids=["default", "fsync"])
def test_kill_9_loses_no_acknowledged_write(data_dir, flags):
    s = Server(*flags, data_dir=data_dir).start()
    c = s.client()
    c.create_table(TableName="crash", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                   AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    acked = []
    lock = threading.Lock()
    stop = threading.Event()

    def writer(n):
        cl = s.client()
        i = 0
        while not stop.is_set():
            key = f"w{n}-{i}"
            try:
                cl.put_item(TableName="crash", Item={"k": {"S": key}, "v": {"N": str(i)}})
            except Exception:
                return  # the server died mid-request: this write was never acknowledged
            with lock:
                acked.append(key)
            i += 1

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    deadline = time.time() + 10
    while time.time() < deadline and len(acked) < 400:
        time.sleep(0.01)
    s.proc.send_signal(signal.SIGKILL)
    s.proc.wait()
    stop.set()
    for t in threads:
        t.join()
    s.stop()
    assert len(acked) >= 100
    s2 = Server(*flags, data_dir=data_dir).start()
    try:
        c = s2.client()
        missing = []
        for i in range(0, len(acked), 100):
            keys = [{"k": {"S": k}} for k in acked[i:i + 100]]
            got = c.batch_get_item(RequestItems={"crash": {"Keys": keys}})["Responses"]["crash"]
            found = {g["k"]["S"] for g in got}
            missing += [k["k"]["S"] for k in keys if k["k"]["S"] not in found]
        assert missing == []
    finally:
        s2.stop()

"""Acknowledged writes survive kill -9: write under load from several threads, kill the server
mid-stream, restart over the same directory and check every acknowledged item."""
import signal
import time

import pytest

from conftest import Server, Writers, missing_keys


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

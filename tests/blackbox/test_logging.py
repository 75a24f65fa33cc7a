"""Issue 12: logging through spdlog, with levels and an opt-in request log (--log-requests)."""
import subprocess
import time

from conftest import BIN, Server


def wait_for_log(server, text, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if text in server.stderr_text():
            return True
        time.sleep(0.02)
    return False


def test_request_log_names_operation_table_status_and_microseconds():
    s = Server("--log-requests", "-sharedDb")
    s.start()
    try:
        c = s.client()
        c.create_table(TableName="logged", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                       AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
        c.put_item(TableName="logged", Item={"k": {"S": "a"}})
        try:
            c.get_item(TableName="missing-table", Key={"k": {"S": "a"}})
        except c.exceptions.ResourceNotFoundException:
            pass
        assert wait_for_log(s, "POST PutItem table=logged status=200 us=")
        assert wait_for_log(s, "POST GetItem table=missing-table status=400 us=")
        line = next(l for l in s.stderr_text().splitlines() if "PutItem" in l)
        assert " ddb-local info: " in line and line[:4].isdigit() and "Z " in line  # UTC timestamp, program, level
    finally:
        s.stop()


def test_no_request_log_by_default_and_levels_are_checked():
    s = Server("-sharedDb")
    s.start()
    s.client().list_tables()
    s.proc.terminate()
    s.proc.wait(10)
    text = s.stderr_text()
    s.stop()
    assert "ListTables" not in text and "ddb-local info: stopped" in text
    out = subprocess.run([BIN, "--log-level", "loud"], capture_output=True, text=True, timeout=10)
    assert out.returncode == 2 and "--log-level" in out.stderr
    s = Server("-sharedDb", "--log-level", "warn")
    s.start()
    s.proc.terminate()
    s.proc.wait(10)
    text = s.stderr_text()
    s.stop()
    assert "stopped" not in text  # an info line, below the level

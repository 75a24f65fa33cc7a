"""The client trusts nothing a server answers: a fake DynamoDB endpoint answers every call with
malformed or unexpected JSON, and every command ends with a clean error or an empty result — never
a crash (the build runs with ASan and UBSan, which turn undefined behaviour into one)."""
import http.server
import json
import os
import signal
import subprocess
import threading

import pytest

from conftest import CRUDDUR

ANSWERS = [
    b"[]", b"null", b"12", b'"text"', b"{", b"{}",
    json.dumps({"Items": 5, "TableNames": {"a": 1}, "Table": [], "LastEvaluatedTableName": 3}).encode(),
    json.dumps({"Items": [1, "x", None, {"pk": 5}], "Table": {"TableName": 1, "ItemCount": "many",
                "GlobalSecondaryIndexes": [7], "LatestStreamArn": 9},
                "StreamDescription": {"Shards": [{"ShardId": 3}]}, "ShardIterator": 4,
                "Records": [1, {"dynamodb": 2}, {"eventName": "INSERT", "dynamodb": {"SequenceNumber": "1", "NewImage": 3}}],
                "Users": [{"Attributes": [1, {"Name": 2}]}], "PaginationToken": 5}).encode(),
    # A server that answers the same page forever must not keep a command paging forever.
    json.dumps({"Items": [], "LastEvaluatedKey": {"pk": {"S": "x"}, "sk": {"S": "y"}},
                "LastEvaluatedTableName": "same", "TableNames": ["same"]}).encode(),
]


class Fake(http.server.BaseHTTPRequestHandler):
    answer = b"{}"

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(Fake.answer)))
        self.end_headers()
        self.wfile.write(Fake.answer)

    def log_message(self, *a):
        pass


@pytest.fixture
def fake(tmp_path):
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Fake)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}", str(tmp_path)
    srv.shutdown()


def no_crash(out_code, stderr):
    assert out_code >= 0 and out_code not in (134, 139), (out_code, stderr)
    assert "AddressSanitizer" not in stderr and "runtime error" not in stderr, stderr


@pytest.mark.parametrize("answer", ANSWERS, ids=[f"answer{i}" for i in range(len(ANSWERS))])
def test_commands_survive_malformed_answers(fake, answer):
    url, data = fake
    Fake.answer = answer
    env = dict(os.environ, AWS_ACCESS_KEY_ID="k", AWS_SECRET_ACCESS_KEY="s", AWS_DEFAULT_REGION="us-east-1")
    for args in (["ddb", "list-tables"], ["ddb", "describe-table"], ["ddb", "scan"], ["ddb", "list-conversations", "bayko"],
                 ["ddb", "get-conversation"], ["ddb", "scan", "--json"]):
        out = subprocess.run([CRUDDUR, *args, "--endpoint", url, "--data-dir", data], capture_output=True, text=True,
                             timeout=60, env=env)
        no_crash(out.returncode, out.stderr)
    # The stream worker keeps retrying (the endpoint is reachable but answers nonsense) and stops cleanly.
    w = subprocess.Popen([CRUDDUR, "stream-worker", "--endpoint", url, "--data-dir", data], stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True, env=env)
    # Wait for what it says: a retry after the bad answer (it keeps running) or its own clean exit.
    seen = []
    for line in w.stderr:
        seen.append(line)
        if "(retrying)" in line:
            break
    if w.poll() is None:
        w.send_signal(signal.SIGTERM)
    w.wait(30)
    no_crash(w.returncode, "".join(seen) + w.stderr.read())

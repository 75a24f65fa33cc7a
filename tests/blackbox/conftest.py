"""Starts ddb-local on a free port on 127.0.0.1 for the tests and stops it afterwards."""
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time

import boto3
from botocore.config import Config
import pytest

BIN = os.environ.get("DDB_LOCAL_BIN", os.path.join(os.path.dirname(__file__), "../../build/ddb-local"))
CREDS = dict(aws_access_key_id="dummy", aws_secret_access_key="dummy", region_name="eu-central-1")


class Server:
    def __init__(self, *args, data_dir=None, nofile=None):
        self.args = list(args)
        self.data_dir = data_dir
        self.nofile = nofile  # descriptor limit (soft and hard) for the server process
        self.proc = None
        self.port = None

    def start(self):
        cmd = [BIN, "--port", "0"] + self.args
        if self.data_dir:
            cmd += ["-dbPath", self.data_dir]
        elif "-inMemory" not in self.args:
            cmd += ["-inMemory"]
        def limit():
            if self.nofile:
                import resource
                resource.setrlimit(resource.RLIMIT_NOFILE, (self.nofile, self.nofile))
        # stderr goes to a file: a pipe nobody reads would block a server that logs a lot.
        self.log = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self.log, text=True,
                                     preexec_fn=limit)
        deadline = time.time() + 10
        banner = []
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            banner.append(line)
            m = re.match(r"Listening on http://127\.0\.0\.1:(\d+)", line)
            if m:
                self.port = int(m.group(1))
                self.banner = "".join(banner)
                return self
        raise RuntimeError("ddb-local did not start: " + "".join(banner) + self.stderr_text())

    def stderr_text(self):
        self.log.seek(0)
        return self.log.read()

    def rss_mb(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return 0

    def fds(self):
        return len(os.listdir(f"/proc/{self.proc.pid}/fd"))

    def cpu_seconds(self):
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def client(self, **kw):
        args = dict(CREDS)
        args["config"] = Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=30)
        args.update(kw)
        return boto3.client("dynamodb", endpoint_url=self.url, **args)

    def resource(self, **kw):
        args = dict(CREDS)
        args.update(kw)
        return boto3.resource("dynamodb", endpoint_url=self.url, **args)

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self.proc.stdout.close()
            self.log.close()


@pytest.fixture
def server():
    s = Server().start()
    yield s
    s.stop()


@pytest.fixture
def data_dir():
    d = tempfile.mkdtemp(prefix="ddb-bb-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


def messages_table_spec(name="cruddur-messages"):
    """The table of MESSAGING.md, as the original schema-load script created it."""
    return dict(
        TableName=name,
        AttributeDefinitions=[
            {"AttributeName": "message_group_uuid", "AttributeType": "S"},
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[{
            "IndexName": "message-group-sk-index",
            "KeySchema": [{"AttributeName": "message_group_uuid", "KeyType": "HASH"},
                          {"AttributeName": "sk", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "ALL"},
            "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
        }],
        BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )


class Writers:
    """Threads that PutItem distinct keys until the server dies; `acked` holds every write the server
    acknowledged (a write cut off by the kill is not in it)."""

    def __init__(self, server, n, prefix, table="crash", extra=None):
        self.acked, self.lock, self.stop = [], threading.Lock(), threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(server, f"{prefix}w{i}-", table, extra)) for i in range(n)]
        for t in self.threads:
            t.start()

    def _run(self, server, prefix, table, extra):
        cl = server.client()
        i = 0
        while not self.stop.is_set():
            key = f"{prefix}{i}"
            item = {"k": {"S": key}, "v": {"N": str(i)}}
            item.update(extra(key) if extra else {})
            try:
                cl.put_item(TableName=table, Item=item)
            except Exception:
                return  # the server died mid-request: this write was never acknowledged
            with self.lock:
                self.acked.append(key)
            i += 1

    def join(self):
        self.stop.set()
        for t in self.threads:
            t.join()


def missing_keys(client, keys, table="crash"):
    """The keys (of attribute k) that a BatchGetItem does not find."""
    missing = []
    for i in range(0, len(keys), 100):
        batch = [{"k": {"S": k}} for k in keys[i:i + 100]]
        got = client.batch_get_item(RequestItems={table: {"Keys": batch}})["Responses"][table]
        found = {g["k"]["S"] for g in got}
        missing += [k["k"]["S"] for k in batch if k["k"]["S"] not in found]
    return missing

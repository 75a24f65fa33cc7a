"""cruddur's SigV4 signer (the HTTP transport of its DynamoDB client) checked against botocore's:
a tiny DynamoDB-shaped server recomputes every request's signature with botocore.auth.SigV4Auth over
the bytes it received and answers 403 on any difference."""
import http.server
import json
import subprocess
import threading

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from conftest import CRUDDUR


class Handler(http.server.BaseHTTPRequestHandler):
    seen = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        auth = self.headers["Authorization"]
        amz_date = self.headers["X-Amz-Date"]
        signed = auth.split("SignedHeaders=")[1].split(",")[0].split(";")
        req = AWSRequest(method="POST", url=f"http://{self.headers['Host']}/", data=body,
                         headers={h: self.headers[h] for h in signed if h not in ("host", "x-amz-date")})
        req.context["timestamp"] = amz_date
        creds = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "session-token")
        SigV4Auth(creds, "dynamodb", "eu-west-1").add_auth(req)
        expected = req.headers["Authorization"]
        Handler.seen.append((auth == expected, auth, expected, self.headers.get("X-Amz-Security-Token")))
        out = json.dumps({"TableNames": ["cruddur-messages"]} if auth == expected else {"__type": "InvalidSignatureException"}).encode()
        self.send_response(200 if auth == expected else 403)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *args):
        pass


def test_signatures_match_botocore(tmp_path):
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        env = {"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
               "AWS_SESSION_TOKEN": "session-token", "AWS_DEFAULT_REGION": "eu-west-1", "PATH": "/usr/bin:/bin"}
        out = subprocess.run([CRUDDUR, "ddb", "list-tables", "--endpoint", f"http://127.0.0.1:{srv.server_port}",
                              "--data-dir", str(tmp_path)], env=env, capture_output=True, text=True, timeout=30)
        assert out.returncode == 0, out.stderr
        assert "cruddur-messages" in out.stdout
        assert Handler.seen and all(ok for ok, *_ in Handler.seen), Handler.seen
        assert Handler.seen[0][3] == "session-token"
    finally:
        srv.shutdown()

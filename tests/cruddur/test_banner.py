"""Issue 10, item 7: the start banner is true in every mode — each command it prints is run here, from
another directory and a shell with no cruddur or AWS settings, and must work."""
import json
import os
import re
import shutil
import subprocess
import urllib.request

import pytest

from conftest import CRUDDUR, Cruddur, DdbLocal

CLEAN_ENV = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "AWS_PAGER": ""}


def banner_commands(banner):
    token = re.search(r"^  Get a token:  (.+)$", banner, re.M)
    aws = re.search(r"^\s+((?:\S+=\S+ )*aws dynamodb .+)$", banner, re.M)
    return (token.group(1) if token else None), (aws.group(1) if aws else None)


def sh(cmd, env=None):
    return subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, cwd="/", env=env or CLEAN_ENV, timeout=60)


def me(app, token):
    req = urllib.request.Request(app.url + "/api/me", headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


def check_token_command(app):
    token_cmd, _ = banner_commands(app.banner)
    assert token_cmd, app.banner
    out = sh(token_cmd)
    assert out.returncode == 0, (token_cmd, out.stderr)
    assert me(app, out.stdout.strip())["handle"] == "andrewbrown"


def test_embedded_banner_commands_work():
    app = Cruddur().start()
    try:
        assert "sign in as a demo user" in app.banner
        check_token_command(app)
        _, aws = banner_commands(app.banner)
        assert aws, app.banner
        out = sh(aws)
        assert out.returncode == 0, (aws, out.stderr)
        assert json.loads(out.stdout)["Table"]["TableName"] == "cruddur-messages"
    finally:
        app.stop()


def test_postgres_banner_token_command_names_the_directory(postgres):
    subprocess.run([CRUDDUR, "db", "schema-load", "--connection-url", postgres.url], check=True, capture_output=True)
    app = Cruddur(env={"CONNECTION_URL": postgres.url}).start()
    try:
        assert "--connection-url" in app.banner
        check_token_command(app)  # CLEAN_ENV has no CONNECTION_URL: the command itself must say where
    finally:
        app.proc.terminate()
        _, err = app.proc.communicate(timeout=15)
        app.stop()
    assert "NOTICE" not in err, err


def test_remote_endpoint_banner_describes_the_table_there():
    ddb = DdbLocal().start()
    app = Cruddur(ddb_endpoint=ddb.url).start()
    try:
        _, aws = banner_commands(app.banner)
        assert aws and ddb.url in aws, app.banner
        env = dict(CLEAN_ENV, AWS_ACCESS_KEY_ID="dummy", AWS_SECRET_ACCESS_KEY="dummy")  # the shell's own credentials
        out = sh(aws, env)
        assert out.returncode == 0, (aws, out.stderr)
        assert json.loads(out.stdout)["Table"]["TableName"] == "cruddur-messages"
        check_token_command(app)
    finally:
        app.stop()
        ddb.stop()


def test_a_missing_web_dir_is_said_and_not_offered(tmp_path):
    app = Cruddur()
    cmd = [CRUDDUR, "serve", "--port", "0", "--ddb-port", "0", "--data-dir", app.data_dir, "--web-dir", str(tmp_path / "nope")]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=app.env)
    try:
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("Listening on"):
                break
        banner = "".join(lines)
        assert "Web client:   not served" in banner and "sign in" not in banner
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=15)
        shutil.rmtree(app.data_dir, ignore_errors=True)
    assert "no index.html" in err and "--web-dir" in err


def test_favicon_is_served():
    app = Cruddur().start()
    try:
        with urllib.request.urlopen(app.url + "/favicon.ico", timeout=10) as r:
            assert r.status == 200 and r.headers["Content-Type"].startswith("image/")
    finally:
        app.stop()


def test_request_log_is_opt_in_and_hides_queries():
    import signal
    app = Cruddur()
    cmd = [CRUDDUR, "serve", "--port", "0", "--ddb-port", "0", "--data-dir", app.data_dir, "--log-requests"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=app.env)
    try:
        for line in proc.stdout:
            m = re.match(r"Listening on (http://127\.0\.0\.1:\d+)", line)
            if m:
                break
        urllib.request.urlopen(m.group(1) + "/api/health-check?secret=cursor", timeout=10).read()
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=15)
        shutil.rmtree(app.data_dir, ignore_errors=True)
    assert re.search(r"cruddur info: GET /api/health-check status=200 us=\d+", err), err
    assert "secret" not in err and "cruddur info: stopped" in err

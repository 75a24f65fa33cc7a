"""cruddur with a Cognito user pool, tested against cognito-local (ORACLES.md): real RS256 access
tokens from USER_PASSWORD_AUTH, `db update-cognito-user-ids`, `cognito list-users` and the API."""
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request

import pytest

from conftest import CRUDDUR, Cruddur, free_port, need

HERE = os.path.dirname(os.path.abspath(__file__))
COGNITO = os.path.join(HERE, "../cognito/node_modules/cognito-local/lib/bin/start.js")
AWS = "/usr/bin/aws"


@pytest.fixture(scope="module")
def cognito():
    need(os.path.exists(COGNITO), "cognito-local is not installed (scripts/test.sh runs npm ci in tests/cognito)")
    d = tempfile.mkdtemp(prefix="cognito-")
    os.makedirs(f"{d}/.cognito")
    with open(f"{d}/.cognito/config.json", "w") as f:
        json.dump({"UserPoolDefaults": {"UsernameAttributes": []}}, f)
    port = free_port()
    proc = subprocess.Popen(["node", COGNITO], cwd=d, env=dict(os.environ, HOST="127.0.0.1", PORT=str(port)),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ, AWS_ACCESS_KEY_ID="local", AWS_SECRET_ACCESS_KEY="local", AWS_DEFAULT_REGION="us-east-1", AWS_PAGER="")

    def aws(*args):
        out = subprocess.run([AWS, "cognito-idp", *args, "--endpoint-url", url], env=env, capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout) if out.stdout.strip() else {}

    for _ in range(100):  # wait until it answers
        try:
            urllib.request.urlopen(url, timeout=1)
        except urllib.error.HTTPError:
            break
        except Exception:
            time.sleep(0.1)
    pool = aws("create-user-pool", "--pool-name", "cruddur")["UserPool"]["Id"]
    client = aws("create-user-pool-client", "--user-pool-id", pool, "--client-name", "web",
                 "--explicit-auth-flows", "ALLOW_USER_PASSWORD_AUTH")["UserPoolClient"]["ClientId"]
    for handle in ("andrewbrown", "bayko"):
        aws("admin-create-user", "--user-pool-id", pool, "--username", handle, "--message-action", "SUPPRESS", "--user-attributes",
            f"Name=preferred_username,Value={handle}", f"Name=email,Value={handle}@cruddur.example")
        aws("admin-set-user-password", "--user-pool-id", pool, "--username", handle, "--password", "Passw0rd!", "--permanent")

    def token(handle, kind="AccessToken"):
        r = aws("initiate-auth", "--auth-flow", "USER_PASSWORD_AUTH", "--client-id", client,
                "--auth-parameters", f"USERNAME={handle},PASSWORD=Passw0rd!")
        return r["AuthenticationResult"][kind]

    yield {"url": url, "pool": pool, "client": client, "token": token}
    proc.terminate()
    proc.wait(10)
    shutil.rmtree(d, ignore_errors=True)


def test_cognito_tokens_commands_and_api(cognito):
    env = {"AWS_COGNITO_USER_POOL_ID": cognito["pool"], "AWS_COGNITO_USER_POOL_CLIENT_ID": cognito["client"],
           "COGNITO_ISSUER_URL": f"{cognito['url']}/{cognito['pool']}", "COGNITO_ENDPOINT_URL": cognito["url"]}
    app = Cruddur(env=env).start()
    try:
        assert cognito["pool"] in app.banner
        # The banner offers no demo users and no local-issuer token command in Cognito mode.
        assert "demo user" not in app.banner and "auth token" not in app.banner
        users = json.loads(app.run("cognito", "list-users", "--json").stdout)
        assert sorted(u["preferred_username"] for u in users) == ["andrewbrown", "bayko"]
        # Before the directory knows the Cognito sub, a valid token maps to nobody: 401.
        tok = cognito["token"]("bayko")
        assert app.request("GET", "/api/message_groups", tok)[0] == 401
        out = app.run("db", "update-cognito-user-ids").stdout
        assert "updated 2 users" in out
        status, groups, _ = app.request("GET", "/api/message_groups", tok)
        assert status == 200 and groups[0]["handle"] == "andrewbrown"
        # Tokens of the local issuer are not accepted when Cognito is configured.
        local = subprocess.run([CRUDDUR, "auth", "token", "bayko", "--data-dir", app.data_dir], capture_output=True, text=True,
                               env=app.env).stdout.strip()
        assert app.request("GET", "/api/message_groups", local)[0] == 401
        # An ID token is not an access token (token_use is checked).
        assert app.request("GET", "/api/message_groups", cognito["token"]("bayko", "IdToken"))[0] == 401
        # The web client's sign-in: USER_PASSWORD_AUTH through the server, on its own origin.
        assert app.request("GET", "/api/auth/config")[1] == {"mode": "cognito"}
        status, body, _ = app.request("POST", "/api/auth/password", None, {"username": "bayko", "password": "Passw0rd!"})
        assert status == 200
        assert app.request("GET", "/api/me", body["access_token"])[1]["handle"] == "bayko"
        assert app.request("POST", "/api/auth/password", None, {"username": "bayko", "password": "wrong"})[0] == 401
        assert app.request("POST", "/api/auth/local-token", None, {"handle": "bayko"})[0] == 404  # no local tokens with Cognito
        a = cognito["token"]("andrewbrown")
        assert app.request("POST", "/api/messages", a, {"message": "via Cognito", "handle": "bayko"})[0] == 200
    finally:
        app.stop()

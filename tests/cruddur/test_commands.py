"""Issue 10, item 6: the helper commands behave — idempotent seeds, validated arguments, --help on every
command, --version, --json wherever the README says, text tables cut by characters."""
import json
import subprocess

import pytest

from conftest import CRUDDUR

DEMO = "5ae290ed-55d1-47a0-bc6d-fe2bc2700399"

COMMANDS = [["serve"], ["stream-worker"], ["auth", "token"], ["ddb", "schema-load"], ["ddb", "seed"], ["ddb", "scan"],
            ["ddb", "list-tables"], ["ddb", "describe-table"], ["ddb", "drop"], ["ddb", "get-conversation"],
            ["ddb", "list-conversations"], ["db", "schema-load"], ["db", "seed"], ["db", "setup"],
            ["db", "update-cognito-user-ids"], ["cognito", "list-users"]]


def cruddur(*args):
    return subprocess.run([CRUDDUR, *args], capture_output=True, text=True, timeout=30)


@pytest.mark.parametrize("words", COMMANDS, ids=lambda w: " ".join(w))
def test_every_command_has_help(words):
    out = cruddur(*words, "--help")
    assert out.returncode == 0 and out.stdout.startswith("") and f"Usage: cruddur {' '.join(words)}" in out.stdout, out
    assert "--data-dir" in out.stdout


def test_version_and_usage_errors():
    out = cruddur("--version")
    assert out.returncode == 0 and out.stdout.startswith("cruddur ")
    for args, says in [(["ddb", "scan", "extra"], "extra"), (["ddb", "drop"], "table is required"),
                       (["serve", "--port", "99999"], "99999"), (["serve", "--bogus"], "--bogus"),
                       (["stream-worker", "--from", "yesterday"], "yesterday"), (["nope"], "nope"),
                       (["auth", "token"], "handle"), (["ddb", "list-tables", "--port", "1"], "--port")]:
        out = cruddur(*args)
        assert out.returncode == 2 and says in out.stderr and "--help" in out.stderr, (args, out)
    assert cruddur().returncode == 2


def test_seeds_are_idempotent(embedded):
    ep = ["--endpoint", embedded.dynamodb_url]
    again = embedded.run("ddb", "seed", *ep)
    assert "already" in again.stdout and "nothing changed" in again.stdout
    js = json.loads(embedded.run("ddb", "seed", "--json", *ep).stdout)
    assert js["seeded"] is False and js["messages"] == 0
    msgs = json.loads(embedded.run("ddb", "get-conversation", DEMO, "--json", *ep).stdout)
    assert len(msgs) == 100
    convs = json.loads(embedded.run("ddb", "list-conversations", "andrewbrown", "--json", *ep).stdout)
    assert [c["message_group_uuid"]["S"] for c in convs].count(DEMO) == 1
    js = json.loads(embedded.run("db", "seed", "--json").stdout)
    assert js["users_added"] == 0 and js["users_present"] == 4
    js = json.loads(embedded.run("db", "setup", "--json").stdout)
    assert js["users_added"] == 4 and js["schema_loaded"] is True  # setup recreates the table, as the original's did


def test_seeds_are_idempotent_on_postgres(postgres):
    url = ["--connection-url", postgres.url]
    cruddur("db", "schema-load", *url)
    first = json.loads(cruddur("db", "seed", "--json", *url).stdout)
    second = cruddur("db", "seed", *url)
    assert first["users_added"] == 4
    assert second.returncode == 0 and "seeded 0 users (4 already present)" in second.stdout


def test_describe_table_takes_its_argument(embedded):
    ep = ["--endpoint", embedded.dynamodb_url]
    out = embedded.run("ddb", "describe-table", "nope", *ep, check=False)
    assert out.returncode == 1 and "ResourceNotFoundException" in out.stderr and "cruddur-messages" not in out.stdout
    js = json.loads(embedded.run("ddb", "describe-table", "cruddur-messages", "--json", *ep).stdout)
    assert js["TableName"] == "cruddur-messages"
    out = embedded.run("ddb", "drop", "nope2", *ep, check=False)
    assert out.returncode == 1 and "ResourceNotFoundException" in out.stderr


def test_json_from_the_token_command(embedded):
    js = json.loads(embedded.run("auth", "token", "bayko", "--json").stdout)
    assert js["handle"] == "bayko" and js["access_token"].count(".") == 2


def test_text_tables_cut_by_characters_with_an_ellipsis(embedded):
    ep = ["--endpoint", embedded.dynamodb_url]
    token = embedded.token("londo")
    text = "Ünïcödé façade — " * 10 + "\nsecond line"
    status, sent, _ = embedded.request("POST", "/api/messages", token, {"message": text, "handle": "bayko"})
    assert status == 200
    for cmd in (["ddb", "list-conversations", "londo"], ["ddb", "get-conversation", sent["message_group_uuid"]],
                ["ddb", "scan"]):
        out = subprocess.run([CRUDDUR, *cmd, *ep, "--data-dir", embedded.data_dir], capture_output=True, env=embedded.env)
        assert out.returncode == 0
        lines = out.stdout.decode("utf-8").splitlines()  # strict: no character was split
        row = next(line for line in lines if "Ünïcödé" in line)
        cell = row[row.index("Ünïcödé"):].rstrip()
        assert cell.endswith("\u2026") and len(cell) == 60, (cmd, cell)
        assert "second line" not in out.stdout.decode()
